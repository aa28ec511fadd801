"""Pages of served visits."""

from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.rates_view, name="rates"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("imports/", views.imports_view, name="imports"),
    path("imports/<int:pk>/", views.import_view, name="import"),
    path("imports/<int:pk>/errors.csv", views.import_errors_view, name="import_errors"),
    path("activities/", views.activities_view, name="activities"),
    path("activities/<int:pk>/", views.activity_view, name="activity"),
]
