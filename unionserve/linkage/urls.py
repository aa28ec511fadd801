"""Pages of six-party linkage."""

from django.urls import path

from . import views

app_name = "linkage"

urlpatterns = [
    path("", views.referrals, name="referrals"),
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.partner_edit, name="partner_new"),
    path("partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path("incoming/", views.incoming, name="incoming"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("cases/<str:number>/refer/", views.refer, name="refer"),
]
