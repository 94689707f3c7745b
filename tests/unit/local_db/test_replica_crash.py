"""A writer killed with SIGKILL in the middle of a transaction leaves a sound replica."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import Order, OrderLine

REPO = Path(__file__).resolve().parents[3]

WRITER = textwrap.dedent("""
    import datetime as dt, random, sys
    from decimal import Decimal
    sys.path.insert(0, sys.argv[3])
    from sqlalchemy import insert
    from sfa_desktop.local_db import open_replica
    from sfa_desktop.local_db.models import Order, OrderLine

    rep = open_replica(sys.argv[1], bytes.fromhex(sys.argv[2]))
    now = dt.datetime.now(dt.UTC)
    n = 0
    while True:
        n += 1
        oid = f"{sys.argv[4]}-{n}"
        lines = random.randint(1, 60)
        with rep.session(write=True) as s:
            s.execute(insert(Order), [dict(
                id=oid, number=f"A-{n}", customer_id="c1", agent_id="a1", status="draft",
                currency="EUR", notes=str(lines), taxable_total=Decimal("0"),
                vat_total=Decimal("0"), grand_total=Decimal("0"), created_at=now, updated_at=now)])
            for i in range(lines):  # one statement per line: the kill lands between them
                s.execute(insert(OrderLine), [dict(
                    id=f"{oid}-{i}", order_id=oid, line_no=i, product_id="p1", sku="SKU-1",
                    description="Viti autofilettanti " * 20, quantity=Decimal("3"), unit="pz",
                    unit_price=Decimal("1.25"), vat_rate=Decimal("22"), net_amount=Decimal("3.75"))])
        print(n, flush=True)
""")


@pytest.mark.parametrize("round_", range(3))
def test_sigkill_mid_transaction_leaves_no_half_written_order(tmp_path, key, round_):
    db_path = tmp_path / "replica.db"
    open_replica(db_path, key).close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    for kill_after in (2, 5, 9)[: round_ + 1]:
        proc = subprocess.Popen(
            [sys.executable, str(script), str(db_path), key.hex(), str(REPO), f"r{kill_after}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            for _ in range(kill_after):
                assert proc.stdout.readline(), proc.stderr.read()
            time.sleep(0.003 * round_)  # land at different points of the next transaction
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "replica.db-wal").exists()  # killed: nobody checkpointed
    with open_replica(db_path, key) as rep:
        assert rep.check_integrity() == []
        with rep.session() as s:
            orders = s.execute(select(Order.id, Order.notes)).all()
            per_order = Counter(s.scalars(select(OrderLine.order_id)))
    assert len(orders) >= sum((2, 5, 9)[: round_ + 1])
    assert {o.id: int(o.notes) for o in orders} == dict(per_order)
    assert set(per_order) == {o.id for o in orders}  # no lines without their order either
