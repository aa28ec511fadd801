"""Pages of assistance."""

from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("", views.index, name="index"),
    path("hardship/", views.hardship_list, name="hardship"),
    path("hardship/new/", views.hardship_new, name="hardship_new"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship_detail"),
    path("hardship/<int:pk>/recheck/", views.hardship_recheck, name="hardship_recheck"),
    path("fund/", views.fund, name="fund"),
    path("programs/", views.programs, name="programs"),
    path("programs/<int:pk>/", views.program, name="program"),
    path("programs/<int:pk>/draw/", views.program_draw, name="program_draw"),
    path("programs/<int:pk>/budget/", views.program_budget, name="program_budget"),
    path("programs/<int:pk>/add/", views.program_add, name="program_add"),
    path("programs/<int:pk>/approve/", views.program_approve, name="program_approve"),
    path("programs/<int:pk>/remove/<int:nomination>/", views.program_remove, name="program_remove"),
    path("emergency/", views.emergency_list, name="emergency"),
    path("emergency/new/", views.emergency_new, name="emergency_new"),
    path("skills/", views.skills_list, name="skills"),
    path("skills/new/", views.skills_new, name="skills_new"),
    path("skills/<int:pk>/decide/", views.skills_decide, name="skills_decide"),
    path("statistics/", views.stats, name="statistics"),
]
