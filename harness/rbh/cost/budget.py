"""`--max-cost USD`: a budget the completion service checks before it sends anything."""

from __future__ import annotations

from dataclasses import dataclass

from rbh.errors import RbhError


class BudgetExceeded(RbhError):
    """The next request (or batch) would cross `--max-cost`: nothing more was sent. Everything
    completed is in the response cache, so re-running continues where this run stopped."""

    exit_code = 3


@dataclass
class Budget:
    """USD allowed for this run and USD spent so far (actual token counts × prices)."""

    limit: float
    spent: float = 0.0
    reserved: float = 0.0  # upper-bound estimates of batches submitted but not yet collected

    @property
    def left(self) -> float:
        return max(0.0, self.limit - self.spent - self.reserved)

    def take(self, estimates: list[float]) -> int:
        """How many of the next requests fit, each at its upper-bound estimate."""
        room, n = self.left, 0
        for estimate in estimates:
            if estimate > room:
                break
            room -= estimate
            n += 1
        return n

    def stopped(self, unsent: int, batch: bool) -> BudgetExceeded:
        what = "batch" if batch else "request"
        return BudgetExceeded(
            f"budget: the next {what} would cross --max-cost ${self.limit:.2f} (spent ${self.spent:.4f}); "
            f"{unsent} request(s) not sent. Everything completed is cached: run the same command again to spend "
            f"up to another ${self.limit:.2f}, or raise --max-cost"
        )
