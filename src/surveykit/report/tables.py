"""Tables for people: headers, visible columns, rounding, bases and footnotes, shared by every writer.

The section builders describe a table with ``Table`` metadata (``labels``, ``footnote``, ``kind``,
``base_column``, ``base_rows``, ``letters``); this module supplies what they leave out, so that a
reader never sees a variable name (``pct_1``, ``n_valid``, ``group`` beside ``group_label``) nor an
unrounded number, whatever the writer. Helpers for the builders: ``people_labels`` (option labels
for ``pct_<code>`` columns), ``wide_with_bases`` (a long table pivoted for people, with its base
rows) and ``banner_table`` (a banner as SPSS Custom Tables or Q print it).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from surveykit.report.model import Report, Table, make_table, slug

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.banner import BannerResult
    from surveykit.instrument import Scale

MARKER = "[c]"  # surveykit.disclosure.MARKER (not imported: that would pull numpy into every writer)

#: Plain words for the column ids the library uses.
HEADERS: dict[str, str] = {
    "n": "Base", "n_valid": "Base", "base": "Base", "n_dk": "Don't know (n)", "n_blank": "Blank (n)",
    "pct_dk": "% Don't know", "mean": "Mean", "median": "Median", "sd": "SD", "rank": "Rank",
    "pct_effective": "% effective", "pct_often": "% often or very often", "pct_top_box": "% top box",
    "top_box_label": "Top box", "item_label": "Item", "group_label": "Group", "sector_label": "Sector",
    "code_label": "Code", "measure_label": "Measure", "option_label": "Option", "theme_label": "Theme",
    "label": "Label", "count": "Count", "pct": "%", "p_value": "p", "p_adjusted": "Adjusted p",
    "effect_size": "Effect size", "effect_measure": "Effect measure", "statistic": "Statistic", "dof": "df",
    "respondents": "Respondents", "completed": "Completed", "pct_of_respondents": "% of respondents",
    "pct_completed": "% completed", "significant": "Significant", "test": "Test", "groups": "Groups",
    "note": "Note", "topic": "Topic", "method": "Method", "quote": "Quote", "redactions": "Redactions",
    "severity": "Severity", "issues": "Issues", "rows_affected": "Rows affected", "example_column": "Example column",
    "row": "Row", "column": "Column", "code": "Code", "message": "Message", "level": "Level",
    "n_groups": "Groups", "n_effective": "Groups saying it works", "mean_position": "Mean position",
    "borda": "Borda score", "assumed": "Assumed", "spearman_rho": "Spearman's rho", "spearman_p": "p",
    "spearman_n": "Measures", "n_respondents": "Respondents", "pct_gap": "Gap (% points)",
}
P_COLUMNS = frozenset({"p", "p_value", "p_adj", "p_adjusted", "p_holm", "p_fdr", "p_raw", "p_corrected", "spearman_p"})
TWO_DIGITS = frozenset({"mean", "median", "sd", "statistic", "effect_size", "mean_position", "spearman_rho", "borda",
                        "z", "alpha", "pooled_alpha"})
COUNT_NAMES = re.compile(r"^(n|count|respondents|completed|issues|rows_affected|redactions|rank|dof|row)$|^n_|_n$")


# -- headers and columns ------------------------------------------------------------------------

def humanise(column: str) -> str:
    """A header people can read for a column id the builder did not label."""
    col = str(column)
    if col in HEADERS:
        return HEADERS[col]
    if col.startswith("pct_"):
        rest = col[4:]
        return f"% rating {rest}" if rest.isdigit() else "% " + rest.replace("_", " ")
    if col.startswith("n_"):
        return col[2:].replace("_", " ").capitalize() + " (n)"
    if re.fullmatch(r"[a-z0-9_]+", col):
        text = col.replace("_", " ")
        return text[:1].upper() + text[1:]
    return col  # already words (a sector label, an option label)


def people_labels(frame: "pd.DataFrame", *, scale: "Scale | None" = None,
                  extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Headers for every column of ``frame``: ``pct_<code>`` and ``pct_<slug of label>`` columns get the
    scale's option labels, known ids plain words (``HEADERS``), the rest a humanised id; ``extra``
    overrides any of them."""
    by_code: dict[str, str] = {}
    if scale is not None:
        present = {str(c) for c in frame.columns}
        # A table names its option columns by code (pct_4) or by label (pct_effective), not both: the
        # label form is used only when no code form is present (pct_effective may be the top box).
        coded = any(f"pct_{o.code}" in present for o in scale.options)
        for o in scale.options:
            if coded:
                by_code[f"pct_{o.code}"] = o.label
                by_code[f"n_{o.code}"] = f"{o.label} (n)"
            else:
                by_code[f"pct_{slug(o.label)}"] = ("% " if o.dk else "") + o.label
    out = {}
    for col in frame.columns:
        c = str(col)
        out[c] = by_code.get(c) or humanise(c)
    out.update(dict(extra or {}))
    return out


