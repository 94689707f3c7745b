"""Upgrading a server from 0003: old document lines get the net unit price they show, by the one rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from sfa_server.db import make_engine


def _upgrade(engine, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parents[2] / "sfa_server" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_old_lines_get_their_shown_net_unit_price(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _upgrade(engine, "0003")
        with engine.begin() as conn:
            for n, (price, discount) in enumerate((("12.35", "10+5+3"), ("0.4567", "10+5"), ("9.50", None),
                                                   ("5.00", "nonsense")), start=1):
                conn.execute(text(
                    "INSERT INTO quote_lines (id, quote_id, line_no, product_id, sku, description, quantity, unit, "
                    "unit_price, discount, vat_rate, net_amount, change_tx, change_seq) VALUES "
                    "(:id, 'q1', :n, 'p1', 'SKU', 'x', 1, 'PZ', :price, :discount, 22, 0, 1, :n)"),
                    {"id": f"q1-{n:03d}", "n": n, "price": price, "discount": discount})
        _upgrade(engine, "head")
        with engine.connect() as conn:
            shown = dict(conn.execute(text("SELECT id, net_unit_price FROM quote_lines")).all())
        # 12.35 × 0.82935 = 10.2424725 → 10.2425; 0.4567 × 0.855 = 0.3904785 → 0.3905; no discount: 9.50;
        # a discount that cannot be read shows nothing rather than a wrong figure
        assert {k: None if v is None else Decimal(str(v)) for k, v in shown.items()} == {
            "q1-001": Decimal("10.2425"), "q1-002": Decimal("0.3905"), "q1-003": Decimal("9.5"), "q1-004": None}
    finally:
        engine.dispose()
