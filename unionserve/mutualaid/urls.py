"""Pages of mutual aid: plans, enrolment and the medical batch (`urls_plans`), claims (`urls_claims`)."""

from . import urls_claims, urls_plans

app_name = "mutualaid"

urlpatterns = urls_plans.urlpatterns + urls_claims.urlpatterns
