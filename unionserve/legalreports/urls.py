"""Pages of mediation and legal-aid statistics."""

from django.urls import path  # noqa: F401

app_name = "legalreports"

urlpatterns: list = []
