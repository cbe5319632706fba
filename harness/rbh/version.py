"""The rbh version (single source for packaging and results)."""

__version__ = "0.1.0"
