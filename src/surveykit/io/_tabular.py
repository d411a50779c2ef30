"""Helpers for readers of rectangular exports (CSV text or an XLSX sheet)."""

from __future__ import annotations

import re

from surveykit.errors import InputError
from surveykit.io.base import Column, RawExport, Sniff, check_header, check_widths, parse_delimited
from surveykit.io.xlsx_sheets import iter_xlsx_sheets


def all_rows(sniff: Sniff, *, sheet: str | None = None, columnar: bool = False) -> tuple[list[list[str]], str]:
    """Every row of the file (text) or of one sheet (xlsx), and the sheet name used ('' for text).

    ``columnar``: a large text file may come back as ``io.fastcsv.ColumnarRows`` (the same rows, parsed
    by pandas' C parser); the caller then pads with ``check_widths``, drops blank rows with
    ``fastcsv.drop_blank_rows`` and stores them with ``fastcsv.as_row_tuple``."""
    if sniff.kind == "text":
        if columnar:
            from surveykit.io.fastcsv import text_rows

            return text_rows(sniff), ""
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


def single_header_export(sniff: Sniff, *, platform: str, sheet: str | None = None,
                         allow_blank: bool = True, notes: tuple[str, ...] = ()) -> RawExport:
    """A one-header-row platform export (LimeSurvey, Google Forms, Microsoft Forms).

    Unlike the tidy reader, blank and repeated header cells are allowed (platforms write them:
    LimeSurvey's unnamed column, two questions with the same text); a blank header is shown as
    ``(column X)``. Blank rows are dropped; a row longer than the header is refused.
    """
    from surveykit.io.base import column_letter

    from surveykit.io.fastcsv import as_row_tuple, drop_blank_rows

    rows, sheet_name = all_rows(sniff, sheet=sheet, columnar=True)
    require_data(rows, 1, path=sniff.path)
    header = [" ".join(h.split()) for h in rows[0]]
    while header and not header[-1] and _column_blank(rows[1:], len(header) - 1):
        header.pop()  # a trailing comma on every line
    if not allow_blank:
        check_header(header, path=sniff.path)
    data = check_widths(rows[1:], len(header), path=sniff.path, first_row=2)
    data = drop_blank_rows(data)
    if not len(data):
        raise InputError("the file has a header row but no data rows", path=sniff.path)
    columns = tuple(Column(index=j, header=h or f"(column {column_letter(j)})") for j, h in enumerate(header))
    dupes = len(header) - len(set(h for h in header if h)) - sum(1 for h in header if not h)
    extra = (f"{dupes} repeated column header(s)",) if dupes > 0 else ()
    return RawExport(path=str(sniff.path), platform=platform, encoding=sniff.encoding or "xlsx",
                     sha256=sniff.sha256, columns=columns, rows=as_row_tuple(data), header_rows=1,
                     notes=tuple(sniff.notes) + tuple(notes) + extra,
                     meta={"sheet": sheet_name} if sheet_name else {})


def _column_blank(rows, j: int) -> bool:
    """Every row is shorter than column ``j`` or blank there."""
    if hasattr(rows, "column"):  # columnar rows: every row has the full width
        from surveykit.io.fastcsv import _nonblank

        return not _nonblank(rows.column_held(j)).any()
    return all(len(r) <= j or not r[j].strip() for r in rows)


def sheet_where(sniff: Sniff, test) -> str | None:
    """The first sheet of a workbook whose first rows pass ``test(rows)``."""
    for name, rows in sniff.sheets.items():
        if rows and test(rows):
            return name
    return None


# -- header-less exports ------------------------------------------------------------------------

_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)?([.,]\d+)?%?$")
_DATE_TIME = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?)?$|^\d{1,2}:\d{2}(:\d{2})?$",
                        re.IGNORECASE)
