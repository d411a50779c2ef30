"""Helpers for readers of rectangular exports (CSV text or an XLSX sheet)."""

from __future__ import annotations

from surveykit.errors import InputError
from surveykit.io.base import Sniff, iter_xlsx_sheets, parse_delimited


def all_rows(sniff: Sniff, *, sheet: str | None = None) -> tuple[list[list[str]], str]:
    """Every row of the file (text) or of one sheet (xlsx), and the sheet name used ('' for text)."""
    if sniff.kind == "text":
        return parse_delimited(sniff.text, delimiter=sniff.delimiter, path=sniff.path), ""
    if sniff.kind == "xlsx":
        name = sheet or first_nonempty_sheet(sniff)
        for title, rows in iter_xlsx_sheets(sniff.path, data=sniff.data, sheet=name):
            return rows, title
        raise InputError(f"the workbook has no sheet named {name!r}", path=sniff.path)
    raise InputError("not a CSV or XLSX export", path=sniff.path)


def first_nonempty_sheet(sniff: Sniff) -> str:
    for name, rows in sniff.sheets.items():
        if rows:
            return name
    raise InputError("the workbook has no data in any sheet", path=sniff.path)


def head_rows(sniff: Sniff, sheet: str | None = None) -> tuple[tuple[str, ...], ...]:
    if sniff.kind == "text":
        return sniff.head_rows
    if sniff.kind == "xlsx":
        if sheet is not None:
            return sniff.sheets.get(sheet, ())
        for rows in sniff.sheets.values():
            if rows:
                return rows
    return ()


def require_data(rows: list[list[str]], header_rows: int, *, path: object) -> None:
    if len(rows) <= header_rows:
        what = "a header row" if header_rows == 1 else f"{header_rows} header rows"
        raise InputError(f"the file has {what} but no data rows", path=path)
