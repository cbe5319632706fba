"""`replay:FILE`: replays recorded responses (JSONL rows {"id", "response"}) — re-scores
official outputs and makes runs reproducible without a model."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rbh import ChatRequest, Completion, UsageError
from rbh_baselines.base import SampleBaseline


class ReplayModel(SampleBaseline):
    name = "replay"
    description = "replays recorded responses from a JSONL file: --model replay:FILE (delay_s=0.0)"
    needs_model_name = True

    def __init__(self, model_name: str | None = None, delay_s: float = 0.0, **kwargs: Any):
        super().__init__(model_name, delay_s=delay_s, **kwargs)
        self.path = Path(str(model_name)).expanduser()
        self.delay_s = float(delay_s)
        self.responses, self.fingerprint = load_responses(self.path)

    @property
    def run_name(self) -> str:
        return f"replay_{self.path.stem}"

    def answer(self, request: ChatRequest) -> Completion:
        sample = request.sample
        if sample is None:
            return Completion(error="replay needs the sample")
        for key in (sample.id, sample.official_id):
            if key is not None and key in self.responses:
                if self.delay_s:
                    time.sleep(self.delay_s)
                return Completion(text=self.responses[key])
        return Completion(error=f"replay: no recorded response in {self.path.name}")

    def request_identity(self, request: ChatRequest) -> Mapping[str, Any]:
        return {**super().request_identity(request), "file": self.fingerprint}


def load_responses(path: Path) -> tuple[dict[str, str], str]:
    """Read {"id": ..., "response": ...} rows (ids as strings); returns them and a file hash."""
    if not path.is_file():
        raise UsageError(f"replay file not found: {path}")
    data = path.read_bytes()
    responses: dict[str, str] = {}
    for lineno, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            responses[str(row["id"])] = str(row.get("response") or "")
        except (json.JSONDecodeError, KeyError, TypeError):
            raise UsageError(f"{path}:{lineno}: expected a JSON object with 'id' and 'response'") from None
    return responses, hashlib.sha256(data).hexdigest()[:16]
