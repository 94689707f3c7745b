"""A small HTTP-aware TCP proxy that injects network faults between the client and the server.

Each client connection gets its own upstream connection; requests are read whole (headers and
body), matched against the fault rules, then forwarded, dropped, hung or answered slowly.
Faults:
  drop_before  close the client connection without forwarding the request
  drop_after   forward the request, read the whole answer, then close without sending it
  hang         read the request and never answer (until the proxy is closed)
  slow         forward, then send the answer in small slices with pauses
  truncate     forward, then send only the first half of the answer and close
  status_503   answer 503 without forwarding (a gateway whose server is down); status_502 likewise
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class Rule:
    fault: str
    path: str = ""
    method: str = ""
    times: int = 1  # -1: forever
    slice_bytes: int = 512
    pause: float = 0.01


class FaultProxy:
    def __init__(self, upstream_port: int, *, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.rules: list[Rule] = []
        self.log: list[tuple[str, str, str]] = []  # (method, path, fault or "pass")
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    # -------------------------------------------------------------- control

    def add(self, fault: str, *, path: str = "", method: str = "", times: int = 1,
            slice_bytes: int = 512, pause: float = 0.01) -> None:
        with self._lock:
            self.rules.append(Rule(fault, path, method, times, slice_bytes, pause))

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def faults_done(self, fault: str) -> int:
        return sum(1 for _m, _p, f in self.log if f == fault)

    def close(self) -> None:
        self._closing.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for s in list(self._sockets):
                _close(s)

    def _match(self, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.times == 0:
                    continue
                if rule.path in path and (not rule.method or rule.method == method):
                    if rule.times > 0:
                        rule.times -= 1
                    return rule
        return None

    # -------------------------------------------------------------- plumbing

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, s: socket.socket) -> None:
        with self._lock:
            self._sockets.add(s)

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        client_reader = _Reader(client)
        try:
            while not self._closing.is_set():
                request = client_reader.read_message(is_request=True)
                if request is None:
                    return
                head = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                method, path = head[0], head[1] if len(head) > 1 else ""
                rule = self._match(method, path)
                fault = rule.fault if rule else "pass"
                self.log.append((method, path, fault))
                if fault == "drop_before":
                    return
                if fault == "hang":
                    self._closing.wait()
                    return
                if fault.startswith("status_"):
                    code = fault.removeprefix("status_")
                    client.sendall(f"HTTP/1.1 {code} Gateway\r\ncontent-type: text/plain\r\n"
                                   f"content-length: 4\r\nconnection: close\r\n\r\ndown".encode())
                    return
                if upstream is None:
                    upstream = socket.create_connection(self.upstream)
                    self._track(upstream)
                    upstream_reader = _Reader(upstream)
                upstream.sendall(request)
                response = upstream_reader.read_message(is_request=False, method=method)
                if response is None:
                    return
                if fault == "drop_after":
                    return
                if fault == "truncate":
                    client.sendall(response[: len(response) // 2])
                    return
                if fault == "slow" and rule is not None:
                    for i in range(0, len(response), rule.slice_bytes):
                        client.sendall(response[i:i + rule.slice_bytes])
                        time.sleep(rule.pause)
                else:
                    client.sendall(response)
        except OSError:
            return
        finally:
            _close(client)
            if upstream is not None:
                _close(upstream)


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()


class _Reader:
    """Reads whole HTTP/1.1 messages (Content-Length or chunked) from a socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def _take(self, n: int) -> bytes | None:
        while len(self.buf) < n:
            if not self._fill():
                return None
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _line(self) -> bytes | None:
        while b"\r\n" not in self.buf:
            if not self._fill():
                return None
        i = self.buf.index(b"\r\n") + 2
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_message(self, *, is_request: bool, method: str = "GET") -> bytes | None:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                return None
        end = self.buf.index(b"\r\n\r\n") + 4
        head, self.buf = self.buf[:end], self.buf[end:]
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                headers[k.strip().lower()] = v.strip()
        status_no_body = False
        if not is_request:
            status = int(head.split(b" ", 2)[1])
            status_no_body = status in (204, 304) or 100 <= status < 200 or method == "HEAD"
        if status_no_body:
            return head
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = b""
            while True:
                size_line = self._line()
                if size_line is None:
                    return None
                size = int(size_line.split(b";")[0].strip(), 16)
                chunk = self._take(size + 2)
                if chunk is None:
                    return None
                body += size_line + chunk
                if size == 0:
                    return head + body
        length = int(headers.get(b"content-length", b"0"))
        body = self._take(length) if length else b""
        return None if body is None else head + body
