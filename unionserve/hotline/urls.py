"""Pages of 12351 worker service platform."""

from django.urls import path  # noqa: F401

app_name = "hotline"

urlpatterns: list = []
