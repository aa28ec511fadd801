"""Pages of service projects."""

from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.propose, name="propose"),
    path("merchants/", views.merchant_list, name="merchants"),
    path("merchants/new/", views.merchant_edit, name="merchant_new"),
    path("merchants/pick/", views.merchant_pick, name="merchant_pick"),
    path("merchants/<int:pk>/", views.merchant_edit, name="merchant_edit"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/new/", views.survey_edit, name="survey_new"),
    path("surveys/<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/", views.survey_results, name="survey_results"),
    path("portal/", views.portal_catalogue, name="portal"),
    path("portal/rate/<str:token>/", views.rate, name="rate"),
    path("portal/surveys/", views.portal_surveys, name="portal_surveys"),
    path("portal/surveys/<int:pk>/", views.portal_survey, name="portal_survey"),
    path("<str:code>/", views.project_detail, name="detail"),
]
