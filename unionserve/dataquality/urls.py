from django.urls import path

from . import views

app_name = "dataquality"
urlpatterns = [
    path("", views.rates_view, name="rates"),
    path("recompute/", views.recompute_view, name="recompute"),
    path("policy/", views.policy_view, name="policy"),
    path("checks/", views.runs_view, name="runs"),
    path("checks/new/", views.run_create_view, name="run_create"),
    path("checks/<int:pk>/", views.run_detail_view, name="run"),
    path("checks/case/<str:number>/", views.check_view, name="check"),
]
