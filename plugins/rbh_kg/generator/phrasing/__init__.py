"""Phrasers turn drafts into natural-language queries: Jinja templates offline, or any
registered model (`BACKEND:MODEL`)."""

from rbh_kg.generator.phrasing.base import Phrased, Phraser, make_phraser

__all__ = ["Phrased", "Phraser", "make_phraser"]
