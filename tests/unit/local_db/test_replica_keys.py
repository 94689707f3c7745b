"""Key management: secure keyring, password-wrapped key file, and every way a keyring can fail."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from sqlalchemy import select

from sfa_desktop.local_db import (
    KeyringUnavailableError,
    KeyStoreError,
    PasswordRequiredError,
    WrongPasswordError,
    keys,
    open_replica,
)
from sfa_desktop.local_db.keys import KeyStore, is_secure_backend, key_file_path
from sfa_desktop.local_db.models import Customer

from .helpers import (
    AltFileKeyring,
    LockedKeyring,
    PlaintextKeyring,
    SecureMemoryKeyring,
    add_customers,
    customer_row,
)

PASSWORD = "Correct horse 7"


def make_replica(db_path, key):
    with open_replica(db_path, key) as rep:
        add_customers(rep, [customer_row(1, name="Bar Sport")])


def customer_name(db_path, key):
    with open_replica(db_path, key, create=False) as rep, rep.session() as s:
        return s.scalar(select(Customer.name))


@pytest.mark.parametrize("backend, secure", [
    (SecureMemoryKeyring(), True),
    (PlaintextKeyring(), False),
    (AltFileKeyring(), False),
    (keyring.backends.null.Keyring(), False),
    (keyring.backends.fail.Keyring(), False),
])
def test_only_real_os_keyrings_count_as_secure(backend, secure):
    assert is_secure_backend(backend) is secure


def test_a_chainer_is_secure_only_when_all_its_keyrings_are(monkeypatch):
    chainer = keyring.backends.chainer.ChainerBackend()
    monkeypatch.setattr(type(chainer), "backends", [SecureMemoryKeyring()])
    assert is_secure_backend(chainer)
    monkeypatch.setattr(type(chainer), "backends", [SecureMemoryKeyring(), PlaintextKeyring()])
    assert not is_secure_backend(chainer)


def test_key_survives_a_restart_through_the_secure_keyring(use_keyring, db_path):
    backend = use_keyring(SecureMemoryKeyring())
    key = keys.create_key(db_path, None)
    make_replica(db_path, key)
    assert not key_file_path(db_path).exists()
    assert list(backend.entries.values()) == [key.hex()]
    # "restart": a fresh KeyStore reads the keyring again
    assert keys.load_key(db_path, None) == key
    assert not keys.needs_password(db_path)
    assert customer_name(db_path, keys.load_key(db_path, None)) == "Bar Sport"


def test_key_survives_a_restart_through_the_password_file(use_keyring, db_path):
    backend = use_keyring(PlaintextKeyring())
    with pytest.raises(PasswordRequiredError, match="no secure keyring"):
        keys.create_key(db_path, None)
    key = keys.create_key(db_path, PASSWORD)
    make_replica(db_path, key)
    assert backend.entries == {}  # nothing went to the plaintext keyring
    assert keys.needs_password(db_path)
    with pytest.raises(PasswordRequiredError, match="Enter your password"):
        keys.load_key(db_path, None)
    assert customer_name(db_path, keys.load_key(db_path, PASSWORD)) == "Bar Sport"


def test_key_file_holds_no_secret_in_clear(use_keyring, db_path):
    use_keyring(keyring.backends.null.Keyring())
    key = keys.create_key(db_path, PASSWORD)
    raw = key_file_path(db_path).read_bytes()
    for secret in (key, key.hex().encode(), PASSWORD.encode()):
        assert secret not in raw
    doc = json.loads(raw)
    assert doc["kdf"] | {"salt": None} == {"name": "argon2id", **keys.kdf_parameters(), "salt": None}
    assert doc["cipher"]["name"] == "aes-256-gcm"
    assert oct(key_file_path(db_path).stat().st_mode & 0o777) == "0o600"


def test_wrong_password_is_refused_clearly(use_keyring, db_path):
    use_keyring(keyring.backends.null.Keyring())
    keys.create_key(db_path, PASSWORD)
    with pytest.raises(WrongPasswordError, match="password is not correct"):
        keys.load_key(db_path, "Correct horse 8")


def test_change_password_rewraps_the_key_and_leaves_the_database_alone(use_keyring, db_path):
    use_keyring(keyring.backends.null.Keyring())
    key = keys.create_key(db_path, PASSWORD)
    make_replica(db_path, key)
    db_before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    file_before = key_file_path(db_path).read_bytes()
    with pytest.raises(WrongPasswordError):
        keys.change_password(db_path, "not the password", "New secret 99")
    assert key_file_path(db_path).read_bytes() == file_before
    with pytest.raises(KeyStoreError, match="at least 8"):
        keys.change_password(db_path, PASSWORD, "short")
    keys.change_password(db_path, PASSWORD, "New secret 99")
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == db_before
    with pytest.raises(WrongPasswordError):
        keys.load_key(db_path, PASSWORD)
    assert keys.load_key(db_path, "New secret 99") == key
    assert customer_name(db_path, key) == "Bar Sport"
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["replica.db", "replica.db.key"]


def test_a_password_can_be_added_to_a_keyring_key(use_keyring, db_path):
    use_keyring(SecureMemoryKeyring())
    key = keys.create_key(db_path, None)
    keys.change_password(db_path, None, "Backup secret 1")
    use_keyring(keyring.backends.null.Keyring())  # keyring lost: the password still opens it
    assert keys.load_key(db_path, "Backup secret 1") == key


def test_locked_keyring_never_leads_to_a_new_key(use_keyring, db_path):
    use_keyring(SecureMemoryKeyring())
    key = keys.create_key(db_path, None)
    make_replica(db_path, key)
    db_before = db_path.read_bytes()
    use_keyring(LockedKeyring())
    with pytest.raises(KeyringUnavailableError, match="locked"):
        keys.load_key(db_path, None)
    with pytest.raises(KeyStoreError, match="already exists"):
        keys.create_key(db_path, None)
    with pytest.raises(KeyStoreError, match="already exists"):
        keys.create_key(db_path, PASSWORD)
    assert db_path.read_bytes() == db_before and not key_file_path(db_path).exists()


def test_locked_keyring_on_first_run_asks_for_unlock_or_password(use_keyring, db_path):
    use_keyring(LockedKeyring())
    with pytest.raises(KeyringUnavailableError, match="Unlock it, or choose a password"):
        keys.create_key(db_path, None)
    assert not key_file_path(db_path).exists()
    key = keys.create_key(db_path, PASSWORD)  # falls back to the key file
    assert keys.load_key(db_path, PASSWORD) == key


@pytest.mark.parametrize("gone", [keyring.backends.null.Keyring, keyring.backends.fail.Keyring,
                                  PlaintextKeyring])
def test_missing_or_insecure_keyring_with_an_existing_database_is_an_error(use_keyring, db_path, gone):
    use_keyring(SecureMemoryKeyring())
    make_replica(db_path, keys.create_key(db_path, None))
    use_keyring(gone())
    with pytest.raises(KeyStoreError, match="No key for the local database") as caught:
        keys.load_key(db_path, None)
    assert str(db_path) in str(caught.value)
    with pytest.raises(KeyStoreError, match="already exists"):
        keys.create_key(db_path, PASSWORD)
    assert not key_file_path(db_path).exists()


def test_a_damaged_key_file_is_reported(use_keyring, db_path):
    use_keyring(keyring.backends.null.Keyring())
    keys.create_key(db_path, PASSWORD)
    path = key_file_path(db_path)
    doc = json.loads(path.read_bytes())
    doc["kdf"]["iterations"] = 3  # parameters are authenticated: editing them fails
    path.write_text(json.dumps(doc))
    with pytest.raises(WrongPasswordError):
        keys.load_key(db_path, PASSWORD)
    doc["kdf"]["memory_kib"] = 10**9  # and absurd values are refused before any work
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyStoreError, match="damaged"):
        keys.load_key(db_path, PASSWORD)
    for garbage in ("not json", "[]", '{"format": "sfa-replica-key", "version": 1}'):
        path.write_text(garbage)
        with pytest.raises(KeyStoreError, match="damaged"):
            keys.load_key(db_path, PASSWORD)


def test_wipe_removes_every_trace(use_keyring, db_path):
    backend = use_keyring(SecureMemoryKeyring())
    key = keys.create_key(db_path, PASSWORD)
    rep = open_replica(db_path, key)
    add_customers(rep, [customer_row(1)])
    rep.close()
    removed = keys.wipe(db_path)
    assert db_path in removed and key_file_path(db_path) in removed
    assert list(db_path.parent.iterdir()) == [] and backend.entries == {}
    assert KeyStore().get(db_path) is None


def test_keyring_and_password_together_give_two_ways_in(use_keyring, db_path):
    backend = use_keyring(SecureMemoryKeyring())
    key = keys.create_key(db_path, PASSWORD)
    assert key_file_path(db_path).exists() and list(backend.entries.values()) == [key.hex()]
    assert keys.load_key(db_path, None) == key == keys.load_key(db_path, PASSWORD)
    key_file_path(db_path).unlink()  # even with no db yet, the keyring entry blocks a second key
    with pytest.raises(KeyStoreError, match="keyring already holds a key"):
        keys.create_key(db_path, None)


@pytest.mark.parametrize("password", ["", "short", "x" * 1025, 12345678])
def test_unusable_new_passwords_are_refused(use_keyring, db_path, password):
    use_keyring(keyring.backends.null.Keyring())
    with pytest.raises(KeyStoreError):
        keys.create_key(db_path, password)
    assert list(db_path.parent.iterdir()) == []


def test_the_key_file_costs_a_guesser_256_mib_and_three_passes(use_keyring, db_path, monkeypatch):
    """Production parameters (the rest of the suite runs with SFA_FAST_KDF=1): each offline guess of
    the password costs Argon2id m=256 MiB, t=3; an older, cheaper key file is wrapped again at unlock."""
    import time

    use_keyring(keyring.backends.null.Keyring())
    key = keys.create_key(db_path, PASSWORD)  # made with the fast test parameters
    old = json.loads(key_file_path(db_path).read_bytes())["kdf"]
    assert (old["memory_kib"], old["iterations"]) == (19456, 2)
    monkeypatch.delenv("SFA_FAST_KDF")
    started = time.perf_counter()
    assert keys.load_key(db_path, PASSWORD) == key
    doc = json.loads(key_file_path(db_path).read_bytes())["kdf"]
    assert (doc["memory_kib"], doc["iterations"], doc["parallelism"]) == (262144, 3, 1)
    started = time.perf_counter()
    assert keys.load_key(db_path, PASSWORD) == key  # the new wrapping opens with the same password
    one_guess = time.perf_counter() - started
    assert one_guess > 0.2, f"a guess costs only {one_guess:.3f} s"
    with pytest.raises(keys.WrongPasswordError):
        keys.load_key(db_path, "not the password")


def test_a_keyring_backend_that_cannot_load_falls_back_to_the_password(db_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    store = keys.KeyStore()
    assert not store.secure
    key = keys.create_key(db_path, PASSWORD, store=store)
    assert keys.load_key(db_path, PASSWORD, store=store) == key


def test_set_aside_keeps_every_file_under_a_new_name(use_keyring, db_path):
    use_keyring(keyring.backends.null.Keyring())
    keys.create_key(db_path, PASSWORD)
    db_path.write_bytes(b"\0" * 4096)
    Path(f"{db_path}-wal").write_bytes(b"wal")
    moved = keys.set_aside(db_path, suffix="damaged-20261202")
    assert not db_path.exists() and not key_file_path(db_path).exists()
    assert sorted(p.name for p in moved) == sorted([
        f"{db_path.name}.damaged-20261202", f"{db_path.name}.damaged-20261202-wal",
        f"{db_path.name}.damaged-20261202.key"])
