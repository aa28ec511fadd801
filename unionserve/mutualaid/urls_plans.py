"""Pages of the plans, enrolment and the quarterly medical batch."""

from django.urls import path

from . import views_plans as v

urlpatterns: list = [
    path("", v.index, name="index"),
    path("enrolments/", v.enrolment_list, name="enrolments"),
    path("enrolments/import/", v.enrolment_import, name="enrolment_import"),
    path("enrolments/template.xlsx", v.enrolment_template, name="enrolment_template"),
    path("imports/<int:pk>/", v.import_detail, name="import"),
    path("imports/<int:pk>/errors.xlsx", v.import_errors, name="import_errors"),
    path("members/<int:member_id>/", v.member_page, name="member"),
    path("members/<int:member_id>/statement.pdf", v.member_statement_pdf, name="member_statement"),
    path("members/<int:member_id>/enrol/", v.member_enrol, name="member_enrol"),
    path("cards/", v.card_exports, name="card_exports"),
    path("cards/<int:pk>/sha256/", v.card_export_checksum, name="card_export_checksum"),
    path("batches/", v.batch_list, name="batches"),
    path("batches/import/", v.batch_import, name="batch_import"),
    path("batches/<int:pk>/", v.batch_detail, name="batch"),
    path("batches/<int:pk>/lines/<int:line_pk>/review/", v.line_review, name="line_review"),
    path("batches/<int:pk>/finish/", v.batch_finish, name="batch_finish"),
    path("batches/<int:pk>/approve/", v.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/return/", v.batch_return, name="batch_return"),
    path("lines/", v.line_list, name="lines"),
    path("lines/<int:pk>/", v.line_detail, name="line"),
]
