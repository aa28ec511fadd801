"""Pages of labor-dispute mediation."""

from django.urls import path  # noqa: F401

app_name = "mediation"

urlpatterns: list = []
