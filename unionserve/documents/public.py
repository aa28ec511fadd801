"""The documents app's public module: generating a case's PDF from the city office's templates."""

from .defaults import ACCEPTANCE_NOTICE, LEGAL_AID_REFUSAL, MEDIATION_AGREEMENT, MEDIATION_TERMINATION
from .generate import DocumentError, generate
from .models import GeneratedDocument

__all__ = [
    "ACCEPTANCE_NOTICE", "LEGAL_AID_REFUSAL", "MEDIATION_AGREEMENT", "MEDIATION_TERMINATION",
    "DocumentError", "GeneratedDocument", "generate",
]
