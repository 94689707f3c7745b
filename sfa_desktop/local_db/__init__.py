"""The encrypted local replica: SQLCipher engine, keys, models, migrations, search."""

from __future__ import annotations

from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.errors import (
    KeyringUnavailableError,
    KeyStoreError,
    PasswordRequiredError,
    ReplicaCorruptError,
    ReplicaError,
    ReplicaFullError,
    ReplicaIOError,
    ReplicaLockedError,
    ReplicaMissingError,
    ReplicaTooNewError,
    WrongPasswordError,
)
from sfa_desktop.local_db.opening import open_replica

__all__ = [
    "KeyStoreError",
    "KeyringUnavailableError",
    "PasswordRequiredError",
    "Replica",
    "ReplicaCorruptError",
    "ReplicaError",
    "ReplicaFullError",
    "ReplicaIOError",
    "ReplicaLockedError",
    "ReplicaMissingError",
    "ReplicaTooNewError",
    "WrongPasswordError",
    "open_replica",
]
