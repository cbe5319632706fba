"""Where rbh finds its shipped files and keeps its caches.

`shipped_dir` is the one function that knows where `tasks/` and `templates/` live: inside the
installed wheel (`rbh/_shipped/<name>`) or at the root of a source checkout (editable install).
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def shipped_dir(name: str) -> Path:
    """Return the folder of a shipped resource (`tasks` or `templates`)."""
    in_wheel = _PACKAGE_DIR / "_shipped" / name
    if in_wheel.is_dir():
        return in_wheel
    in_checkout = _PACKAGE_DIR.parent.parent / name
    if in_checkout.is_dir():
        return in_checkout
    raise FileNotFoundError(f"rbh cannot find its shipped '{name}' folder (looked in {in_wheel} and {in_checkout})")


def cache_dir() -> Path:
    """The user cache folder (`RBH_CACHE_DIR` overrides); created on demand. A folder that cannot
    be created or written is a usage error naming where it came from."""
    from rbh.errors import UsageError

    override = os.environ.get("RBH_CACHE_DIR")
    if override:
        path, origin = Path(override).expanduser(), f"RBH_CACHE_DIR={override}"
    else:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir("rbh", appauthor=False))
        origin = f"the cache folder {path}"
    if path in _USABLE:
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):  # writable by this process (root included: /proc is not)
            pass
    except OSError as exc:
        raise UsageError(f"cannot use {origin}: {exc.strerror or exc} (set RBH_CACHE_DIR to a writable folder)") from None
    _USABLE.add(path)
    return path


_USABLE: set[Path] = set()  # cache folders already checked in this process
