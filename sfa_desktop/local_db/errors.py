"""Errors of the encrypted replica: each names the file and says what the agent can do."""

from __future__ import annotations

from pathlib import Path

from sfa_desktop.domain.messages import N_, Message, N_plural, register

register({
    "replica.error": N_("The local database {path} could not be used."),
    "replica.locked": N_("The local database {path} was not opened: the key does not match or the file is "
                         "damaged."),
    "replica.damaged": N_("The local database {path} is damaged. Rebuild it from the server: what was "
                          "not sent yet is kept, and the damaged file is set aside for support."),
    "replica.too_new": N_("The local database {path} was written by a newer version of SFA Desktop: update "
                          "the application."),
    "replica.missing": N_("There is no local database at {path} yet: sign in and sync to create it."),
    "replica.key_missing": N_("The key of the local database {path} was not found, so it cannot be opened. "
                              "Rebuild the local data from the server: the files are kept aside for the "
                              "office's support."),
    "replica.keyring_unavailable": N_("The system keyring is locked or not available, so the local database "
                                      "cannot be opened. Unlock the keyring, or use your password."),
    "replica.wrong_password": N_("The password is not correct."),
    "replica.key_file_damaged": N_("The key file {path} is damaged, so the local data cannot be opened. "
                                   "Rebuild the local data from the server: the damaged files are kept "
                                   "aside for the office's support."),
    "replica.password_required": N_("Enter your password to open the local data."),
    "replica.disk_full": N_("The disk of this computer is full: nothing was saved. Free some space (empty the "
                            "recycle bin, remove large files) and try again."),
    "replica.io_error": N_("The local database {path} could not be read or written (a disk error). Nothing "
                           "was saved; try again, and if it happens again ask the office."),
    "replica.lost_changes": N_plural(
        "The last change made on this computer before it stopped could not be saved (the local database lost "
        "its last write). Check your latest quotes and orders and enter again what is missing.",
        "The last {count} changes made on this computer before it stopped could not be saved (the local "
        "database lost its last writes). Check your latest quotes and orders and enter again what is missing."),
    "replica.password_too_short": N_("The password must have at least {min} characters."),
})


class ReplicaError(Exception):
    """The replica (or its key) could not be used. `path` is the file concerned.

    str() is the detailed English sentence (logs); `message` is what the agent reads, in their language.
    """

    code = "replica.error"

    def __init__(self, message: str, *, path: Path | str | None = None, user: Message | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self._user = user

    @property
    def message(self) -> Message:
        return self._user or Message(self.code, {"path": str(self.path) if self.path else ""})


class ReplicaLockedError(ReplicaError):
    """The key does not open the file (wrong key, or page 1 damaged: SQLCipher cannot tell)."""

    code = "replica.locked"


class ReplicaCorruptError(ReplicaError):
    """The file is damaged, truncated, or not an encrypted replica at all."""

    code = "replica.damaged"


class ReplicaTooNewError(ReplicaError):
    """The replica was written by a newer version of the application."""

    code = "replica.too_new"


class ReplicaMissingError(ReplicaError):
    """No replica exists at the path and creating one was not asked for."""

    code = "replica.missing"


class KeyStoreError(ReplicaError):
    """The database key could not be created, found or unwrapped."""

    code = "replica.key_missing"


class KeyringUnavailableError(KeyStoreError):
    """The key is kept in the OS keyring, which is locked or not reachable right now."""

    code = "replica.keyring_unavailable"


class WrongPasswordError(KeyStoreError):
    """The password does not unwrap the key file."""

    code = "replica.wrong_password"


class PasswordRequiredError(KeyStoreError):
    """No secure keyring: the key must be protected with the agent's password."""

    code = "replica.password_required"


class ReplicaFullError(ReplicaError):
    """The disk is full: the transaction was rolled back whole; the replica is as it was."""

    code = "replica.disk_full"


class ReplicaIOError(ReplicaError):
    """The operating system could not read or write the file (disk error, removed drive)."""

    code = "replica.io_error"
