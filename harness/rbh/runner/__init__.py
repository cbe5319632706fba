"""Running tasks: request planning, the response cache, scoring and results."""
