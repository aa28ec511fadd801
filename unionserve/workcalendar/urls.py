"""URLs of the working-day calendar, included by the project under ``calendar/``."""

from django.urls import path

from . import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.index, name="index"),
    path("deadline/", views.compute, name="compute"),
    path("schedule/new/", views.schedule_form, name="schedule_form"),
    path("schedule/upload/", views.schedule_upload, name="schedule_upload"),
    path("schedule/template/", views.schedule_template, name="schedule_template"),
]
