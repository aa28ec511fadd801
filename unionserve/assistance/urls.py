"""Pages of assistance."""

from django.urls import path  # noqa: F401

app_name = "assistance"

urlpatterns: list = []
