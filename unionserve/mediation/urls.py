"""Pages of labor-dispute mediation."""

from django.urls import path

from . import views

app_name = "mediation"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("new/", views.new_case, name="new"),
    path("mine/", views.my_cases, name="mine"),
    path("case/<str:number>/appoint/", views.appoint, name="appoint"),
    path("mediators/", views.mediator_list, name="mediators"),
    path("mediators/new/", views.mediator_edit, name="mediator_new"),
    path("mediators/<int:pk>/", views.mediator_edit, name="mediator_edit"),
]
