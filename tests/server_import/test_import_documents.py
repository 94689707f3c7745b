"""Importing product documents (tech sheets, brochures, images) from a CSV and the files beside it."""

from __future__ import annotations

import argparse
import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.engine import Engine

from sfa_server import erp_import
from sfa_server.erp_import import ids, import_path
from sfa_server.erp_import.attachments import MAX_DOCUMENT_BYTES, AttachmentChanged, inspect_file
from sfa_server.erp_import.columns import kind_from_filename
from sfa_server.models import STREAM_MODELS

DOCUMENTS = STREAM_MODELS["product_documents"].__table__


def pdf_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def image_bytes(format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format=format)
    return buffer.getvalue()


def documents(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(select(DOCUMENTS)).mappings()}


@pytest.fixture
def export(write_csv) -> Path:
    """An ERP export: two products, their documents in subfolders, and rows that must be refused."""
    folder = write_csv.folder
    write_csv("articoli.csv", ["Codice;Descrizione;IVA", "CAV001;Cavo FS17 1x2,5 mm²;22",
                               "PRO001;Magnetotermico 1P+N C16 4,5kA;22"])
    (folder / "schede").mkdir()
    (folder / "foto").mkdir()
    (folder / "schede" / "fs17.pdf").write_bytes(pdf_bytes("Scheda tecnica FS17"))
    (folder / "foto" / "cav001.png").write_bytes(image_bytes("PNG"))
    (folder / "certificato-ce.jpg").write_bytes(image_bytes("JPEG"))
    (folder / "setup.pdf").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200))  # an .exe renamed .pdf
    (folder / "enorme.pdf").write_bytes(b"%PDF-1.7\n" + bytes(MAX_DOCUMENT_BYTES))
    (folder / "vuoto.png").write_bytes(b"")
    (folder.parent / "fuori.pdf").write_bytes(pdf_bytes("outside"))
    write_csv("documenti.csv", [
        "Codice articolo;Tipo;Titolo;File",
        "CAV001;Scheda tecnica;Scheda tecnica FS17;schede/fs17.pdf",       # 2 good
        "CAV001;immagine;Foto;foto\\cav001.png",                            # 3 good (Windows path)
        "PRO001;certificato;;certificato-ce.jpg",                           # 4 good, title from the name
        "NOPE01;brochure;Catalogo;schede/fs17.pdf",                         # 5 unknown product
        "PRO001;manuale;Manuale;manca.pdf",                                 # 6 no such file
        "PRO001;brochure;Installer;setup.pdf",                              # 7 not a PDF inside
        "PRO001;manual;Tutto;enorme.pdf",                                   # 8 over 10 MiB
        "PRO001;foto3d;Foto;foto/cav001.png",                               # 9 unknown kind
        "CAV001;tech_sheet;Di nuovo;schede/fs17.pdf",                       # 10 same as line 2
        "PRO001;image;;vuoto.png",                                          # 11 empty
        "PRO001;image;;../fuori.pdf",                                       # 12 outside the folder
    ])
    return folder


def test_documents_are_checked_by_content_and_every_bad_row_is_reported(server_engine: Engine,
                                                                      export: Path) -> None:
    report = import_path(server_engine, export)
    assert report.exit_code == 1 and not report.committed
    assert documents(server_engine) == {}
    [docs] = [f for f in report.files if f.kind == "product_documents"]
    reasons = {bad.line: bad.reason for bad in docs.rejected}
    assert set(reasons) == {5, 6, 7, 8, 9, 10, 11, 12}, report.render()
    assert "unknown product code 'NOPE01'" in reasons[5]
    assert "file 'manca.pdf' does not exist" in reasons[6]
    assert "'setup.pdf' is not a PDF, PNG or JPEG" in reasons[7]
    assert "larger than the 10 MiB" in reasons[8]
    assert "kind 'foto3d' is not one of" in reasons[9]
    assert "same product, kind and file name as line 2" in reasons[10]
    assert "is empty" in reasons[11]
    assert "must stay inside the CSV's folder" in reasons[12]
    assert "line 7: " in report.render()


