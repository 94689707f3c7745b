"""The import report: what each file held, what was written, and every rejected row with its reason."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

#: Rejected rows listed one per line for each file; the rest are summed up by reason.
SHOWN_PER_FILE = 20


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int  # physical line in the file (the header is line 1); 0 = the file as a whole
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class FileReport:
    path: str
    kind: str
    encoding: str = ""
    delimiter: str = ""
    decimal_separator: str = ""
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    #: A problem with the file as a whole (unreadable, missing column): nothing of it is imported.
    error: str | None = None
    #: Good rows left out on purpose (sales lines older than the history kept), and why.
    skipped: int = 0
    skipped_reason: str = ""

    @property
    def accepted(self) -> int:
        return self.inserted + self.updated + self.unchanged

    @property
    def ok(self) -> bool:
        return self.error is None and not self.rejected


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    dry_run: bool = False
    skip_bad_rows: bool = False
    committed: bool = False

    @property
    def rejected_count(self) -> int:
        return sum(len(f.rejected) for f in self.files)

    @property
    def has_errors(self) -> bool:
        return any(not f.ok for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 when everything was imported (or, with skip, the good rows were); 1 otherwise."""
        if any(f.error for f in self.files):
            return 1
        return 1 if self.rejected_count and not self.skip_bad_rows else 0

    def render(self) -> str:
        """Plain text for the operator: one summary line per file, then one line per rejected row."""
        lines: list[str] = []
        for f in self.files:
            head = f"{f.path} ({f.kind})"
            if f.error:
                lines.append(f"{head}: NOT IMPORTED: {f.error}")
                continue
            lines.append(
                f"{head}: {f.rows_read} rows read, {f.inserted} new, {f.updated} updated, "
                f"{f.unchanged} unchanged, {len(f.rejected)} rejected "
                f"[{f.encoding}, separator {f.delimiter!r}, decimal {f.decimal_separator!r}]")
            if f.skipped:
                lines.append(f"  {f.skipped} row(s) skipped: {f.skipped_reason}")
            if f.ignored_columns:
                lines.append(f"  ignored columns: {', '.join(f.ignored_columns)}")
            for bad in f.rejected[:SHOWN_PER_FILE]:
                lines.append(f"  line {bad.line}: {bad.reason[:500]}")
            if len(f.rejected) > SHOWN_PER_FILE:
                lines.append(_summary(f.rejected[SHOWN_PER_FILE:]))
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        elif self.committed:
            skipped = f" ({self.rejected_count} rejected rows skipped)" if self.rejected_count else ""
            lines.append(f"Import committed{skipped}.")
        elif any(f.error for f in self.files):
            lines.append("Nothing was imported: fix the file(s) marked NOT IMPORTED above and import again.")
        elif any(f.accepted for f in self.files):
            lines.append("Nothing was imported: fix the rows above, or use --skip-bad-rows to import the "
                         f"{sum(f.accepted for f in self.files)} good row(s) without them.")
        else:
            lines.append("Nothing was imported: no row of the file(s) is valid; fix the rows above.")
        return "\n".join(lines)


def _summary(rejected: list[RejectedRow]) -> str:
    """One line for many rejected rows: how many, and their commonest reasons (figures masked)."""
    reasons = Counter(re.sub(r"'[^']*'|\d+", "…", r.reasons[0])[:120] for r in rejected if r.reasons)
    common = "; ".join(f"{n}× {reason}" for reason, n in reasons.most_common(3))
    return f"  ... and {len(rejected)} more rejected row(s), lines {rejected[0].line} to {rejected[-1].line}: {common}"
