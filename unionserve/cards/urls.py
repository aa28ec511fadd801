"""Pages of jingka cards."""

from django.urls import path  # noqa: F401

app_name = "cards"

urlpatterns: list = []
