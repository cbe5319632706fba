"""Headless Chromium (the distribution's package, installed by `scripts/setup --test`) driven by
Playwright, and reports of saved runs to open in it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: `scripts/setup --test` installs it (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_report(browser: Any, *runs: Path, out: Path) -> tuple[Any, list[str]]:
    """`rbh view RUN... --out OUT`, then the report opened in a new page once it is drawn: the
    page and the errors it reported (page errors and console errors, as they come)."""
    from tests.backends.conftest import rbh_main

    code, _, stderr = rbh_main("view", *map(str, runs), "--out", str(out))
    assert code == 0, stderr
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(out.as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    return page, errors
