"""What claims hook into at start-up (called from the app's `ready`)."""

from django.utils.translation import gettext_lazy as _


def _on_payment_settled(sender, payment, **kwargs) -> None:
    from . import claims_actions

    claims_actions.settle(payment)


def ready() -> None:
    """Register the claim panel, the member section and the payment receiver."""
    from unionserve.members.public import register_section
    from unionserve.payouts.public import payment_settled
    from unionserve.workflow.panels import register_panel

    from . import claims_policies  # noqa: F401  (the claims' policy keys)
    from .claims_views import case_panel, member_section

    register_panel("mutualaid_claim", _("Claim"), "mutualaid/claims/_case_panel.html", case_panel, order=10)
    register_section(_("Accident and fire-loss claims"), "mutualaid/claims/_member_section.html", member_section)
    payment_settled.connect(_on_payment_settled, dispatch_uid="mutualaid.claims.settle")
