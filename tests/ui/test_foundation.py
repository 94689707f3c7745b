"""The UI foundation on a real replica: background ops, the event bridge, the lazy id table model."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QTableView

from sfa_desktop.operations import edit_customer
from sfa_desktop.operations.read.customers import customer_ids, customer_rows
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.table_model import Column, IdTableModel, format_cell


def _model(ctx, **kw):
    columns = [Column("name", "Name", sort="name"), Column("city", "City", sort="city"),
               Column("balance", "Balance", kind="money", sort="balance")]
    model = IdTableModel(ctx.runner, columns, ids=lambda s, **k: customer_ids(s, **kw, **k), rows=customer_rows,
                         streams=("customers",))
    ctx.bridge.streams_changed.connect(model.on_changes)
    return model


def test_replica_op_runs_off_the_gui_thread_and_answers_on_it(ctx, qtbot) -> None:
    seen: dict[str, object] = {}
    gui = threading.get_ident()

    def work(agent):
        seen["worker"] = threading.get_ident()
        return agent.read(lambda s: len(customer_ids(s)))

    with qtbot.wait_callback() as done:
        ReplicaOp(None, work).success(done).run(ctx.runner)
    assert done.args[0] > 10
    assert seen["worker"] != gui


def test_a_known_error_goes_to_failure_and_a_bug_to_the_crash_signal(ctx, qtbot) -> None:
    class Boom(Exception):
        pass

    with qtbot.wait_callback() as failed:
        ReplicaOp(None, lambda agent: (_ for _ in ()).throw(TimeoutError("busy"))).failure(failed).run(ctx.runner)
    assert isinstance(failed.args[0], TimeoutError)
    with qtbot.wait_signal(ctx.runner.bug_found) as bug:
        ReplicaOp(None, lambda agent: (_ for _ in ()).throw(Boom("x"))).success(lambda r: None).run(ctx.runner)
    assert isinstance(bug.args[0], Boom)


def test_no_callback_once_the_parent_is_gone(ctx, qtbot) -> None:
    parent = QObject()
    called = []
    release = threading.Event()
    ReplicaOp(parent, lambda agent: release.wait(5)).success(called.append).run(ctx.runner)
    parent.deleteLater()
    qtbot.wait(50)  # the dialog is closed while its work still runs
    release.set()
    ctx.runner.wait_idle()
    qtbot.wait(50)
    assert called == []


def test_model_passes_the_model_tester_and_fetches_rows_lazily(ctx, qtbot, qtmodeltester) -> None:
    model = _model(ctx)
    with qtbot.wait_signal(model.loaded) as loaded:
        model.reload()
    count = loaded.args[0]
    assert count == model.rowCount() > 10
    assert model.data(model.index(0, 0)) is None  # not fetched yet: nothing drawn, never a wrong value
    qtbot.wait_until(lambda: model.data(model.index(0, 0)) is not None)
    names = [model.data(model.index(r, 0)) for r in range(min(count, 20))]
    assert names == sorted(names, key=str.casefold)
    qtmodeltester.check(model, force_py=True)


def test_sort_by_a_column_reads_the_ids_again(ctx, qtbot) -> None:
    model = _model(ctx)
    with qtbot.wait_signal(model.loaded):
        model.sort(1, Qt.SortOrder.DescendingOrder)
    qtbot.wait_until(lambda: model.record(0) is not None and model.record(1) is not None)
    first, second = model.record(0), model.record(1)
    assert (first.city or "") >= (second.city or "")


def test_an_operation_redraws_the_row_it_changed(ctx, qtbot) -> None:
    model = _model(ctx)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    with qtbot.wait_signal(model.loaded):
        model.reload()
    qtbot.wait_until(lambda: model.record(0) is not None)
    target = model.record(0)
    with qtbot.wait_signal(ctx.bridge.streams_changed, timeout=3000):
        ReplicaOp(None, lambda agent: agent.write(
            lambda s: edit_customer(s, customer_id=target.id, changes={"phone": "+39 02 1234567"}))).run(ctx.runner)
    qtbot.wait_until(lambda: model.record(model.row_of(target.id)) is not None)
    assert model.record(model.row_of(target.id)).unsent


@pytest.mark.parametrize(("value", "kind", "expected"), [
    (None, "money", ""), ("x", "text", "x"),
])
def test_format_cell_leaves_missing_values_empty(value, kind, expected) -> None:
    assert format_cell(value, kind) == expected


def test_format_cell_writes_money_the_italian_way() -> None:
    from decimal import Decimal

    assert format_cell(Decimal("1234.5"), "money") == "1.234,50\xa0€"
