"""resend_settled: after a restore of the server, the confirmed commands go again with their ids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from sfa_desktop.local_db.models import OutboxCommand
from sfa_desktop.operations import save_quote
from sfa_desktop.operations.inbox import resend_settled
from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.sync import outbox


def _queue_three(replica) -> list[str]:
    ids = []
    for n in range(3):
        with replica.session(write=True) as s:
            save_quote(s, customer_id="c1", lines=[LineRequest("p2", Decimal(n + 1), "")])
        with replica.session() as s:
            ids.append(s.scalars(select(OutboxCommand.id).order_by(OutboxCommand.seq.desc())).first())
    return ids


def _states(replica) -> list[tuple[str, str, int]]:
    with replica.session() as s:
        return [(c.id, c.status, c.seq) for c in s.scalars(select(OutboxCommand).order_by(OutboxCommand.seq))]


def test_confirmed_commands_are_queued_again_with_their_ids_and_order(replica) -> None:
    first, second, third = _queue_three(replica)
    with replica.session(write=True) as s:
        for row in s.scalars(select(OutboxCommand)):
            row.status = outbox.DONE if row.id != third else outbox.FAILED  # the server refused the third
            row.attempts = 1
    before = _states(replica)
    with replica.session(write=True) as s:
        changes = resend_settled(s)
    after = _states(replica)
    assert changes.outbox and changes.created == first
    assert [(i, seq) for i, _, seq in after] == [(i, seq) for i, _, seq in before]  # same ids, same order
    assert [status for _, status, _ in after] == [outbox.PENDING, outbox.PENDING, outbox.FAILED]
    with replica.session() as s:
        assert outbox.count_by_status(s) == {outbox.PENDING: 2, outbox.FAILED: 1}
        assert [c.id for c in outbox.next_batch(s)] == [first, second]
        assert s.get(OutboxCommand, first).attempts == 0


def test_since_limits_the_resend_and_nothing_to_resend_changes_nothing(replica) -> None:
    *_, third = _queue_three(replica)
    cutoff = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    with replica.session(write=True) as s:
        for row in s.scalars(select(OutboxCommand)):
            row.status = outbox.DONE
        s.get(OutboxCommand, third).created_at = cutoff + dt.timedelta(seconds=1)
    with replica.session(write=True) as s:
        changes = resend_settled(s, since=cutoff)
    assert changes.created == third
    assert [status for _, status, _ in _states(replica)] == [outbox.DONE, outbox.DONE, outbox.PENDING]
    with replica.session(write=True) as s:
        s.get(OutboxCommand, third).status = outbox.DONE
    with replica.session(write=True) as s:
        nothing = resend_settled(s, since=cutoff + dt.timedelta(days=1))
    assert not nothing.outbox and nothing.created is None
    assert {status for _, status, _ in _states(replica)} == {outbox.DONE}
