"""Read functions for screens: id lists for a filter and a sort, then plain frozen rows for a batch
of ids (never ORM objects), so a table model holds ids and fetches rows lazily."""
