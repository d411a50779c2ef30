"""tables.xlsx: a workbook that opens clean in Excel and LibreOffice and prints.

* A contents sheet with a link to every sheet (and each sheet links back).
* Every sheet: a title, a line saying what the base is, the header, the base rows, the data, then
  the note and footnote (suppression rule, test) under the table.
* Numbers are stored as numbers, formatted (percentages as fractions with a % format); significance
  letters sit in a cell of their own; ``[c]`` is right-aligned and greyed like a number.
* Tables for people ("wide") are rounded as shown in the report; long tables are "data" sheets at
  full precision with the column ids as headers.
* Print: A4, fit to one page wide, landscape when wide, the header row and first column repeated.
* Sheet names are unique within 31 characters (``report.tables.sheet_names``); the report's text
  uses the same names. Every text cell goes through ``cells.neutralise``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from surveykit.charts.palette import PaletteSpec, accent, band
from surveykit.report.model import Report, Table
from surveykit.report.tables import (Cell, MARKER, digits, empty_text, footnote, grid, header, is_number,
                                     kind_of_value, plain, report_threshold, resolve_references, sheet_names)
from surveykit.report.writers.cells import neutralise, normalise_zip, xml_safe

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_ROW = 4
FORMATS = {"percent": "0.0%", "decimal": "0.00", "integer": "0", "p": '[<0.001]"<0.001";0.000'}
WIDE_CHARS = 110  # wider than this: landscape


def _fmt(kind: str | None, places: int | None = None) -> str:
    if kind == "percent":
        return "0%" if places == 0 else "0." + "0" * (places or 1) + "%"
    if kind == "decimal" and places is not None:
        return "0" if places == 0 else "0." + "0" * places
    return FORMATS.get(kind or "", "General")


class _Styles:
    """The few styles of the workbook, made once."""

    def __init__(self, palette: PaletteSpec) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        colour = accent(palette).lstrip("#").upper()
        self.title = Font(bold=True, size=13, color=colour)
        self.muted = Font(italic=True, color="595959")
        self.bold = Font(bold=True)
        self.letters = Font(bold=True, size=8, color=colour)
        self.link = Font(color="0563C1", underline="single")
        self.fill = PatternFill("solid", fgColor=band(palette).lstrip("#").upper())
        self.rule = Border(bottom=Side(style="thin", color="808080"))
        self.wrap_top = Alignment(wrap_text=True, vertical="top")
        self.head_left = Alignment(wrap_text=True, vertical="bottom", horizontal="left")
        self.head_right = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
        self.right = Alignment(horizontal="right", vertical="top")
        self.left = Alignment(horizontal="left", vertical="top", wrap_text=True)


def put(ws: "Worksheet", row: int, column: int, value: Any, *, font=None, fill=None, align=None, fmt: str | None = None,
        border=None):
    """Write one cell: every cell of the workbook goes through here (text neutralised, numbers kept).
    A control character that XML cannot hold (an answer with a stray vertical tab, say) is written as
    U+FFFD, where the workbook could not be written at all."""
    value = plain(value)
    if isinstance(value, str):
        value = neutralise(value)
    elif value is not None and not isinstance(value, (int, float, bool)):
        value = neutralise(str(value))
    if isinstance(value, str):
        value = xml_safe(value)
    cell = ws.cell(row=row, column=column, value=value)
    if font is not None:
        _style(cell, "font", font)
    if fill is not None:
        _style(cell, "fill", fill)
    if align is not None:
        _style(cell, "alignment", align)
    if fmt is not None:
        cell.number_format = fmt
    if border is not None:
        _style(cell, "border", border)
    return cell


#: The slot of each style in a cell's style array (openpyxl ``StyleArray``).
_SLOTS = {"font": "fontId", "fill": "fillId", "alignment": "alignmentId", "border": "borderId"}


def _style(cell, kind: str, obj) -> None:
    """``setattr(cell, kind, obj)``, remembering the style's index in the workbook.

    openpyxl finds a style's index by hashing it, field by field, on every assignment (a third of
    the workbook's time). The workbook's styles are made once (``_Styles``) and never changed, so the
    index the first assignment finds is the index of every later one: the cell gets the same index,
    and the file the same bytes."""
    seen = getattr(cell.parent.parent, "_surveykit_style_ids", None)
    if seen is None:
        seen = {}
        setattr(cell.parent.parent, "_surveykit_style_ids", seen)
    found = seen.get((kind, id(obj)))
    if found is None or found[0] is not obj:
        setattr(cell, kind, obj)
        seen[(kind, id(obj))] = (obj, getattr(cell._style, _SLOTS[kind]))  # holds obj: its id stays its own
    else:
        if not getattr(cell, "_style"):  # as openpyxl's StyleDescriptor does for a cell's first style
            from openpyxl.styles.cell_style import StyleArray

            cell._style = StyleArray()
        setattr(cell._style, _SLOTS[kind], found[1])


def _number(cell: Cell, *, data: bool, raw: Any = None) -> Any:
    """The value stored for a number cell: percentages as fractions; people sheets rounded as shown."""
    value = raw if data else cell.value
    if cell.kind == "percent" and is_number(value):
        return float(value) / 100.0
    return value


def _base_text(table: Table) -> str:
    if table.row_kind:
        return "Base: the Base row of each item, the number of valid answers its percentages and means are of."
    if table.base_rows:
        return "Base: the number of answers each column's percentages are of (the Base row" + \
            ("s" if len(table.base_rows) > 1 else "") + " under the header)."
    if table.base_column:
        return f"Base: the {header(table, table.base_column)} column, the number of answers each row's percentages are of."
    if table.percent_columns:
        return f"Base: the answers each percentage is of; every base is in tables/{table.id}.csv."
    return "Base: not applicable (no percentages in this table)."


def _footer(ws, row: int, texts: list[str], width_cols: int, st: _Styles, chars: int) -> int:
    from openpyxl.utils import get_column_letter

    for text in texts:
        if not text:
            continue
        put(ws, row, 1, text, font=st.muted, align=st.wrap_top)
        if width_cols > 1:
            ws.merge_cells(f"A{row}:{get_column_letter(width_cols)}{row}")
        ws.row_dimensions[row].height = 13 * max(1, -(-len(text) // max(chars, 30)))
        row += 1
    return row


def _people_sheet(ws, table: Table, name: str, st: _Styles, names: dict[str, str], thr: int | None) -> None:
    from openpyxl.utils import get_column_letter

    put(ws, 1, 1, table.title, font=st.title)
    put(ws, 2, 1, _base_text(table), font=st.muted)
    link = put(ws, 3, 1, "Back to contents", font=st.link)
    link.hyperlink = "#'contents'!A1"
    g = grid(table, every_row=True)
    # sheet columns: one per visible column, plus one after each lettered column
    positions: list[int] = []
    col = 1
    for i in range(len(g.columns)):
        positions.append(col)
        col += 2 if g.lettered[i] else 1
    n_cols = max(col - 1, 1)
    for i, head in enumerate(g.headers):
        c = positions[i]
        put(ws, HEADER_ROW, c, head, font=st.bold, fill=st.fill, border=st.rule,
            align=st.head_right if g.numeric[i] else st.head_left)
        if g.lettered[i]:
            put(ws, HEADER_ROW, c + 1, None, fill=st.fill, border=st.rule)
            ws.merge_cells(start_row=HEADER_ROW, start_column=c, end_row=HEADER_ROW, end_column=c + 1)
    row = HEADER_ROW + 1
    if not len(table.frame):
        put(ws, row, 1, empty_text(table), font=st.muted)
        row += 1
    for is_base, cells in [(True, r) for r in g.base_rows] + [(False, r) for r in g.rows]:
        for i, cell in enumerate(cells):
            c = positions[i]
            font = st.muted if is_base else None
            if cell.suppressed:
                put(ws, row, c, MARKER, font=st.muted, align=st.right)
            elif is_number(cell.value):
                places = digits(table, g.columns[i]) if cell.kind in ("percent", "decimal") and \
                    g.columns[i] in table.digits else None
                put(ws, row, c, _number(cell, data=False), font=font, align=st.right, fmt=_fmt(cell.kind, places))
            else:
                put(ws, row, c, cell.value if cell.value is not None else None, font=font,
                    align=st.right if g.numeric[i] else st.left)
            if g.lettered[i] and cell.letters:
                put(ws, row, c + 1, cell.letters, font=st.letters)
        row += 1
    widths = _widths(g, positions, n_cols)
    total = sum(widths)
    row = _footer(ws, row + 1, [resolve_references(table.note, names), footnote(table, threshold=thr),
                                f"Source: tables/{table.id}.csv (full precision)."], n_cols, st, total)
    for k, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(k)].width = w
    # headers wrap at words: make the row tall enough for the longest one
    lines = 1
    for i, head in enumerate(g.headers):
        room = widths[positions[i] - 1] + (widths[positions[i]] if g.lettered[i] else 0) - 1
        lines = max(lines, _lines(head, max(int(room), 4)))
    ws.row_dimensions[HEADER_ROW].height = 15 * lines
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2 if len(g.columns) > 2 else 1).coordinate
    _print_setup(ws, total, repeat_column=len(g.columns) > 2)


def _lines(text: str, width: int) -> int:
    import textwrap

    return max(1, len(textwrap.wrap(text, width=width, break_long_words=False)))


def _widths(g, positions: list[int], n_cols: int) -> list[float]:
    widths = [8.0] * n_cols
    for i, c in enumerate(positions):
        texts = [r[i].text for r in g.rows[:500]] + [r[i].text for r in g.base_rows]
        head_word = max((len(w) for w in g.headers[i].split()), default=4)
        if g.numeric[i]:
            w = max([head_word, 6] + [len(t) for t in texts]) + 2
        else:
            w = min(max([head_word, 8] + [len(t) for t in texts]) + 2, 48 if i == 0 else 40)
        widths[c - 1] = float(min(w, 48))
        if g.lettered[i]:
            widths[c] = float(max([3] + [len(r[i].letters or "") + 1 for r in g.rows]))
    return widths


def _print_setup(ws, total_width: float, *, repeat_column: bool) -> None:
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if repeat_column:
        ws.print_title_cols = "A:A"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total_width > WIDE_CHARS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "&A, page &P of &N"


def _data_sheet(ws, table: Table, st: _Styles, names: dict[str, str], thr: int | None) -> None:
    """A long table at full precision, column ids as headers (for analysis, not for reading)."""
    from openpyxl.utils import get_column_letter

    put(ws, 1, 1, table.title + " (data)", font=st.title)
    put(ws, 2, 1, "Long form at full precision, one row per item and group; the column ids are those of "
                  f"tables/{table.id}.csv. " + _base_text(table), font=st.muted)
    link = put(ws, 3, 1, "Back to contents", font=st.link)
    link.hyperlink = "#'contents'!A1"
    columns = [str(c) for c in table.frame.columns]
    for k, c in enumerate(columns, 1):
        put(ws, HEADER_ROW, k, c, font=st.bold, fill=st.fill, border=st.rule)
    row = HEADER_ROW + 1
    if not len(table.frame):
        put(ws, row, 1, empty_text(table), font=st.muted)
        row += 1
    for rec in table.frame.itertuples(index=False, name=None):
        for k, (c, v) in enumerate(zip(columns, rec), 1):
            v = plain(v)
            if is_number(v):
                kind = kind_of_value(table, c)
                put(ws, row, k, v / 100.0 if kind == "percent" else v,
                    fmt="0.0%" if kind == "percent" else ("0" if isinstance(v, int) else "General"))
            elif v == MARKER:
                put(ws, row, k, v, font=st.muted, align=st.right)
            else:
                put(ws, row, k, v)
        row += 1
    widths = []
    for k, c in enumerate(columns):
        longest = max([len(c)] + [len(str(plain(v))) for v in table.frame.iloc[:500, k].tolist()])
        widths.append(min(max(longest + 2, 8), 50))
    _footer(ws, row + 1, [resolve_references(table.note, names), footnote(table, threshold=thr)],
            len(columns), st, sum(widths))
    for k, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(k)].width = w
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    _print_setup(ws, sum(widths), repeat_column=False)


def workbook_bytes(report: Report, *, palette: PaletteSpec = None) -> bytes:
    """tables.xlsx (deterministic bytes: fixed properties and zip times)."""
    import datetime as dt

    from openpyxl import Workbook

    st = _Styles(palette)
    tables = report.tables
    names = sheet_names(tables)
    thr = report_threshold(report)
    section_of = {t.id: s.title for s in report.sections for t in s.tables}
    wb = Workbook()
    contents = wb.active
    contents.title = "contents"
    put(contents, 1, 1, "Contents", font=st.title)
    put(contents, 2, 1, f"{report.title}. {report.subtitle}", font=st.muted)
    for k, head in enumerate(["Sheet", "Table", "Section", "Kind", "Rows"], 1):
        put(contents, HEADER_ROW, k, head, font=st.bold, fill=st.fill, border=st.rule)
    for r, t in enumerate(tables, HEADER_ROW + 1):
        cell = put(contents, r, 1, names[t.id], font=st.link)
        cell.hyperlink = f"#'{names[t.id]}'!A1"
        put(contents, r, 2, t.title, align=st.left)
        put(contents, r, 3, section_of[t.id], align=st.left)
        put(contents, r, 4, "table" if t.layout == "wide" else "data (long form, full precision)")
        put(contents, r, 5, len(t.frame), fmt="0")
    end = _footer(contents, HEADER_ROW + len(tables) + 2,
                  ["Each sheet has a title, its base, the table and its footnote. Numbers are stored as numbers; "
                   "[c] marks a suppressed value. The CSV files in tables/ hold every table at full precision."],
                  5, st, 150)
    del end
    for k, w in enumerate([34, 70, 40, 28, 8], 1):
        contents.column_dimensions["ABCDE"[k - 1]].width = w
    contents.freeze_panes = f"A{HEADER_ROW + 1}"
    _print_setup(contents, 180, repeat_column=False)

    for t in tables:
        ws = wb.create_sheet(names[t.id])
        if t.layout == "wide":
            _people_sheet(ws, t, names[t.id], st, names, thr)
        else:
            _data_sheet(ws, t, st, names, thr)

    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.creator = "surveykit"
    saved = _save_uncompressed(wb)
    # openpyxl stamps the save time into docProps/core.xml and the zip entries: rewrite both.
    wb.properties.modified = fixed
    from openpyxl.xml.functions import tostring

    core = tostring(wb.properties.to_tree())
    return normalise_zip(saved, {"docProps/core.xml": core})


def _save_uncompressed(wb: Any) -> bytes:
    """``wb.save(...)``'s bytes with the zip entries stored, not compressed: ``normalise_zip``
    compresses each entry once, as it writes the file (the entries and their order are openpyxl's
    either way). An openpyxl whose ``ExcelWriter`` takes other arguments saves as usual."""
    import datetime as _dt
    import zipfile

    try:
        from openpyxl.writer.excel import ExcelWriter

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            # What openpyxl's save_workbook does besides choosing the compression.
            wb.properties.modified = _dt.datetime.now(tz=_dt.timezone.utc).replace(tzinfo=None)
            ExcelWriter(wb, archive).save()
        return buf.getvalue()
    except (ImportError, AttributeError, TypeError):  # another openpyxl: its own save
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
