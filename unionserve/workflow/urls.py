from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("tab/<str:tab>/", views.inbox_view, name="inbox_tab"),
    path("counts/", views.counts_fragment, name="counts"),
    path("new/<str:process>/", views.open_view, name="open"),
    path("cases/<str:number>/", views.case_view, name="case"),
    path("cases/<str:number>/act/<str:action>/", views.act, name="act"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("processes/", views.process_list, name="processes"),
    path("processes/<str:code>/", views.process_help, name="process"),
]
