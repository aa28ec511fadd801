"""Pages of card payouts."""

from django.urls import path  # noqa: F401

app_name = "payouts"

urlpatterns: list = []
