"""Reading an ERP CSV export: encoding, separator and decimal style are detected, not configured."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sfa_server.erp_import.values import COMMA, POINT, decimal_evidence

#: Upper bound on a single import file: an ERP export larger than this is a mistake.
MAX_FILE_BYTES = 512 * 1024 * 1024


class CsvFileError(ValueError):
    """The file as a whole cannot be read (empty, no header, unreadable encoding...)."""


@dataclass(frozen=True, slots=True)
class CsvRecord:
    line: int  # 1-based physical line where the record starts (the header is line 1)
    cells: dict[str, str]  # normalized header name -> raw text


@dataclass(frozen=True, slots=True)
class CsvFile:
    path: str
    encoding: str
    delimiter: str
    header: tuple[str, ...]  # normalized names, in file order
    records: tuple[CsvRecord, ...]

    def decimal_separator(self, numeric_columns: Iterable[str]) -> str:
        """The decimal separator the file uses, judged from values that reveal it.

        A tie (or no telling value) falls back to the Italian comma for ';' files, else the point.
        """
        votes = {COMMA: 0, POINT: 0}
        columns = [c for c in numeric_columns if c in self.header]
        for record in self.records:
            for column in columns:
                text = record.cells.get(column, "")
                if text:
                    side = decimal_evidence(text)
                    if side:
                        votes[side] += 1
        if votes[COMMA] != votes[POINT]:
            return COMMA if votes[COMMA] > votes[POINT] else POINT
        return COMMA if self.delimiter == ";" else POINT


def normalize_header(name: str) -> str:
    """'Ragione Sociale' -> 'ragione_sociale', 'Città' -> 'citta', 'Q.tà min.' -> 'q_ta_min'."""
    text = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; a file that is not UTF-8 is Windows-1252 (Italian Excel).

    Latin-1 is not guessed: it would read every byte, turning the bytes Windows-1252 leaves undefined
    into invisible control characters (and a cp1252 "€" read as Latin-1 is U+0080). Such a file is
    refused, naming the line of the first odd byte."""
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CsvFileError(
            f"line {line}: byte 0x{raw[exc.start]:02X} is not a character in Windows-1252 and the file is not "
            "UTF-8 either, so its text would be read wrongly: save the export as UTF-8 (\"CSV UTF-8\" in Excel) "
            "and import it again") from None


#: Excel's first line naming the separator ("sep=;"), written by some exports and understood by Excel.
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: ';' (Italian Excel), ',' or tab, outside quotes."""
    header = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return ";" if ";" in text else ","
    return best


def read_csv(path: str | Path) -> CsvFile:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CsvFileError(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise CsvFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    return parse_csv_text(raw, name=str(path))


def parse_csv_text(raw: bytes, *, name: str = "<data>") -> CsvFile:
    if b"\x00" in raw[:4096]:
        raise CsvFileError("the file looks binary (an Excel workbook or UTF-16?): export it as CSV")
    text, encoding = decode_bytes(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CsvFileError("the file is empty")
    first, _, rest = text.partition("\n")
    sep_line = _SEP_LINE.match(first)
    skipped = 0
    if sep_line:
        delimiter, text, skipped = sep_line.group(1), rest, 1
        if not text.strip():
            raise CsvFileError("the file holds only its sep= line")
    else:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    try:
        header_cells = next(reader)
    except csv.Error as exc:
        raise CsvFileError(f"cannot read the header row: {exc}") from exc
    header = tuple(normalize_header(h) for h in header_cells)
    if not any(header):
        raise CsvFileError("the first row holds no column names")
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise CsvFileError(f"column '{column}' appears twice in the header")
        seen.add(column)
    records: list[CsvRecord] = []
    try:
        while True:
            line = reader.line_num + 1 + skipped
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue  # blank lines are common at the end of exports
            values = {h: c.strip() for h, c in zip(header, cells, strict=False) if h}
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                values["__extra__"] = str(len(cells) - len(header))
            elif len(cells) < len(header):
                # a cut row: its missing cells are not "empty", they were never written
                values["__short__"] = f"{len(cells)}/{len(header)}"
            records.append(CsvRecord(line, values))
    except csv.Error as exc:
        raise CsvFileError(f"line {reader.line_num + skipped}: {exc}") from exc
    return CsvFile(name, encoding, delimiter, header, tuple(records))
