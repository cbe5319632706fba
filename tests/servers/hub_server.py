"""A minimal Hugging Face Hub-compatible HTTP server for tests (127.0.0.1 only).

It implements the part of the Hub API that `huggingface_hub` (create_repo, upload_folder /
create_commit with regular and LFS uploads, repo info, tree and paths-info listings,
hf_hub_download) and `datasets.load_dataset` use, with the same response shapes and headers.
Repos live in memory (commit history as {path: file entry}); file contents are stored once, by
sha256, in a folder on disk. Auth is one valid bearer token; fault injection makes chosen
requests answer 401/403/404/409/500, and `stop()` takes the server down ("network down").

Run it by hand with `python -m tests.servers.hub_server --port 8765 --token hf_test`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
LFS_SUFFIXES = (".parquet", ".arrow", ".bin", ".safetensors")  # what the Hub's default .gitattributes tracks
GITATTRIBUTES = b"".join(f"*{s} filter=lfs diff=lfs merge=lfs -text\n".encode() for s in LFS_SUFFIXES)

_API_REPO = re.compile(r"^/api/(?P<kind>models|datasets|spaces)/(?P<repo>[^/]+/[^/]+?)(?P<rest>/.*)?$")
_RESOLVE = re.compile(r"^/(?:(?P<kind>datasets|spaces)/)?(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")
_LFS_BATCH = re.compile(r"^/(?:(?P<kind>datasets|spaces)/)?(?P<repo>[^/]+/[^/]+)\.git/info/lfs/objects/batch$")
_LFS_PUT = re.compile(r"^/_lfs/(?P<oid>[0-9a-f]{64})$")


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Repo:
    kind: str  # "datasets", "models", "spaces"
    repo_id: str
    private: bool
    commits: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # sha -> {path: entry}
    log: list[str] = field(default_factory=list)  # commit shas, oldest first
    messages: dict[str, str] = field(default_factory=dict)

    @property
    def head(self) -> str:
        return self.log[-1]


@dataclass
class Fault:
    status: int
    path: re.Pattern[str]
    method: str | None
    remaining: int | None
    message: str


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


class FakeHub:
    """The state behind the server: repos, blobs, the valid token, injected faults, a request log."""

    def __init__(self, storage: Path, token: str, user: str = "rbh-tester", orgs: tuple[str, ...] = ("rbh-org",)):
        self.storage = Path(storage)
        (self.storage / "blobs").mkdir(parents=True, exist_ok=True)
        self.token, self.user, self.orgs = token, user, orgs
        self.repos: dict[tuple[str, str], Repo] = {}
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) in arrival order
        self.unrouted: list[tuple[str, str]] = []  # requests no handler knew: the client used an API we lack
        self.lock = threading.RLock()
        self.base_url = ""

    # -- test controls --------------------------------------------------------------------------
    def inject(
        self, status: int, path: str = ".*", method: str | None = None, count: int | None = None, message: str | None = None
    ) -> None:
        """Make requests whose path matches the regex `path` answer `status` (count times, or always)."""
        default = {
            401: "Invalid credentials in Authorization header",
            403: "You don't have the rights to do this",
            404: "Repository not found",
            409: "A commit has happened since. Please refresh and try again.",
        }
        self.faults.append(Fault(status, re.compile(path), method, count, message or default.get(status, "Server error")))

    def clear_faults(self) -> None:
        self.faults.clear()

    def files(self, repo_id: str, kind: str = "datasets", revision: str = "main") -> dict[str, bytes]:
        """The files of a repo at a revision, {path: content}."""
        repo = self.repos[(kind, repo_id)]
        return {p: self._blob(e) for p, e in self._tree(repo, revision).items()}

    # -- storage ----------------------------------------------------------------------------------
    def _store(self, data: bytes, lfs: bool) -> dict[str, Any]:
        sha256 = hashlib.sha256(data).hexdigest()
        (self.storage / "blobs" / sha256).write_bytes(data)
        entry: dict[str, Any] = {"oid": git_blob_oid(data), "size": len(data), "sha256": sha256, "lfs": lfs}
        if lfs:  # the git blob of an LFS file is its pointer file
            pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {len(data)}\n".encode()
            entry.update(oid=git_blob_oid(pointer), pointer_size=len(pointer))
        return entry

    def _blob(self, entry: dict[str, Any]) -> bytes:
        return (self.storage / "blobs" / entry["sha256"]).read_bytes()

    def _commit(self, repo: Repo, tree: dict[str, dict[str, Any]], message: str) -> str:
        parent = repo.log[-1] if repo.log else ""
        payload = json.dumps([parent, message, time.time_ns(), sorted((p, e["oid"]) for p, e in tree.items())])
        sha = hashlib.sha1(payload.encode()).hexdigest()
        repo.commits[sha], repo.messages[sha] = dict(tree), message
        repo.log.append(sha)
        return sha

    def _tree(self, repo: Repo, revision: str) -> dict[str, dict[str, Any]]:
        if revision in ("main", "refs/heads/main"):
            return repo.commits[repo.head]
        if revision in repo.commits:
            return repo.commits[revision]
        raise HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")

    def _sha(self, repo: Repo, revision: str) -> str:
        if revision in ("main", "refs/heads/main"):
            return repo.head
        self._tree(repo, revision)  # raises RevisionNotFound for an unknown revision
        return revision

    def _repo(self, kind: str, repo_id: str, auth: str, write: bool = False) -> Repo:
        repo = self.repos.get((kind, repo_id))
        if repo is None or (repo.private and auth != "valid"):
            raise HubError(404, "Repository not found", "RepoNotFound")
        if write and auth != "valid":
            raise HubError(401, "Invalid credentials in Authorization header")
        return repo

    # -- API --------------------------------------------------------------------------------------
    def create_repo(self, body: dict[str, Any]) -> dict[str, Any]:
        namespace = body.get("organization") or self.user
        if namespace not in (self.user, *self.orgs):
            raise HubError(404, f"Organization {namespace} not found")
        kind = (body.get("type") or "model") + "s"
        repo_id = f"{namespace}/{body['name']}"
        url = f"{self.base_url}/{'' if kind == 'models' else kind + '/'}{repo_id}"
        if (kind, repo_id) in self.repos:
            raise HubError(409, f"You already created this {kind[:-1]} repo", None, url=url)
        private = body.get("visibility") == "private" or bool(body.get("private"))
        repo = Repo(kind, repo_id, private)
        self._commit(repo, {".gitattributes": self._store(GITATTRIBUTES, lfs=False)}, "initial commit")
        self.repos[(kind, repo_id)] = repo
        return {"url": url, "name": repo_id, "id": repo_id}

    def repo_info(self, repo: Repo, revision: str) -> dict[str, Any]:
        sha = self._sha(repo, revision)
        tree = repo.commits[sha]
        return {
            "_id": hashlib.md5(repo.repo_id.encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": sha,
            "private": repo.private,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "lastModified": _now(),
            "createdAt": _now(),
            "siblings": [{"rfilename": p} for p in sorted(tree)],
        }

    def entries(self, repo: Repo, revision: str, path: str, recursive: bool, expand: bool) -> list[dict[str, Any]]:
        tree = self._tree(repo, revision)
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        if prefix and not any(p.startswith(prefix) for p in tree):
            raise HubError(404, f"Entry not found: {path}", "EntryNotFound")
        out: dict[str, dict[str, Any]] = {}
        for p, entry in sorted(tree.items()):
            if not p.startswith(prefix):
                continue
            rest = p[len(prefix) :].split("/")
            for depth in range(1, len(rest)):  # folders on the way
                if depth > 1 and not recursive:
                    break
                folder = prefix + "/".join(rest[:depth])
                out.setdefault(folder, {"type": "directory", "oid": hashlib.sha1(folder.encode()).hexdigest(), "size": 0, "path": folder})
            if len(rest) == 1 or recursive:
                out[p] = self._file_entry(repo, revision, p, entry, expand)
        return list(out.values())

    def paths_info(self, repo: Repo, revision: str, paths: list[str], expand: bool) -> list[dict[str, Any]]:
        tree = self._tree(repo, revision)
        out = []
        for path in paths:
            path = path.strip("/")
            if path in tree:
                out.append(self._file_entry(repo, revision, path, tree[path], expand))
            elif any(p.startswith(path + "/") for p in tree):
                out.append({"type": "directory", "oid": hashlib.sha1(path.encode()).hexdigest(), "size": 0, "path": path})
        return out

    def _file_entry(self, repo: Repo, revision: str, path: str, entry: dict[str, Any], expand: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "file", "oid": entry["oid"], "size": entry["size"], "path": path}
        if entry["lfs"]:
            out["lfs"] = {"oid": entry["sha256"], "size": entry["size"], "pointerSize": entry["pointer_size"]}
        if expand:
            sha = self._sha(repo, revision)
            out["lastCommit"] = {"id": sha, "title": repo.messages[sha], "date": _now()}
        return out

    def preupload(self, repo: Repo, revision: str, body: dict[str, Any]) -> dict[str, Any]:
        tree = self._tree(repo, revision)
        files = []
        for f in body.get("files", []):
            lfs = f["path"].endswith(LFS_SUFFIXES) and f.get("size", 0) > 0
            existing = tree.get(f["path"])
            remote = None if existing is None else (existing["sha256"] if existing["lfs"] else existing["oid"])
            files.append({"path": f["path"], "uploadMode": "lfs" if lfs else "regular", "shouldIgnore": False, "oid": remote})
        return {"files": files, "commitOid": self._sha(repo, revision)}

    def lfs_batch(self, repo: Repo, body: dict[str, Any]) -> dict[str, Any]:
        objects = []
        for obj in body.get("objects", []):
            oid, size = obj["oid"], obj["size"]
            item: dict[str, Any] = {"oid": oid, "size": size, "authenticated": True}
            if not (self.storage / "blobs" / oid).exists():
                item["actions"] = {"upload": {"href": f"{self.base_url}/_lfs/{oid}", "header": {}}}
            objects.append(item)
        return {"transfer": "basic", "objects": objects}

    def lfs_put(self, oid: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != oid:
            raise HubError(400, "sha256 of the uploaded content does not match the LFS oid")
        (self.storage / "blobs" / oid).write_bytes(data)

    def commit(self, repo: Repo, revision: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        if revision not in ("main", "refs/heads/main"):
            raise HubError(400, "this test server only commits to main")
        tree = dict(repo.commits[repo.head])
        header: dict[str, Any] = {}
        for line in lines:
            key, value = line["key"], line["value"]
            if key == "header":
                header = value
                parent = value.get("parentCommit")
                if parent and parent != repo.head:
                    raise HubError(412, "A commit has happened since. Please refresh and try again.")
            elif key == "file":
                data = base64.b64decode(value["content"]) if value.get("encoding") == "base64" else value["content"].encode()
                tree[value["path"]] = self._store(data, lfs=False)
            elif key == "lfsFile":
                blob = self.storage / "blobs" / value["oid"]
                if not blob.exists():
                    raise HubError(400, f"LFS object {value['oid']} was not uploaded")
                tree[value["path"]] = self._store(blob.read_bytes(), lfs=True)
            elif key == "deletedFile":
                tree.pop(value["path"], None)
            elif key == "deletedFolder":
                folder = value["path"].rstrip("/") + "/"
                tree = {p: e for p, e in tree.items() if not p.startswith(folder)}
            else:
                raise HubError(400, f"unknown commit operation {key!r}")
        sha = self._commit(repo, tree, header.get("summary", ""))
        prefix = "" if repo.kind == "models" else repo.kind + "/"
        return {
            "success": True,
            "commitOid": sha,
            "commitUrl": f"{self.base_url}/{prefix}{repo.repo_id}/commit/{sha}",
            "pullRequestUrl": None,
        }


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: FakeHub  # set on the subclass made by HubServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read hub.requests instead
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    # -- plumbing -------------------------------------------------------------------------------------
    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _auth(self) -> str:
        header = self.headers.get("Authorization", "")
        if not header:
            return "none"
        return "valid" if header == f"Bearer {self.hub.token}" else "invalid"

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, method: str = "GET") -> None:
        self.send_response(status)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, method: str = "GET") -> None:
        self._send(status, json.dumps(payload).encode(), method=method)

    def _error(self, err: HubError, method: str) -> None:
        headers = {"X-Error-Message": err.message}
        if err.code:
            headers["X-Error-Code"] = err.code
        self._send(err.status, json.dumps({"error": err.message, **err.extra}).encode(), headers, method)

    def _dispatch(self, method: str) -> None:
        hub = self.hub
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        body = self._body() if method in ("POST", "PUT") else b""
        with hub.lock:
            hub.requests.append((method, url.path))
            fault = next((f for f in hub.faults if f.path.search(url.path) and f.method in (None, method) and f.remaining != 0), None)
            if fault and fault.remaining is not None:
                fault.remaining -= 1
        try:
            if fault:
                raise HubError(fault.status, fault.message, "RepoNotFound" if fault.status == 404 else None)
            auth = self._auth()
            if auth == "invalid":
                raise HubError(401, "Invalid credentials in Authorization header")
            with hub.lock:
                self._route(method, url.path, query, body, auth)
        except HubError as err:
            self._error(err, method)

    def _route(self, method: str, path: str, query: dict[str, str], body: bytes, auth: str) -> None:
        hub = self.hub
        if path == "/api/whoami-v2" and method == "GET":
            if auth != "valid":
                raise HubError(401, "Invalid credentials in Authorization header")
            orgs = [{"name": o, "type": "org"} for o in hub.orgs]
            return self._json(200, {"type": "user", "name": hub.user, "orgs": orgs, "auth": {"accessToken": {"role": "write"}}})
        if path == "/api/agent-harnesses":  # huggingface_hub's best-effort agent detection registry
            return self._json(200, {"standardEnvVars": [], "harnesses": {}}, method)
        if path == "/api/repos/create" and method == "POST":
            if auth != "valid":
                raise HubError(401, "Invalid credentials in Authorization header")
            return self._json(200, hub.create_repo(json.loads(body or b"{}")))
        if path == "/api/validate-yaml" and method == "POST":
            return self._json(200, {"errors": [], "warnings": []})
        if m := _LFS_PUT.match(path):
            if method != "PUT":
                raise HubError(405, "method not allowed")
            hub.lfs_put(m["oid"], body)
            return self._send(200)
        if m := _LFS_BATCH.match(path):
            repo = hub._repo(m["kind"] or "models", m["repo"], auth, write=True)
            return self._json(200, hub.lfs_batch(repo, json.loads(body)))
        if m := _RESOLVE.match(path):
            return self._resolve(method, hub._repo(m["kind"] or "models", m["repo"], auth), unquote(m["rev"]), unquote(m["path"]))
        if m := _API_REPO.match(path):
            return self._api_repo(method, m["kind"], m["repo"], m["rest"] or "", query, body, auth)
        hub.unrouted.append((method, path))
        raise HubError(404, f"no route for {method} {path}")

    def _api_repo(self, method: str, kind: str, repo_id: str, rest: str, query: dict[str, str], body: bytes, auth: str) -> None:
        hub = self.hub
        parts = rest.strip("/").split("/", 2) if rest.strip("/") else []
        action = parts[0] if parts else ""
        revision = unquote(parts[1]) if len(parts) > 1 else "main"
        sub_path = unquote(parts[2]) if len(parts) > 2 else ""
        if method == "GET" and action in ("", "revision"):
            return self._json(200, hub.repo_info(hub._repo(kind, repo_id, auth), revision))
        if method == "GET" and action == "tree":
            repo = hub._repo(kind, repo_id, auth)
            recursive, expand = query.get("recursive") in ("True", "true", "1"), query.get("expand") in ("True", "true", "1")
            return self._json(200, hub.entries(repo, revision, sub_path, recursive, expand))
        if method == "POST" and action == "paths-info":
            repo = hub._repo(kind, repo_id, auth)
            form = parse_qs(body.decode())
            if self.headers.get("Content-Type", "").startswith("application/json"):
                payload = json.loads(body)
                form = {"paths": payload.get("paths", []), "expand": [str(payload.get("expand", False))]}
            expand = form.get("expand", ["False"])[-1] in ("True", "true", "1")
            return self._json(200, hub.paths_info(repo, revision, form.get("paths", []), expand))
        if method == "POST" and action == "preupload":
            return self._json(200, hub.preupload(hub._repo(kind, repo_id, auth, write=True), revision, json.loads(body)))
        if method == "POST" and action == "commit":
            repo = hub._repo(kind, repo_id, auth, write=True)
            lines = [json.loads(line) for line in body.splitlines() if line.strip()]
            return self._json(200, hub.commit(repo, revision, lines))
        hub.unrouted.append((method, f"/api/{kind}/{repo_id}{rest}"))
        raise HubError(404, f"no route for {method} /api/{kind}/{repo_id}{rest}")

    def _resolve(self, method: str, repo: Repo, revision: str, path: str) -> None:
        hub = self.hub
        entry = hub._tree(repo, revision).get(path)
        sha = hub._sha(repo, revision)
        if entry is None:
            headers = {"X-Error-Code": "EntryNotFound", "X-Error-Message": "Entry not found", "X-Repo-Commit": sha}
            return self._send(404, b'{"error": "Entry not found"}', headers, method)
        data = hub._blob(entry)
        etag = entry["sha256"] if entry["lfs"] else entry["oid"]
        headers = {"Content-Type": "application/octet-stream", "ETag": f'"{etag}"', "X-Repo-Commit": sha, "Accept-Ranges": "bytes"}
        if entry["lfs"]:
            headers.update({"X-Linked-Etag": f'"{etag}"', "X-Linked-Size": str(entry["size"])})
        status, rng = 200, self.headers.get("Range")
        if rng and (m := re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())):
            size = len(data)
            start = int(m[1]) if m[1] else max(0, size - int(m[2] or 0))
            end = min(int(m[2]), size - 1) if m[1] and m[2] else size - 1
            if start >= size and size:
                return self._send(416, b"", {"Content-Range": f"bytes */{size}"}, method)
            data, status = data[start : end + 1], 206
            headers["Content-Range"] = f"bytes {start}-{start + len(data) - 1}/{size}"
        self._send(status, data, headers, method)


class HubServer:
    """A FakeHub served on 127.0.0.1 in a background thread: `with HubServer(dir, token) as hub: ...`."""

    def __init__(self, storage: Path, token: str, port: int = 0):
        self.hub = FakeHub(storage, token)
        handler = type("HubHandler", (_Handler,), {"hub": self.hub})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.hub.base_url = self.url
        self._thread: threading.Thread | None = None

    def start(self) -> "HubServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-hub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and close its socket: connections are then refused."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "HubServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="Serve a fake Hugging Face Hub on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="hf_test_token")
    parser.add_argument("--storage", type=Path, default=None)
    args = parser.parse_args()
    server = HubServer(args.storage or Path(tempfile.mkdtemp(prefix="fake-hub-")), args.token, args.port)
    print(f"fake Hub at {server.url} (token {args.token!r}); Ctrl-C to stop")
    server.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
