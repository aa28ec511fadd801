"""Six-party linkage's public module: the referrals other areas count (e.g. the legal statistics)."""

from .models import Referral, ReferralStatus

__all__ = ["Referral", "ReferralStatus"]
