"""Errors of a sync, each carrying a message in the agent's words and leaving the replica as it was.

`message` is a message code (rendered in the agent's language where it is shown); `user_message`
is its English text, for logs and the terminal commands.
"""

from __future__ import annotations

from typing import Any

from sfa_desktop.domain.messages import N_, Message, N_plural, register

register({
    "sync.failed": N_("The sync did not finish; your changes are kept and will be sent at the next sync."),
    "sync.unreachable": N_("The server could not be reached; your changes are kept and will be sent at the "
                           "next sync."),
    "sync.server_fault": N_("The server had a problem and could not complete the sync; your changes are "
                            "kept and will be sent at the next sync."),
    "sync.unreadable_answer": N_("The server sent an answer this application cannot read; nothing was "
                                 "changed on this computer and your changes are kept for the next sync."),
    "sync.sign_in_required": N_("Please sign in again to sync; your changes are kept and will be sent at the "
                                "next sync."),
    "sync.login_failed": N_("The user name or password is not correct."),
    "sync.locked_out": N_plural("Too many wrong passwords: sign-in is locked for a minute. Try again later or ask "
                                "the office.",
                                "Too many wrong passwords: sign-in is locked for {count} minutes. Try again later "
                                "or ask the office."),
    "sync.account_disabled": N_("This account is disabled: ask the sales office."),
    "sync.other_user_device": N_("This computer is registered to another user: sign in as that user, or ask "
                                 "the office to register it for you."),
    "sync.device_revoked": N_("This computer was disconnected by the office. The local data has been "
                              "removed from it; ask the office to register the computer again."),
    "sync.update_required": N_("This version of the application is too old for the server; please update "
                               "it."),
    "sync.refused": N_("The server refused the sync request; your changes are kept and will be sent at the "
                       "next sync."),
    "sync.in_progress": N_("A sync is already running."),
    "sync.cancelled": N_("The sync was cancelled; your changes are kept and will be sent at the next sync."),
    "sync.certificate": N_("The server's certificate is not trusted, so no data was exchanged. Check the "
                           "server address, or ask the office for the certificate of the company's server."),
    "sync.disk_full": N_("The disk of this computer is full: the sync stopped and nothing was lost. Free "
                         "some space and sync again."),
    "sync.bug": N_("The sync stopped because of an error in the application ({detail}); your changes are "
                   "kept. The log file has the details."),
})

KEPT = "your changes are kept and will be sent at the next sync."


class SyncError(Exception):
    """A sync that did not finish. `message` is what the agent reads; str() adds detail."""

    code = "sync.failed"
    #: True when trying again later may succeed without anyone doing anything.
    transient = False

    def __init__(self, detail: str = "", *, message: Message | None = None, **params: Any) -> None:
        self.message = message or Message(self.code, params)
        self.detail = detail
        super().__init__(f"{self.user_message} ({detail})" if detail else self.user_message)

    @property
    def user_message(self) -> str:
        return str(self.message)


class ServerUnreachableError(SyncError):
    """Connection refused, reset, timed out, or a gateway said the server is away."""

    code = "sync.unreachable"
    transient = True


class CertificateError(ServerUnreachableError):
    """TLS: the server's certificate is not trusted (wrong address, or a company CA not configured)."""

    code = "sync.certificate"
    transient = False


class ServerFaultError(SyncError):
    """The server answered with an internal error (5xx other than gateway faults)."""

    code = "sync.server_fault"
    transient = True


class ProtocolViolationError(SyncError):
    """The answer could not be read (malformed, truncated, wrong types, too large)."""

    code = "sync.unreadable_answer"
    transient = True


class AuthenticationRequiredError(SyncError):
    """No valid session: the agent must sign in again."""

    code = "sync.sign_in_required"


class LoginFailedError(SyncError):
    """Wrong user name or password, or the account is disabled, or sign-in is locked for a while."""

    code = "sync.login_failed"


class DeviceRevokedError(SyncError):
    """The office revoked this computer: its replica and key are wiped."""

    code = "sync.device_revoked"


class UpdateRequiredError(SyncError):
    """The server no longer accepts this client's protocol version."""

    code = "sync.update_required"


class RequestRefusedError(SyncError):
    """A 4xx answer the client cannot fix by retrying (forbidden, not found, invalid)."""

    code = "sync.refused"
    #: the answer itself, for callers that act on it (the office client): status, code, parsed body
    http_status: int | None = None
    server_code: str | None = None
    server_body: Any = None


class SyncInProgressError(SyncError):
    """Another sync (this process or another) holds the replica's sync lock."""

    code = "sync.in_progress"
    transient = True


class SyncCancelledError(SyncError):
    """The agent cancelled; what was already applied stays, the rest resumes next time."""

    code = "sync.cancelled"
    transient = True


class DiskFullError(SyncError):
    """The disk is full: the sync stopped cleanly; the replica is as the last whole page left it."""

    code = "sync.disk_full"
    transient = True
