"""Read functions for screens: id lists for a filter and a sort, then plain frozen rows for a batch
of ids (never ORM objects), so a table model holds ids and fetches rows lazily.

customers (the list), customer360 (one call for the 360° view), catalog (products, prices, stock,
documents), documents (quotes, orders, last price sold), crm (activities, deals), sync (outbox,
conflict inbox, updates). Each function takes the caller's `session` and never commits.
"""
