"""Cost lines for the console and `summary.md`: the run's total, then one line per task."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rbh.results.model import RunResults


def format_usd(usd: float) -> str:
    """$12.34, or four decimals under a dollar ($0.0123)."""
    return f"${usd:,.2f}" if usd >= 1 else f"${usd:.4f}"


def cost_lines(results: "RunResults") -> list[str]:
    """Plain-text lines (no markup) about what the run cost; empty when the backend is not
    priced at all (local models, baselines). Unknown prices say so, never a number."""
    cost = results.cost
    if cost is None:
        return []
    prompt = sum(t.tokens.prompt for t in results.tasks.values())
    completion = sum(t.tokens.completion for t in results.tasks.values())
    tokens = f"{prompt:,} prompt + {completion:,} completion tokens"
    if cost.usd is None:
        if prompt + completion == 0 or results.model.args.get("base_url"):
            return []  # nothing was spent (every answer cached), or no price could exist (another server)
        from rbh.cost.prices import user_prices_path

        return [
            f"cost: price unknown for {results.model.spec} ({tokens}); set price_in=...,price_out=... "
            f"in --model-args or the model in {user_prices_path()}"
        ]
    source = (cost.price or {}).get("source", "")
    batch = f", {cost.batch_calls:,} at batch prices" if cost.batch_calls else ""
    lines = [f"cost: {format_usd(cost.usd)} ({tokens}{batch}; prices: {source})"]
    for name, task in results.tasks.items():
        if task.cost is not None and task.cost.usd is not None:
            lines.append(f"  {name}: {format_usd(task.cost.usd)} ({task.tokens.prompt:,} + {task.tokens.completion:,} tokens)")
    return lines
