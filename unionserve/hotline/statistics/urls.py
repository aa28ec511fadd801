"""Statistics of the 12351 platform (mounted at /hotline/statistics/)."""

from django.urls import path

from . import views

app_name = "hotline_stats"

urlpatterns = [
    path("", views.statistics, name="index"),
    path("export/", views.export, name="export"),
]
