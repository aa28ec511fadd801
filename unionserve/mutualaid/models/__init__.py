"""Mutual aid's models: the plans, enrolment and the quarterly medical batch (`plans`), accident and fire-loss
claims (`claims`)."""

from .claims import *  # noqa: F403
from .plans import *  # noqa: F403
