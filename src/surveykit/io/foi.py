"""Reading and writing local authority FOI returns files (CSV or XLSX) and claims files (YAML).

The reader returns every sheet as rows of strings, exactly as written (a spreadsheet number is
written as the text an export would carry: 20.0 -> "20"); what the columns and cells mean is decided
by :mod:`surveykit.foi`, which this module does not import.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from surveykit.errors import InputError
from surveykit.io.base import open_sniff, parse_delimited
from surveykit.io.xlsx_sheets import iter_xlsx_sheets


@dataclass(frozen=True)
class RawSheet:
    """One table of a returns file: ``rows`` are every row as strings (the header among them).
    ``sheet`` is the worksheet name ('' for a CSV file); ``kind`` is "csv" or "xlsx"."""

    path: str
    sheet: str
    kind: str
    sha256: str
    rows: tuple[tuple[str, ...], ...]

    @property
    def where(self) -> str:
        """The file, and the sheet when there is one: how messages name this table."""
        return f"{self.path} [sheet {self.sheet}]" if self.sheet else self.path


def read_returns_file(path: str | Path, *, encoding: str | None = None) -> tuple[RawSheet, ...]:
    """Every non-empty table of a CSV or XLSX returns file (a CSV file is one table)."""
    sniff = open_sniff(path, encoding=encoding)
    if sniff.kind == "text":
        rows = parse_delimited(sniff.text, delimiter=sniff.delimiter, path=sniff.path)
        return (RawSheet(str(sniff.path), "", "csv", sniff.sha256, tuple(tuple(r) for r in rows)),)
    if sniff.kind == "xlsx":
        sheets = [RawSheet(str(sniff.path), name, "xlsx", sniff.sha256, tuple(tuple(r) for r in rows))
                  for name, rows in iter_xlsx_sheets(sniff.path, data=sniff.data)]
        sheets = [s for s in sheets if any("".join(r).strip() for r in s.rows)]
        if not sheets:
            raise InputError("the workbook has no data in any sheet", path=sniff.path)
        return tuple(sheets)
    raise InputError("not a CSV or XLSX returns file", path=sniff.path)


def read_claims_file(path: str | Path) -> Any:
    """The parsed claims YAML document (checked by ``surveykit.foi.claims``)."""
    from surveykit.io.yaml_file import read_yaml

    return read_yaml(path, error=InputError, what="claims")


# -- writing (the sample generator) ---------------------------------------------------------------

_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """CSV text (UTF-8, \\n line ends) of rows; None is written as an empty cell; no cell can run as a
    formula (``io.cells.spreadsheet_safe``)."""
    from surveykit.io.cells import spreadsheet_safe

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
    return buf.getvalue().encode("utf-8")


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> bytes:
    """An XLSX workbook with one sheet per (name, rows); numbers stay numbers, text stays text.
    Deterministic: the same sheets give byte-identical files (fixed timestamps in the package)."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from surveykit.io.cells import spreadsheet_safe

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else spreadsheet_safe(v) for v in row])
        if rows:
            for cell in ws[1]:
                cell.font = Font(bold=True)
            ws.freeze_panes = "A2"
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "surveykit"
    buf = io.BytesIO()
    wb.save(buf)
    from openpyxl.xml.functions import tostring

    wb.properties.modified = fixed  # openpyxl stamps the save time: write the fixed one back
    core = tostring(wb.properties.to_tree())
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = core if info.filename == "docProps/core.xml" else src.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, payload)
    return out.getvalue()
