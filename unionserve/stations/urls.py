"""Pages of service stations."""

from django.urls import path  # noqa: F401

app_name = "stations"

urlpatterns: list = []
