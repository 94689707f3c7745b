"""What an operation refuses, in the agent's words: UserError subclasses with message codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sfa_desktop.domain.messages import N_, Message, UserError, register

register({
    "op.no_agent_profile": N_("This computer has no agent profile yet: sync once before drafting documents."),
    "op.no_number_block": N_("The server has not reserved document numbers for this computer yet: sync once."),
    "op.no_lines": N_("Add at least one product line."),
    "op.too_many_lines": N_("A document holds at most {max} lines; this one has {count}."),
    "op.product_unknown": N_("Line {line}: the product is not in the catalog on this computer."),
    "op.line_problem": N_("Line {line} ({sku}): {error}"),
    "op.customer_unknown": N_("The customer is not on this computer (not in your portfolio any more?)."),
    "op.customer_blocked": N_("{customer} is blocked: the sales office must unblock it first."),
    "op.document_discount": N_("Document discount: {error}"),
    "op.validity_in_past": N_("The validity date is in the past."),
    "op.quote_unknown": N_("The quote is not on this computer."),
    "op.order_unknown": N_("The order is not on this computer."),
    "op.quote_not_editable": N_("Quote {number} is {status}: it can no longer be changed."),
    "op.quote_other_customer": N_("The quote to convert is not this customer's."),
    "op.quote_transition": N_("Quote {number}: {error}"),
    "op.quote_already_ordered": N_("Quote {number} is already on order {order}."),
    "op.order_transition": N_("Order {number}: {error}"),
    "op.order_not_draft": N_("Order {number} is {status}: only a draft can be changed."),
    "op.lost_needs_reason": N_("Say why the quote was lost (price, competitor, timing...)."),
    "op.field_not_editable": N_("{field:field} cannot be changed here: the office keeps it."),
    "op.field_invalid": N_("{field:field}: {error}"),
    "op.nothing_changed": N_("Nothing was changed."),
    "op.email_invalid": N_("'{value}' is not an e-mail address."),
    "op.phone_invalid": N_("'{value}' is not a phone number."),
    "op.language_invalid": N_("The language must be Italian or English."),
    "op.name_required": N_("Enter the name."),
    "op.subject_required": N_("Enter a subject."),
    "op.title_required": N_("Enter a title."),
    "op.kind_invalid": N_("Choose the kind of activity."),
    "op.stage_invalid": N_("Unknown stage."),
    "op.deal_unknown": N_("The deal is not on this computer."),
    "op.deal_transition": N_("Deal {title}: {error}"),
    "op.amount_invalid": N_("The amount must be zero or more."),
    "op.text_too_long": N_("{field:field} is too long (at most {max} characters)."),
    "op.possible_duplicates": N_("This prospect may already be a customer: {names}. Check before saving."),
    "op.command_unknown": N_("This change is not in the outbox any more."),
    "op.command_not_failed": N_("Only a change the server refused can be sent again."),
    "op.activity_unknown": N_("The activity is not on this computer."),
    "op.activity_done": N_("This activity is already done: plan a new one."),
})


class OperationError(UserError):
    """The agent asked for something the data does not allow; the message says why and what to do."""


class NotFoundError(OperationError):
    """What the agent acts on is not in the replica (any more)."""


class NotAllowedError(OperationError):
    """The document's state or the office's rules do not allow it."""


class InvalidInputError(OperationError):
    """A value the agent typed is not valid."""


class PossibleDuplicateError(OperationError):
    """A new prospect looks like customers already known; `matches` lists them (best first)."""

    def __init__(self, matches: Sequence[Any]) -> None:
        self.matches = tuple(matches)
        names = ", ".join(getattr(m, "name", str(m)) for m in self.matches[:3])
        super().__init__(Message("op.possible_duplicates", {"names": names}))
