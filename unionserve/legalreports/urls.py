"""Pages of mediation and legal-aid statistics."""

from django.urls import path

from . import views

app_name = "legalreports"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
]