def header(table: Table, column: str) -> str:
    if column in table.labels:
        return str(table.labels[column])
    if column == table.base_column:
        return "Base"
    return humanise(column)


def visible_columns(table: Table) -> list[str]:
    """The columns people see, in order: ids with a label column beside them, and letter columns
    (shown with their number), are left out."""
    cols = [str(c) for c in table.frame.columns]
    letter_cols = set(table.letters.values()) | ({table.row_kind} if table.row_kind else set())
    if table.hidden is not None:
        hidden = set(table.hidden)
    else:
        present = set(cols)
        hidden = {c for c in cols if f"{c}_label" in present
                  or (c.endswith("_id") and f"{c[:-3]}_label" in present)
                  or (c == "id" and "label" in present)}
    return [c for c in cols if c not in hidden and c not in letter_cols]


# -- cells --------------------------------------------------------------------------------------

def plain(value: Any) -> Any:
    """numpy/pandas scalars as plain Python values (None for missing)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if hasattr(value, "item"):
        try:
            value = value.item()
        except (AttributeError, ValueError):
            return value
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_numeric_column(table: Table, column: str) -> bool:
    """A column of numbers (suppression markers and blanks allowed): right-aligned for people."""
    series = table.frame[column]
    if series.dtype.kind in "iuf":
        return True
    if series.dtype.kind == "b":
        return False
    seen = False
    for v in series.tolist():
        v = plain(v)
        if v is None or v == MARKER:
            continue
        if not is_number(v):
            return False
        seen = True
    return seen or column in table.percent_columns


def digits(table: Table, column: str) -> int:
    """Decimals shown to people."""
    if column in table.digits:
        return int(table.digits[column])
    if column in table.percent_columns:
        return 1
    if column in P_COLUMNS or column.startswith("p_"):
        return 3
    if column in TWO_DIGITS:
        return 2
    if COUNT_NAMES.search(column):
        return 0
    return 2


ROW_KINDS = ("percent", "decimal", "integer")


def row_kind(table: Table, row: Mapping[str, Any]) -> str | None:
    """The row's own number kind (``Table.row_kind``), or None."""
    if not table.row_kind:
        return None
    v = plain(row.get(table.row_kind))
    return v if v in ROW_KINDS else None


def kind_of_value(table: Table, column: str, kind: str | None = None) -> str:
    """"percent", "p", "integer" or "decimal": how a number of this column is shown and formatted."""
    if kind is not None:
        return kind
    if column in table.percent_columns:
        return "percent"
    if column in P_COLUMNS or (column.startswith("p_") and column not in table.percent_columns):
        return "p"
    if digits(table, column) == 0:
        return "integer"
    return "decimal"


def digits_of(table: Table, column: str, kind: str | None = None) -> int:
    if kind == "percent" and column not in table.digits:
        return 1
    if kind == "decimal" and column not in table.digits:
        return 2
    if kind == "integer":
        return 0
    return digits(table, column)


def rounded(table: Table, column: str, value: Any, kind: str | None = None) -> Any:
    """The number as people see it (rounded to the shown digits), other values unchanged."""
    value = plain(value)
    if not is_number(value) or (isinstance(value, float) and math.isinf(value)):
        return value
    d = digits_of(table, column, kind)
    if isinstance(value, float) and d == 0 and value.is_integer():
        return int(value)
    return round(float(value), d) if d else int(round(float(value)))


