"""Errors of a sync, each carrying a message in the agent's words and leaving the replica as it was."""

from __future__ import annotations

KEPT = "your changes are kept and will be sent at the next sync."


class SyncError(Exception):
    """A sync that did not finish. `user_message` is what the agent reads; str() adds detail."""

    user_message = "The sync did not finish; " + KEPT
    #: True when trying again later may succeed without anyone doing anything.
    transient = False

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        if user_message is not None:
            self.user_message = user_message
        super().__init__(f"{self.user_message} ({detail})" if detail else self.user_message)
        self.detail = detail


class ServerUnreachableError(SyncError):
    """Connection refused, reset, timed out, or a gateway said the server is away."""

    user_message = "The server could not be reached; " + KEPT
    transient = True


class ServerFaultError(SyncError):
    """The server answered with an internal error (5xx other than gateway faults)."""

    user_message = "The server had a problem and could not complete the sync; " + KEPT
    transient = True


class ProtocolViolationError(SyncError):
    """The answer could not be read (malformed, truncated, wrong types, too large)."""

    user_message = ("The server sent an answer this application cannot read; nothing was changed "
                    "on this computer and " + KEPT)
    transient = True


class AuthenticationRequiredError(SyncError):
    """No valid session: the agent must sign in again."""

    user_message = "Please sign in again to sync; " + KEPT


class LoginFailedError(SyncError):
    """Wrong user name or password, or the account is disabled."""

    user_message = "The user name or password is not correct."


class DeviceRevokedError(SyncError):
    """The office revoked this computer: its replica and key are wiped."""

    user_message = ("This computer was disconnected by the office. The local data has been removed "
                    "from it; ask the office to register the computer again.")


class UpdateRequiredError(SyncError):
    """The server no longer accepts this client's protocol version."""

    user_message = "This version of the application is too old for the server; please update it."


class RequestRefusedError(SyncError):
    """A 4xx answer the client cannot fix by retrying (forbidden, not found, invalid)."""

    user_message = "The server refused the sync request; " + KEPT


class SyncInProgressError(SyncError):
    """Another sync (this process or another) holds the replica's sync lock."""

    user_message = "A sync is already running."
    transient = True


class SyncCancelledError(SyncError):
    """The agent cancelled; what was already applied stays, the rest resumes next time."""

    user_message = "The sync was cancelled; " + KEPT
    transient = True
