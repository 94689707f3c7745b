"""Qt screens against real replicas and a real server on loopback (QT_QPA_PLATFORM=offscreen).

The server, the demo company and the agents' computers are the integration tests' fixtures.
`synced_agent` is the small demo's agent AG01 after a first sync; `ctx` wraps it in an AppContext
with the real workers and event bridge, as the main window builds it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SFA_LANGUAGE", "it")

import pytest
from integration.conftest import (  # fixtures shared with the integration tests
    NO_KEYRING,
    Agent,
    LiveServer,
    agents,
    backend,
    make_agent,
    pg_admin,
    pg_template,
    server,
    server_url_db,
    sqlite_template,
)

from sfa_desktop import i18n


@pytest.fixture(autouse=True)
def italian() -> Iterator[None]:
    """Screens are tested in Italian (the agents' language) unless a test switches; the language
    the process had before is given back, so tests that run later see theirs."""
    before = i18n._default["lang"]
    i18n.set_language("it")
    yield
    i18n._default["lang"] = before


@pytest.fixture
def synced_agent(server: LiveServer, tmp_path: Path, agents: list[Agent]) -> Agent:
    agent = make_agent(tmp_path / "pc", server.url, "ag01")
    agents.append(agent)
    agent.sync()
    return agent


@pytest.fixture
def ctx(synced_agent: Agent, qtbot) -> Iterator[object]:
    from sfa_desktop.ui.background import Runner
    from sfa_desktop.ui.bridge import EventBridge
    from sfa_desktop.ui.context import AppContext

    runner = Runner(synced_agent.session)
    bridge = EventBridge(synced_agent.session.events)
    context = AppContext(session=synced_agent.session, runner=runner, bridge=bridge)
    yield context
    runner.close()
    bridge.close()
