"""Pages of service stations."""

from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.station_list, name="list"),
    path("reports/", views.completeness, name="completeness"),
    path("plan/", views.plan_progress, name="plan"),
    path("training/", views.courses, name="courses"),
    path("training/new/", views.course_new, name="course_new"),
    path("training/<int:pk>/", views.course, name="course"),
    path("<int:pk>/", views.station_page, name="station"),
    path("<int:pk>/profile/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/inspection/", views.inspection, name="inspection"),
    path("<int:pk>/people/new/", views.worker_edit, name="worker_new"),
    path("<int:pk>/people/<int:worker_id>/", views.worker_edit, name="worker_edit"),
    path("<int:pk>/reports/<int:year>/<int:month>/", views.report, name="report"),
    path("<int:pk>/reports/<int:year>/<int:month>/review/", views.review, name="review"),
    path("<int:pk>/money/", views.money_add, name="money_add"),
    path("<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/party-report/<int:year>/<int:half>/", views.party_report, name="party_report"),
]
