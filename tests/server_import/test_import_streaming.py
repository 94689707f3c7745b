"""The import streams its file in chunks (sfa_server.erp_import.importer.check_chunks): chunks already
written when a bad row turns up later are rolled back, duplicates are found across chunks, counts are
exact, and a line the csv module cannot read late in the file stops the import before anything stays.

The chunk size is made small so that a file of a few dozen rows spans several chunks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from sfa_server.erp_import import import_path, importer
from sfa_server.models import STREAM_MODELS

HEADER = "codice;descrizione;um;iva;costo"


def _products(engine: Engine) -> dict[str, tuple[str, str]]:
    t = STREAM_MODELS["products"].__table__
    with engine.connect() as conn:
        return {sku: (name, str(cost)) for sku, name, cost in conn.execute(select(t.c.sku, t.c.name, t.c.cost))}


def _count(engine: Engine) -> int:
    t = STREAM_MODELS["products"].__table__
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t)).scalar_one()


def _lines(n: int, *, name: str = "Articolo", bad_at: int | None = None) -> list[str]:
    rows = [HEADER]
    for i in range(n):
        cost = "mille" if i == bad_at else f"{i},50"
        rows.append(f"P{i:04d};{name} {i};PZ;22;{cost}")
    return rows


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "_WRITE_CHUNK", 7)


def test_a_bad_row_after_written_chunks_leaves_the_database_as_it_was(server_engine: Engine, write_csv) -> None:
    first = import_path(server_engine, write_csv("products.csv", _lines(50)))
    assert first.committed and first.files[0].inserted == 50
    before = _products(server_engine)
    # 60 rows, every one changed or new (10), the bad one the 46th: 6 chunks went to the database
    path = write_csv("products.csv", _lines(60, name="Nuovo nome", bad_at=45))
    report = import_path(server_engine, path)
    f = report.files[0]
    assert not report.committed and report.exit_code == 1
    assert [r.line for r in f.rejected] == [47]
    assert (f.inserted, f.updated, f.unchanged) == (10, 49, 0)  # what would have been written, exactly
    assert _products(server_engine) == before  # nothing of it stayed
    skipped = import_path(server_engine, path, skip_bad_rows=True)
    assert skipped.committed and (skipped.files[0].inserted, skipped.files[0].updated) == (10, 49)
    after = _products(server_engine)
    assert len(after) == 60 and after["P0045"] == before["P0045"]  # the bad row's product as it was
    assert after["P0044"][0] == "Nuovo nome 44"
    again = import_path(server_engine, path, skip_bad_rows=True)
    assert (again.files[0].inserted, again.files[0].updated, again.files[0].unchanged) == (0, 0, 59)


def test_a_duplicate_far_from_its_first_line_is_found(sqlite_engine: Engine, write_csv) -> None:
    lines = _lines(30)
    lines.append("P0002;Doppione;PZ;22;1,00")  # line 32, the same code as line 4, four chunks later
    report = import_path(sqlite_engine, write_csv("products.csv", lines))
    [bad] = report.files[0].rejected
    assert (bad.line, bad.reason) == (32, "same product code as line 4")
    assert _count(sqlite_engine) == 0


def test_a_broken_line_late_in_the_file_stops_the_import_before_any_chunk(sqlite_engine: Engine,
                                                                          write_csv) -> None:
    path = write_csv("products.csv", _lines(30))
    with open(path, "ab") as fh:
        fh.write(b'P9999;"' + b"x" * 200_000 + b'";PZ;22;1\r\n')  # a cell beyond the csv field limit
    report = import_path(sqlite_engine, path)
    assert report.files[0].error and "line 32" in report.files[0].error, report.files[0].error
    assert (report.files[0].inserted, report.exit_code) == (0, 1)
    assert _count(sqlite_engine) == 0
