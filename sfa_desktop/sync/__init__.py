"""Sync engine and its wire protocol. Keep this file empty: the server imports sync.protocol."""
