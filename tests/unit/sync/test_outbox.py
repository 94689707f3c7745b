"""The outbox and the conflict inbox: order, answers applied, rejections isolated, choices."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from sfa_desktop.domain.messages import format_message
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import Conflict, LocalSetting, Order, OutboxCommand
from sfa_desktop.sync import answers, apply, conflicts, outbox, protocol

from .rows import page, upsert


def draft_order(replica: Replica, order_id: str, *, depends_on: tuple[str, ...] = (),
                quote_id: str | None = None) -> protocol.Command:
    """An order saved locally and queued in the same transaction, as the UI does."""
    with replica.session(write=True) as s:
        apply.apply_page(s.connection(), page(upsert("orders", order_id, number=f"A1-{order_id}",
                                                     status="submitted", grand_total="0")))
        s.execute(update(Order).where(Order.id == order_id).values(dirty=True))
        return outbox.enqueue(s, type="order.submit", depends_on=depends_on, payload={
            "order_id": order_id, "customer_id": "c1", "number": f"A1-{order_id}", "quote_id": quote_id,
            "lines": [{"product_id": "p1", "quantity": Decimal("2.5"), "discount": "10+5"}]})


def answer(cmd: protocol.Command, status: str, **kw: object) -> protocol.CommandResult:
    return protocol.CommandResult(cmd.id, status, **kw)  # type: ignore[arg-type]


def settle(replica: Replica, *pairs: tuple[protocol.Command, protocol.CommandResult]) -> None:
    with replica.session(write=True) as s:
        for cmd, res in pairs:
            answers.record_result(s, cmd, res)


def batch(replica: Replica) -> list[str]:
    with replica.session(write=True) as s:
        return [c.id for c in outbox.next_batch(s)]


def test_enqueue_stores_the_wire_payload_exactly(replica: Replica) -> None:
    cmd = draft_order(replica, "o1")
    assert cmd.payload["lines"][0]["quantity"] == "2.5"
    with replica.session() as s:
        row = s.get(OutboxCommand, cmd.id)
        assert row.status == "pending" and outbox.to_command(row) == cmd


@pytest.mark.parametrize(("kind", "payload", "message"), [
    ("order.fly", {"order_id": "o"}, "unknown command type"),
    ("order.submit", {"order_id": "o", "price": "1"}, "does not accept price"),
    ("order.submit", {"customer_id": "c"}, "order_id is required"),
    ("order.submit", {"order_id": "o", "lines": [{"quantity": 1.5}]}, "not float"),
])
def test_malformed_commands_are_refused_and_nothing_is_queued(replica: Replica, kind: str,
                                                              payload: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message), replica.session(write=True) as s:
        outbox.enqueue(s, type=kind, payload=payload)
    with replica.session() as s:
        assert s.scalars(select(OutboxCommand)).all() == []


def test_unknown_dependency_is_refused(replica: Replica) -> None:
    with pytest.raises(ValueError, match="unknown command"), replica.session(write=True) as s:
        outbox.enqueue(s, type="quote.send", payload={"quote_id": "q"}, depends_on=[str(uuid.uuid4())])


def test_commands_go_out_in_the_order_they_were_made(replica: Replica) -> None:
    made = [draft_order(replica, f"o{i}").id for i in range(5)]
    assert batch(replica) == made


def test_applied_answer_puts_server_number_totals_and_status_on_the_draft(replica: Replica) -> None:
    cmd = draft_order(replica, "o1")
    settle(replica, (cmd, answer(cmd, "applied", server={
        "number": "ORD-2026-00042", "status": "pending_approval", "grand_total": "122.00",
        "approval_reasons": ["discount above 20%"]})))
    with replica.session() as s:
        order = s.get(Order, "o1")
        assert (order.number, order.status, order.grand_total) == (
            "ORD-2026-00042", "pending_approval", Decimal("122.00"))
        assert order.approval_reasons == ["discount above 20%"] and order.dirty is False
        assert s.get(OutboxCommand, cmd.id).status == "done"
        assert outbox.pending_count(s) == 0


def test_changed_answer_is_applied_and_shown_once_in_the_inbox(replica: Replica) -> None:
    cmd = draft_order(replica, "o1")
    settle(replica, (cmd, answer(cmd, "changed", code="repriced", reason="Prices were updated.",
                                 server={"grand_total": "99.00"})))
    with replica.session() as s:
        [entry] = conflicts.list_open(s)
        assert entry.choices == ("ok",) and entry.server_value["grand_total"] == "99.00"


def test_rejection_opens_a_conflict_holds_dependents_and_spares_the_rest(replica: Replica) -> None:
    first = draft_order(replica, "o1")
    dependent = draft_order(replica, "o2", depends_on=(first.id,))
    independent = draft_order(replica, "o3")
    settle(replica, (first, answer(first, "rejected", code="price_changed",
                                   reason="The price of Vite M6 changed from 1.00 to 1.20.",
                                   server={"price": "1.20"})))
    assert batch(replica) == [independent.id]
    with replica.session() as s:
        held = s.get(OutboxCommand, dependent.id)
        assert held.status == "held" and held.last_error["code"] == "outbox.waiting_for"
        assert "submitting an order" in format_message(conflicts.Message.from_wire(held.last_error))
        [entry] = conflicts.list_open(s)
        assert str(entry.title).startswith("Prices changed") and entry.choices == ("keep", "cancel")
        assert str(entry.message) == "The price of Vite M6 changed from 1.00 to 1.20."  # an older server's text
        assert entry.local_value["order_id"] == "o1" and entry.server_value == {"price": "1.20"}


def test_keep_sends_again_and_dependents_follow_the_new_command(replica: Replica) -> None:
    first = draft_order(replica, "o1")
    dependent = draft_order(replica, "o2", depends_on=(first.id,))
    settle(replica, (first, answer(first, "rejected", code="price_changed", reason="price")))
    batch(replica)
    with replica.session(write=True) as s:
        [entry] = conflicts.list_open(s)
        [new] = conflicts.resolve(s, entry.id, "keep")
    assert new.id != first.id and new.payload == first.payload
    sent_next = batch(replica)
    assert sent_next[0] == new.id and len(sent_next) == 2
    with replica.session() as s:
        # the held command may have a "dependency rejected" answer on record: it goes again
        # under a fresh id, after (and depending on) the re-sent one
        again = s.get(OutboxCommand, sent_next[1])
        assert again.payload == dependent.payload and again.depends_on == [new.id]
        assert s.get(OutboxCommand, dependent.id).status == "done"
        assert conflicts.list_open(s) == []


def test_cancel_drops_the_draft_and_asks_for_a_resync(replica: Replica) -> None:
    first = draft_order(replica, "o1")
    settle(replica, (first, answer(first, "rejected", code="price_changed", reason="price")))
    with replica.session(write=True) as s:
        [entry] = conflicts.list_open(s)
        assert conflicts.resolve(s, entry.id, "cancel") == []
    with replica.session() as s:
        assert s.get(Order, "o1") is None
        assert "orders" in s.get(LocalSetting, conflicts.RESYNC_KEY).value
        assert outbox.pending_count(s) == 0


def test_resolve_refuses_unknown_settled_or_unoffered_choices(replica: Replica) -> None:
    first = draft_order(replica, "o1")
    settle(replica, (first, answer(first, "rejected", code="not_found", reason="gone")))
    with replica.session(write=True) as s:
        [entry] = conflicts.list_open(s)
        with pytest.raises(ValueError, match="not a choice"):
            conflicts.resolve(s, entry.id, "keep")
        with pytest.raises(ValueError, match="does not exist"):
            conflicts.resolve(s, "nope", "discard")
        conflicts.resolve(s, entry.id, "discard")
        with pytest.raises(ValueError, match="already settled"):
            conflicts.resolve(s, entry.id, "discard")


def test_customer_clash_shows_office_value_and_can_send_mine(replica: Replica) -> None:
    with replica.session(write=True) as s:
        apply.apply_page(s.connection(), page(upsert("customers", "c1", name="Rossi", phone="111")))
        cmd = outbox.enqueue(s, type="customer.update", payload={
            "customer_id": "c1", "base": {"phone": "111"}, "changes": {"phone": "222"}})
    settle(replica, (cmd, answer(cmd, "changed", code="conflict", reason="The office changed the phone.",
                                 server={"phone": {"yours": "222", "server": "333"}, "row_version": 2})))
    with replica.session(write=True) as s:
        from sfa_desktop.local_db.models import Customer
        assert s.get(Customer, "c1").phone == "333"  # office wins on screen
        assert s.get(Customer, "c1").dirty is False
        [entry] = conflicts.list_open(s)
        assert entry.local_value == {"phone": "222"} and entry.server_value == {"phone": "333"}
        assert entry.choices == ("accept_office", "send_mine")
        [again] = conflicts.resolve(s, entry.id, "send_mine")
    assert again.payload["base"] == {"phone": "333"} and again.payload["changes"] == {"phone": "222"}


def test_answer_twice_counts_once(replica: Replica) -> None:
    cmd = draft_order(replica, "o1")
    res = answer(cmd, "rejected", code="invalid", reason="bad")
    settle(replica, (cmd, res))
    with replica.session(write=True) as s:
        outbox.mark_attempt(s, [cmd.id], None)
        s.execute(update(OutboxCommand).where(OutboxCommand.id == cmd.id).values(status="done"))
    settle(replica, (cmd, res))
    with replica.session() as s:
        assert len(s.scalars(select(Conflict)).all()) == 1


def test_bad_server_values_raise_and_leave_the_replica_unchanged(replica: Replica) -> None:
    cmd = draft_order(replica, "o1")
    with pytest.raises(protocol.ProtocolError), replica.session(write=True) as s:
        answers.record_result(s, cmd, answer(cmd, "applied", server={"grand_total": 12.5}))
    with replica.session() as s:
        assert s.get(OutboxCommand, cmd.id).status == "pending"
        assert s.get(Order, "o1").dirty is True


def test_a_command_the_server_keeps_failing_on_is_held_and_the_others_go_on(replica: Replica) -> None:
    poison = draft_order(replica, "o1")
    dependent = draft_order(replica, "o2", depends_on=(poison.id,))
    other = draft_order(replica, "o3")
    fault = answer(poison, "rejected", code="server_error", reason="internal error")
    for attempt in (1, 2):
        settle(replica, (poison, fault))
        with replica.session() as s:
            row = s.get(OutboxCommand, poison.id)
            assert (row.status, row.attempts) == ("pending", attempt)  # tried again at the next sync
            assert row.last_error["code"] == "outbox.server_error"
    settle(replica, (poison, fault))
    assert batch(replica) == [other.id]  # the third failure holds it; independent work goes on
    with replica.session() as s:
        assert s.get(OutboxCommand, poison.id).status == "failed"
        assert s.get(OutboxCommand, dependent.id).status == "held"
        [entry] = conflicts.list_open(s)
        assert entry.choices == ("retry", "discard") and "3 times" in str(entry.message)
