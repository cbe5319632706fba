"""Fixtures for publishing tests: a fake Hub on 127.0.0.1, a Hub-ready dataset folder, the env to reach it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MINI_BENCHMARK
from tests.servers.hub_server import FakeHub, HubServer

ORG = "rbh-org"  # a namespace the fake Hub's token may write to


class LiveHub:
    """A running fake Hub: its URL, its valid token, its state (`hub`), and `stop()` for "network down"."""

    def __init__(self, server: HubServer, token: str, home: Path):
        self.server, self.token, self.home = server, token, home
        self.url: str = server.url
        self.hub: FakeHub = server.hub

    def env(self, **overrides: str) -> dict[str, str]:
        """Environment for a subprocess that talks to this Hub (isolated HF_HOME, no Xet, no progress bars)."""
        env = {
            "HF_ENDPOINT": self.url,
            "HF_TOKEN": self.token,
            "HF_HOME": str(self.home),
            "HF_TOKEN_PATH": str(self.home / "token"),
            "HUGGING_FACE_HUB_TOKEN": "",
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_OFFLINE": "0",
            "HF_DATASETS_OFFLINE": "0",
            "HF_HUB_ETAG_TIMEOUT": "5",
            "HF_HUB_DOWNLOAD_TIMEOUT": "5",
            "NO_PROXY": "127.0.0.1",
            "no_proxy": "127.0.0.1",
            "RBH_DEBUG": "",
        }
        env.update(overrides)
        return env

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def live_hub(tmp_path: Path) -> Iterator[LiveHub]:
    """A fresh fake Hub per test (cheap: one thread), storing blobs under tmp_path."""
    token = "hf_" + secrets.token_hex(16)
    server = HubServer(tmp_path / "hub-storage", token).start()
    home = tmp_path / "hf-home"
    home.mkdir()
    try:
        yield LiveHub(server, token, home)
    finally:
        server.stop()


@pytest.fixture
def inprocess_hub(live_hub: LiveHub, monkeypatch: pytest.MonkeyPatch) -> LiveHub:
    """Point this process's huggingface_hub at the fake Hub (its constants are read at import time)."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", live_hub.url)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(live_hub.home / "token"))  # no login cache
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(live_hub.home / "hub"))
    if hasattr(constants, "AGENT_HARNESSES_PATH"):  # huggingface_hub caches this registry under HF_HOME
        monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(live_hub.home / ".agent_harnesses.json"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    return live_hub


@pytest.fixture(scope="session")
def hub_ready_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini benchmark exported like `rbh generate` does: parquet per config + a card with `configs:`."""
    import yaml

    from rbh.data import write_config_table as write_table
    from rbh.data.sources import LocalFolderSource

    out = tmp_path_factory.mktemp("hub-ready") / "mini"
    source = LocalFolderSource(MINI_BENCHMARK)
    configs = []
    for config in source.configs():
        files = []
        for split in source.splits(config):
            path = out / config / f"{split}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_table(path, config, source.rows(config, split))
            files.append({"split": split, "path": f"{config}/{split}.parquet"})
        configs.append({"config_name": config, "data_files": files})
    card = "---\n" + yaml.safe_dump({"configs": configs}, sort_keys=False) + "---\n\n# mini RecBench+ benchmark\n"
    (out / "README.md").write_text(card, encoding="utf-8")
    return out
