"""Pages of broadcast appeals."""

from django.urls import path  # noqa: F401

app_name = "broadcasts"

urlpatterns: list = []
