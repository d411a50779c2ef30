"""Cells on their way to a file: the one spreadsheet-escaping rule and the CSV form.

Spreadsheet formula injection: every text cell and column name of the CSV and XLSX exports goes
through ``neutralise``, which is ``surveykit.io.cells.spreadsheet_safe`` (the one rule every writer of
surveykit uses): text a spreadsheet could run as a formula (``=``, ``+``, ``-``, ``@``, their full-width
forms, a tab, a carriage return) gets a leading apostrophe; numbers stay numbers.

Characters XML 1.0 cannot hold: every text a writer puts in a file (the workbook's cells, Word's runs,
the HTML and Markdown pages, the charts' labels) goes through ``xml_safe``, which writes each such
character (a C0 control but tab, line feed and carriage return; U+FFFE, U+FFFF; a lone surrogate) as
U+FFFD, where the file would otherwise be invalid (an SVG no parser reads) or not written at all.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

from surveykit.io.cells import FORMULA_STARTS, spreadsheet_safe
from surveykit.report.model import Table
from surveykit.report.tables import plain

if TYPE_CHECKING:
    import pandas as pd

FORMULA_PREFIXES = tuple(sorted(FORMULA_STARTS))
#: Zip entry time of every file we write as a zip (XLSX, DOCX): same inputs, same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


#: Characters XML 1.0 cannot hold: C0 controls but tab, line feed and carriage return, U+FFFE, U+FFFF and
#: lone surrogates (a text decoded with ``surrogateescape``, say).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold written as U+FFFD (the one rule of every writer)."""
    # Every such character is unprintable: a printable text (nearly all of them) is returned as it is.
    return text if text.isprintable() else _NOT_XML.sub("\ufffd", text)


def neutralise(value: Any) -> Any:
    """Escape a text cell that a spreadsheet would read as a formula (``io.cells.spreadsheet_safe``)."""
    return spreadsheet_safe(value)


def export_frame(table: Table) -> "pd.DataFrame":
    """The table as exported to CSV: text cells neutralised, numbers untouched (full precision)."""
    import pandas as pd

    source = table.frame
    # Built in one go from the columns (a text column as a list of escaped values, any other column as
    # it is): setting the columns of a copy one by one cost about 1 ms each, 300 columns a report.
    columns = {}
    for k, col in enumerate(source.columns):
        values = source.iloc[:, k]
        if values.dtype == object or str(values.dtype) in ("string", "str"):
            values = pd.Series([_csv_text(v) for v in values.tolist()], index=source.index, dtype=object)
        columns[k] = values
    frame = pd.DataFrame(columns, index=source.index) if columns else source.copy()
    frame.columns = [neutralise(str(c)) for c in source.columns]
    return frame


def _csv_text(value: Any) -> Any:
    # A bare carriage return would not be quoted with a "\n" line terminator and would split the row.
    value = neutralise(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def table_csv(table: Table) -> str:
    """The table as CSV text: ``export_frame(table).to_csv(index=False, lineterminator="\\n")``.

    Columns of the kinds a report's tables hold (text, whole numbers, floats, booleans, nullable
    whole numbers) are written here with the csv module, cell for cell as pandas writes them (pandas'
    own writer is that module too), several times faster; a table with a column of any other kind
    goes through pandas."""
    text = _plain_csv(table)
    return text if text is not None else export_frame(table).to_csv(index=False, lineterminator="\n")


#: pandas' nullable integer and boolean dtypes: their cells are Python ints or bools, or NA.
_NULLABLE_WHOLE = frozenset({"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "boolean"})


def _plain_csv(table: Table) -> str | None:
    import csv

    import pandas as pd

    source = table.frame
    if not source.shape[1]:
        return None
    columns: list[list] = []
    for k in range(source.shape[1]):
        values = source.iloc[:, k]
        kind = values.dtype.kind if not isinstance(values.dtype, pd.api.extensions.ExtensionDtype) else ""
        if values.dtype == object or str(values.dtype) in ("string", "str"):
            # As export_frame escapes them; pandas writes what it finds missing (its isna) as "".
            missing = values.isna().tolist()
            columns.append(["" if gone else _csv_text(v) for v, gone in zip(values.tolist(), missing)])
        elif kind == "f" and values.dtype.itemsize == 8:
            # pandas writes a float64 as numpy's text of it (the shortest repr, as Python's), NaN as "".
            # (A float32's shortest text is its own, not the double's: left to pandas.)
            columns.append(["" if v != v else repr(v) for v in values.tolist()])
        elif kind in "iub" and kind:
            columns.append(values.tolist())
        elif str(values.dtype) in _NULLABLE_WHOLE:
            columns.append(["" if v is pd.NA else v for v in values.tolist()])
        else:  # dates, categories, nullable floats ...: pandas says how
            return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in source.columns])
    writer.writerows(zip(*columns))
    return out.getvalue()


def normalise_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The same zip with fixed entry times and permissions (and some entries replaced)."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = replace.get(info.filename, src.read(info.filename))
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, payload)
    return out.getvalue()


__all__ = ["FORMULA_PREFIXES", "neutralise", "xml_safe", "plain", "export_frame", "table_csv", "normalise_zip"]
