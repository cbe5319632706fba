"""The `rbh` command line: one module per command; `main` dispatches."""
