"""Fixtures for the sync engine's unit tests: a real encrypted replica and a scripted HTTP peer."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.opening import open_replica


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    r = open_replica(tmp_path / "agent.db", os.urandom(32))
    yield r
    r.close()


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Script = Callable[[Seen], Answer]


class ScriptedPeer:
    """A loopback HTTP server answering from a script; records what it was sent.

    It stands in for the network and for server faults in transport tests only; the engine is
    tested against the real sfa_server in tests/integration.
    """

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.script: Script = lambda seen: Answer(404, {"detail": "no script"})
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                if self.headers.get("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                body = json.loads(data) if data else None
                seen = Seen(self.command, self.path, dict(self.headers), body)
                peer.seen.append(seen)
                answer = peer.script(seen)
                if answer.delay:
                    threading.Event().wait(answer.delay)
                payload = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            do_GET = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def peer() -> Iterator[ScriptedPeer]:
    p = ScriptedPeer()
    yield p
    p.close()
