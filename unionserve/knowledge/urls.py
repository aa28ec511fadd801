"""Pages of the knowledge base (mounted at /knowledge/)."""

from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("suggest/", views.suggest, name="suggest"),
    path("try/", views.try_suggestions, name="try"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/submit/", views.article_submit, name="submit"),
    path("<int:pk>/review/", views.article_review, name="review"),
    path("<int:pk>/retire/", views.article_retire, name="retire"),
    path("<int:pk>/history/", views.article_history, name="history"),
]
