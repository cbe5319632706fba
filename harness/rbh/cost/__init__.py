"""Money: per-model price tables (shipped by backend plugins, overridable by the user), the cost
of completions (batch discount applied), the pre-run estimate and the `--max-cost` budget."""

from rbh.cost.budget import Budget, BudgetExceeded
from rbh.cost.estimate import CostEstimate, TaskEstimate, estimate_cost, estimate_prompt_tokens, estimate_request_cost
from rbh.cost.prices import Price, completion_cost, resolve_price, user_prices_path
from rbh.cost.report import cost_lines, format_usd

__all__ = [
    "Budget",
    "BudgetExceeded",
    "CostEstimate",
    "Price",
    "TaskEstimate",
    "completion_cost",
    "cost_lines",
    "estimate_cost",
    "estimate_prompt_tokens",
    "estimate_request_cost",
    "format_usd",
    "resolve_price",
    "user_prices_path",
]
