"""Publish a dataset folder to the Hugging Face Hub as a dataset repo.

`push_dataset` creates the repo (or reuses it) and uploads the folder in one commit. The token
comes from the `token` argument, else `HF_TOKEN`, else the login cache (`hf auth login`); it is
handed to `huggingface_hub` only, and never printed, logged or written. Every failure becomes one
`HubError` line that names the repo and the endpoint, never the token.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rbh.data.dataset_format import CARD
from rbh.errors import UsageError


class HubError(UsageError):
    """Publishing to the Hub failed: missing token, refused, not found, conflict, or unreachable."""


@dataclass(frozen=True)
class PushPlan:
    """What a push would send: the files (path in the repo, bytes), where, and whose token."""

    repo_id: str
    endpoint: str
    files: tuple[tuple[str, int], ...]
    generated_card: bool  # the folder's README.md lacks `configs:`: a card is written for it
    token_source: str | None  # "HF_TOKEN", "the login cache", or None (the push would fail)

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.files)

    def summary(self) -> str:
        """'26 files (3.1 MB) to ORG/NAME on ENDPOINT'."""
        return f"{len(self.files)} files ({self.total_bytes / 1e6:.1f} MB) to {self.repo_id} on {self.endpoint}"


def plan_push(folder: Path, repo_id: str) -> PushPlan:
    """Check a dataset folder and say what `push_dataset` would upload; sends nothing."""
    from huggingface_hub import constants

    files, card = _collect(Path(folder))
    return _plan(files, card, repo_id, constants.ENDPOINT)


def _plan(files: list[tuple[str, Path]], card: str | None, repo_id: str, endpoint: str) -> PushPlan:
    sizes = [(rel, path.stat().st_size) for rel, path in files]
    if card is not None:
        sizes.append((CARD, len(card.encode("utf-8"))))
    return PushPlan(repo_id, endpoint, tuple(sorted(sizes)), card is not None, token_source())


def push_dataset(
    folder: Path,
    repo_id: str,
    *,
    private: bool = False,
    token: str | None = None,
    commit_message: str | None = None,
    progress: bool = False,
) -> str:
    """Upload a dataset folder (README.md card + data files) to the dataset repo `repo_id`.

    Creates the repo when missing (`private` applies then); an existing repo gets a new commit.
    With `progress`, one line on stderr says what is about to be sent (`huggingface_hub`'s own
    progress bars, one per file, are off either way). Returns the repo URL, e.g. `https://huggingface.co/datasets/ORG/NAME`.
    """
    folder = Path(folder)
    files, card = _collect(folder)
    from huggingface_hub import CommitOperationAdd, HfApi, constants

    endpoint = constants.ENDPOINT
    token = _resolve_token(token, endpoint)
    operations = [CommitOperationAdd(path_in_repo=rel, path_or_fileobj=str(path)) for rel, path in files]
    if card is not None:
        operations.append(CommitOperationAdd(path_in_repo=CARD, path_or_fileobj=card.encode("utf-8")))
    api = HfApi(endpoint=endpoint, token=token)
    try:
        url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        if private and not api.repo_info(repo_id, repo_type="dataset").private:
            raise HubError(
                f"{repo_id} already exists on {endpoint} and is public; --private only applies to new "
                "repos: make it private in its settings on the Hub, or push without --private"
            )
        from rbh.version import __version__

        if progress:
            print(f"uploading {_plan(files, card, repo_id, endpoint).summary()} ...", file=sys.stderr, flush=True)
        with _quiet_hub():
            api.create_commit(
                repo_id,
                operations,
                repo_type="dataset",
                commit_message=commit_message or f"Upload dataset with rbh {__version__}",
            )
    except HubError:
        raise
    except Exception as exc:
        raise _hub_error(exc, repo_id, endpoint, token) from None
    return str(url)


@contextmanager
def _quiet_hub() -> Iterator[None]:
    """`huggingface_hub` without its per-file progress bars (the caller's setting restored)."""
    from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

    was_disabled = are_progress_bars_disabled()
    disable_progress_bars()
    try:
        yield
    finally:
        if not was_disabled:
            enable_progress_bars()


def token_source() -> str | None:
    """Where a push would take its token from (never the token itself)."""
    if os.environ.get("HF_TOKEN"):
        return "HF_TOKEN"
    from huggingface_hub import get_token

    try:
        return "the login cache" if get_token() else None
    except Exception:  # noqa: BLE001 — an unusable token source is no token
        return None


def _collect(folder: Path) -> tuple[list[tuple[str, Path]], str | None]:
    """Files to upload (hidden ones skipped) and, when README.md lacks `configs:`, a card to upload instead.

    The folder is checked first (a config that matches no file is a usage error), so nothing is
    sent for a folder rbh itself could not load.
    """
    from rbh.data.sources import LocalFolderSource, read_card_configs

    if not folder.is_dir():
        raise HubError(f"dataset folder not found: {folder}")
    source = LocalFolderSource(folder)  # raises DataError (one line) for a folder with no configs
    for config in source.configs():
        for split in source.splits(config):
            source.files(config, split)
    files = sorted(
        (p.relative_to(folder).as_posix(), p)
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    if read_card_configs(folder / CARD):
        return files, None
    return [f for f in files if f[0] != CARD], card_for_folder(folder, source)


def card_for_folder(folder: Path, source: Any) -> str:
    """A dataset card whose YAML `configs:` lists the folder's files per config and split.

    Used for folders without a card (hand-made or older exports) so that `load_dataset` on the Hub
    sees the same configs as rbh sees locally; an existing README.md body is kept below it.
    """
    import yaml

    configs = [
        {
            "config_name": config,
            "data_files": [
                {"split": split, "path": [p.relative_to(folder).as_posix() for p in source.files(config, split)]}
                for split in source.splits(config)
            ],
        }
        for config in source.configs()
    ]
    readme = folder / CARD
    body = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    meta: dict[str, Any] = {}
    end = body.find("\n---", 3) if body.startswith("---") else -1
    if end > 0:  # front matter without configs: keep it and add ours
        meta = yaml.safe_load(body[3:end]) or {}
        body = body[end + 4 :].lstrip("\n")
    meta["configs"] = configs
    if not body.strip():
        body = (
            f"# {folder.name}\n\nA RecBench+ benchmark dataset in the rbh sample schema. Evaluate a model on it "
            f"with `rbh run --dataset hf:ORG/NAME`.\n"
        )
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body


def _resolve_token(token: str | None, endpoint: str) -> str:
    if token:
        return token
    from huggingface_hub import get_token

    try:
        found = get_token()  # HF_TOKEN, then the login cache
    except Exception as exc:  # OIDC exchange failure and the like
        raise HubError(f"cannot get a Hugging Face token: {type(exc).__name__}") from None
    if not found:
        raise HubError(f"no Hugging Face token for {endpoint}: set HF_TOKEN to a token with write access, or log in with `hf auth login`")
    return found


def _hub_error(exc: BaseException, repo_id: str, endpoint: str, token: str) -> HubError:
    """Map a huggingface_hub / transport exception to one clear line without the token."""
    return HubError(_scrub(_describe(exc, repo_id, endpoint), token))


def _describe(exc: BaseException, repo_id: str, endpoint: str) -> str:
    from huggingface_hub.errors import HfHubHTTPError, HFValidationError, OfflineModeIsEnabled

    if isinstance(exc, HfHubHTTPError) and getattr(exc, "response", None) is not None:
        status = exc.response.status_code
        detail = _server_message(exc)
        if status in (401, 403):
            return (
                f"not authorized to push {repo_id} to {endpoint} (HTTP {status}): check HF_TOKEN "
                "(a token with write access to that user or organisation)"
            )
        if status == 404:
            return f"repository or organisation not found: {repo_id} on {endpoint} (HTTP 404)"
        if status in (409, 412):
            return (
                f"conflict while pushing {repo_id} to {endpoint} (HTTP {status}: {detail or 'conflict'}); "
                "another change landed on the repo first — run the push again"
            )
        return f"the Hub at {endpoint} refused the push of {repo_id} (HTTP {status}: {detail or 'no message'})"
    if isinstance(exc, OfflineModeIsEnabled):
        return "HF_HUB_OFFLINE is set: unset it to push to the Hub"
    if isinstance(exc, HFValidationError):
        return f"invalid repo id {repo_id!r}: expected ORG/NAME"
    if _is_network_error(exc):
        return f"cannot reach the Hub at {endpoint} ({type(exc).__name__}); check the network or HF_ENDPOINT"
    first = (str(exc).strip().splitlines() or [""])[0]
    if isinstance(exc, ValueError) and "metadata" in str(exc).lower():
        return f"the Hub rejected the dataset card of {repo_id}: {first}"
    return f"push of {repo_id} to {endpoint} failed: {type(exc).__name__}: {first}"


def _server_message(exc: Any) -> str:
    """The Hub's own short error message, when it sent one."""
    response = exc.response
    message = response.headers.get("X-Error-Message") or getattr(exc, "server_message", None) or ""
    return str(message).strip().splitlines()[0] if str(message).strip() else ""


def _is_network_error(exc: BaseException) -> bool:
    """Connection refused, DNS failure, timeout — from whichever HTTP client huggingface_hub uses."""
    names = {
        "ConnectError",
        "ConnectTimeout",
        "TimeoutException",
        "TransportError",
        "NetworkError",
        "ReadTimeout",
        "RemoteProtocolError",
        "ConnectionError",
    }
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ConnectionError, TimeoutError)) or any(c.__name__ in names for c in type(seen).__mro__):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _scrub(message: str, token: str) -> str:
    """Mask the token (and HF_TOKEN) should a server echo it, and fold the message onto one line."""
    for secret in (token, os.environ.get("HF_TOKEN") or ""):
        if secret and len(secret) >= 4:
            message = message.replace(secret, "***")
    return " ".join(message.split())