def display(table: Table, column: str, value: Any, kind: str | None = None) -> str:
    """A cell as text for people (HTML, Markdown, Word); ``kind``: the row's own kind (``row_kind``)."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not is_number(value):
        return " ".join(str(value).split()) if "\n" in str(value) else str(value)
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    kind = kind_of_value(table, column, kind)
    d = digits_of(table, column, kind)
    if kind == "percent":
        return f"{float(value):.{d}f}%"
    if kind == "p":
        return "<0.001" if float(value) < 0.001 else f"{float(value):.{d}f}"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and d == 0):
        return f"{int(value)}"
    return f"{float(value):.{d}f}"


def shown_frame(table: Table) -> "pd.DataFrame":
    """The rows shown to people (the first ``preview`` rows of a long list)."""
    return table.frame if table.preview is None else table.frame.head(table.preview)


def letters_of(table: Table, row: Mapping[str, Any], column: str) -> str:
    col = table.letters.get(column)
    if not col:
        return ""
    v = plain(row.get(col))
    return "" if v is None else str(v)


def empty_text(table: Table) -> str:
    if table.empty_text:
        return table.empty_text
    if table.id.startswith("data_quality"):
        return "No problems found."
    return "No rows."


def has_marker(table: Table) -> bool:
    """Whether a cell or a base of the table is suppressed. Every writer asks (for the footnote): the
    answer is kept per table, like ``grid``."""
    found = _MARKED.get(id(table))
    if found is not None and found[0] is table:
        return found[1]
    marked = _has_marker(table)
    if len(_MARKED) >= 512:  # a long-running process builds many reports: forget the old tables
        _MARKED.clear()
    _MARKED[id(table)] = (table, marked)
    return marked


_MARKED: dict[int, tuple[Table, bool]] = {}


def _has_marker(table: Table) -> bool:
    frame = table.frame
    for c in frame.columns:
        if frame[c].dtype == object or str(frame[c].dtype) in ("string", "str"):
            if any(isinstance(v, str) and v == MARKER for v in frame[c].tolist()):
                return True
    return any(v == MARKER for _, row in table.base_rows for v in row.values())


def footnote(table: Table, *, threshold: int | None = None) -> str:
    """The footnote under the table: the builder's, else one composed from what the table holds;
    the suppression rule is added whenever a cell is suppressed."""
    parts = [table.footnote.strip()] if table.footnote.strip() else []
    if table.base_column and not table.footnote:
        parts.append(f"{header(table, table.base_column)}: the number of answers each row's percentages are of.")
    if has_marker(table) and MARKER not in table.footnote:
        n = f"fewer than {threshold}" if threshold else "too few"
        parts.append(f"{MARKER}: suppressed, a count of {n} {table.counted} or a number from which one could be "
                     "worked out.")
    return " ".join(p for p in parts if p)


# -- names in the workbook ----------------------------------------------------------------------

RESERVED_SHEETS = ("contents",)
_BAD_SHEET = re.compile(r"[\[\]:*?/\\']")


def sheet_names(tables: Iterable[Table]) -> dict[str, str]:
    """Table id -> its sheet's name: unique (case-insensitive), at most 31 characters, cut at a word
    boundary, never one of ``RESERVED_SHEETS``."""
    names: dict[str, str] = {}
    used = {r.lower() for r in RESERVED_SHEETS}
    for t in tables:
        base = _BAD_SHEET.sub("_", t.id) or "table"
        if len(base) > 31:
            cut = base[:31]
            base = cut.rsplit("_", 1)[0] if "_" in cut[10:] else cut
        name, k = base, 2
        while name.lower() in used:
            suffix = f"_{k}"
            name, k = base[: 31 - len(suffix)] + suffix, k + 1
        used.add(name.lower())
        names[t.id] = name
    return names


def resolve_references(text: str, names: Mapping[str, str]) -> str:
    """Text that names a table by id names its sheet instead where the two differ (file paths such as
    ``tables/<id>.csv`` are left alone)."""
    for tid, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if tid != name and tid in text:
            text = re.sub(rf"(?<![/\w]){re.escape(tid)}(?!\w|\.csv)", f"sheet {name}", text)
    return text


def report_threshold(report: Report) -> int | None:
    params = report.manifest.get("parameters", {}) if isinstance(report.manifest, Mapping) else {}
    thr = params.get("threshold") if isinstance(params, Mapping) else None
    return int(thr) if isinstance(thr, (int, float)) else None


# -- builders' helpers --------------------------------------------------------------------------

def wide_with_bases(long: "pd.DataFrame", *, index: Sequence[str], columns: str, value: str, base: str,
                    column_labels: Mapping[str, str] | None = None) -> tuple["pd.DataFrame", list]:
    """Pivot a long table (one row per item and group) for people: ``index`` columns, then one column
    per value of ``columns`` holding ``value``; with its base rows ("Base" when every row of a
    column has the same base, else "Base, lowest" and "Base, highest"). Suppressed bases are left out
    of the range; a column whose bases are all suppressed shows the marker.

    Returns (frame, base_rows) for ``SectionBuilder.table(..., base_rows=base_rows)``; the columns
    are renamed with ``column_labels`` (e.g. sector labels)."""
    import pandas as pd

    groups = list(dict.fromkeys(long[columns]))
    first = long[long[columns] == groups[0]]
    frame = first[list(index)].reset_index(drop=True)
    labels = dict(column_labels or {})
    lows: dict[str, Any] = {}
    highs: dict[str, Any] = {}
    cols = {}
    for g in groups:
        part = long[long[columns] == g].set_index(list(index))
        key = labels.get(g, g)
        cols[key] = [part.loc[tuple(r) if len(index) > 1 else r[0], value]
                     for r in frame[list(index)].itertuples(index=False, name=None)]
        bases = [plain(v) for v in part[base].tolist()]
        numbers = [int(v) for v in bases if is_number(v)]
        lows[key] = min(numbers) if numbers else MARKER
        highs[key] = max(numbers) if numbers else MARKER
    out = pd.concat([frame, pd.DataFrame(cols)], axis=1)
    if lows == highs:
        return out, [("Base", lows)]
    return out, [("Base, lowest", lows), ("Base, highest", highs)]


def banner_table(result: "BannerResult", *, id: str, title: str, group_labels: Mapping[str, str] | None = None,
                 note: str = "") -> Table:
    """The banner as people read it (SPSS Custom Tables / Q): group labels with their letters as column
    heads; per item a row for the top-box share, one for the mean (when the scale has values) and
    one for the base; significance letters in cells of their own; the test, correction and levels in
    the footnote; untested cells named there."""
    frame, labels, letters = result.people_frame(group_labels=group_labels)
    return make_table(id, title, frame, note=note, labels=labels, letters=letters, preview=None,
                      footnote=result.people_footnote(group_labels=group_labels), kind="wide", hidden=["item_id", "row_kind"],
                      row_kind="row_kind")


# -- the grid every people writer draws ------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell for people: ``text`` as shown, ``value`` the rounded number (or text) for a sheet."""

    text: str
    value: Any = None
    numeric: bool = False
    suppressed: bool = False
    kind: str | None = None  # "percent" | "p" | "integer" | "decimal" for numbers
    letters: str | None = None  # None: the column has no letters; "" none in this cell


