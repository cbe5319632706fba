"""Publishing to the Hub, end to end against the fake Hub on 127.0.0.1: push, load back, run, fail clearly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rbh.data.sources import LocalFolderSource, read_card_configs
from rbh.errors import UsageError
from tests.conftest import make_dataset, only_run_dir, run_cli
from tests.hub.conftest import ORG, LiveHub

# huggingface_hub's basic LFS upload passes a file object as `data=`, which httpx2 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

LOAD_BACK = """
import json, sys
import datasets
repo, out = sys.argv[1], sys.argv[2]
rows = {}
for config in datasets.get_dataset_config_names(repo):
    for split in datasets.get_dataset_split_names(repo, config):
        rows[f"{config}/{split}"] = datasets.load_dataset(repo, config, split=split).to_list()
json.dump(rows, open(out, "w"))
"""


def _local_rows(folder: Path) -> dict[str, list]:
    source = LocalFolderSource(folder)
    rows = {f"{c}/{s}": source.rows(c, s) for c in source.configs() for s in source.splits(c)}
    return json.loads(json.dumps(rows))


def _no_secret(result, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in result.out and secret not in result.err


def test_push_then_load_every_config_back(live_hub: LiveHub, hub_ready_dataset: Path, tmp_path: Path) -> None:
    repo = f"{ORG}/mini"
    env = live_hub.env()
    del env["HF_HUB_DISABLE_PROGRESS_BARS"]  # as a user has it: rbh itself turns the per-file bars off
    result = run_cli("push", str(hub_ready_dataset), repo, env={k: v for k, v in env.items()})
    assert result.code == 0, result.err
    assert f"{live_hub.url}/datasets/{repo}" in result.out
    _no_secret(result, live_hub.token)
    n_files = sum(1 for p in hub_ready_dataset.rglob("*") if p.is_file())
    assert result.err.strip().splitlines() == [f"uploading {n_files} files " + result.err.split(" files ", 1)[1].strip()], result.err
    assert f"to {repo} on {live_hub.url} ..." in result.err, "one status line, no per-file progress bars"

    local_files = {p.relative_to(hub_ready_dataset).as_posix(): p.read_bytes() for p in hub_ready_dataset.rglob("*") if p.is_file()}
    remote = live_hub.hub.files(repo)
    assert {k: v for k, v in remote.items() if k != ".gitattributes"} == local_files
    assert not live_hub.hub.repos[("datasets", repo)].private

    out = tmp_path / "rows.json"
    proc = subprocess.run(
        [sys.executable, "-c", LOAD_BACK, repo, str(out)], env={**os.environ, **live_hub.env()}, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(out.read_text())
    expected = _local_rows(hub_ready_dataset)
    assert sorted(loaded) == sorted(expected)
    for key in expected:
        assert loaded[key] == expected[key], key
    assert live_hub.hub.unrouted == []


def test_rbh_run_oracle_on_pushed_private_dataset(inprocess_hub: LiveHub, hub_ready_dataset: Path, tmp_path: Path) -> None:
    """`rbh run --dataset hf:ORG/NAME` on a pushed private repo: recall 1.0 with the token, one error line without."""
    from rbh.data import push_dataset

    repo = f"{ORG}/bench"
    push_dataset(hub_ready_dataset, repo, private=True, token=inprocess_hub.token)
    args = ("run", "--tasks", "explicit", "--model", "oracle", "--dataset", f"hf:{repo}", "--no-progress")
    result = run_cli(*args, "--output", str(tmp_path / "out"), env=inprocess_hub.env())
    assert result.code == 0, result.err
    results = json.loads((only_run_dir(tmp_path / "out") / "results.json").read_text())
    assert set(results["tasks"]) == {"movie_explicit", "book_explicit"}
    for name, task in results["tasks"].items():
        assert task["metrics"]["recall"]["value"] == 1.0, name
        assert task["dataset"]["spec"] == f"hf:{repo}"
    assert inprocess_hub.hub.unrouted == []

    # no token, fresh HF_HOME (with the first run's cache, `datasets` would fall back to the cached copy)
    anon_env = inprocess_hub.env(HF_TOKEN="", HF_HOME=str(tmp_path / "anon-home"), HF_TOKEN_PATH=str(tmp_path / "none"))
    anonymous = run_cli(*args, "--output", str(tmp_path / "anon"), env=anon_env)
    assert f"hf:{repo}" in _one_error_line(anonymous)
    assert not (tmp_path / "anon").exists() or not any((tmp_path / "anon").iterdir())


def test_generate_push_to_hub(live_hub: LiveHub, tmp_path: Path) -> None:
    """`rbh generate --push-to-hub` publishes exactly the folder it wrote."""
    out, repo = tmp_path / "gen", f"{ORG}/generated"
    result = run_cli(
        "generate",
        "--domain",
        "movie",
        "--limit-users",
        "60",
        "--out",
        str(out),
        "--no-progress",
        "--push-to-hub",
        repo,
        "--private",
        env=live_hub.env(),
    )
    assert result.code == 0, result.err
    _no_secret(result, live_hub.token)
    local = {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }
    remote = live_hub.hub.files(repo)
    assert {k: v for k, v in remote.items() if k != ".gitattributes"} == local
    assert read_card_configs(out / "README.md")  # the generator's own card went up unchanged
    assert live_hub.hub.repos[("datasets", repo)].private


def test_push_dataset_function(inprocess_hub: LiveHub, hub_ready_dataset: Path) -> None:
    from rbh.data import push_dataset

    hub = inprocess_hub.hub
    url = push_dataset(hub_ready_dataset, f"{ORG}/fn", token=inprocess_hub.token)
    assert url == f"{inprocess_hub.url}/datasets/{ORG}/fn"
    commits = len(hub.repos[("datasets", f"{ORG}/fn")].log)
    # pushing the same folder again: the repo exists (fine), nothing changed, no new commit
    assert push_dataset(hub_ready_dataset, f"{ORG}/fn", token=inprocess_hub.token) == url
    assert len(hub.repos[("datasets", f"{ORG}/fn")].log) == commits

    push_dataset(hub_ready_dataset, f"{ORG}/secret", private=True, token=inprocess_hub.token)
    assert hub.repos[("datasets", f"{ORG}/secret")].private


def test_private_flag_on_existing_public_repo_is_refused(inprocess_hub: LiveHub, hub_ready_dataset: Path) -> None:
    from rbh.data import HubError, push_dataset

    push_dataset(hub_ready_dataset, f"{ORG}/public", token=inprocess_hub.token)
    before = len(inprocess_hub.hub.repos[("datasets", f"{ORG}/public")].log)
    with pytest.raises(HubError, match="already exists .* is public"):
        push_dataset(hub_ready_dataset, f"{ORG}/public", private=True, token=inprocess_hub.token)
    assert len(inprocess_hub.hub.repos[("datasets", f"{ORG}/public")].log) == before


def test_folder_without_card_gets_one(inprocess_hub: LiveHub, tmp_path: Path) -> None:
    """A hand-made folder (a sub-folder per config, no README) is published with a card listing its configs."""
    from rbh.data import push_dataset

    folder = make_dataset(tmp_path / "handmade")
    (folder / ".DS_Store").write_text("junk")
    push_dataset(folder, f"{ORG}/handmade", token=inprocess_hub.token)
    remote = inprocess_hub.hub.files(f"{ORG}/handmade")
    assert ".DS_Store" not in remote
    mirror = tmp_path / "mirror"
    for path, data in remote.items():
        (mirror / path).parent.mkdir(parents=True, exist_ok=True)
        (mirror / path).write_bytes(data)
    assert sorted(read_card_configs(mirror / "README.md")) == ["movie_explicit", "movie_items", "movie_kg"]
    assert _local_rows(mirror) == _local_rows(folder)
    assert not (folder / "README.md").exists()  # the user's folder is left as it was


def test_token_from_env_and_login_cache(inprocess_hub: LiveHub, hub_ready_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rbh.data import push_dataset

    monkeypatch.setenv("HF_TOKEN", inprocess_hub.token)
    push_dataset(hub_ready_dataset, f"{ORG}/from-env")
    monkeypatch.delenv("HF_TOKEN")
    (inprocess_hub.home / "token").write_text(inprocess_hub.token)  # what `hf auth login` stores
    push_dataset(hub_ready_dataset, f"{ORG}/from-cache")
    assert {("datasets", f"{ORG}/from-env"), ("datasets", f"{ORG}/from-cache")} <= set(inprocess_hub.hub.repos)


# -- errors: one line, exit code 2, no token ---------------------------------------------------------


def _one_error_line(result) -> str:
    assert result.code == 2, (result.out, result.err)
    lines = [line for line in result.err.splitlines() if line.strip() and not line.startswith("uploading ")]  # the status line
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ") and "Traceback" not in result.err
    return lines[0]


def test_missing_token(live_hub: LiveHub, hub_ready_dataset: Path) -> None:
    result = run_cli("push", str(hub_ready_dataset), f"{ORG}/x", env=live_hub.env(HF_TOKEN=""))
    line = _one_error_line(result)
    assert "no Hugging Face token" in line and "HF_TOKEN" in line
    assert live_hub.hub.requests == [] or all(p == "/api/agent-harnesses" for _, p in live_hub.hub.requests)


def test_wrong_token_401(live_hub: LiveHub, hub_ready_dataset: Path) -> None:
    bad = "hf_" + "0123456789abcdef" * 2
    result = run_cli("push", str(hub_ready_dataset), f"{ORG}/x", env=live_hub.env(HF_TOKEN=bad))
    line = _one_error_line(result)
    assert "not authorized" in line and "HF_TOKEN" in line and "401" in line
    _no_secret(result, bad, live_hub.token)
    assert not live_hub.hub.repos


def test_forbidden_403(live_hub: LiveHub, hub_ready_dataset: Path) -> None:
    live_hub.hub.inject(403, path=r"^/api/(repos/create|datasets/)")
    result = run_cli("push", str(hub_ready_dataset), f"{ORG}/x", env=live_hub.env())
    line = _one_error_line(result)
    assert "not authorized" in line and "403" in line
    _no_secret(result, live_hub.token)


def test_unknown_organisation_404(live_hub: LiveHub, hub_ready_dataset: Path) -> None:
    result = run_cli("push", str(hub_ready_dataset), "no-such-org/x", env=live_hub.env())
    line = _one_error_line(result)
    assert "repository or organisation not found" in line and "no-such-org/x" in line
    _no_secret(result, live_hub.token)


def test_commit_conflict_409(live_hub: LiveHub, hub_ready_dataset: Path) -> None:
    live_hub.hub.inject(409, path=r"/commit/")
    result = run_cli("push", str(hub_ready_dataset), f"{ORG}/x", env=live_hub.env())
    line = _one_error_line(result)
    assert "conflict" in line and "409" in line and "again" in line
    _no_secret(result, live_hub.token)


def test_token_echoed_by_the_server_is_masked(inprocess_hub: LiveHub, hub_ready_dataset: Path) -> None:
    from rbh.data import HubError, push_dataset

    inprocess_hub.hub.inject(409, path=r"/commit/", message=f"token {inprocess_hub.token} is busy")
    with pytest.raises(HubError) as info:
        push_dataset(hub_ready_dataset, f"{ORG}/echo", token=inprocess_hub.token)
    assert inprocess_hub.token not in str(info.value) and "token *** is busy" in str(info.value)


def test_network_down(live_hub: LiveHub, hub_ready_dataset: Path) -> None:
    live_hub.stop()
    result = run_cli("push", str(hub_ready_dataset), f"{ORG}/x", env=live_hub.env(), timeout=60)
    line = _one_error_line(result)
    assert f"cannot reach the Hub at {live_hub.url}" in line
    _no_secret(result, live_hub.token)


def test_not_a_dataset_folder(tmp_path: Path) -> None:
    """Checked before any request: a folder rbh cannot load is never pushed."""
    from rbh.data import push_dataset

    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no dataset configs"):
        push_dataset(tmp_path / "empty", f"{ORG}/x", token="unused")
    with pytest.raises(UsageError, match="not found"):
        push_dataset(tmp_path / "missing", f"{ORG}/x", token="unused")
    broken = make_dataset(tmp_path / "broken")
    (broken / "README.md").write_text("---\nconfigs:\n- config_name: a\n  data_files: a/*.parquet\n---\n")
    with pytest.raises(UsageError, match="matches no file"):
        push_dataset(broken, f"{ORG}/x", token="unused")


def test_push_dry_run_lists_and_sends_nothing(live_hub: LiveHub, hub_ready_dataset: Path) -> None:
    repo = f"{ORG}/dry"
    result = run_cli("push", str(hub_ready_dataset), repo, "--dry-run", env=live_hub.env())
    assert result.code == 0, result.err
    files = sorted(p.relative_to(hub_ready_dataset).as_posix() for p in hub_ready_dataset.rglob("*") if p.is_file())
    assert f"would upload {len(files)} files" in result.out and "nothing sent" in result.out
    assert all(name in result.out for name in files)
    assert "token: from HF_TOKEN" in result.out
    _no_secret(result, live_hub.token)
    assert ("datasets", repo) not in live_hub.hub.repos, "nothing reached the Hub"
    quiet = run_cli("push", str(hub_ready_dataset), repo, "--no-progress", env=live_hub.env())
    assert quiet.code == 0 and quiet.err == "", quiet.err
    no_token = run_cli("push", str(hub_ready_dataset), repo, "--dry-run", env=live_hub.env(HF_TOKEN="", HF_TOKEN_PATH="/nonexistent"))
    assert no_token.code == 0 and "token: none found" in no_token.out
