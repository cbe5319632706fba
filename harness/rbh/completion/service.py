"""The one path to a model (docs/design.md §7): build the backend, compute its identity, look requests up
in the response cache, send each distinct missing request once (with the backend's retries),
and store every completion the moment it arrives.

Used by `rbh run`, by the LLM phraser of the generator and by any plugin that needs completions:

    from rbh.completion import CompletionService

    with CompletionService.open("openai:gpt-4o-mini", model_args="base_url=...") as service:
        requests = [service.request(messages, {"max_tokens": 64}) for messages in chats]
        completions = service.complete(requests)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rbh.completion.cache import ResponseCache, open_cache, request_key
from rbh.completion.claims import Claims
from rbh.cost.budget import Budget
from rbh.cost.estimate import estimate_request_cost
from rbh.cost.prices import Price, completion_cost, resolve_price
from rbh.errors import RbhError, UsageError
from rbh.models.arguments import check_model_args
from rbh.models.base import ChatRequest, Completion, Message, Model
from rbh.models.spec import ModelSpec, parse_model_spec
from rbh.secrets import is_secret_name, redact_args, scrub

if TYPE_CHECKING:
    from rbh.registry import Registered, Registry


@dataclass
class CompletionCounts:
    """What one `complete` call did: requests, cache hits, model calls, errors and tokens."""

    requests: int = 0
    cached: int = 0
    model_calls: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0  # of completion_tokens
    cached_keys: set[str] = field(default_factory=set)
    cost_usd: float = 0.0  # of the completions this call paid for (batch discount applied)
    batch_calls: int = 0  # model calls answered through a provider batch


class _CallerError(Exception):
    """An exception raised by `complete`'s `on_result` callback, carried past the handler that
    would take it for a backend bug."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def _tally(
    counts: CompletionCounts | Sequence[CompletionCounts] | None, counts_index: Callable[[int], int] | None
) -> Callable[[int], CompletionCounts]:
    """Request index -> the CompletionCounts it is counted in."""
    if counts is None or isinstance(counts, CompletionCounts):
        one = counts if counts is not None else CompletionCounts()
        return lambda i: one
    if counts_index is None:
        raise TypeError("complete(): per-group counts need counts_index")
    groups = list(counts)
    return lambda i: groups[counts_index(i)]


def model_entry(spec: ModelSpec, registry: "Registry") -> "Registered[type[Model]]":
    """The registered backend of `spec`, its model-name alias resolved and its args checked:
    unknown keys and wrong types are one-line usage errors, before anything is built."""
    entry = registry.model(spec.backend)
    cls = entry.obj
    model_name = cls.aliases.get(spec.model, spec.model) if spec.model else None
    if cls.needs_model_name and not model_name:
        raise UsageError(f"model backend {cls.name!r} needs a model name: --model {cls.name}:NAME")
    check_model_args(cls, spec.args)
    return entry


def load_model(model: str | ModelSpec, *, model_args: str | None = None, registry: "Registry | None" = None) -> Model:
    """A bare backend for `BACKEND[:MODEL]` (aliases such as `vllm:qwen` resolved, `--model-args`
    checked): the one public way to build a model without the response cache. Most code wants
    `CompletionService.open` instead (cache, de-duplication, resume)."""
    from rbh.registry import get_registry

    spec = model if isinstance(model, ModelSpec) else parse_model_spec(model, model_args)
    return build_model(spec, model_entry(spec, registry or get_registry()))


def build_model(spec: ModelSpec, entry: "Registered[type[Model]]") -> Model:
    """Instantiate a checked backend class; a constructor's own refusal is a one-line usage error."""
    cls = entry.obj
    model_name = cls.aliases.get(spec.model, spec.model) if spec.model else None
    try:
        return cls(model_name, **spec.args)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"--model-args for {cls.name}: {exc}") from None


def model_identity(model: Model) -> dict[str, Any]:
    """The part of every cache key that names the model (secrets and transport-only args such as
    `concurrency` or `timeout`, listed in a backend's `transport_args`, excluded)."""
    transport = set(model.transport_args)
    args = {k: v for k, v in model.model_args.items() if k not in transport}
    return {"backend": model.name, "model": model.model_name, "args": redact_args(args, model.secret_args)}


