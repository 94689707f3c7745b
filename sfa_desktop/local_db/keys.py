"""The replica's 32-byte key: kept in the OS keyring when it is secure, else wrapped by password.

Password wrapping: Argon2id (OWASP / ASVS parameters: 19 MiB, 2 passes, 1 lane) derives a
key-encryption key that seals the database key with AES-256-GCM in `<db>.key`, a small JSON
file holding only the KDF parameters, salt, nonce and ciphertext. Changing the password rewrites
that file alone. Nothing here ever generates a key for a database that already exists.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sfa_desktop.domain.messages import Message
from sfa_desktop.local_db.engine import KEY_BYTES
from sfa_desktop.local_db.errors import (
    KeyringUnavailableError,
    KeyStoreError,
    PasswordRequiredError,
    WrongPasswordError,
)

log = logging.getLogger(__name__)

SERVICE = "sfa-desktop replica"
KEY_FILE_FORMAT = "sfa-replica-key"
KEY_FILE_VERSION = 1
# The key file is an offline target for whoever has the laptop: each guess of the password must be
# expensive. Unlocking is rare (start, after a lock), so Argon2id at 256 MiB and 3 passes: about
# 0.8 s on one core here (docs/security.md has the measurement), 21 times the OWASP minimum
# (19 MiB, t=2: 37 ms), and memory-hard, which is what slows GPU rigs. Files wrapped with weaker
# parameters are wrapped again at the next unlock.
ARGON2_MEMORY_KIB = 262_144
ARGON2_ITERATIONS = 3
ARGON2_PARALLELISM = 1
#: The OWASP minimum, used only where SFA_FAST_KDF=1 is set (the test suite: hundreds of unlocks).
FAST_KDF = {"memory_kib": 19_456, "iterations": 2, "parallelism": 1}
SALT_BYTES, NONCE_BYTES = 16, 12
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
_INSECURE_MODULES = ("keyrings.alt", "keyring.backends.null", "keyring.backends.fail")
_SIDE_FILES = ("-wal", "-shm", "-journal")


# --------------------------------------------------------------------------- keyring

def is_secure_backend(backend: Any) -> bool:
    """True only for a real OS keyring: priority >= 1, not plaintext, null, fail or keyrings.alt."""
    cls = type(backend)
    module, name = cls.__module__, cls.__name__
    if module.startswith(_INSECURE_MODULES) or "plaintext" in f"{module}.{name}".lower():
        return False
    children = getattr(backend, "backends", None)
    if module.startswith("keyring.backends.chainer"):
        return bool(children) and all(is_secure_backend(b) for b in children)
    try:
        priority = backend.priority
    except Exception:  # a backend may raise to say it is not usable here
        return False
    return isinstance(priority, int | float) and priority >= 1


class KeyStore:
    """The OS keyring, used only when it is secure; entries are named by the database path."""

    def __init__(self, backend: Any = None) -> None:
        if backend is None:
            try:
                backend = keyring.get_keyring()
            except Exception as error:
                # that cannot load here: the password path is used, never a traceback
                log.info("no usable OS keyring: %s", type(error).__name__)
                backend = None
        self.backend = backend
        self.secure = backend is not None and is_secure_backend(backend)

    @staticmethod
    def entry(db_path: Path) -> str:
        return str(Path(db_path).resolve())

    def get(self, db_path: Path) -> bytes | None:
        """The key for `db_path`, None when the keyring has none (or is not secure)."""
        if not self.secure:
            return None
        try:
            stored = self.backend.get_password(SERVICE, self.entry(db_path))
        except keyring.errors.KeyringLocked as error:
            raise KeyringUnavailableError(
                f"The system keyring is locked, so the key of {db_path} cannot be read. Unlock it "
                f"and try again.", path=db_path) from error
        except keyring.errors.KeyringError as error:
            raise KeyringUnavailableError(
                f"The system keyring could not be read for {db_path} ({type(error).__name__}). "
                f"Try again once it is available.", path=db_path) from error
        if stored is None:
            return None
        try:
            key = bytes.fromhex(stored)
        except ValueError:
            key = b""
        if len(key) != KEY_BYTES:
            raise KeyStoreError(f"The keyring entry for {db_path} is not a valid key. Rebuild the local "
                                f"data from the server.", path=db_path)
        return key

    def put(self, db_path: Path, key: bytes) -> bool:
        """Store the key; False when the keyring is not secure or refuses it."""
        if not self.secure:
            return False
        try:
            self.backend.set_password(SERVICE, self.entry(db_path), key.hex())
        except keyring.errors.KeyringError as error:
            log.warning("keyring refused the replica key: %s", type(error).__name__)
            return False
        return True

    def delete(self, db_path: Path) -> None:
        if not self.secure:  # nothing was ever stored in it
            return
        try:
            self.backend.delete_password(SERVICE, self.entry(db_path))
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as error:
            log.warning("keyring entry of the replica not removed: %s", type(error).__name__)


# --------------------------------------------------------------------------- key file

def key_file_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.key")


def _check_password(password: Any, *, new: bool) -> str:
    if not isinstance(password, str) or not password:
        raise PasswordRequiredError("A password is needed to protect the local database.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise KeyStoreError(f"The password is longer than {MAX_PASSWORD_CHARS} characters.")
    if new and len(password) < MIN_PASSWORD_CHARS:
        raise KeyStoreError(f"The password must have at least {MIN_PASSWORD_CHARS} characters.",
                            user=Message("replica.password_too_short", {"min": MIN_PASSWORD_CHARS}))
    return password


def _derive(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=kdf["iterations"],
                           memory_cost=kdf["memory_kib"], parallelism=kdf["parallelism"],
                           hash_len=32, type=Type.ID)


def _aad(kdf: dict[str, int]) -> bytes:
    # Binds format and KDF parameters to the ciphertext: edited parameters fail to decrypt.
    return json.dumps({"format": KEY_FILE_FORMAT, "version": KEY_FILE_VERSION, **kdf},
                      sort_keys=True).encode()


def kdf_parameters() -> dict[str, int]:
    """The Argon2id parameters new key files get."""
    if os.environ.get("SFA_FAST_KDF") == "1":
        return dict(FAST_KDF)
    return {"memory_kib": ARGON2_MEMORY_KIB, "iterations": ARGON2_ITERATIONS, "parallelism": ARGON2_PARALLELISM}


def _weaker(kdf: dict[str, int]) -> bool:
    wanted = kdf_parameters()
    return kdf["memory_kib"] < wanted["memory_kib"] or kdf["iterations"] < wanted["iterations"]


def wrap_key(key: bytes, password: str) -> dict[str, Any]:
    kdf = kdf_parameters()
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    sealed = AESGCM(_derive(password, salt, kdf)).encrypt(nonce, key, _aad(kdf))
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return {"format": KEY_FILE_FORMAT, "version": KEY_FILE_VERSION,
            "kdf": {"name": "argon2id", **kdf, "salt": b64(salt)},
            "cipher": {"name": "aes-256-gcm", "nonce": b64(nonce), "ciphertext": b64(sealed)}}


def _damaged(path: Path, what: str) -> KeyStoreError:
    return KeyStoreError(f"The key file {path} is damaged ({what}), so the local database cannot be "
                         f"opened. The files were left as they are.", path=path,
                         user=Message("replica.key_file_damaged", {"path": str(path)}))


def unwrap_key(doc: Any, password: str, *, path: Path) -> bytes:
    try:
        if doc.get("format") != KEY_FILE_FORMAT:
            raise _damaged(path, "unknown format")
        if doc.get("version") != KEY_FILE_VERSION:
            raise KeyStoreError(f"The key file {path} has version {doc.get('version')!r:.10}, which "
                                f"this version of SFA Desktop does not know. Update the application.",
                                path=path)
        kdf_doc, cipher = doc["kdf"], doc["cipher"]
        if kdf_doc.get("name") != "argon2id" or cipher.get("name") != "aes-256-gcm":
            raise _damaged(path, "unknown algorithm")
        kdf = {k: kdf_doc[k] for k in ("memory_kib", "iterations", "parallelism")}
        limits = {"memory_kib": (8_192, 1_048_576), "iterations": (1, 16), "parallelism": (1, 16)}
        for name, (low, high) in limits.items():
            if isinstance(kdf[name], bool) or not isinstance(kdf[name], int) \
                    or not low <= kdf[name] <= high:
                raise _damaged(path, f"{name} out of range")
        salt = base64.b64decode(kdf_doc["salt"], validate=True)
        nonce = base64.b64decode(cipher["nonce"], validate=True)
        sealed = base64.b64decode(cipher["ciphertext"], validate=True)
    except (AttributeError, KeyError, TypeError, binascii.Error) as error:
        raise _damaged(path, "missing or invalid field") from error
    if len(salt) < 16 or len(nonce) != NONCE_BYTES:
        raise _damaged(path, "bad salt or nonce")
    try:
        key = AESGCM(_derive(password, salt, kdf)).decrypt(nonce, sealed, _aad(kdf))
    except InvalidTag as error:
        raise WrongPasswordError("The password is not correct.", path=path) from error
    if len(key) != KEY_BYTES:
        raise _damaged(path, "wrong key length")
    return key


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp creates it 0600
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _read_key_file(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if len(raw) > 64 * 1024:
        raise _damaged(path, "too large")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as error:
        raise _damaged(path, "not JSON") from error


# --------------------------------------------------------------------------- public API

def _db_files(db_path: Path) -> list[Path]:
    return [db_path, *(Path(f"{db_path}{s}") for s in _SIDE_FILES)]


def create_key(db_path: Path | str, password: str | None, *, store: KeyStore | None = None) -> bytes:
    """A new random key for a database that does not exist yet.

    The key goes to the OS keyring when it is secure; with a password it is (also) wrapped in
    `<db>.key`, so it can be unlocked offline even if the keyring is lost. With neither a secure
    keyring nor a password, PasswordRequiredError. Refuses when a database or key already exists.
    """
    db_path = Path(db_path)
    store = store or KeyStore()
    if password is not None:
        password = _check_password(password, new=True)
    existing = [p for p in (*_db_files(db_path), key_file_path(db_path)) if p.exists()]
    if existing:
        raise KeyStoreError(f"A local database or its key file already exists at {db_path}; no new "
                            f"key was made. Open it with its key, or remove it first.", path=db_path)
    if store.secure:
        try:
            in_keyring = store.get(db_path) is not None
        except KeyringUnavailableError:
            in_keyring = False
        if in_keyring:
            raise KeyStoreError(f"The keyring already holds a key for {db_path}; no new key was made.",
                                path=db_path)
    if not store.secure and password is None:
        raise PasswordRequiredError(
            "This computer has no secure keyring: choose a password to protect the local database.",
            path=db_path)
    key = os.urandom(KEY_BYTES)
    if password is not None:
        _write_atomically(key_file_path(db_path), json.dumps(wrap_key(key, password)).encode())
    if not store.put(db_path, key) and password is None:
        raise KeyringUnavailableError(
            f"The system keyring did not accept the key for {db_path}. Unlock it, or choose a "
            f"password to protect the local database.", path=db_path)
    return key


def load_key(db_path: Path | str, password: str | None, *, store: KeyStore | None = None) -> bytes:
    """The key of an existing database: from the secure keyring, else unwrapped by password.

    Raises PasswordRequiredError, WrongPasswordError, KeyringUnavailableError (locked keyring and
    no key file) or KeyStoreError (no key anywhere). Never makes a new key.
    """
    db_path = Path(db_path)
    store = store or KeyStore()
    key_file = key_file_path(db_path)
    doc = _read_key_file(key_file)
    if doc is not None and password is not None:
        key = unwrap_key(doc, _check_password(password, new=False), path=key_file)
        if _weaker(doc["kdf"]):  # an older, cheaper wrapping: make guessing it expensive now
            _write_atomically(key_file, json.dumps(wrap_key(key, password)).encode())
            log.info("key file of %s wrapped again with stronger parameters", db_path.name)
        return key
    try:
        key = store.get(db_path)
    except KeyringUnavailableError:
        if doc is None:
            raise
        key = None
    if key is not None:
        return key
    if doc is not None:
        raise PasswordRequiredError(f"Enter your password to open the local database {db_path}.",
                                    path=db_path)
    raise KeyStoreError(
        f"No key for the local database {db_path} was found (keyring entry and key file are both "
        f"missing), so it cannot be opened. The file was left as it is.", path=db_path)


def needs_password(db_path: Path | str, *, store: KeyStore | None = None) -> bool:
    """True when opening `db_path` will need the agent's password (no usable keyring entry)."""
    db_path = Path(db_path)
    store = store or KeyStore()
    try:
        if store.get(db_path) is not None:
            return False
    except KeyringUnavailableError:
        pass
    return key_file_path(db_path).exists()


