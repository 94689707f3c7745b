"""The embedded demo server: sfa-server with a generated wholesaler, on loopback, in this process.

`sfa-desktop demo` and `sfa-desktop smoke-test` use it (needs the [server] extra; the installer's
bundle carries it unless built with SFA_BUNDLE_DEMO=0).
"""

from __future__ import annotations

import socket
import threading
import time


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedServer:
    """sfa-server in a background thread on 127.0.0.1, stopped by `stop()`."""

    def __init__(self, database_url: str) -> None:
        import uvicorn

        from sfa_server.app import create_app

        self.port = _free_port()
        config = uvicorn.Config(create_app(database_url), host="127.0.0.1", port=self.port,
                                log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sfa-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the embedded server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def load_server(database_url: str, size: str, seed: int) -> None:
    from sfa_server.db import init_database
    from sfa_server.demo_data import generate, load

    engine = init_database(database_url)
    started = time.monotonic()
    counts = load(engine, generate(size, seed))
    engine.dispose()
    print(f"   {sum(counts.values()):,} rows loaded in {time.monotonic() - started:.1f} s "
          f"({counts.get('customers', 0)} customers, {counts.get('products', 0)} products)")
