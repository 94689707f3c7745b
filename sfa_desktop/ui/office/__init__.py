"""The sales office's workspace (office and admin roles): the window and the one way in.

    from sfa_desktop.ui.office import OfficeLaunch, open_office_window
    window = open_office_window(OfficeLaunch(server_url, username, password))   # signs in itself
    window = open_office_window(client)              # an OfficeClient already signed in
    window = open_office_window(transport, answer)   # the shell's signed-in Transport + its login answer

The shell's sign-in calls it when the answer's role is office or admin (instead of the agent's
window). The window owns its workers and signs out when closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sfa_desktop.office.client import OfficeClient
from sfa_desktop.office.rows import SignedIn
from sfa_desktop.sync.transport import Transport
from sfa_desktop.ui.background import Runner
from sfa_desktop.ui.office.window import OfficeWindow

OFFICE_ROLES = ("office", "admin")


@dataclass(frozen=True)
class OfficeLaunch:
    server_url: str
    username: str
    password: str
    ca_bundle: str | None = None


def is_office_role(answer: dict[str, Any] | None) -> bool:
    """True when a sign-in answer (Transport.login / AgentSession.sign_in_first_time) is an office user's."""
    return bool(answer) and answer.get("role") in OFFICE_ROLES


def open_office_window(launch: OfficeLaunch | OfficeClient | Transport, answer: dict[str, Any] | None = None, *,
                       show: bool = True) -> OfficeWindow:
    """The office window for `launch`; shown unless `show` is False (tests, screenshots)."""
    window = OfficeWindow(Runner(None))
    if isinstance(launch, OfficeLaunch):
        window.sign_in(launch.server_url, launch.username, launch.password, launch.ca_bundle)
    elif isinstance(launch, OfficeClient):
        window.signed_in(launch)
    else:
        if not is_office_role(answer):
            raise ValueError("open_office_window(transport, answer) needs the login answer of an office user")
        assert answer is not None
        user = SignedIn(answer["user_id"], answer["username"], answer["role"], answer["device_id"])
        window.signed_in(OfficeClient(launch, user))
    if show:
        window.show()
    return window
