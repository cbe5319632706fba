"""Tasks: YAML configs (with `include:`, tags and groups), discovery, selection and prompts.

Import from the submodules (`rbh.tasks.config`, `rbh.tasks.index`, `rbh.tasks.prompts`);
listing tasks never imports pydantic.
"""
