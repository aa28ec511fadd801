"""Pages of the plans, enrolment and the quarterly medical batch."""

urlpatterns: list = []