def test_good_documents_are_stored_with_their_bytes_type_size_and_hash(server_engine: Engine,
                                                                       export: Path) -> None:
    report = import_path(server_engine, export, skip_bad_rows=True)
    assert report.exit_code == 0 and report.committed, report.render()
    stored = documents(server_engine)
    sheet = stored[ids.product_document_id("CAV001", "tech_sheet", "fs17.pdf")]
    content = (export / "schede" / "fs17.pdf").read_bytes()
    assert bytes(sheet["content"]) == content and sheet["size"] == len(content)
    assert sheet["sha256"] == hashlib.sha256(content).hexdigest()
    assert (sheet["media_type"], sheet["title"], sheet["product_id"]) == (
        "application/pdf", "Scheda tecnica FS17", ids.product_id("CAV001"))
    image = stored[ids.product_document_id("CAV001", "image", "cav001.png")]
    assert image["media_type"] == "image/png" and image["filename"] == "cav001.png"
    certificate = stored[ids.product_document_id("PRO001", "certificate", "certificato-ce.jpg")]
    assert certificate["media_type"] == "image/jpeg" and certificate["title"] == "certificato-ce"
    assert len(stored) == 3


def test_reimport_changes_nothing_until_a_file_changes(server_engine: Engine, export: Path) -> None:
    assert import_path(server_engine, export, skip_bad_rows=True).committed
    before = documents(server_engine)
    again = import_path(server_engine, export / "documenti.csv", skip_bad_rows=True)
    [docs] = again.files
    assert (docs.inserted, docs.updated, docs.unchanged) == (0, 0, 3), again.render()
    assert {i: r["change_seq"] for i, r in documents(server_engine).items()} == {
        i: r["change_seq"] for i, r in before.items()}

    new_sheet = pdf_bytes("Scheda tecnica FS17, revisione 2")
    (export / "schede" / "fs17.pdf").write_bytes(new_sheet)
    changed = import_path(server_engine, export / "documenti.csv", skip_bad_rows=True)
    assert (changed.files[0].updated, changed.files[0].unchanged) == (1, 2), changed.render()
    sheet = documents(server_engine)[ids.product_document_id("CAV001", "tech_sheet", "fs17.pdf")]
    assert bytes(sheet["content"]) == new_sheet and sheet["sha256"] == hashlib.sha256(new_sheet).hexdigest()
    assert len(documents(server_engine)) == 3


def test_dry_run_reads_the_files_and_writes_nothing(sqlite_engine: Engine, export: Path) -> None:
    report = import_path(sqlite_engine, export, dry_run=True, skip_bad_rows=True)
    assert report.exit_code == 0 and not report.committed
    assert [f.inserted for f in report.files if f.kind == "product_documents"] == [3]
    assert documents(sqlite_engine) == {}


def test_a_file_that_changes_after_its_check_is_not_written_half(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(pdf_bytes("one"))
    checked = inspect_file(tmp_path, "a.pdf")
    assert checked.read() == (tmp_path / "a.pdf").read_bytes()
    (tmp_path / "a.pdf").write_bytes(pdf_bytes("two, longer"))
    with pytest.raises(AttachmentChanged, match="changed while it was being imported"):
        checked.read()


def test_file_names_and_cli(tmp_path: Path, export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert kind_from_filename("documenti.csv") == "product_documents"
    assert kind_from_filename("schede_tecniche_2026.csv") == "product_documents"
    assert kind_from_filename("product_documents.csv") == "product_documents"
    parser = argparse.ArgumentParser()
    erp_import.add_arguments(parser)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert erp_import.run(parser.parse_args([str(export / "articoli.csv"), "--database-url", url])) == 0
    (export / "docs.csv").write_text("sku,kind,file\nCAV001,tech_sheet,schede/fs17.pdf\n")
    args = parser.parse_args([str(export / "docs.csv"), "--kind", "product_documents", "--database-url", url])
    assert erp_import.run(args) == 0
    assert "product_documents): 1 rows read, 1 new" in capsys.readouterr().out
    assert parser.parse_args([str(export / "docs.csv"), "--kind", "documenti"]).kind == "product_documents"
    assert parser.parse_args([str(export / "docs.csv"), "--kind", "schede"]).kind == "product_documents"
    with pytest.raises(SystemExit):
        parser.parse_args([str(export / "docs.csv"), "--kind", "fatture"])
