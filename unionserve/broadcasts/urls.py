"""Pages of broadcast appeals."""

from django.urls import path

from . import views

app_name = "broadcasts"

urlpatterns: list = [
    path("", views.broadcast_list, name="list"),
    path("new/", views.broadcast_new, name="new"),
    path("count/", views.count_view, name="count"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.broadcast_edit, name="edit"),
    path("<int:pk>/confirm/", views.confirm_view, name="confirm"),
    path("<int:pk>/progress/", views.progress_view, name="progress"),
    path("<int:pk>/cancel/", views.cancel_view, name="cancel"),
]
