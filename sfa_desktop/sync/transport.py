"""HTTP transport to the server: one requests Session, timeouts, TLS, gzip, retries, tokens.

Only transport faults are retried (connection errors, timeouts, truncated bodies, 502/503/504,
429); every other failure becomes a typed SyncError whose message speaks to the agent.
Tokens live in memory; the refresh token is handed to a `TokenStore` (the encrypted replica).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from requests import exceptions as rex
from urllib3 import exceptions as u3ex

from sfa_desktop.domain import clock
from sfa_desktop.domain.messages import Message
from sfa_desktop.sync import protocol
from sfa_desktop.sync.errors import (
    AuthenticationRequiredError,
    CertificateError,
    DeviceRevokedError,
    LoginFailedError,
    ProtocolViolationError,
    RequestRefusedError,
    ServerFaultError,
    ServerUnreachableError,
    SyncError,
    UpdateRequiredError,
)
from sfa_desktop.sync.protocol import compression

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_CHUNK = 256 * 1024
#: Refresh the access token this long before the server says it expires.
_EXPIRY_MARGIN_S = 30.0


class TokenStore(Protocol):
    """Where the refresh token survives a restart; must be encrypted at rest."""

    def load_refresh_token(self) -> str | None: ...

    def save_refresh_token(self, token: str | None) -> None: ...


class MemoryTokenStore:
    """Keeps the refresh token for this process only (tests, one-shot headless syncs)."""

    def __init__(self, token: str | None = None) -> None:
        self._token = token

    def load_refresh_token(self) -> str | None:
        return self._token

    def save_refresh_token(self, token: str | None) -> None:
        self._token = token


@dataclass(frozen=True, slots=True)
class StreamChecksum:
    count: int
    checksum: str


class _TransportFault(Exception):
    """Internal: a fault worth retrying; `detail` says what happened."""

    def __init__(self, detail: str, *, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Transport:
    """Talks to one server. Not for concurrent use by two syncs (the engine's lock sees to it)."""

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        device_id: str | None = None,
        token_store: TokenStore | None = None,
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 10.0,
        request_deadline: float = 300.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        compress_requests: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"the server address must start with http:// or https://: {base_url!r:.80}")
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.verify: bool | str = ca_bundle if ca_bundle else True
        self.timeout = timeout
        self.device_id = device_id
        self.token_store = token_store or MemoryTokenStore()
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.request_deadline = request_deadline
        self.max_response_bytes = max_response_bytes
        self.compress_requests = compress_requests
        self._sleep = sleep
        self._access_token: str | None = None
        self._access_expires_at = 0.0
        self._token_lock = threading.Lock()
        #: Re-login hook for headless use (it holds the password in memory only).
        self.reauthenticate: Callable[[], None] | None = None
        self.bytes_sent = 0
        self.bytes_received = 0

    # ------------------------------------------------------------------ session lifecycle

    @property
    def signed_in(self) -> bool:
        return self._access_token is not None or self.token_store.load_refresh_token() is not None

    def login(self, *, username: str, password: str, device_id: str, device_name: str) -> dict[str, Any]:
        """Sign in this device; keeps the tokens and returns the server's answer without them."""
        self.device_id = device_id
        doc = self._call("POST", "/auth/login", body={
            "username": username, "password": password,
            "device_id": device_id, "device_name": device_name}, auth=False, login=True)
        self._take_tokens(doc)
        return {k: v for k, v in doc.items() if k not in ("access_token", "refresh_token")}

    def refresh(self) -> None:
        """Exchange the refresh token for new tokens (rotation: the new refresh token is saved)."""
        token = self.token_store.load_refresh_token()
        if not token:
            raise AuthenticationRequiredError("no refresh token")
        try:
            doc = self._call("POST", "/auth/refresh", body={"refresh_token": token},
                             auth=False, login=True)
        except LoginFailedError as error:
            self._access_token = None
            self.token_store.save_refresh_token(None)
            raise AuthenticationRequiredError(error.detail) from error
        self._take_tokens(doc)

    def logout(self) -> None:
        """End the session on the server (best effort) and forget the tokens here."""
        token = self.token_store.load_refresh_token()
        try:
            if token or self._access_token:
                self._call("POST", "/auth/logout", body={"refresh_token": token}, auth=True,
                           retries=0)
        except SyncError as error:
            log.info("logout on the server failed, tokens are forgotten anyway: %s", error.detail)
        finally:
            self._access_token = None
            self.token_store.save_refresh_token(None)

    def _take_tokens(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            raise ProtocolViolationError("sign-in answer is not an object")
        access, refresh = doc.get("access_token"), doc.get("refresh_token")
        expires_in = doc.get("expires_in", 900)
        if not isinstance(access, str) or not access or not isinstance(refresh, str) or not refresh:
            raise ProtocolViolationError("sign-in answer carries no tokens")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float) or expires_in <= 0:
            raise ProtocolViolationError("sign-in answer has an invalid expiry")
        self._access_token = access
        self._access_expires_at = time.monotonic() + float(expires_in)
        self.token_store.save_refresh_token(refresh)

    # ------------------------------------------------------------------ sync endpoints

    def pull(self, *, cursor: str | None, limit: int = protocol.DEFAULT_PAGE_SIZE,
             streams: Sequence[str] | None = None) -> tuple[protocol.PullPage, dict[str, Any]]:
        """One page of changes after `cursor` (None: from the start), validated.

        Returns the page and the raw document's extra fields (e.g. a remaining-rows estimate).
        """
        if not 1 <= limit <= protocol.MAX_PAGE_SIZE:
            raise ValueError(f"page size must be 1..{protocol.MAX_PAGE_SIZE}")
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        if streams:
            params["streams"] = ",".join(streams)
        doc = self._call("GET", "/sync/pull", params=params)
        try:
            page = protocol.decode_pull_page(doc)
        except protocol.ProtocolError as error:
            raise ProtocolViolationError(str(error)) from error
        extra = {k: v for k, v in doc.items() if k not in ("cursor", "has_more", "changes", "reset", "tables")}
        return page, extra

    def pull_raw(self, *, cursor: str | None, limit: int = protocol.DEFAULT_PAGE_SIZE) -> tuple[Any, dict[str, Any]]:
        """One page as parsed JSON, not yet validated: a first sync validates and binds it in one pass
        (sync.bulk_load.apply_bulk_page)."""
        return decode_pull(self.pull_bytes(cursor=cursor, limit=limit))

    def pull_bytes(self, *, cursor: str | None, limit: int = protocol.DEFAULT_PAGE_SIZE) -> PullAnswer:
        """One page's body as it came (decompressed, not decoded), with the next cursor when the server
        names it in a header: a first sync asks for the next page before decoding this one."""
        if not 1 <= limit <= protocol.MAX_PAGE_SIZE:
            raise ValueError(f"page size must be 1..{protocol.MAX_PAGE_SIZE}")
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = self._call("GET", "/sync/pull", params=params, raw=True)
        assert isinstance(answer, PullAnswer)
        return answer

    def checksums(self, *, streams: Sequence[str] | None = None) -> dict[str, StreamChecksum]:
        """What the server says this device's replica should hold, per stream."""
        params = {"streams": ",".join(streams)} if streams else None
        doc = self._call("GET", "/sync/checksums", params=params)
        return decode_checksums(doc)

    def push(self, commands: Sequence[protocol.Command]) -> list[protocol.CommandResult]:
        """Send a batch of commands in order; one validated result per command, same order."""
        if not 0 < len(commands) <= protocol.MAX_PUSH_COMMANDS:
            raise ValueError(f"a push carries 1..{protocol.MAX_PUSH_COMMANDS} commands")
        doc = self._call("POST", "/sync/push", body={"commands": [c.to_wire() for c in commands]})
        if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
            raise ProtocolViolationError("push answer has no result list")
        try:
            results = [protocol.decode_command_result(r) for r in doc["results"]]
        except protocol.ProtocolError as error:
            raise ProtocolViolationError(str(error)) from error
        if [r.id for r in results] != [c.id for c in commands]:
            raise ProtocolViolationError("push answer does not match the commands sent")
        return results

    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        """An authenticated GET under the API prefix (office screens, diagnostics)."""
        return self._call("GET", path, params=params)

    def post_json(self, path: str, body: Any) -> Any:
        """An authenticated POST under the API prefix; retried only on transport faults."""
        return self._call("POST", path, body=body)

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------------ the one request path

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              body: Any = None, auth: bool = True, login: bool = False,
              retries: int | None = None, raw: bool = False) -> Any:
        refreshed = False
        while True:
            if auth and not login:
                self._ensure_access_token()
            try:
                return self._call_with_retries(method, path, params=params, body=body, auth=auth,
                                               login=login, retries=retries, raw=raw)
            except _Unauthorized as error:
                if login:
                    raise LoginFailedError(error.detail) from None
                if refreshed or not auth:
                    raise AuthenticationRequiredError(error.detail) from None
                refreshed = True
                self._access_token = None
                self._renew_session()

    def _ensure_access_token(self) -> None:
        if self._access_token and time.monotonic() < self._access_expires_at - _EXPIRY_MARGIN_S:
            return
        self._renew_session()

    def _renew_session(self) -> None:
        with self._token_lock:
            try:
                self.refresh()
            except AuthenticationRequiredError:
                if self.reauthenticate is None:
                    raise
                self.reauthenticate()

    def _call_with_retries(self, method: str, path: str, *, params: Mapping[str, Any] | None,
                           body: Any, auth: bool, login: bool, retries: int | None, raw: bool = False) -> Any:
        attempts = (self.max_retries if retries is None else retries) + 1
        data, headers = self._encode_body(body)
        for attempt in range(attempts):
            try:
                return self._send_once(method, path, params=params, data=data, headers=headers,
                                       auth=auth, login=login, raw=raw)
            except _TransportFault as fault:
                if attempt + 1 >= attempts:
                    raise ServerUnreachableError(str(fault)) from None
                delay = self._backoff(attempt, fault.retry_after)
                log.info("%s %s failed (%s); retry %d/%d in %.2fs", method, path, fault,
                         attempt + 1, attempts - 1, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(self.backoff_cap, max(0.0, retry_after))
        # "Full jitter": spreads the retries of many agents coming back online at once.
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** attempt))

    def _encode_body(self, body: Any) -> tuple[bytes | None, dict[str, str]]:
        if body is None:
            return None, {}
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        if len(raw) > protocol.MAX_BODY_BYTES:
            raise RequestRefusedError(f"request body of {len(raw)} bytes exceeds the protocol limit")
        headers = {"Content-Type": "application/json"}
        if self.compress_requests and len(raw) > 512:
            raw = compression.gzip_bytes(raw, 5)
            headers["Content-Encoding"] = "gzip"
        return raw, headers

    def _headers(self, auth: bool) -> dict[str, str]:
        headers = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION),
                   "Accept": "application/json", "Accept-Encoding": "gzip"}
        if self.device_id:
            headers[protocol.DEVICE_HEADER] = self.device_id
        if auth and self._access_token:
            headers["Authorization"] = f"Bearer {self._access_token}"
        return headers

    def _send_once(self, method: str, path: str, *, params: Mapping[str, Any] | None,
                   data: bytes | None, headers: dict[str, str], auth: bool, login: bool,
                   raw: bool = False) -> Any:
        url = f"{self.base_url}{protocol.API_PREFIX}{path}"
        started = time.monotonic()
        sent_at = clock.system_now()
        try:
            with self.session.request(method, url, params=params, data=data,
                                      headers={**self._headers(auth), **headers},
                                      timeout=self.timeout, verify=self.verify, stream=True,
                                      allow_redirects=False) as resp:
                self.bytes_sent += len(data or b"")
                status = resp.status_code
                content = self._read_body(resp, started)
        except rex.SSLError as error:
            # A certificate problem will not heal by retrying; say so plainly.
            raise CertificateError(str(error)) from None
        except (rex.ConnectionError, rex.Timeout, rex.ChunkedEncodingError,
                rex.ContentDecodingError, u3ex.HTTPError) as error:
            raise _TransportFault(f"{type(error).__name__}: {error}") from None
        log.debug("%s %s -> %s in %.3fs, %d bytes", method, path, status,
                  time.monotonic() - started, len(content))
        _learn_server_clock(resp.headers.get("Date"), sent_at, clock.system_now())
        if 200 <= status < 300:
            if raw:
                return PullAnswer(content, resp.headers.get(protocol.NEXT_CURSOR_HEADER))
            return _parse_json(content) if content or status != 204 else None
        self._raise_for_status(status, content, resp.headers, login=login)
        raise AssertionError("unreachable")

    def _read_body(self, resp: requests.Response, started: float) -> bytes:
        """The answer's body, decompressed, within the size limit and the deadline. A gzip body is
        unpacked here (protocol.compression: ISA-L, three times faster than the zlib urllib3 uses)."""
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_response_bytes:
            raise ProtocolViolationError(f"answer of {declared} bytes is larger than allowed")
        gzipped = resp.headers.get("Content-Encoding", "").strip().lower() == "gzip"
        chunks = resp.raw.stream(_CHUNK, decode_content=False) if gzipped else resp.iter_content(_CHUNK)
        unpacker = compression.Gunzip(self.max_response_bytes)
        parts, size = [], 0
        try:
            for chunk in chunks:
                if gzipped:
                    unpacker.feed(chunk)
                else:
                    size += len(chunk)
                    if size > self.max_response_bytes:
                        raise compression.TooLarge(f"answer larger than {self.max_response_bytes} bytes was refused")
                    parts.append(chunk)
                if time.monotonic() - started > self.request_deadline:
                    raise _TransportFault(f"answer took longer than {self.request_deadline:.0f}s")
            body = unpacker.result() if gzipped else b"".join(parts)
        except compression.TooLarge as error:
            raise ProtocolViolationError(str(error)) from None
        except compression.GzipError as error:
            raise rex.ContentDecodingError(str(error)) from None  # a damaged answer: retried, as before
        try:
            self.bytes_received += int(resp.raw.tell())
        except (AttributeError, TypeError, ValueError):
            self.bytes_received += size
        return body

    def _raise_for_status(self, status: int, content: bytes, headers: Mapping[str, str], *,
                          login: bool) -> None:
        code, message = _error_fields(content)
        detail = f"HTTP {status}" + (f" {code}" if code else "") + (f": {message}" if message else "")
        if code == "device_revoked":
            raise DeviceRevokedError(detail)
        if status == 426:
            raise UpdateRequiredError(detail)
        if login and status == 429:
            # Locked out after failed sign-ins: retrying would only prolong the lock.
            retry_after = headers.get("Retry-After")
            minutes = max(1, -(-int(retry_after) // 60)) if retry_after and retry_after.isdigit() else 15
            raise LoginFailedError(detail, message=Message("sync.locked_out", {"count": minutes}))
        if login and status == 403 and code == "device_other_user":
            raise LoginFailedError(detail, message=Message("sync.other_user_device"))
        if login and code == "user_disabled":
            raise LoginFailedError(detail, message=Message("sync.account_disabled"))
        if status in RETRY_STATUSES:
            retry_after = headers.get("Retry-After")
            raise _TransportFault(detail, retry_after=float(retry_after)
                                  if retry_after and retry_after.isdigit() else None)
        if status == 401:
            raise _Unauthorized(detail)
        if status >= 500:
            raise ServerFaultError(detail)
        refused = RequestRefusedError(detail)
        # the office client reads the answer itself (who decided an order first, and when)
        refused.http_status, refused.server_code, refused.server_body = status, code, _json_or_none(content)
        raise refused


class _Unauthorized(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PullAnswer:
    """A pull page's body, not yet decoded, and the next cursor its header named (None: none)."""

    content: bytes
    next_cursor: str | None


def decode_pull(answer: PullAnswer) -> tuple[Any, dict[str, Any]]:
    """A pull answer's page as parsed JSON (not yet validated) and its extra fields; a header that
    names another cursor than the page's own is refused."""
    doc = _parse_json(answer.content)
    if not isinstance(doc, dict):
        raise ProtocolViolationError("pull answer is not an object")
    if answer.next_cursor is not None and (doc.get("has_more") is not True or doc.get("cursor") != answer.next_cursor):
        raise ProtocolViolationError("pull answer's next-cursor header does not match its page")
    extra = {k: v for k, v in doc.items() if k not in ("cursor", "has_more", "changes", "reset", "tables")}
    return doc, extra


def _parse_json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise ProtocolViolationError(f"answer is not valid JSON: {error}") from None


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        return None


def _error_fields(content: bytes) -> tuple[str | None, str | None]:
    """(code, message) from an error body: {"code","message"} or FastAPI's {"detail": ...}."""
    try:
        doc = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        return None, content[:200].decode("utf-8", "replace") or None
    if not isinstance(doc, dict):
        return None, None
    detail = doc.get("detail")
    source = detail if isinstance(detail, dict) else doc
    code = source.get("code")
    message = source.get("message") or (detail if isinstance(detail, str) else None)
    return (code if isinstance(code, str) else None,
            str(message)[:300] if message is not None else None)


def decode_checksums(doc: Any) -> dict[str, StreamChecksum]:
    """Validate {stream: {count, checksum}} from the server."""
    if not isinstance(doc, dict):
        raise ProtocolViolationError("checksum answer is not an object")
    source = doc.get("streams", doc) if isinstance(doc.get("streams"), dict) else doc
    out: dict[str, StreamChecksum] = {}
    for stream, value in source.items():
        if stream not in protocol.STREAMS:
            continue  # a newer server may know more streams
        if not isinstance(value, dict):
            raise ProtocolViolationError(f"checksum of {stream} is not an object")
        count, checksum = value.get("count"), value.get("checksum")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ProtocolViolationError(f"checksum of {stream} has an invalid count")
        if not isinstance(checksum, str) or len(checksum) != 64:
            raise ProtocolViolationError(f"checksum of {stream} is not a sha256 hex digest")
        out[stream] = StreamChecksum(count, checksum.lower())
    return out


def _learn_server_clock(date_header: str | None, sent_at: dt.datetime, answered_at: dt.datetime) -> None:
    """The server's clock from its answer's Date header (whole seconds, truncated): the offset of
    the system clock, applied to the times the client stamps (sfa_desktop.domain.clock)."""
    if not date_header:
        return
    try:
        server = email.utils.parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return
    if server.tzinfo is None:
        return
    middle = sent_at + (answered_at - sent_at) / 2
    clock.set_server_offset(server + dt.timedelta(milliseconds=500) - middle)
