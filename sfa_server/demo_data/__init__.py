"""Demo data: a generated Italian electrical wholesaler (`sfa-server demo-data --size small|large`).

generate() is pure and deterministic for (size, seed, today); load() writes a dataset in bulk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sfa_server.demo_data.catalog import PROFILES, make_catalog
from sfa_server.demo_data.crm import CRM_LOAD_ORDER, make_crm
from sfa_server.demo_data.customers import make_customers
from sfa_server.demo_data.documents import make_documents
from sfa_server.demo_data.people import DemoUser, demo_policy, demo_users, settings_rows, user_rows
from sfa_server.demo_data.product_documents import make_product_documents

__all__ = ["PROFILES", "DemoDataset", "DemoUser", "add_arguments", "generate", "load", "run"]

#: Document sequences of a fresh database start at the first device block (block 0 is the server's).
FIRST_SEQUENCE_BLOCK = 10_000
#: Order in which load() writes streams. Customers go before price lists so that the lists, written
#: after them, reach every agent through their own (newer) change stamps instead of scope grants.
LOAD_ORDER = ("settings", "users", "warehouses", "products", "product_documents", "stock_levels", "customers",
              "price_lists", "price_list_items", "addresses", "contacts", "open_items", "quotes", "quote_lines",
              "orders", "order_lines", "activities", "deals")


@dataclass
class DemoDataset:
    size: str
    seed: int
    today: dt.date
    #: stream name -> rows keyed by column name (protocol columns plus a few internal server columns)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: who can log in, with the plain demo passwords (users rows carry no hash until load())
    users: list[DemoUser] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {stream: len(rows) for stream, rows in self.rows.items()}


def generate(size: str, seed: int = 1, *, today: dt.date | None = None) -> DemoDataset:
    """A whole demo company; the same (size, seed, today) always gives the same rows."""
    if size not in PROFILES:
        raise ValueError(f"size must be one of {', '.join(PROFILES)}, not {size!r}")
    profile = PROFILES[size]
    today = today or dt.date.today()
    now = dt.datetime(today.year, today.month, today.day, 6, 0, tzinfo=dt.UTC)
    users = demo_users(profile.agents)
    users_rows = user_rows(users, now)
    agents = [u for u in users_rows if u["role"] == "agent"]
    policy = demo_policy()
    catalog = make_catalog(random.Random(f"{seed}:catalog"), profile, today)
    special_lists = [p["id"] for p in catalog.price_lists if not p["is_base"]]
    book = make_customers(random.Random(f"{seed}:customers"), profile.customers, [a["id"] for a in agents],
                          special_lists, today)
    office = next(u.username for u in users if u.role == "office")
    documents = make_documents(random.Random(f"{seed}:documents"), catalog, book.customers, agents, policy,
                               today, profile.documents, office)
    _shift_numbers(documents, FIRST_SEQUENCE_BLOCK - 1)
    rows = {"settings": settings_rows(policy), "users": users_rows, "warehouses": catalog.warehouses,
            "products": catalog.products,
            "product_documents": make_product_documents(catalog, profile, size, today),
            "stock_levels": catalog.stock_levels,
            "price_lists": catalog.price_lists, "price_list_items": catalog.price_list_items,
            "customers": book.customers, "addresses": book.addresses, "contacts": book.contacts,
            "open_items": book.open_items, **documents}
    rows.update(make_crm(random.Random(f"{seed}:crm"), catalog, book.customers, agents, rows["quotes"], today, size))
    return DemoDataset(size, seed, today, rows, users)


def _shift_numbers(documents: dict[str, list[dict[str, Any]]], offset: int,
                   agent_id: str | None = None) -> None:
    from sfa_desktop.domain.numbering import format_document_number, parse_document_number

    for stream in ("quotes", "orders"):
        for row in documents.get(stream, ()):
            if agent_id is None or row["agent_id"] == agent_id:
                kind, code, year, seq = parse_document_number(row["number"])
                row["number"] = format_document_number(kind, code, year, seq + offset)


def _password_hasher():
    try:
        from sfa_server.accounts import hash_password
    except ImportError:  # pragma: no cover - accounts is part of the server package
        from argon2 import PasswordHasher

        return PasswordHasher().hash
    return hash_password


def load(target: Session | Engine, dataset: DemoDataset) -> dict[str, int]:
    """Write the dataset (upsert by id, so loading twice updates); returns rows written per stream.

    With a Session the caller owns the transaction; with an Engine one transaction is committed here.
    Each agent gets a block of document numbers, as a device would, so the demo numbers never meet
    the numbers its clients will use.
    """
    if isinstance(target, Engine):
        from sfa_server.db import refresh_statistics, session_factory

        with session_factory(target).begin() as session:
            written = load(session, dataset)
        refresh_statistics(target)
        return written
    from sfa_server.accounts import allocate_block
    from sfa_server.changes import upsert_rows

    session = target
    hasher = _password_hasher()
    passwords = {u.id: u.password for u in dataset.users}
    rows = {**dataset.rows}
    rows["users"] = [{**r, "password_hash": hasher(passwords[r["id"]])} for r in dataset.rows["users"]]
    documents = {s: [dict(r) for r in dataset.rows.get(s, [])] for s in ("quotes", "orders")}
    for user in dataset.users:
        owned = any(d["agent_id"] == user.id for d in documents["quotes"] + documents["orders"])
        if user.role == "agent" and owned:
            # the generator stands for a device of its own: its numbers stay out of the clients' blocks
            start, _end = allocate_block(session, f"demo-data:{user.username}"[:36], user.id)
            if start != FIRST_SEQUENCE_BLOCK:
                _shift_numbers(documents, start - FIRST_SEQUENCE_BLOCK, user.id)
    rows.update(documents)
    written = {}
    for stream in (*LOAD_ORDER, *CRM_LOAD_ORDER):
        if rows.get(stream):
            written[stream] = upsert_rows(session, stream, rows[stream])
    return written


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", choices=tuple(PROFILES), default="small",
                        help="small: 3 agents, 60 customers, 500 products; large: 1 agent, 5,000 customers, "
                             "50,000 products, 250,000 prices")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same company (default 1)")
    parser.add_argument("--database-url", default=None,
                        help="database URL (default: env SFA_DATABASE_URL, else the SQLite file)")


def run(args: argparse.Namespace) -> int:
    from sfa_server.db import init_database

    started = time.perf_counter()
    dataset = generate(args.size, args.seed)
    generated = time.perf_counter()
    try:
        engine = init_database(args.database_url)
    except Exception as exc:  # the operator needs the cause, not a traceback
        print(f"cannot open the database: {exc}", file=sys.stderr)
        return 2
    try:
        written = load(engine, dataset)
    finally:
        engine.dispose()
    loaded = time.perf_counter()
    print(f"Demo company '{args.size}' (seed {args.seed}) loaded in {loaded - started:.1f} s "
          f"(generated {generated - started:.1f} s, written {loaded - generated:.1f} s):")
    for stream, count in written.items():
        print(f"  {stream:<17} {count:>8,}")
    print("Users (username / password / role):")
    for user in dataset.users:
        code = f" {user.agent_code}" if user.agent_code else ""
        print(f"  {user.username:<10} {user.password:<14} {user.role}{code}  {user.full_name}")
    return 0
