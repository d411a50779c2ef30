"""Cells that cannot run as spreadsheet formulas: the one escaping rule every CSV and XLSX writer uses.

Respondents write the answers, ids and labels that end up in our tables. A cell that begins with
``=``, ``+``, ``-``, ``@`` (or their full-width forms), a tab, a carriage return or a line feed can be
taken for a formula by Excel, LibreOffice or Google Sheets when the file is opened (CSV injection,
OWASP), so such a text cell is written with a leading apostrophe, which spreadsheets show as text.
Numbers stay numbers: a number value, and a text that is a plain number (``-5``, ``+3.5``, ``-1e3``),
is not a formula and is written unchanged. Column names are escaped like any other cell.

``spreadsheet_text`` undoes the escape for our own files read back (coded files), so a respondent id
``=1+1`` written as ``'=1+1`` is ``=1+1`` again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import pandas as pd

# ASCII triggers, then the full-width forms some spreadsheet locales fold onto them.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
ESCAPE = "'"
# First characters after which needs_escape must look closer: every other text is safe as it is.
_ESCAPE_FIRST = FORMULA_STARTS | frozenset(" \u00a0\u3000")
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?$")


def needs_escape(text: str) -> bool:
    """True when a text cell could be read as a formula by a spreadsheet."""
    if not text:
        return False
    first = text[0]
    if first in FORMULA_STARTS:
        return not _PLAIN_NUMBER.match(text)
    if first in " \u00a0\u3000":
        # Spreadsheets strip leading blanks when they convert a cell; look past them.
        stripped = text.lstrip(" \u00a0\u3000")
        return bool(stripped) and stripped[0] in FORMULA_STARTS and not _PLAIN_NUMBER.match(stripped)
    return False


def spreadsheet_safe(value: Any) -> Any:
    """A cell as it may be written to CSV or XLSX: text that could run as a formula gets a leading
    apostrophe; everything else (numbers, booleans, None, ordinary text) is returned unchanged."""
    if isinstance(value, str) and needs_escape(value):
        return ESCAPE + value
    return value


def spreadsheet_text(value: Any) -> Any:
    """Undo ``spreadsheet_safe`` on a cell read back from one of our files."""
    if isinstance(value, str) and value.startswith(ESCAPE) and needs_escape(value[1:]):
        return value[1:]
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(v) for v in values]


def safe_column(values: Iterable[Any], *, repeats: bool = False) -> list[Any]:
    """``spreadsheet_safe`` of each value of a column; ``repeats``: few distinct values, each text
    escaped once."""
    if repeats:
        memo: dict[str, str] = {}
        out = []
        for v in values:
            if v.__class__ is not str:
                out.append(spreadsheet_safe(v))
                continue
            w = memo.get(v)
            if w is None:
                memo[v] = w = spreadsheet_safe(v)
            out.append(w)
        return out
    # Only a text whose first character can start a formula (or a blank) needs a closer look.
    return [spreadsheet_safe(v) if isinstance(v, str) and v and v[0] in _ESCAPE_FIRST else v for v in values]


def safe_frame(frame: "pd.DataFrame") -> "pd.DataFrame":
    """A copy with every text cell and every column name escaped; numeric columns are untouched."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series) \
                or pd.api.types.is_datetime64_any_dtype(series):
            continue
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series) \
                or isinstance(series.dtype, pd.CategoricalDtype):
            # built as object, not with Series.map, which infers a dtype and turns 11 beside None into 11.0
            out[col] = pd.Series([spreadsheet_safe(v) for v in series.astype(object)], index=series.index,
                                 dtype=object)
    out.columns = [spreadsheet_safe(str(c)) for c in out.columns]
    return out


def frame_csv(frame: "pd.DataFrame", **kwargs: Any) -> str:
    """CSV text of a result table with every cell spreadsheet-safe (``index=False``, ``\\n`` line ends)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    return safe_frame(frame).to_csv(**kwargs)
