"""Reading an ERP CSV export: encoding, separator and decimal style are detected, not configured."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

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
    """A checked header and a way to read the records again: the records are streamed from the file
    (`iter_records`), never all held at once, so an import's memory does not grow with the file."""

    path: str
    encoding: str
    delimiter: str
    header: tuple[str, ...]  # normalized names, in file order
    _open: Callable[[], TextIO]  # the text from its start, newlines translated to "\n"
    _skipped: int  # lines before the header (Excel's "sep=;")

    def iter_records(self) -> Iterator[CsvRecord]:
        """The records in file order (CsvFileError on a line the csv module cannot read)."""
        with self._open() as text:
            if self._skipped:
                text.readline()
            reader = csv.reader(text, delimiter=self.delimiter, quotechar='"', strict=False)
            try:
                next(reader)  # the header, checked when the file was opened
                while True:
                    line = reader.line_num + 1 + self._skipped
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return
                    if not any(c.strip() for c in cells):
                        continue  # blank lines are common at the end of exports
                    yield CsvRecord(line, _cells(self.header, cells))
            except csv.Error as exc:
                raise CsvFileError(f"line {reader.line_num + self._skipped}: {exc}") from exc

    @property
    def records(self) -> tuple[CsvRecord, ...]:
        """Every record at once: for small files and tests; the import streams `iter_records`."""
        return tuple(self.iter_records())

    def decimal_separator(self, numeric_columns: Iterable[str]) -> str:
        """The decimal separator the file uses, judged from values that reveal it (one pass).

        A tie (or no telling value) falls back to the Italian comma for ';' files, else the point.
        """
        return self.survey(numeric_columns)[1]

    def survey(self, numeric_columns: Iterable[str]) -> tuple[int, str]:
        """(records, decimal separator) in one streamed pass over the file."""
        votes = {COMMA: 0, POINT: 0}
        columns = [c for c in numeric_columns if c in self.header]
        count = 0
        for record in self.iter_records():
            count += 1
            for column in columns:
                text = record.cells.get(column, "")
                if text:
                    side = decimal_evidence(text)
                    if side:
                        votes[side] += 1
        if votes[COMMA] != votes[POINT]:
            return count, COMMA if votes[COMMA] > votes[POINT] else POINT
        return count, COMMA if self.delimiter == ";" else POINT


def _cells(header: tuple[str, ...], cells: list[str]) -> dict[str, str]:
    values = {h: c.strip() for h, c in zip(header, cells, strict=False) if h}
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
        values["__extra__"] = str(len(cells) - len(header))
    elif len(cells) < len(header):
        # a cut row: its missing cells are not "empty", they were never written
        values["__short__"] = f"{len(cells)}/{len(header)}"
    return values


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


_READ_BYTES = 1 << 20
#: bytes Windows-1252 leaves undefined
_CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")


def read_csv(path: str | Path) -> CsvFile:
    """The file's encoding and header, checked; its records are read when iterated (streamed)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CsvFileError(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        encoding, has_text = _file_encoding(path)
    except OSError as exc:
        raise CsvFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    if not has_text:
        raise CsvFileError("the file is empty")
    return _open_csv(str(path), encoding, lambda: open(path, encoding=encoding, newline=None))


def _file_encoding(path: Path) -> tuple[str, bool]:
    """decode_bytes's choice, made reading the file by blocks: (encoding, whether it holds any text)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    has_text = False
    with open(path, "rb") as fh:
        first = True
        while block := fh.read(_READ_BYTES):
            if first and b"\x00" in block[:4096]:
                raise CsvFileError("the file looks binary (an Excel workbook or UTF-16?): export it as CSV")
            first = False
            has_text = has_text or bool(block.strip())
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                break
        else:
            try:
                decoder.decode(b"", final=True)
                return "utf-8-sig", has_text
            except UnicodeDecodeError:
                pass
        fh.seek(0)
        lines_before = 0
        while block := fh.read(_READ_BYTES):
            has_text = has_text or bool(block.strip())
            odd = _CP1252_UNDEFINED.search(block)
            if odd:
                line = lines_before + block[:odd.start()].count(b"\n") + 1
                raise CsvFileError(_not_cp1252(line, block[odd.start()]))
            lines_before += block.count(b"\n")
    return "cp1252", has_text


def _not_cp1252(line: int, byte: int) -> str:
    return (f"line {line}: byte 0x{byte:02X} is not a character in Windows-1252 and the file is not "
            "UTF-8 either, so its text would be read wrongly: save the export as UTF-8 (\"CSV UTF-8\" in Excel) "
            "and import it again")


def parse_csv_text(raw: bytes, *, name: str = "<data>") -> CsvFile:
    """The same reading for bytes in memory (tests, small uploads)."""
    if b"\x00" in raw[:4096]:
        raise CsvFileError("the file looks binary (an Excel workbook or UTF-16?): export it as CSV")
    text, encoding = decode_bytes(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CsvFileError("the file is empty")
    return _open_csv(name, encoding, lambda: io.StringIO(text))


def _open_csv(name: str, encoding: str, opener: Callable[[], TextIO]) -> CsvFile:
    """Read the separator and the header; the records stay in the file."""
    with opener() as text:
        first = text.readline()
        sep_line = _SEP_LINE.match(first.rstrip("\n"))
        skipped = 0
        if sep_line:
            delimiter, skipped = sep_line.group(1), 1
            lines: Iterable[str] = text
        else:
            delimiter = sniff_delimiter(first)
            lines = itertools.chain([first], text)
        reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False)
        try:
            header_cells = next(reader, None)
            if skipped and header_cells is not None and not any(c.strip() for c in header_cells):
                header_cells = None  # a blank line after "sep=": no header
        except csv.Error as exc:
            raise CsvFileError(f"cannot read the header row: {exc}") from exc
    if header_cells is None:
        raise CsvFileError("the file holds only its sep= line" if skipped else "the file is empty")
    header = tuple(normalize_header(h) for h in header_cells)
    if not any(header):
        raise CsvFileError("the first row holds no column names")
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise CsvFileError(f"column '{column}' appears twice in the header")
        seen.add(column)
    return CsvFile(name, encoding, delimiter, header, opener, skipped)
