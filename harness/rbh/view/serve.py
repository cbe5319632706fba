"""Serving a report on 127.0.0.1 (`rbh view --serve`)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


def serve(report: Path, port: int = 0) -> None:
    """Serve the report's folder on 127.0.0.1 until interrupted; prints the URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(report.parent))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving http://127.0.0.1:{server.server_address[1]}/{report.name} (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
