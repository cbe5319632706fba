"""Task YAML: schema, include, groups and tags, selection, and the official prompts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rbh.data.catalog import Catalog, Item
from rbh.data.sample import Sample
from rbh.errors import ConfigError, UsageError
from rbh.paths import shipped_dir
from rbh.tasks.index import load_task_index
from rbh.tasks.prompts import PromptRenderer

SUBTYPES = ("explicit", "implicit", "misinformed", "interest", "demographics")


@pytest.fixture(scope="module")
def index():
    return load_task_index([shipped_dir("tasks")])


def test_shipped_tasks_cover_domains_subtypes_and_variants(index) -> None:
    for domain in ("movie", "book"):
        for sub in SUBTYPES:
            for suffix in ("", "_history", "_k5", "_history_k5"):
                name = f"{domain}_{sub}{suffix}"
                assert name in index.tasks, name
                config = index.tasks[name].config()
                assert config.dataset.config == f"{domain}_{sub}"
                assert config.history == ("history" in suffix)
                assert config.k == (5 if suffix.endswith("k5") else None)


def test_groups_and_tags(index) -> None:
    assert [t.task for t in index.select("explicit")] == ["movie_explicit", "book_explicit"]
    assert {t.task for t in index.select("condition")} == {f"{d}_{s}" for d in ("movie", "book") for s in SUBTYPES[:3]}
    paper = {f"movie_{s}" for s in SUBTYPES} | {f"book_{s}" for s in SUBTYPES if s != "demographics"}
    assert {t.task for t in index.select("recbench")} == paper, "recbench = the paper's nine task sets"
    assert {t.task for t in index.select("recbench_extended")} == paper | {"book_demographics"}
    assert "book_demographics" not in {t.task for t in index.select("book")}
    assert {t.task for t in index.select("movie")} == {f"movie_{s}" for s in SUBTYPES}
    history = index.select("history")
    assert len(history) == 10 and all(t.history for t in history)
    both = index.select("movie_explicit, movie_explicit_k5,explicit")
    assert [t.task for t in both] == ["movie_explicit", "movie_explicit_k5", "book_explicit"]


def test_unknown_selection_suggests(index) -> None:
    with pytest.raises(UsageError, match="did you mean misinformed"):
        index.select("misinformd")


def test_include_and_override(tmp_path: Path) -> None:
    (tmp_path / "_base.yaml").write_text(
        "version: 3\nprompt: {user: u.jinja, system: s.jinja}\ngeneration: {max_tokens: 64}\nmetrics: [recall]\n"
    )
    (tmp_path / "child.yaml").write_text(
        "include: _base.yaml\ntask: child\ndataset: {config: movie_explicit}\ngeneration: {temperature: 0.5}\nk: 3\n"
    )
    idx = load_task_index([tmp_path])
    config = idx.tasks["child"].config()
    assert config.version == 3 and config.k == 3
    assert config.prompt.system == "s.jinja"
    assert config.generation == {"max_tokens": 64, "temperature": 0.5}
    assert [m.name for m in config.metrics] == ["recall"]


def test_select_by_file_and_folder(tmp_path: Path, index) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(
            f"task: mine_{name}\ndataset: {{config: movie_explicit}}\nprompt: {{user: recommend/user.jinja}}\n"
        )
    assert [t.task for t in index.select(str(folder))] == ["mine_a", "mine_b"]
    assert [t.task for t in index.select(str(folder / "b.yaml"))] == ["mine_b"]


def test_schema_rejects_unknown_keys(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("task: t\ndataset: {config: movie_explicit, splt: test}\nprompt: {user: x}\n")
    with pytest.raises(ConfigError, match=r"task t .*dataset\.splt"):
        load_task_index([tmp_path]).tasks["t"].config()


def test_include_cycle_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("include: b.yaml\ntask: a\n")
    (tmp_path / "b.yaml").write_text("include: a.yaml\n")
    with pytest.raises(ConfigError, match="include chain"):
        load_task_index([tmp_path])


def test_sandbox_blocks_unsafe_templates(tmp_path: Path, index) -> None:
    (tmp_path / "evil.jinja").write_text("{{ query.__class__.__mro__[1].__subclasses__() }}")
    (tmp_path / "evil.yaml").write_text("task: evil\ndataset: {config: movie_explicit}\nprompt: {user: evil.jinja}\n")
    config = load_task_index([tmp_path]).tasks["evil"].config()
    renderer = PromptRenderer(config, [shipped_dir("templates")])
    sample = Sample(id="s", domain="movie", subtype="explicit", query="q", ground_truth=())
    with pytest.raises(ConfigError, match="unsafe|undefined"):
        renderer.render(sample, Catalog([]), None, False)


def _render(index, task: str, query: str, history: tuple[str, ...] = (), catalog: Catalog | None = None):
    config = index.tasks[task].config()
    renderer = PromptRenderer(config, [shipped_dir("templates")])
    sample = Sample(id="s", domain=config.domain, subtype="explicit", query=query, ground_truth=(), history=history)
    return renderer.render(sample, catalog or Catalog([]), config.k, config.history)


def test_default_prompt_reproduces_official_k5_requests(index, shared_data: Path) -> None:
    """Our movie_*_k5 prompts equal the exact requests the paper sent to gpt-4o."""
    for subtype in ("explicit", "implicit", "misinformed"):
        path = shared_data / "recbench-plus" / "official-runs" / f"movie-{subtype}.gpt-4o-k5.requests.jsonl"
        with path.open() as fh:
            rows = [json.loads(next(fh)) for _ in range(20)]
        for row in rows:
            official = row["body"]["messages"]
            query = official[1]["content"].removeprefix("Query: ").removesuffix("\nRecommended movies (separated by [SEP]):")
            ours = _render(index, f"movie_{subtype}_k5", query)
            assert [dict(m) for m in ours] == official


def test_free_length_and_history_prompts(index) -> None:
    system, user = _render(index, "movie_explicit", "Sci-fi please")
    assert system["content"].endswith("Please output the recommended movies directly, do not output other content.")
    assert user["content"] == "Query: Sci-fi please\nRecommended movies (separated by [SEP]):"
    catalog = Catalog([Item("a", "Heat", 1995), Item("b", "Ronin", 1998)])
    _, user = _render(index, "movie_explicit_history", "More like these", history=("a", "b"), catalog=catalog)
    assert (
        user["content"]
        == "The user has watched the following movies:['Heat (1995)', 'Ronin (1998)']\nQuery: More like these\nRecommended movies (separated by [SEP]):"
    )
    system, user = _render(index, "book_explicit_k5", "Cosy mysteries")
    assert "Please output 5 recommended books directly" in system["content"]
    assert user["content"].endswith("Recommended books (separated by [SEP]):")


def test_history_prompt_reproduces_official_history_requests(index, shared_data: Path) -> None:
    """movie_*_history_k5 renders the official history variant byte for byte: its system prompt
    and the history line, for a sample whose history resolves to the official titles.

    The catalog here holds each official history entry as one title ("Title (YYYY)", no separate
    year): the renderer shows each item's display title ("Title (YYYY)" when it has a year), which
    is what the official line shows."""
    import ast

    for subtype in ("implicit", "misinformed"):
        path = shared_data / "recbench-plus" / "official-runs" / f"movie-{subtype}-history.deepseek-v3-k5.requests.jsonl"
        with path.open() as fh:
            rows = [json.loads(next(fh)) for _ in range(25)]
        for row in rows:
            official = row["body"]["messages"]
            head, rest = official[1]["content"].split("\nQuery: ", 1)
            titles = ast.literal_eval(head.removeprefix("The user has watched the following movies:"))
            query = rest.removesuffix("\nRecommended movies (separated by [SEP]):")
            catalog = Catalog([Item(f"h{n}", t) for n, t in enumerate(titles)])
            history = tuple(f"h{n}" for n in range(len(titles)))
            ours = _render(index, f"movie_{subtype}_history_k5", query, history=history, catalog=catalog)
            assert [dict(m) for m in ours] == official
            assert row["body"]["max_tokens"] == index.tasks[f"movie_{subtype}_history_k5"].config().generation["max_tokens"]
