"""The sales office's client: typed calls to the server's office and admin routes (no Qt, no replica:
the office works online), on the same transport as the agent's sync."""