def change_password(db_path: Path | str, old: str | None, new: str, *,
                    store: KeyStore | None = None) -> None:
    """Re-wrap the key under `new`; the database itself is not rewritten.

    `old` is the current password, or None when the key is only in the secure keyring (this
    then adds the password-wrapped key file).
    """
    db_path = Path(db_path)
    new = _check_password(new, new=True)
    key_file = key_file_path(db_path)
    if old is None and key_file.exists():
        raise PasswordRequiredError("Enter the current password to change it.", path=db_path)
    key = load_key(db_path, old, store=store)
    _write_atomically(key_file, json.dumps(wrap_key(key, new)).encode())


def set_aside(db_path: Path | str, *, suffix: str, store: KeyStore | None = None) -> list[Path]:
    """Rename the replica, its WAL/shared-memory files and its key file to `<name>.<suffix>...`:
    kept for support, never deleted; the keyring entry follows the renamed file. Returns the new paths."""
    db_path = Path(db_path)
    store = store or KeyStore()
    target = db_path.with_name(f"{db_path.name}.{suffix}")
    moved = []
    try:
        key = store.get(db_path)
    except KeyStoreError:
        key = None
    for path in (*_db_files(db_path), key_file_path(db_path)):
        if path.exists():
            new = Path(str(path).replace(str(db_path), str(target), 1))
            os.replace(path, new)
            moved.append(new)
    if key is not None and store.put(target, key):
        store.delete(db_path)
    return moved


def wipe(db_path: Path | str, *, store: KeyStore | None = None) -> list[Path]:
    """Delete the replica, its WAL and shared-memory files, its key file and keyring entry.

    Used when the agent resets the device or the server revoked it. Returns the files removed.
    """
    db_path = Path(db_path)
    removed = []
    for path in (*_db_files(db_path), key_file_path(db_path)):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    (store or KeyStore()).delete(db_path)
    return removed
