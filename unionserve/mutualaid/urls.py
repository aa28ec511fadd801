"""Pages of mutual aid."""

from django.urls import path  # noqa: F401

app_name = "mutualaid"

urlpatterns: list = []
