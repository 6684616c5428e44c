"""CSV exports that are safe to open in a spreadsheet, written line by line for a streamed
response (the review queue's export, My claims' export)."""

import csv
from collections.abc import Iterable, Iterator

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (tab and carriage return too: some strip them and read what follows).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose ``write`` hands the line back (``csv.writer`` then returns it)."""

    def write(self, value):
        return value


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a
    leading apostrophe, so it is shown as text instead of being evaluated."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The header, then one line per row, every cell through ``csv_safe``: for a
    ``StreamingHttpResponse``, so a large export is never held in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])
