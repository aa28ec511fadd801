"""Pages of the 12351 worker service platform (mounted at /hotline/; the public portal at /hotline/portal/)."""

from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("window/", views.window, name="window"),
    path("lookup/", views.lookup, name="lookup"),
    path("history/", views.caller_history, name="history"),
    path("routing/", views.routing, name="routing"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/reveal/", views.request_reveal, name="request_reveal"),
    path("requests/<int:pk>/callback/", views.callback, name="callback"),
    path("categories/", views.categories, name="categories"),
    path("categories/new/", views.category_edit, name="category_new"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("portal/", views.portal, name="portal"),
    path("portal/follow/", views.portal_follow, name="portal_follow"),
    path("portal/r/<str:code>/", views.portal_status, name="portal_status"),
    path("portal/r/<str:code>/rate/", views.portal_rate, name="portal_rate"),
]
