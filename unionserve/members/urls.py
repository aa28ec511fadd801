"""Member register pages. The import pipeline appends its own patterns at the end (``urlpatterns += ...``)."""

from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("receive/", views.receive, name="receive"),
    path("duplicates/", views.duplicates_view, name="duplicates"),
    path("duplicates/merge/", views.merge, name="merge"),
    path("export/", views.export_members, name="export"),
    path("employers/", views.employers, name="employers"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/export/", views.export_employers, name="export_employers"),
]

from .import_urls import import_urlpatterns  # noqa: E402 - the import pages (members/importing)

urlpatterns += import_urlpatterns
