"""User simulators of interactive tasks: `kg` (deterministic, offline) and `llm` (a model plays
the user behind a leakage guard). See docs/interactive.md."""
