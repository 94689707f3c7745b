"""Access tokens (HMAC-signed, short-lived) and refresh tokens (random, stored hashed, rotating)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=30)


class TokenError(ValueError):
    """The token is malformed, forged or expired."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    device_id: str
    expires: int
    #: When it was issued, in milliseconds since the epoch (a revocation refuses older tokens).
    issued_ms: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_access_token(secret: str, *, user_id: str, device_id: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    body = {"sub": user_id, "dev": device_id, "exp": int((now + ACCESS_TTL).timestamp()),
            "iat": int(now.timestamp() * 1000)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(sig)}"


def read_access_token(secret: str, token: str, *, now: dt.datetime | None = None) -> AccessClaims:
    try:
        payload, sig = token.split(".")
        expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(sig)):
            raise TokenError("invalid token signature")
        body = json.loads(_unb64(payload))
        if not isinstance(body, dict):
            raise TokenError("malformed token")
        expires = int(body["exp"])
        issued = int(body.get("iat", (expires - ACCESS_TTL.total_seconds()) * 1000))
        claims = AccessClaims(str(body["sub"]), str(body["dev"]), expires, issued)
    except TokenError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenError("malformed token") from exc
    if claims.expires < (now or dt.datetime.now(dt.UTC)).timestamp():
        raise TokenError("token expired")
    return claims


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: A rotated refresh token presented again within this delay gets the same successor pair back (the
#: answer of the rotation was lost); later, or once the successor was used, it counts as stolen.
REFRESH_GRACE = dt.timedelta(seconds=30)


def successor_refresh_token(secret: str, token: str) -> str:
    """The refresh token that replaces `token` at rotation: derived with the server secret, so a retry
    of a lost rotation can be answered with the same pair, and nobody without the secret can guess it."""
    return _b64(hmac.new(secret.encode(), b"refresh-successor:" + token.encode(), hashlib.sha256).digest())
