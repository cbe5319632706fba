"""Exceptions with a meaning for the CLI: each maps to an exit code and one clear line."""

from __future__ import annotations


class RbhError(Exception):
    """Base class of every error rbh raises on purpose."""

    exit_code = 1


class UsageError(RbhError):
    """Bad input or configuration: the CLI prints one line and exits with code 2."""

    exit_code = 2


class ConfigError(UsageError):
    """A task, template, dataset or model configuration is invalid."""


class PluginError(UsageError):
    """A plugin failed to load (strict mode) or two plugins registered the same name."""


class DataError(UsageError):
    """A dataset, catalog or KG file cannot be read or is malformed."""