class CompletionService:
    """A model behind the response cache. Build it with `open` (from a `--model` string) or
    directly from a built model; close it (or use `with`) to release the model and the cache."""

    def __init__(
        self, model: Model, cache: ResponseCache | None, *, secrets: Sequence[str] = (), provenance: Mapping[str, str] | None = None
    ):
        self.model = model
        self.cache = cache
        self.secrets = [s for s in secrets if s]
        self.identity = model_identity(model)
        self.provenance = dict(provenance or {})
        self.price: Price | None = resolve_price(model)
        self.budget: Budget | None = None  # `--max-cost`: set by the caller; needs a known price
        self._claims: Claims | None = None  # opened with the first request sent (docs/results.md, "Sharing a cache")
        self.wait_poll_s = 0.5  # how often requests another process is answering are looked for
        self.refresh = False  # `--refresh`: send every request again and replace its cached answer

    @classmethod
    def open(
        cls,
        model: str | ModelSpec,
        *,
        model_args: str | None = None,
        registry: "Registry | None" = None,
        cache_path: Path | None = None,
        use_cache: bool = True,
    ) -> "CompletionService":
        """Build the backend for a `BACKEND[:MODEL]` string (or a parsed spec) and open the cache."""
        from rbh.registry import get_registry

        spec = model if isinstance(model, ModelSpec) else parse_model_spec(model, model_args)
        entry = model_entry(spec, registry or get_registry())
        cache = open_cache(cache_path) if use_cache else None
        try:
            return cls.build(spec, entry, cache)
        except BaseException:
            if cache is not None:
                cache.close()
            raise

    @classmethod
    def build(cls, spec: ModelSpec, entry: "Registered[type[Model]]", cache: ResponseCache | None) -> "CompletionService":
        """A service over a checked backend class (see `model_entry`) and an open cache (or None)."""
        model = build_model(spec, entry)
        secrets = [str(v) for k, v in spec.args.items() if v is not None and is_secret_name(k, model.secret_args)]
        return cls(model, cache, secrets=secrets, provenance=entry.provenance)

    # -- requests -------------------------------------------------------------------------------
    def key(self, messages: Sequence[Message], gen: Mapping[str, Any], request: ChatRequest | None = None) -> str:
        """The cache key of one request: model identity, generation args, messages, and whatever
        else the backend says its output depends on (`Model.request_identity`)."""
        extra = self.model.request_identity(request) if request is not None else {}
        parts = {**self.identity, "gen": dict(gen), "messages": list(messages), "extra": extra}
        if request is not None and request.repeat:
            parts["repeat"] = request.repeat  # repeat 0 keeps the plain key, so earlier runs' answers count
        if request is not None and request.tools:
            parts["tools"] = [dict(t) for t in request.tools]  # no tools keeps the plain key
        return request_key(parts)

    def request(self, messages: Sequence[Message], gen: Mapping[str, Any], **context: Any) -> ChatRequest:
        """A keyed request; `context` (sample, dataset, k) is what non-LLM baselines may read."""
        draft = ChatRequest(key="", messages=tuple(messages), gen=dict(gen), **context)
        return replace(draft, key=self.key(draft.messages, draft.gen, draft))

    # -- completing -----------------------------------------------------------------------------
    def cached(self, requests: Sequence[ChatRequest]) -> dict[str, Completion]:
        """The cached completions among `requests`, by key (none with `refresh`)."""
        return self.cache.get_many(r.key for r in requests) if self.cache is not None and not self.refresh else {}

    def complete(
        self,
        requests: Sequence[ChatRequest],
        on_result: Callable[[int, Completion, bool], None] | None = None,
        counts: CompletionCounts | Sequence[CompletionCounts] | None = None,
        on_status: Callable[[str], None] | None = None,
        counts_index: Callable[[int], int] | None = None,
    ) -> list[Completion]:
        """A completion for every request, in request order: cached ones first, then each distinct
        missing request sent once (live, or through the provider's batch API when the model is in
        batch mode) and stored on arrival. `on_result(index, completion, cached)` is called as each
        request is settled (duplicates included); errors are scrubbed of secrets; `on_status`
        hears what batch mode is doing. With a `budget`, raises BudgetExceeded when the next
        request would cross it (everything completed is stored first).

        `counts` is one CompletionCounts for all requests, or one per group of requests (a run
        sends several tasks' requests at once) with `counts_index(i)` naming request i's group: a
        request is counted where it is, a duplicate of an earlier request nowhere."""
        tally = _tally(counts, counts_index)
        results: list[Completion | None] = [None] * len(requests)
        todo, followers = self._answer_from_cache(requests, results, tally, on_result)
        todo, elsewhere = self._claim(requests, todo)  # elsewhere: being answered by another process sharing the cache
        for i in todo:
            tally(i).model_calls += 1
        if todo:
            self.model.preflight()

        def settle(i: int, completion: Completion, cached: bool = False) -> None:
            if cached:  # stored by another process
                count = tally(i)
                count.cached += 1
                count.cached_keys.add(requests[i].key)
            else:
                completion = self._settle(requests[i], completion, tally(i))
            for index in (i, *followers.get(i, ())):
                results[index] = completion
                if on_result is not None:
                    try:
                        on_result(index, completion, cached)
                    except BaseException as exc:  # the caller's own failure, not the backend's
                        raise _CallerError(exc) from exc

        self._send_all(requests, todo, elsewhere, results, settle, tally, on_status)
        missing = [i for i, c in enumerate(results) if c is None]
        if missing:
            raise RuntimeError(f"model {self.model.display_name} returned no completion for {len(missing)} of {len(requests)} requests")
        return [c for c in results if c is not None]

    def _answer_from_cache(
        self,
        requests: Sequence[ChatRequest],
        results: list[Completion | None],
        tally: Callable[[int], CompletionCounts],
        on_result: Callable[[int, Completion, bool], None] | None,
    ) -> tuple[list[int], dict[int, list[int]]]:
        """Settle the cached requests (counted, heard by `on_result`); the rest: the first request
        of each distinct key to send, and its later duplicates (followers) that share its answer."""
        cached = self.cached(requests)
        first_of_key: dict[str, int] = {}
        followers: dict[int, list[int]] = {}
        todo: list[int] = []
        for i, request in enumerate(requests):
            count = tally(i)
            count.requests += 1
            completion = cached.get(request.key)
            if completion is not None:
                results[i] = completion
                count.cached += 1
                count.cached_keys.add(request.key)
                if on_result is not None:
                    on_result(i, completion, True)
                continue
            first = first_of_key.setdefault(request.key, i)
            if first == i:
                todo.append(i)
            else:
                followers.setdefault(first, []).append(i)
        return todo, followers

    def _claim(self, requests: Sequence[ChatRequest], todo: list[int]) -> tuple[list[int], list[int]]:
        """(the requests this process sends, those another live process is answering)."""
        if not todo or self.claims is None:
            return todo, []
        ours = set(self.claims.claim([requests[i].key for i in todo])[0])
        return [i for i in todo if requests[i].key in ours], [i for i in todo if requests[i].key not in ours]

    def _send_all(
        self,
        requests: Sequence[ChatRequest],
        todo: list[int],
        elsewhere: list[int],
        results: list[Completion | None],
        settle: Callable[..., None],
        tally: Callable[[int], CompletionCounts],
        on_status: Callable[[str], None] | None,
    ) -> None:
        """Send `todo` (live, or as a provider batch), then wait for `elsewhere`. A backend bug is
        contained: the requests are tried one at a time and each that raises becomes a failed
        completion; the caller's own exception (in `on_result`) and rbh's errors pass through."""
        try:
            if self.model.batch_options is not None and todo:
                self._send_batch(requests, todo, settle, on_status)
            else:
                self._send_live(requests, todo, settle)
            if elsewhere:
                self._await_elsewhere(requests, elsewhere, settle, tally, on_status)
        except _CallerError as failed:
            raise failed.error from failed.error.__cause__
        except RbhError:
            raise
        except Exception:  # a backend bug: find the request(s) it fails on, one at a time
            for i in [i for i in todo if results[i] is None]:
                try:
                    self._send_live(requests, [i], settle)
                except RbhError:
                    raise
                except Exception as exc:  # noqa: BLE001 — contained: this request becomes a failed sample
                    if results[i] is None:
                        settle(i, Completion(error=self.crash_message(exc)))
        finally:
            if self._claims is not None:
                self._claims.flush()  # failed keys free for another process now

    def _send(self, requests: Sequence[ChatRequest], indices: Sequence[int], settle: Callable[[int, Completion], None]) -> None:
        if not indices:
            return
        for j, completion in self.model.generate([requests[i] for i in indices]):
            settle(indices[j], completion)

    def _send_live(self, requests: Sequence[ChatRequest], indices: Sequence[int], settle: Callable[[int, Completion], None]) -> None:
        """Send live; with a budget, in rounds of the requests whose upper-bound estimate fits
        what is left (actual costs are usually far below, so each round re-measures)."""
        budget, price = self.budget, self.price
        if budget is None or price is None:
            self._send(requests, indices, settle)
            return
        pending = list(indices)
        estimates = [estimate_request_cost(price, requests[i], batch=False) for i in pending]  # once, not per round
        while pending:
            fit = budget.take(estimates)
            if fit == 0:
                raise budget.stopped(len(pending), batch=False)
            self._send(requests, pending[:fit], settle)
            pending, estimates = pending[fit:], estimates[fit:]

    def _send_batch(
        self,
        requests: Sequence[ChatRequest],
        indices: Sequence[int],
        settle: Callable[[int, Completion], None],
        on_status: Callable[[str], None] | None,
    ) -> None:
        from rbh.completion.batch import BatchRunner
        from rbh.completion.batch_store import BatchStore

        store = BatchStore(self.cache.path if self.cache is not None else None)
        try:
            BatchRunner(self, store, on_status).run(requests, indices, settle, lambda live: self._send_live(requests, live, settle))
        finally:
            store.close()

    def crash_message(self, exc: BaseException) -> str:
        """'model random (plugin baselines) raised KeyError: 'x'' — names the backend and its plugin."""
        plugin = self.provenance.get("plugin", "unknown")
        detail = " ".join(str(exc).split())[:300]
        return self.scrub(f"model {self.model.display_name} (plugin {plugin}) raised {type(exc).__name__}: {detail}")

    def _settle(self, request: ChatRequest, completion: Completion, counts: CompletionCounts) -> Completion:
        """Scrub an error of secrets, or store a good completion; count tokens either way."""
        counts.prompt_tokens += completion.usage.prompt_tokens
        counts.completion_tokens += completion.usage.completion_tokens
        counts.reasoning_tokens += completion.usage.reasoning_tokens
        counts.batch_calls += completion.batch_id is not None and completion.error is None
        if self.price is not None:
            cost = completion_cost(self.price, completion.usage, batch=completion.batch_id is not None)
            counts.cost_usd += cost
            if self.budget is not None:
                self.budget.spent += cost
        if completion.error:
            counts.errors += 1
            completion = replace(completion, error=scrub(completion.error, self.secrets))
        elif self.cache is not None:
            self.cache.put(request.key, self.model.name, self.model.model_name, completion)
        if self._claims is not None:
            self._claims.release([request.key])  # stored first: a process waiting for it finds it in the cache
        return completion

    def _await_elsewhere(
        self,
        requests: Sequence[ChatRequest],
        waiting: list[int],
        settle: Callable[..., None],
        tally: Callable[[int], CompletionCounts],
        on_status: Callable[[str], None] | None,
    ) -> None:
        """Requests another live process claimed: take each answer from the cache as it arrives,
        and send the ones whose holder died or gave them up (claimed now, so sent once)."""
        import time

        assert self.cache is not None and self._claims is not None
        while waiting:
            found = self.cache.get_many(requests[i].key for i in waiting)
            for i in waiting:
                if requests[i].key in found:
                    settle(i, found[requests[i].key], cached=True)
            waiting = [i for i in waiting if requests[i].key not in found]
            if not waiting:
                return
            taken, _ = self._claims.claim([requests[i].key for i in waiting])
            if taken:
                ours = set(taken)
                orphans = [i for i in waiting if requests[i].key in ours]
                for i in orphans:
                    tally(i).model_calls += 1
                self.model.preflight()
                self._send_live(requests, orphans, settle)
                waiting = [i for i in waiting if requests[i].key not in ours]
                continue
            if on_status is not None:
                on_status(f"waiting for {len(waiting)} request(s) another rbh process is answering")
            time.sleep(self.wait_poll_s)

    def scrub(self, text: str) -> str:
        """Remove the model's secrets from a message."""
        return scrub(text, self.secrets)

    def close(self) -> None:
        self.model.close()
        if self._claims is not None:
            self._claims.close()
            self._claims = None
        if self.cache is not None:
            self.cache.close()

    @property
    def claims(self) -> Claims | None:
        """This process's claims in the cache database (None without a cache, or with `refresh`:
        a refreshing process would otherwise wait for, and take, the answers it replaces)."""
        if self._claims is None and self.cache is not None and not self.refresh:
            self._claims = Claims(self.cache.path)
        return self._claims

    def __enter__(self) -> "CompletionService":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
