"""Pages of card payouts."""

from django.urls import path

from . import views

app_name = "payouts"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/file/", views.batch_file, name="batch_file"),
    path("batches/<int:pk>/result/", views.batch_result, name="batch_result"),
    path("payments/", views.payments, name="payments"),
]
