"""Price tables: USD per million tokens for input, cached input, output and the batch API.

Where a model's price comes from, first match wins:
1. `--model-args price_in=...,price_out=...[,price_cached_in=...]`;
2. the user file `prices.yaml` in rbh's config folder (`RBH_CONFIG_DIR`, else the platform's user
   config dir), keyed by backend then model;
3. the backend plugin's own table (`Model.price_table`), only for the provider's own endpoint
   (no `base_url`): a local server that calls itself `gpt-4o` is not billed like OpenAI.
An unknown model has no price: results show its tokens and "price unknown", never a guess.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.errors import ConfigError

if TYPE_CHECKING:
    from rbh.models.base import Model, Usage

BATCH_DISCOUNT = 0.5  # batch prices, where a table gives none: half the live price
_DATED = re.compile(r"^-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$")


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cached_input: float | None = None  # None: same as input
    batch_input: float | None = None  # None: input × BATCH_DISCOUNT
    batch_output: float | None = None
    source: str = ""

    def rates(self, batch: bool) -> tuple[float, float, float]:
        """(input, cached input, output) per million tokens, live or batch."""
        cached = self.cached_input if self.cached_input is not None else self.input
        if not batch:
            return self.input, cached, self.output
        batch_in = self.batch_input if self.batch_input is not None else self.input * BATCH_DISCOUNT
        batch_out = self.batch_output if self.batch_output is not None else self.output * BATCH_DISCOUNT
        ratio = batch_in / self.input if self.input else BATCH_DISCOUNT
        return batch_in, cached * ratio, batch_out

    def as_dict(self) -> dict[str, Any]:
        b_in, b_cached, b_out = self.rates(batch=True)
        _, cached, _ = self.rates(batch=False)
        return {
            "input": self.input,
            "cached_input": cached,
            "output": self.output,
            "batch_input": b_in,
            "batch_output": b_out,
            "source": self.source,
        }


def completion_cost(price: Price, usage: "Usage", batch: bool) -> float:
    """USD for one completion's tokens."""
    rate_in, rate_cached, rate_out = price.rates(batch)
    cached = min(usage.cached_tokens, usage.prompt_tokens)
    return ((usage.prompt_tokens - cached) * rate_in + cached * rate_cached + usage.completion_tokens * rate_out) / 1e6


def user_prices_path() -> Path:
    """`prices.yaml` in rbh's config folder (`RBH_CONFIG_DIR` overrides)."""
    override = os.environ.get("RBH_CONFIG_DIR")
    if override:
        return Path(override) / "prices.yaml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("rbh", appauthor=False)) / "prices.yaml"


def resolve_price(model: "Model") -> Price | None:
    """The price of a built backend, or None when unknown (see the module docstring)."""
    args = model.model_args
    if args.get("price_in") is not None or args.get("price_out") is not None:
        if args.get("price_in") is None or args.get("price_out") is None:
            raise ConfigError(f"--model-args for {model.name}: give both price_in and price_out (USD per million tokens)")
        cached = args.get("price_cached_in")
        return Price(float(args["price_in"]), float(args["price_out"]), float(cached) if cached is not None else None, source="model args")
    user = user_prices_path()
    if user.is_file():
        table = _load(str(user), os.stat(user).st_mtime).get(model.name)
        if isinstance(table, Mapping):
            found = _lookup(table, model.model_name, f"user file {user}")
            if found is not None:
                return found
    shipped = getattr(type(model), "price_table", None)
    if shipped is not None and not args.get("base_url") and Path(shipped).is_file():
        return _lookup(_load(str(shipped), 0.0), model.model_name, f"{model.name} price table")
    return None


def _lookup(table: Mapping[str, Any], model_name: str | None, source: str) -> Price | None:
    """The entry for `model_name`: exact, or the longest entry it extends by a date suffix."""
    if not model_name:
        return None
    entry = table.get(model_name)
    if entry is None:
        for name in sorted(table, key=len, reverse=True):
            if model_name.startswith(name) and _DATED.match(model_name[len(name) :]):
                entry = table[name]
                break
    if entry is None:
        return None
    return _price(entry, f"{source} ({model_name})")


def _price(entry: Any, source: str) -> Price:
    if not isinstance(entry, Mapping) or "input" not in entry or "output" not in entry:
        raise ConfigError(f"{source}: a price needs input and output (USD per million tokens), got {entry!r}")
    try:

        def opt(key: str) -> float | None:
            return float(entry[key]) if entry.get(key) is not None else None

        return Price(
            float(entry["input"]),
            float(entry["output"]),
            opt("cached_input"),
            opt("batch_input"),
            opt("batch_output"),
            source=source,
        )
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: prices must be numbers, got {dict(entry)!r}") from None


@cache
def _load(path: str, mtime: float) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the price table {path}: {' '.join(str(exc).split())[:200]}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"price table {path}: expected a mapping of names to prices")
    return data
