"""Signals other apps listen to, so that a merge moves their records without orgs knowing them."""

from django.dispatch import Signal

# Sent inside the merge transaction with `source` and `target` OrgUnit; receivers move their rows.
units_merged = Signal()
