"""URLs of the policy pages, included by the project under ``policy/``."""

from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("", views.parameter_list, name="list"),
    path("<str:key>/", views.parameter_detail, name="detail"),
    path("<str:key>/propose/", views.propose, name="propose"),
    path("versions/<int:pk>/decide/", views.decide, name="decide"),
]
