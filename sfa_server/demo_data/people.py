"""Demo users (admin, sales office, agents) with their passwords, and the company settings."""

from __future__ import annotations

import base64
import datetime as dt
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sfa_desktop.domain.approval import ApprovalPolicy
from sfa_server.demo_data.vocabulary import COMPANY, PAYMENT_TERMS
from sfa_server.erp_import import ids

AGENT_NAMES = ("Marco Bianchi", "Giulia Esposito", "Luca Ferrari", "Sara Colombo", "Davide Greco")
#: Agents' own discount limits (line %, average %), by agent number.
AGENT_LIMITS = ((Decimal(20), Decimal(12)), (Decimal(15), Decimal(10)), (Decimal(25), Decimal(15)))


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    password: str
    role: str
    full_name: str
    agent_code: str | None = None

    @property
    def id(self) -> str:
        return ids.erp_id("demo-users", self.username)


def demo_users(agent_count: int) -> list[DemoUser]:
    """admin, ufficio and the agents ag01..; every password is 'demo-' + username."""
    users = [DemoUser("admin", "demo-admin", "admin", "Amministratore di sistema"),
             DemoUser("ufficio", "demo-ufficio", "office", "Ufficio commerciale (Anna Rinaldi)")]
    for n in range(1, agent_count + 1):
        username = f"ag{n:02d}"
        users.append(DemoUser(username, f"demo-{username}", "agent", AGENT_NAMES[(n - 1) % len(AGENT_NAMES)],
                              f"AG{n:02d}"))
    return users


def user_rows(users: list[DemoUser], now: dt.datetime) -> list[dict[str, Any]]:
    """users rows without the password hash (load() adds it)."""
    rows = []
    agent_n = 0
    for user in users:
        line = avg = None
        if user.role == "agent":
            line, avg = AGENT_LIMITS[agent_n % len(AGENT_LIMITS)]
            agent_n += 1
        rows.append({"id": user.id, "username": user.username, "full_name": user.full_name, "role": user.role,
                     "agent_code": user.agent_code, "max_line_discount": line, "max_avg_discount": avg,
                     "number_block_start": None, "number_block_end": None, "active": True,
                     "created_at": now})
    return rows


def _logo() -> dict[str, str]:
    """The demo company's logo (resources/logo), as the settings carry it: base64 PNG."""
    path = Path(__file__).resolve().parents[2] / "resources" / "logo" / "fep-logo.png"
    if not path.is_file():  # installed from the wheel: resources/ went to <prefix>/share/sfa-desktop
        path = Path(sys.prefix) / "share" / "sfa-desktop" / "logo" / "fep-logo.png"
    return {"logo_png": base64.b64encode(path.read_bytes()).decode("ascii")} if path.is_file() else {}


def payment_terms_setting() -> dict[str, dict[str, str]]:
    """The `payment_terms` setting: each customer's payment-terms text -> what it means, per language."""
    return {t.text: {"it": t.it, "en": t.en} for t in PAYMENT_TERMS}


def settings_rows(policy: ApprovalPolicy) -> list[dict[str, Any]]:
    return [
        {"id": "company", "value": {**COMPANY, **_logo()}},
        {"id": "payment_terms", "value": payment_terms_setting()},
        {"id": "approval_policy", "value": policy.to_settings()},
        {"id": "quote_validity_days", "value": 30},
        {"id": "currency", "value": "EUR"},
    ]


def demo_policy() -> ApprovalPolicy:
    """Thresholds of the demo company: margin under 12 % and orders over 25,000 € go to the office."""
    return ApprovalPolicy(max_line_discount=Decimal(15), max_average_discount=Decimal(10),
                          min_margin_pct=Decimal(12), order_total_threshold=Decimal(25_000),
                          block_on_overdue=True, overdue_tolerance=Decimal(500))
