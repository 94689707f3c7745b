"""The agent's use cases, one function each, and the read functions screens list and show.

An operation takes the replica session of the caller's transaction (`with replica.session(write=True)
as s`), validates, writes the replica and queues its command together, raises an OperationError
(a UserError: its message in the agent's words) for anything the agent can fix, and returns the
Changes it made. The CLI, the demo, the benchmarks, the tests and the UI all go through them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sfa_desktop.operations.activities import complete_activity, log_activity, plan_activity
from sfa_desktop.operations.customers import create_prospect, edit_customer
from sfa_desktop.operations.deals import move_deal, save_deal
from sfa_desktop.operations.inbox import resolve_conflict, retry_command
from sfa_desktop.operations.orders import cancel_order, convert_quote, submit_order
from sfa_desktop.operations.quotes import accept_quote, lose_quote, revise_quote, save_quote, send_quote

#: The operation that queues each command of the protocol (a test checks every command has one).
COMMAND_OPERATIONS: dict[str, Callable[..., Any]] = {
    "quote.save": save_quote,
    "quote.send": send_quote,
    "quote.accept": accept_quote,
    "quote.lose": lose_quote,
    "quote.revise": revise_quote,
    "order.submit": submit_order,
    "order.cancel": cancel_order,
    "customer.update": edit_customer,
    "prospect.create": create_prospect,
    "activity.log": log_activity,
    "deal.save": save_deal,
    "activity.plan": plan_activity,
    "activity.complete": complete_activity,
    "deal.move": move_deal,
}

__all__ = [
    "COMMAND_OPERATIONS", "accept_quote", "cancel_order", "complete_activity", "convert_quote", "create_prospect",
    "edit_customer", "log_activity", "lose_quote", "move_deal", "plan_activity", "resolve_conflict",
    "retry_command", "revise_quote", "save_deal", "save_quote", "send_quote", "submit_order",
]
