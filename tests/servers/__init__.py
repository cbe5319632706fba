"""Local HTTP servers that stand in for remote services in tests (127.0.0.1 only)."""
