"""Fixtures for the replica tests: real SQLCipher files in tmp_path, and a keyring switcher.

The keyrings (helpers.py) are the only fakes: the OS keyring is outside the project.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from sfa_desktop.local_db import Replica, open_replica


@pytest.fixture
def use_keyring() -> Iterator:
    """Call with a backend to make it the process keyring; the previous one comes back after."""
    previous = keyring.get_keyring()

    def install(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "replica.db"


@pytest.fixture
def replica(db_path: Path, key: bytes) -> Iterator[Replica]:
    rep = open_replica(db_path, key)
    yield rep
    rep.close()
