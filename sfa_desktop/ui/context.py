"""What every screen is handed: the agent's session, the workers, the event bridge, navigation.

No global application object (qutebrowser's warning): the main window builds one `AppContext`
and passes it to each section's factory; a test builds its own around a real replica.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sfa_desktop.ui.background import Runner
from sfa_desktop.ui.bridge import EventBridge


@dataclass
class AppContext:
    session: Any  # sfa_desktop.session.AgentSession (typed loosely: ui imports it only for wiring)
    runner: Runner
    bridge: EventBridge
    #: navigate(section_key, target=None): show a section and, when given, one of its rows
    #: (a customer id, a quote id...). The main window sets it; a lone screen in a test may not.
    navigate: Callable[[str, str | None], None] = field(default=lambda key, target=None: None)
    #: show_message(text, timeout_ms=4000): a short note in the status bar (saved, queued...).
    show_message: Callable[..., None] = field(default=lambda text, timeout_ms=4000: None)
    #: Anything the shell shares with screens later (the customer being visited, settings...).
    extras: dict[str, Any] = field(default_factory=dict)
