"""The cost records of a run (results.json): per task from its completion counts, and in total."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rbh.results.model import CostResult

if TYPE_CHECKING:
    from rbh.completion import CompletionCounts, CompletionService


def is_priced(service: "CompletionService") -> bool:
    """Whether cost is reported at all: any model given prices, and paid API backends (with a
    price table) on their provider's own endpoint. Local models, baselines and API backends
    pointed at another server (`base_url`: vLLM serve, Ollama) have no price to miss."""
    if service.price is not None:
        return True
    return getattr(type(service.model), "price_table", None) is not None and not service.model.model_args.get("base_url")


def task_cost(service: "CompletionService", counts: "CompletionCounts") -> CostResult | None:
    if not is_priced(service):
        return None
    usd = round(counts.cost_usd, 6) if service.price is not None else None
    return CostResult(usd=usd, batch_calls=counts.batch_calls)


def run_cost(service: "CompletionService", tasks: Iterable[CostResult | None]) -> CostResult | None:
    if not is_priced(service):
        return None
    costs = [t for t in tasks if t is not None]
    price = service.price
    usd = round(sum(t.usd or 0.0 for t in costs), 6) if price is not None else None
    return CostResult(usd=usd, batch_calls=sum(t.batch_calls for t in costs), price=price.as_dict() if price is not None else None)
