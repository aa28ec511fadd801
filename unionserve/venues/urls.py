"""Pages of brand venues."""

from django.urls import path  # noqa: F401

app_name = "venues"

urlpatterns: list = []
