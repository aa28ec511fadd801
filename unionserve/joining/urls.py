"""Pages of joining online."""

from django.urls import path  # noqa: F401

app_name = "joining"

urlpatterns: list = []
