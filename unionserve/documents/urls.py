"""Pages of generated documents: templates (city office), a case's documents and their download."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:code>/", views.template_edit, name="template_edit"),
    path("templates/<slug:code>/preview.pdf", views.template_preview, name="template_preview"),
    path("templates/<slug:code>/versions/<int:version>/", views.template_version, name="template_version"),
    path("case/<str:number>/", views.case_documents, name="case_documents"),
    path("<int:pk>/download/", views.download, name="download"),
]
