"""URL patterns of the import pages (appended to members/urls.py, app "members")."""

from django.urls import path

from . import import_views as views

import_urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/download/<str:which>/", views.import_download, name="import_download"),
    path("imports/template/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
]
