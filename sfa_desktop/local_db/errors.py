"""Errors of the encrypted replica: each names the file and says what the agent can do."""

from __future__ import annotations

from pathlib import Path


class ReplicaError(Exception):
    """The replica (or its key) could not be used. `path` is the file concerned."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None


class ReplicaLockedError(ReplicaError):
    """The key does not open the file (wrong key, or page 1 damaged: SQLCipher cannot tell)."""


class ReplicaCorruptError(ReplicaError):
    """The file is damaged, truncated, or not an encrypted replica at all."""


class ReplicaTooNewError(ReplicaError):
    """The replica was written by a newer version of the application."""


class ReplicaMissingError(ReplicaError):
    """No replica exists at the path and creating one was not asked for."""


class KeyStoreError(ReplicaError):
    """The database key could not be created, found or unwrapped."""


class KeyringUnavailableError(KeyStoreError):
    """The key is kept in the OS keyring, which is locked or not reachable right now."""


class WrongPasswordError(KeyStoreError):
    """The password does not unwrap the key file."""


class PasswordRequiredError(KeyStoreError):
    """No secure keyring: the key must be protected with the agent's password."""
