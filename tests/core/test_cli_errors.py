"""Bad input: one clear line naming the culprit, exit code 2, no results written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


def _assert_clean_failure(result, output: Path, *needles: str) -> None:
    assert result.code == 2, (result.out, result.err)
    lines = [ln for ln in result.err.splitlines() if ln.strip()]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not output.exists() or not any(output.iterdir()), "no results may be written"


def _task_file(tmp_path: Path, body: str, name: str = "mytask.yaml") -> Path:
    path = tmp_path / "tasks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_malformed_task_yaml(tmp_path: Path, tiny_dataset: Path) -> None:
    task = _task_file(tmp_path, "task: broken\ndataset: {config: movie_explicit\nprompt: [\n")
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", str(task), "--model", "oracle", "--dataset", str(tiny_dataset), "--output", str(out))
    _assert_clean_failure(result, out, "mytask.yaml", "malformed YAML")


def test_task_with_unknown_key(tmp_path: Path, tiny_dataset: Path) -> None:
    task = _task_file(tmp_path, "task: extra\ndataset: {config: movie_explicit}\nprompt: {user: recommend/user.jinja}\ntemprature: 0\n")
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", str(task), "--model", "oracle", "--dataset", str(tiny_dataset), "--output", str(out))
    _assert_clean_failure(result, out, "task extra", "temprature")


def test_template_with_unknown_variable(tmp_path: Path, tiny_dataset: Path) -> None:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "bad.jinja").write_text("Query: {{ query }} for {{ favourite_colour }}\n")
    task = _task_file(tmp_path, "task: badvar\ndataset: {config: movie_explicit}\nprompt: {user: bad.jinja}\n")
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", str(task), "--model", "oracle", "--dataset", str(tiny_dataset), "--output", str(out))
    _assert_clean_failure(result, out, "task badvar", "bad.jinja", "favourite_colour")


def test_unknown_task(tmp_path: Path, tiny_dataset: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", "movie_explicitt", "--model", "oracle", "--dataset", str(tiny_dataset), "--output", str(out))
    _assert_clean_failure(result, out, "movie_explicitt", "did you mean movie_explicit")


def test_unknown_model(tmp_path: Path, tiny_dataset: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", "movie_explicit", "--model", "gpt5000:big", "--dataset", str(tiny_dataset), "--output", str(out))
    _assert_clean_failure(result, out, "unknown model backend 'gpt5000'", "oracle")
    assert "did you mean" not in result.err, "nothing close: no guess"
    typo = run_cli("run", "--tasks", "movie_explicit", "--model", "opena:gpt-4o", "--dataset", str(tiny_dataset), "--output", str(out))
    _assert_clean_failure(typo, out, "unknown model backend 'opena' (did you mean openai? known: ")


def test_suggestions_name_each_candidate_once(tmp_path: Path) -> None:
    """`explicit` is a group and a tag: it used to be suggested twice."""
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", "explict", "--model", "oracle", "--output", str(out))
    _assert_clean_failure(result, out, "unknown task, group or tag 'explict' (did you mean explicit, ")
    suggested = result.err.split("did you mean ")[1].rstrip("?)\n").split(", ")
    assert len(suggested) == len(set(suggested)) == 3, suggested


def test_missing_dataset(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(tmp_path / "nope"), "--output", str(out))
    _assert_clean_failure(result, out, "dataset not found")


def test_broken_dataset_line(tmp_path: Path, tiny_dataset: Path) -> None:
    path = tiny_dataset / "movie_explicit" / "test.jsonl"
    lines = path.read_text().splitlines()
    lines[3] = lines[3][:40]
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(tiny_dataset), "--output", str(out))
    _assert_clean_failure(result, out, "test.jsonl:4", "invalid JSON")


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--limit", "0"], "--limit '0': give a positive number"),
        (["--limit", "2.5"], "--limit '2.5'"),
        (["--shard", "3/3"], "--shard '3/3': expected I/N"),
        (["--repeats", "0"], "--repeats must be a positive integer"),
        (["--sample-ids", "@/nonexistent/ids.txt"], "cannot read"),
        (["--metrics", "recall,no_such_metric"], "no_such_metric"),
        (["--model-args", "novalue"], "expected key=value"),
        (["--scoring", "weird"], "unknown scoring set"),
    ],
)
def test_bad_flags(tmp_path: Path, tiny_dataset: Path, args: list[str], needle: str) -> None:
    out = tmp_path / "out"
    result = run_cli("run", "--tasks", "movie_explicit", "--model", "oracle", "--dataset", str(tiny_dataset), "--output", str(out), *args)
    _assert_clean_failure(result, out, needle)
