"""Pages of accident, death and fire-loss claims (under claims/)."""

from django.urls import path

from . import claims_views as views

urlpatterns: list = [
    path("claims/", views.claim_list, name="claims"),
    path("claims/new/", views.pick_member, name="claim_pick_member"),
    path("claims/new/<int:member_id>/", views.collect, name="claim_collect"),
    path("claims/statistics/", views.statistics_view, name="claim_statistics"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/documents/", views.record_documents, name="claim_documents"),
]
