"""Pages of legal aid."""

from django.urls import path  # noqa: F401

app_name = "legalaid"

urlpatterns: list = []
