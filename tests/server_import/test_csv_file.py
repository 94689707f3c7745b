"""Reading ERP CSV files: encodings, separators, decimal style, header names."""

from __future__ import annotations

import pytest

from sfa_server.erp_import.csv_file import CsvFileError, normalize_header, parse_csv_text


def test_utf8_with_bom_and_semicolons() -> None:
    f = parse_csv_text("Codice;Ragione Sociale;Città\r\nC1;Caffè Ré;Forlì\r\n".encode("utf-8-sig"))
    assert f.encoding == "utf-8-sig" and f.delimiter == ";"
    assert f.header == ("codice", "ragione_sociale", "citta")
    assert f.records[0].cells == {"codice": "C1", "ragione_sociale": "Caffè Ré", "citta": "Forlì"}
    assert f.records[0].line == 2


def test_latin1_with_commas_and_quotes() -> None:
    raw = 'codice,nome,prezzo\nA1,"Cavo, rosso €",12.50\n'.encode("cp1252")
    f = parse_csv_text(raw)
    assert f.encoding == "cp1252" and f.delimiter == ","
    assert f.records[0].cells["nome"] == "Cavo, rosso €"
    assert f.decimal_separator(["prezzo"]) == "."


def test_latin1_text_reads_as_windows_1252_and_undefined_bytes_are_refused() -> None:
    f = parse_csv_text(b"codice;nome\nA;Citt\xe0 \x80\n")
    assert f.records[0].cells["nome"] == "Citt\u00e0 \u20ac"  # 0x80 is the euro sign, not U+0080
    with pytest.raises(CsvFileError, match="line 2: byte 0x81"):
        parse_csv_text(b"codice;nome\nA;Citt\xe0 \x81\n")


def test_decimal_style_is_judged_from_the_values() -> None:
    comma = parse_csv_text(b"sku;price\nA;1.234\nB;12,50\nC;3,10\n")
    assert comma.decimal_separator(["price"]) == ","
    point = parse_csv_text(b"sku;price\nA;1,234\nB;12.50\nC;3.10\n")
    assert point.decimal_separator(["price"]) == "."
    undecided = parse_csv_text(b"sku,price\nA,1.234\n")
    assert undecided.decimal_separator(["price"]) == "."


def test_blank_lines_are_skipped_and_line_numbers_follow_the_file() -> None:
    f = parse_csv_text(b"a;b\n1;2\n\n3;4\n;\n")
    assert [r.line for r in f.records] == [2, 4]


def test_multiline_quoted_cell_keeps_the_starting_line() -> None:
    f = parse_csv_text(b'a;b\n1;"two\nlines"\n3;4\n')
    assert [r.line for r in f.records] == [2, 4]


def test_extra_cells_are_flagged() -> None:
    f = parse_csv_text(b"a;b\n1;2;3\n")
    assert f.records[0].cells["__extra__"] == "1"


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "empty"), (b"  \n\n", "empty"), (b"a;a\n1;2\n", "twice"),
    ("a;b".encode("utf-16"), "binary"), (b";;\n1;2\n", "no column names"),
])
def test_unreadable_files(raw: bytes, message: str) -> None:
    with pytest.raises(CsvFileError, match=message):
        parse_csv_text(raw)


def test_header_normalization() -> None:
    assert normalize_header(" Q.tà minima ") == "q_ta_minima"
    assert normalize_header("\ufeffPartita IVA") == "partita_iva"
