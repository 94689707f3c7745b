"""The words of the server's answers to pushed commands, as message codes with parameters.

The server sends {"code", "params"} with each rejection or change; the client renders it in the
agent's language from its catalog (these English texts are the msgids).
"""

from __future__ import annotations

from sfa_desktop.domain.messages import N_, register, register_fields

register({
    "push.invalid": N_("The server could not read this change ({detail}); it was not applied."),
    "push.not_an_agent": N_("Only agents send sales commands; office changes go through the office screens."),
    "push.command_id_taken": N_("This change carries an id already used by another user."),
    "push.dependency_missing": N_("A change this one depends on has not reached the server yet."),
    "push.dependency_rejected": N_("A change this one depends on was refused."),
    "push.server_error": N_("The server failed on this change; it is kept and sent again."),
    "push.customer_unknown": N_("Customer {customer} is unknown or not one of yours."),
    "push.customer_exists": N_("Customer {customer} already exists."),
    "push.customer_blocked_quote": N_("{customer} is blocked by the office: no new quotes."),
    "push.customer_blocked_order": N_("{customer} is blocked by the office: orders are not accepted."),
    "push.quote_unknown": N_("Quote {quote} is unknown."),
    "push.quote_exists": N_("Quote {quote} already exists."),
    "push.quote_moved": N_("A saved quote cannot move to another customer: make a new quote."),
    "push.quote_not_editable": N_("Quote {number} is {status}: only the latest draft can be changed "
                                  "(make a revision)."),
    "push.quote_not_revisable": N_("Quote {number} is {status}: only the latest sent, lost or expired quote "
                                   "can be revised."),
    "push.quote_other_customer": N_("Quote {number} is for another customer."),
    "push.quote_transition": N_("Quote {number}: {error}"),
    "push.quote_already_ordered": N_("Quote {number} is already on order {order}."),
    "push.order_unknown": N_("Order {order} is unknown."),
    "push.order_exists": N_("Order {order} was already submitted."),
    "push.order_needs_lines": N_("An order needs at least one line."),
    "push.order_transition": N_("Order {number}: {error}"),
    "push.line_problem": N_("Line {line} ({sku}): {error}"),
    "push.product_unknown": N_("Line {line}: the product {product} is not in the catalog."),
    "push.document_discount": N_("Document discount: {error}"),
    "push.cannot_total": N_("The document cannot be totalled: {detail}."),
    "push.price_changed": N_("The price of {sku} is now {now:price} (you had {was:price})."),
    "push.total_changed": N_("The total is now {now:money} (you had {was:money})."),
    "push.quote_numbered": N_("The quote was numbered {number}."),
    "push.revision_numbered": N_("The revision was numbered {number}."),
    "push.order_numbered": N_("The order was numbered {number}."),
    "push.changes": N_("{items:sentences}"),
    "push.field_not_editable": N_("An agent cannot change {fields:fields}; editable: {allowed:fields}."),
    "push.base_missing": N_("Send the value you started from for {field:field}."),
    "push.office_kept": N_("The office changed {fields:fields} of {customer} in the meantime: the office's "
                           "value was kept."),
    "push.email_invalid": N_("'{value}' is not an e-mail address."),
    "push.phone_invalid": N_("'{value}' is not a phone number."),
    "push.language_invalid": N_("The language must be one of {allowed:list}."),
    "push.language_empty": N_("The language cannot be empty."),
    "push.required": N_("{field:field} is required."),
    "push.activity_kind": N_("The kind of activity must be one of {allowed:list}."),
    "push.activity_exists": N_("Activity {activity} already exists."),
    "push.deal_stage_unknown": N_("Unknown deal stage '{stage}'."),
    "push.deal_transition": N_("Deal {title}: {error}"),
    "push.amount_negative": N_("The amount cannot be negative."),
    "push.identifier": N_("{error}"),
    "push.activity_unknown": N_("Activity {activity} is unknown or not yours."),
    "push.activity_done": N_("The activity was already done on {done:datetime}: plan a new one."),
    "push.deal_unknown": N_("Deal {deal} is unknown or not yours."),
    "push.prospect_review": N_("The prospect {name} looks like a customer the office already has: the "
                               "office will check it before it becomes a customer."),
})

#: The names of the fields the server may name in a message (the client's catalog translates them).
register_fields({
    "notes": N_("Notes"), "customer_reference": N_("Customer reference"), "reason": N_("Reason"),
    "subject": N_("Subject"), "title": N_("Title"), "name": N_("Name"), "phone": N_("Phone"),
    "email": N_("E-mail"), "segment": N_("Segment"), "payment_terms": N_("Payment terms"),
    "language": N_("Language"), "city": N_("City"), "street": N_("Street"), "postal_code": N_("Postal code"),
    "province": N_("Province"), "vat_number": N_("VAT number"), "tax_code": N_("Tax code"),
    "outcome": N_("Outcome"), "next_action": N_("Next action"), "changes": N_("Changes"), "stage": N_("Stage"),
    "credit_limit": N_("Credit limit"), "balance": N_("Balance"), "status": N_("Status"),
    "price_list_id": N_("Price list"), "agent_id": N_("Agent"), "erp_code": N_("ERP code"),
})
