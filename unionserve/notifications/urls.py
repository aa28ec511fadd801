from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("count/", views.unread_badge, name="count"),
    path("read/", views.mark_read_view, name="mark_read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/retry/", views.retry, name="retry"),
]
