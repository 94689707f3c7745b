"""A real SQLCipher replica with an agent, a catalog, price lists and two customers (one blocked)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import Address, Customer, PriceList, PriceListItem, Product, Setting, User

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def replica(tmp_path: Path):
    rep = open_replica(tmp_path / "agent.sfadb", os.urandom(32))
    with rep.session(write=True) as s:
        s.execute(insert(User), [{"id": "u1", "username": "ag07", "full_name": "Marco Bellini",
                                  "role": "agent", "agent_code": "AG07",
                                  "number_block_start": 10000, "number_block_end": 10002}])
        s.execute(insert(Setting), [{"id": "company", "value": {
            "name": "Forniture Padane S.p.A.", "street": "Via dell'Industria 24", "postal_code": "20097",
            "city": "San Donato Milanese", "province": "MI", "vat_number": "IT09876540155"}}])
        s.execute(insert(Product), [
            {"id": "p1", "sku": "CAV-FS17-15", "name": "Cavo unipolare FS17 1,5 mm²", "unit": "M",
             "vat_rate": Decimal(22), "pack_size": Decimal(100), "active": True, "cost": Decimal("0.20")},
            {"id": "p2", "sku": "LIB-ISTR", "name": "Manuale tecnico impianti", "unit": "PZ",
             "vat_rate": Decimal(4), "active": True},
            {"id": "p3", "sku": "OLD-1", "name": "Fuori produzione", "unit": "PZ",
             "vat_rate": Decimal(22), "active": False},
        ])
        s.execute(insert(PriceList), [
            {"id": "base", "code": "BASE", "name": "Listino base", "currency": "EUR", "version": 3,
             "valid_from": dt.date(2026, 1, 1), "valid_to": None, "is_base": True},
            {"id": "vip", "code": "VIP", "name": "Listino VIP", "currency": "EUR", "version": 1,
             "valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2026, 12, 31), "is_base": False},
        ])
        s.execute(insert(PriceListItem), [
            {"id": "i1", "price_list_id": "base", "product_id": "p1", "min_quantity": Decimal(0),
             "price": Decimal("0.52")},
            {"id": "i2", "price_list_id": "base", "product_id": "p1", "min_quantity": Decimal(500),
             "price": Decimal("0.48")},
            {"id": "i3", "price_list_id": "vip", "product_id": "p2", "min_quantity": Decimal(0),
             "price": Decimal("24.00")},
            {"id": "i4", "price_list_id": "base", "product_id": "p2", "min_quantity": Decimal(0),
             "price": Decimal("26.00")},
        ])
        s.execute(insert(Customer), [
            {"id": "c1", "name": "Ćirić Impianti S.r.l.", "status": "active", "price_list_id": "vip",
             "default_discount": "5", "credit_limit": Decimal(10000), "balance": Decimal(0),
             "overdue_amount": Decimal(0), "language": "it", "payment_terms": "RB 60 gg DF FM"},
            {"id": "c2", "name": "Bloccata S.p.A.", "status": "blocked", "credit_limit": Decimal(0),
             "balance": Decimal(0), "overdue_amount": Decimal(0), "language": "en"},
        ])
        s.execute(insert(Address), [{"id": "a1", "customer_id": "c1", "kind": "billing",
                                     "street": "Via Emilia 221", "city": "Bologna",
                                     "postal_code": "40133", "province": "BO", "country": "IT"}])
    yield rep
    rep.close()


