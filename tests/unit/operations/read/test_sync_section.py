"""The sync section: the outbox described in the agent's words, the conflict inbox, the updates list and
marking it seen. The commands are queued by the real operations, the answer applied by the real engine."""

from __future__ import annotations

from sqlalchemy import delete

from sfa_desktop.i18n import render
from sfa_desktop.local_db.models import Customer, OutboxCommand
from sfa_desktop.operations.read.sync import (
    conflict_ids,
    conflict_rows,
    outbox_ids,
    outbox_rows,
    sync_summary,
    update_ids,
    update_rows,
)
from sfa_desktop.operations.updates import mark_updates_seen
from sfa_desktop.sync import outbox
from sfa_desktop.sync.events import Decision
from sfa_desktop.sync.state import record_decisions

from .conftest import at, queue_the_days_work, refuse_the_customer_change


def outbox_in_english(replica, **kw) -> list[tuple[str, str, str]]:
    with replica.session() as s:
        return [(r.status, render(r.about, "en"), render(r.action, "en"))
                for r in outbox_rows(s, outbox_ids(s, **kw))]


def test_the_outbox_says_what_each_change_is_about(writable):
    queue_the_days_work(writable)
    assert outbox_in_english(writable) == [
        ("pending", "Order O-AG07-2026-10000 for Rossi S.r.l.", "submitting an order"),
        ("pending", "Activity “Visita di cortesia” with Ćirić Impianti S.r.l.", "logging an activity"),
        ("pending", "Customer Rossi S.r.l.", "changing a customer"),
        ("pending", "Deal “Fari LED parcheggio” with Élite Luce S.p.A.", "saving a deal"),
        # quote.send carries no number: it comes from the replica
        ("pending", "Quote Q-AG07-2026-00005 for Ćirić Impianti S.r.l.", "sending a quote"),
        ("pending", "New prospect Nuova Luce di Gino Neri", "creating a prospect"),
    ]


def test_the_outbox_in_italian(writable):
    queue_the_days_work(writable)
    with writable.session() as s:
        first = outbox_rows(s, outbox_ids(s))[0]
    assert render(first.about, "it") == "Ordine O-AG07-2026-10000 per Rossi S.r.l."


def test_a_refused_change_shows_its_reason_and_opens_a_conflict_about_the_same_thing(writable):
    queue_the_days_work(writable)
    refuse_the_customer_change(writable)
    with writable.session() as s:
        [failed] = outbox_rows(s, outbox_ids(s, status="failed"))
        assert (failed.type, failed.attempts, render(failed.last_error, "en")) == (
            "customer.update", 1, "Changed by the office")
        assert failed.stream == "customers" and failed.target_id == "c2"
        [entry] = conflict_rows(s, conflict_ids(s))
    assert render(entry.title, "en") == "The office changed the same customer fields"
    assert render(entry.about, "en") == "Customer Rossi S.r.l."
    assert entry.local_value == {"phone": "+39 02 1111111"} and entry.server_value == {"phone": "+39 02 9999999"}
    assert [(c, render(label, "en")) for c, label in entry.choices] == [
        ("accept_office", "Keep the office's values"), ("send_mine", "Send my values again")]
    assert (entry.command_type, entry.status) == ("customer.update", "open")


def test_done_commands_are_hidden_unless_asked_and_rows_skip_unknown_ids(writable):
    queue_the_days_work(writable)
    with writable.session(write=True) as s:
        first = outbox_ids(s)[0]
        s.get(OutboxCommand, first).status = outbox.DONE
    with writable.session() as s:
        assert first not in outbox_ids(s)
        assert outbox_ids(s, status="done") == [first]
        assert [r.id for r in outbox_rows(s, ["nope", first, first])] == [first]
        assert outbox_ids(s, status=[]) == []


def test_a_command_about_a_customer_no_longer_here(writable):
    queue_the_days_work(writable)
    with writable.session(write=True) as s:
        s.execute(delete(OutboxCommand).where(OutboxCommand.type != "deal.save"))
        s.execute(delete(Customer).where(Customer.id == "c5"))  # reassigned to another agent meanwhile
    assert outbox_in_english(writable)[0][1] == "Deal “Fari LED parcheggio” with a customer no longer on this computer"


def test_updates_unseen_first_then_newest_and_marking_them_seen(writable):
    with writable.session(write=True) as s:
        record_decisions(s, [Decision("o4", "O-AG07-2026-00004", "c1", "rejected", "Fido superato", "ufficio")],
                         at=at("2026-11-16", "08:30"))
        record_decisions(s, [Decision("o6", "O-AG07-2026-00006", "c1", "approved", None, "ufficio")],
                         at=at("2026-11-18", "15:00"))
    with writable.session() as s:
        newest, older = update_rows(s, update_ids(s))
        assert render(newest.message, "en") == "Order O-AG07-2026-00006 was approved by ufficio."
        assert (newest.stream, newest.row_id, newest.seen) == ("orders", "o6", False)
    with writable.session(write=True) as s:
        changes = mark_updates_seen(s, update_ids=[older.id, "nope"])
    assert changes.touches("updates") and changes.ids("updates") == {older.id}
    with writable.session() as s:
        assert update_ids(s) == [newest.id, older.id]  # the unseen one first
        assert update_ids(s, unseen_only=True) == [newest.id]
        assert sync_summary(s).unseen_updates == 1
    with writable.session(write=True) as s:
        assert mark_updates_seen(s).ids("updates") == {newest.id}
        assert mark_updates_seen(s).empty  # nothing left to mark
        assert mark_updates_seen(s, update_ids=[]).empty
    with writable.session() as s:
        assert update_ids(s, unseen_only=True) == [] and all(r.seen for r in update_rows(s, update_ids(s)))


def test_sync_summary(writable):
    queue_the_days_work(writable)
    refuse_the_customer_change(writable)
    with writable.session() as s:
        summary = sync_summary(s)
    assert summary.by_status == {"pending": 5, "failed": 1}
    assert (summary.waiting, summary.open_conflicts, summary.last_success_at) == (6, 1, None)


def test_nothing_queued(writable):
    with writable.session() as s:
        assert outbox_ids(s) == [] and conflict_ids(s) == [] and update_ids(s) == []
        assert outbox_rows(s, []) == [] and conflict_rows(s, ["nope"]) == []
        assert sync_summary(s).waiting == 0

