"""Use cases the UI and the command line call: draft a quote, submit an order, print.

Each function takes an open session (one per user action, opened by the caller) and keeps the
replica and the outbox consistent: a draft and the command that sends it are written together.
"""
