"""The search index is merged in idle steps after a change to searchable rows, on the real replica
worker, and never in front of a search already queued."""

from __future__ import annotations

from sqlalchemy import update
from visit_support import OFFSCREEN_NOISE

from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import Product
from sfa_desktop.operations.read.catalog import product_ids
from sfa_desktop.ui.search_upkeep import SearchUpkeep

pytestmark = OFFSCREEN_NOISE


def _describe(ctx, ids, words):
    def write(s):
        s.execute(update(Product).where(Product.id.in_(ids)).values(description=words))
        return Changes.of("products", *ids)

    return ctx.session.write(write)


def test_changed_words_are_merged_in_idle_steps_until_nothing_is_left(ctx, qtbot):
    upkeep = SearchUpkeep(ctx.runner, delay_ms=10, step_ms=5)
    ctx.bridge.streams_changed.connect(upkeep.on_changes)
    calls = []
    session_step = ctx.session.tidy_search
    ctx.session.tidy_search = lambda: calls.append(1) or session_step()  # counts the real steps
    try:
        ids = ctx.session.read(lambda s: product_ids(s))[:40]
        with qtbot.wait_signal(upkeep.tidied, timeout=10_000):
            for n in range(8):  # eight commits: eight small segments for the steps to merge
                _describe(ctx, ids[n * 5:n * 5 + 5], f"Serie speciale {n} zincata")
        assert len(calls) >= 2  # it merged, then found nothing left
        assert not upkeep.pending
        found = ctx.session.read(lambda s: product_ids(s, text="serie speciale zinc"))
        assert sorted(found) == sorted(ids)
    finally:
        ctx.session.tidy_search = session_step


def test_a_change_to_other_rows_asks_for_no_step(ctx, qtbot):
    upkeep = SearchUpkeep(ctx.runner, delay_ms=10, step_ms=5)
    upkeep.on_changes(Changes.of("stock_levels", "s1"))
    assert not upkeep.pending


def test_a_step_waits_while_a_search_is_queued_on_the_worker(ctx, qtbot):
    from sfa_desktop.ui.background import ReplicaOp

    upkeep = SearchUpkeep(ctx.runner, delay_ms=0, step_ms=5)
    order = []
    session_step = ctx.session.tidy_search
    ctx.session.tidy_search = lambda: order.append("step") or session_step()
    try:
        import threading

        gate = threading.Event()
        ReplicaOp(None, lambda agent: gate.wait(5) and order.append("search")).run(ctx.runner)
        upkeep.on_changes(Changes.of("products", "p1"))
        qtbot.wait(50)  # the step is due, but the worker is busy: it waits
        assert order == []
        gate.set()
        with qtbot.wait_signal(upkeep.tidied, timeout=10_000):
            pass
        assert order[0] == "search" and "step" in order
    finally:
        ctx.session.tidy_search = session_step
