"""The panel writes money and numbers as the rest of the product does (dashboard.core.formatting)."""

from dashboard.core.formatting import money, number

__all__ = ["money", "number"]
