"""What other areas may use of the member register (docs/architecture.md: areas meet through public modules)."""

from .vocab import Education, Employment, Hukou, to_code

__all__ = ["Education", "Employment", "Hukou", "to_code"]
