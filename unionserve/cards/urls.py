"""Pages of jingka cards."""

from django.urls import path

from . import views

app_name = "cards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.card_detail, name="card"),
    path("<int:pk>/deliver/", views.deliver, name="deliver"),
    path("<int:pk>/lost/", views.report_lost, name="lost"),
    path("<int:pk>/replace/", views.replace, name="replace"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("apply/", views.apply_search, name="apply_search"),
    path("apply/<int:member_id>/", views.apply, name="apply"),
    path("applications/", views.applications, name="applications"),
    path("applications/send/", views.send_batch, name="send_batch"),
    path("applications/cancel-leavers/", views.cancel_leavers, name="cancel_leavers"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/file/", views.batch_file, name="batch_file"),
    path("batches/<int:pk>/result/", views.batch_result, name="batch_result"),
    path("problems/report/", views.report_problem, name="report_problem"),
    path("problems/<int:pk>/resolve/", views.resolve_problem, name="resolve_problem"),
    path("statistics/", views.statistics, name="statistics"),
]