@dataclass(frozen=True)
class Grid:
    columns: tuple[str, ...]
    headers: tuple[str, ...]
    numeric: tuple[bool, ...]
    lettered: tuple[bool, ...]
    base_rows: tuple[tuple[Cell, ...], ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = field(default=())


def _cell(table: Table, column: str, value: Any, numeric: bool, kind: str | None, letters: str | None) -> Cell:
    value = plain(value)
    if isinstance(value, str) and value == MARKER:
        return Cell(MARKER, MARKER, numeric, True, None, "" if letters is not None else None)
    if is_number(value):
        k = kind_of_value(table, column, kind)
        return Cell(display(table, column, value, kind), rounded(table, column, value, kind), True, False, k, letters)
    return Cell(display(table, column, value, kind), value, numeric and value is None, False, None, letters)


#: Grids already made, by table identity (the HTML, Markdown and Word writers show the same table):
#: id(table) -> (table, every_row, grid). Holding the table keeps its id from being reused. Bounded.
_GRIDS: dict[tuple[int, bool], tuple[Table, Grid]] = {}
_GRIDS_MAX = 512


def grid(table: Table, *, every_row: bool = False) -> Grid:
    """The table as people see it: visible columns, headers, base rows, formatted cells; the shown
    rows (``preview``) or, for a workbook sheet, ``every_row``. A pure function of the (frozen) table:
    made once per table and reused by every writer."""
    key = (id(table), bool(every_row))
    found = _GRIDS.get(key)
    if found is not None and found[0] is table:
        return found[1]
    g = _grid(table, every_row=every_row)
    if len(_GRIDS) >= _GRIDS_MAX:
        _GRIDS.clear()
    _GRIDS[key] = (table, g)
    return g


def _grid(table: Table, *, every_row: bool) -> Grid:
    cols = visible_columns(table)
    numeric = tuple(is_numeric_column(table, c) for c in cols)
    lettered = tuple(c in table.letters for c in cols)
    base_rows = []
    for label, row in table.base_rows:
        cells = []
        for i, c in enumerate(cols):
            if i == 0:
                cells.append(Cell(label, label))
            elif c in row:
                cells.append(_cell(table, c, row[c], True, "integer", "" if lettered[i] else None))
            else:
                cells.append(Cell("", None, numeric[i], letters="" if lettered[i] else None))
        base_rows.append(tuple(cells))
    rows = []
    for rec in (table.frame if every_row else shown_frame(table)).to_dict("records"):
        kind = row_kind(table, rec)
        rows.append(tuple(_cell(table, c, rec.get(c), numeric[i], kind,
                                letters_of(table, rec, c) if lettered[i] else None)
                          for i, c in enumerate(cols)))
    return Grid(tuple(cols), tuple(header(table, c) for c in cols), numeric, lettered, tuple(base_rows), tuple(rows))


def _width(text: str, wraps: bool) -> int:
    if not text:
        return 1
    if wraps:
        return min(max(len(w) for w in text.split()), 24) if text.split() else 1
    return len(text)


def column_chars(g: Grid, *, stub_max: int = 40) -> list[int]:
    """The width each column needs, in characters (headers and text wrap at words, numbers do not;
    a letters cell and the padding included)."""
    widths = []
    for i, _ in enumerate(g.columns):
        texts = [r[i].text for r in g.rows] + [r[i].text for r in g.base_rows]
        head = _width(g.headers[i], True)
        if g.numeric[i]:
            w = max([head] + [len(t) for t in texts])
        else:
            w = min(max([head] + [len(t) for t in texts]), stub_max if i == 0 else 24)
        if g.lettered[i]:
            w += max([len(r[i].letters or "") for r in g.rows] or [0]) + 1
        widths.append(w + 3)  # cell padding
    return widths


def lead_columns(g: Grid) -> int:
    """How many leading columns label a row (repeated in every print panel): the text columns before
    the first number column, at most 2."""
    k = 0
    while k < min(2, len(g.columns) - 1) and not g.numeric[k]:
        k += 1
    return max(k, 1)


def panels(g: Grid, *, budget: int = 100, stub_max: int = 40) -> list[list[int]]:
    """Column indices of the print panels: each fits ``budget`` characters of an A4 line (headers and
    text wrap at words, numbers do not) and starts with the row-label columns again."""
    if not g.columns:
        return [[]]
    widths = column_chars(g, stub_max=stub_max)
    lead = lead_columns(g)
    stub = sum(widths[:lead])
    out: list[list[int]] = []
    current: list[int] = list(range(lead))
    used = stub
    for i in range(lead, len(widths)):
        if used + widths[i] > budget and len(current) > lead:
            out.append(current)
            current, used = list(range(lead)), stub
        current.append(i)
        used += widths[i]
    out.append(current)
    return out
