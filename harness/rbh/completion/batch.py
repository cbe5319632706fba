"""Batch mode of the completion service: the missing requests go to the provider's batch API
instead of live calls (docs/design.md §7).

1. Requests that an unfinished recorded batch already carries are not sent again: that batch is
   polled (this is how a re-run after a crash or Ctrl-C resumes).
2. The rest are submitted in batches of `batch_size`; each batch id and its request keys are
   recorded in the cache database before any waiting. With a budget, a batch is cut to the
   requests whose upper-bound estimate still fits, and nothing beyond is submitted.
3. Every batch is polled every `batch_poll` seconds until it ends; its results are stored in the
   cache and settled as they are read (results for requests of other runs are cached too).
4. Requests a batch did not complete (expired, cancelled, 429/5xx lines, missing) are re-batched,
   sent live, or left failed, as `batch_retry` says; a batch still running after `batch_wait`
   seconds stays recorded and its requests fail with "run the same command again".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from rbh.completion.batch_store import BatchStore
from rbh.cost.estimate import estimate_request_cost
from rbh.errors import RbhError
from rbh.models.base import ChatRequest, Completion

if TYPE_CHECKING:
    from rbh.completion.service import CompletionService
    from rbh.models.batch import BatchApi, BatchStatus

T = TypeVar("T")
POLL_ATTEMPTS = 5  # consecutive failed polls of one batch before the run stops


class BatchError(RbhError):
    """The provider's batch endpoints failed (upload, create, poll): the run stops; batches
    already submitted stay recorded, so re-running resumes them."""


@dataclass
class _Active:
    keys: set[str]  # the keys of this run the batch carries
    reserved: float  # budget reserved for them until the results are in
    status: "BatchStatus | None" = None


class BatchRunner:
    """Runs one `complete` call's missing requests through a batch API."""

    def __init__(
        self,
        service: "CompletionService",
        store: BatchStore,
        on_status: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.service = service
        self.model = service.model
        options = self.model.batch_options
        assert options is not None
        self.options = options
        self.store = store
        self.on_status = on_status or (lambda text: None)
        self.sleep = sleep
        self.api: BatchApi | None = None

    def run(
        self,
        requests: Sequence[ChatRequest],
        indices: Sequence[int],
        settle: Callable[[int, Completion], None],
        send_live: Callable[[list[int]], None],
    ) -> None:
        by_key = {requests[i].key: i for i in indices}
        self.api = self.model.batch_api()
        try:
            self._run(requests, by_key, settle, send_live)
        finally:
            self.api.close()

    def _run(
        self,
        requests: Sequence[ChatRequest],
        by_key: dict[str, int],
        settle: Callable[[int, Completion], None],
        send_live: Callable[[list[int]], None],
    ) -> None:
        budget, price = self.service.budget, self.service.price
        tries: dict[str, int] = dict.fromkeys(by_key, 0)
        active: dict[str, _Active] = {}

        def estimate(key: str) -> float:
            return estimate_request_cost(price, requests[by_key[key]], batch=True) if price is not None else 0.0

        for batch_id, keys in self.store.in_flight(by_key).items():  # resume: poll, never re-submit
            reserved = sum(estimate(k) for k in keys) if budget is not None else 0.0
            active[batch_id] = _Active(keys, reserved)
            for key in keys:
                tries[key] = 1
            if budget is not None:
                budget.reserved += reserved
        carried = {k for a in active.values() for k in a.keys}
        pending = [k for k in by_key if k not in carried]
        unsent = 0
        while pending or active:
            unsent += self._submit(pending, requests, by_key, estimate, active, tries)
            pending = []
            retry = self._wait(active, by_key, settle)
            failed: list[tuple[str, Completion]] = []
            for key, completion in retry:
                if self.options.retry == "batch" and tries[key] < self.options.rounds and not unsent:
                    pending.append(key)
                else:
                    failed.append((key, completion))
            if self.options.retry == "live" and failed and not unsent:
                self.on_status(f"sending {len(failed)} request(s) live")
                send_live([by_key[k] for k, _ in failed])
            else:
                for key, completion in failed:
                    settle(by_key[key], completion)
        if unsent and budget is not None:
            raise budget.stopped(unsent, batch=True)

    def _submit(
        self,
        keys: list[str],
        requests: Sequence[ChatRequest],
        by_key: dict[str, int],
        estimate: Callable[[str], float],
        active: dict[str, _Active],
        tries: dict[str, int],
    ) -> int:
        """Submit `keys` in batches of at most `batch_size`; returns how many the budget kept back."""
        assert self.api is not None
        budget = self.service.budget
        for start in range(0, len(keys), self.options.size):
            chunk = keys[start : start + self.options.size]
            reserved = 0.0
            if budget is not None:
                estimates = [estimate(k) for k in chunk]
                fit = budget.take(estimates)
                if fit < len(chunk):
                    chunk, estimates = chunk[:fit], estimates[:fit]
                    unsent = len(keys) - start - fit
                    if chunk:
                        self._submit_one(chunk, requests, by_key, sum(estimates), active, tries)
                    return unsent
                reserved = sum(estimates)
            self._submit_one(chunk, requests, by_key, reserved, active, tries)
        return 0

    def _submit_one(
        self,
        chunk: list[str],
        requests: Sequence[ChatRequest],
        by_key: dict[str, int],
        reserved: float,
        active: dict[str, _Active],
        tries: dict[str, int],
    ) -> None:
        assert self.api is not None
        api = self.api
        self.on_status(f"uploading a batch of {len(chunk)}")
        batch_id = self._call("submit a batch", lambda: api.submit([requests[by_key[k]] for k in chunk]))
        client = {"api_key_env": self.model.model_args.get("api_key_env")}  # for `rbh batches cancel`
        self.store.record(batch_id, {**self.service.identity, "client": client}, chunk)  # before any waiting
        active[batch_id] = _Active(set(chunk), reserved)
        if self.service.budget is not None:
            self.service.budget.reserved += reserved
        for key in chunk:
            tries[key] += 1

    def _wait(
        self, active: dict[str, _Active], by_key: dict[str, int], settle: Callable[[int, Completion], None]
    ) -> list[tuple[str, Completion]]:
        """Poll until every active batch ended (or `batch_wait` passed); collect each as it ends.
        Returns the retryable failures."""
        assert self.api is not None
        api = self.api
        deadline = time.monotonic() + self.options.wait_s
        retry: list[tuple[str, Completion]] = []
        failures: dict[str, int] = {}
        while active:
            for batch_id in list(active):
                try:
                    status = api.poll(batch_id)
                except Exception as exc:  # noqa: BLE001 — a blip in a 24-hour wait is retried
                    failures[batch_id] = failures.get(batch_id, 0) + 1
                    if failures[batch_id] >= POLL_ATTEMPTS:
                        raise self._error("poll a batch", exc) from None
                    continue
                failures.pop(batch_id, None)
                active[batch_id].status = status
                self.store.update(batch_id, status.state, status.completed, status.failed)
                if status.terminal:
                    retry += self._collect(batch_id, active.pop(batch_id), by_key, settle)
            self._report(active)
            if not active:
                break
            if time.monotonic() >= deadline:
                for batch_id, entry in active.items():
                    state = entry.status.state if entry.status else "submitted"
                    error = f"{self.model.name} batch {batch_id} still {state} after {self.options.wait_s:g}s; run the same command again to collect it"
                    for key in entry.keys:
                        settle(by_key[key], Completion(error=error, batch_id=batch_id))
                    if self.service.budget is not None:
                        self.service.budget.reserved -= entry.reserved
                active.clear()
                break
            self.sleep(self.options.poll_s)
        return retry

    def _collect(
        self, batch_id: str, entry: _Active, by_key: dict[str, int], settle: Callable[[int, Completion], None]
    ) -> list[tuple[str, Completion]]:
        """Store and settle an ended batch's results; return its retryable failures."""
        assert self.api is not None
        api = self.api
        state = entry.status.state if entry.status else "ended"
        self.on_status(f"batch {state}: downloading results")
        seen: set[str] = set()
        retry: list[tuple[str, Completion]] = []
        cache = self.service.cache
        try:
            for result in api.results(batch_id):
                key = result.custom_id
                seen.add(key)
                if key not in entry.keys:  # a request of another run in the same batch
                    if cache is not None and result.completion.error is None:
                        cache.put(key, self.model.name, self.model.model_name, result.completion)
                    continue
                if result.completion.error is not None and result.retryable:
                    retry.append((key, result.completion))
                else:
                    settle(by_key[key], result.completion)
        except Exception as exc:  # noqa: BLE001
            raise self._error("download batch results", exc) from None
        for key in entry.keys - seen:
            retry.append(
                (key, Completion(error=f"{self.model.name} batch {batch_id} ended {state} without this request", batch_id=batch_id))
            )
        if self.service.budget is not None:
            self.service.budget.reserved -= entry.reserved
        self.store.finish(batch_id)
        return retry

    def _report(self, active: dict[str, _Active]) -> None:
        if not active:
            return
        states = sorted({a.status.state if a.status else "submitted" for a in active.values()})
        done = sum(a.status.completed + a.status.failed for a in active.values() if a.status)
        total = sum(a.status.total or len(a.keys) if a.status else len(a.keys) for a in active.values())
        plural = "es" if len(active) > 1 else ""
        self.on_status(f"{len(active)} batch{plural} {'/'.join(states)} {done}/{total}")

    def _call(self, what: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except RbhError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._error(what, exc) from None

    def _error(self, what: str, exc: BaseException) -> BatchError:
        detail = " ".join(str(exc).split())[:300]
        message = f"{self.model.name}: could not {what}: {type(exc).__name__}: {detail}; submitted batches are recorded, run the same command again to resume"
        return BatchError(self.service.scrub(getattr(self.model, "redact", lambda t: t)(message)))
