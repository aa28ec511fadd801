"""Pages of legal aid."""

from django.urls import path

from . import views

app_name = "legalaid"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_cases, name="mine"),
    path("new/", views.intake_view, name="intake"),
    path("cases/<str:number>/eligibility/", views.screen_view, name="screen"),
    path("cases/<str:number>/assign/", views.assign_view, name="assign"),
    path("cases/<str:number>/documents/", views.remake_document_view, name="remake_document"),
    path("cases/<str:number>/reveal/", views.reveal_view, name="reveal"),
    path("firms/", views.firm_list, name="firms"),
    path("firms/new/", views.firm_edit, name="firm_new"),
    path("firms/<int:pk>/", views.firm_detail, name="firm"),
    path("firms/<int:pk>/edit/", views.firm_edit, name="firm_edit"),
    path("firms/<int:firm_pk>/contracts/new/", views.contract_edit, name="contract_new"),
    path("firms/<int:firm_pk>/contracts/<int:pk>/", views.contract_edit, name="contract_edit"),
    path("firms/<int:firm_pk>/lawyers/new/", views.lawyer_edit, name="lawyer_new"),
    path("firms/<int:firm_pk>/lawyers/<int:pk>/", views.lawyer_edit, name="lawyer_edit"),
    path("firms/<int:firm_pk>/representations/new/", views.engagement_add, name="engagement_new"),
]