# Words that are answers in almost any survey, never column names.
_ANSWER_WORDS = frozenset({
    "yes", "no", "y", "n", "true", "false", "dk", "don't know", "dont know", "do not know", "not sure",
    "n/a", "na", "none", "never", "rarely", "sometimes", "often", "usually", "always", "very often",
    "agree", "disagree", "strongly agree", "strongly disagree", "neither agree nor disagree", "neutral",
    "high", "medium", "low", "absent", "male", "female", "other", "prefer not to say", "complete",
    "completed", "partial", "incomplete",
})
_SAMPLE_ROWS = 200


def _looks_like_value(header: str, column: list[str]) -> bool:
    h = " ".join(header.split())
    if not h:
        return False
    low = h.lower().replace("\u2019", "'")
    if _NUMBER.match(h) and any(ch.isdigit() for ch in h):
        return True
    if _DATE_TIME.match(h):
        return True
    if low in _ANSWER_WORDS:
        return True
    values = {" ".join(v.split()).lower() for v in column if v.strip()}
    if low in values:
        return True
    # A long sentence over a column of long sentences: a free-text answer, not a question.
    if len(h) > 60 and not h.rstrip().endswith(("?", ":")) and h.rstrip().endswith((".", "!")):
        lengths = sorted(len(v) for v in column if v.strip())
        if lengths and lengths[len(lengths) // 2] > 30:
            return True
    return False


_DIGITS = re.compile(r"\d+")
_ID_CELL = re.compile(r"^[A-Za-z_#-]{0,12}\d{1,12}[A-Za-z_-]{0,4}$")


def _id_like(header: str, column: list[str]) -> bool:
    """A respondent id rather than a column name: letters and digits shaped as most ids below it are
    (``R0`` over ``R1, R2, ...``; ``resp-0007`` over ``resp-0008, ...``). A column name such as ``Q1`` or
    ``ID`` over ids ``R001`` or ``17`` has another shape."""
    h = header.strip()
    if not _ID_CELL.match(h):
        return False
    values = [v.strip() for v in column if v.strip()]
    if len(values) < 2:
        return False
    shape = _DIGITS.sub("9", h)
    return sum(1 for v in values if _DIGITS.sub("9", v) == shape) * 2 > len(values)


def _free_text(header: str) -> bool:
    """Several words of running text: an answer if the row is otherwise data (a question is too, so this
    counts only beside an id and an answer; see ``headerless_problem``)."""
    return len(header.split()) >= 5 or len(header.strip()) > 40


def headerless_problem(rows: list[list[str]], *, known_header=None) -> str | None:
    """A message when the first row of a one-header-row export looks like answers, not column names.

    An export saved without its header row turns the first respondent's answers into column names,
    which would then be printed and published. The first row is taken for data when at least half of
    its cells (and at least two) look like values: numbers, dates, common answer words, or a value
    that also appears further down the same column, and none is a name ``known_header`` accepts
    (surveykit's own column ids). When the row otherwise reads as a respondent's (its first cell an id
    shaped as the ids below it, and another cell a value as above), its cells of running text count as
    values too: a free-text answer there is no question, however long. The message never quotes the cells.
    """
    if len(rows) < 2 or not rows[0]:
        return None
    header = rows[0]
    if known_header is not None and any(known_header(h.strip()) for h in header):
        return None
    body = rows[1:1 + _SAMPLE_ROWS]
    named = [j for j, h in enumerate(header) if h.strip()]
    if len(named) < 2:
        return None
    value_like = {j for j in named if _looks_like_value(header[j], [r[j] for r in body if j < len(r)])}
    first = named[0]
    if first == 0 and first not in value_like and value_like and _id_like(header[0], [r[0] for r in body if r]):
        value_like.add(first)
        value_like.update(j for j in named if _free_text(header[j]))
    looks = len(value_like)
    if looks >= 2 and looks * 2 >= len(named):
        return (f"the first row looks like answers, not column names ({looks} of {len(named)} of its cells look "
                "like values: numbers, dates, answers that recur below): the export seems to have lost its "
                "header row. Export it again with column names (or add a first row naming each column, as "
                "'surveykit inspect' shows them); surveykit will not publish a respondent's answers as headers")
    return None
