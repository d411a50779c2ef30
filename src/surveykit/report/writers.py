"""Render a ``Report`` to files people can open: HTML, Markdown, XLSX, CSV, PNG/SVG and a manifest.

Every writer is deterministic (same Report, same bytes) and the whole folder is written through
``surveykit.io.folder.owned_folder``: it is built in a temporary sibling and swapped into place only when
every file has been written, so a failure never leaves a half report nor clobbers a previous one, and
files in the folder that surveykit did not write are kept.

Spreadsheet formula injection: every text cell and column name of the CSV and XLSX exports goes
through ``surveykit.io.cells.spreadsheet_safe`` (the one rule every writer of surveykit uses): text that
a spreadsheet could run as a formula gets a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from surveykit.io.atomic import write_bytes, write_text
from surveykit.io.cells import spreadsheet_safe
from surveykit.report.figures import figure_bytes
from surveykit.report.model import Chart, Report, Table, Text

if TYPE_CHECKING:
    import pandas as pd

P_VALUE_COLUMNS = frozenset({"p", "p_value", "p_adj", "p_adjusted", "p_holm", "p_fdr", "p_raw", "p_corrected"})
STEPS = ("charts", "tables", "workbook", "markdown", "html", "manifest")


# -- cells -------------------------------------------------------------------------------------

def neutralise(value: Any) -> Any:
    """Escape a text cell that a spreadsheet would read as a formula (see ``io.cells.spreadsheet_safe``)."""
    return spreadsheet_safe(value)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, bytes, bool, int)):
        return False
    import pandas as pd

    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return result is True or type(result).__name__ == "bool_" and bool(result)


def plain(value: Any) -> Any:
    """numpy/pandas scalars as plain Python values (None for missing)."""
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (AttributeError, ValueError):
            return value
    return value


def display(column: str, value: Any, table: Table) -> str:
    """A cell as text for people (Markdown and HTML)."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if column in table.percent_columns:
            return f"{value:.{table.digits.get(column, 1)}f}%"
        if column in P_VALUE_COLUMNS or column.startswith("p_"):
            return "<0.001" if value < 0.001 else f"{value:.3f}"
        if column in table.digits:
            return f"{value:.{table.digits[column]}f}"
        if value.is_integer() and (column == "n" or column.startswith("n_") or column.endswith("_n")):
            return str(int(value))
        return f"{value:.2f}"
    return str(value)


def export_frame(table: Table) -> "pd.DataFrame":
    """The table as exported to CSV: text cells neutralised, numbers untouched."""
    frame = table.frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype) in ("string", "str"):
            frame[col] = frame[col].map(_csv_text).astype(object)
    frame.columns = [neutralise(str(c)) for c in frame.columns]
    return frame


def _csv_text(value: Any) -> Any:
    # A bare carriage return would not be quoted with a "\n" line terminator and would split the row.
    value = neutralise(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


# -- CSV ---------------------------------------------------------------------------------------

def table_csv(table: Table) -> str:
    return export_frame(table).to_csv(index=False, lineterminator="\n")


# -- XLSX --------------------------------------------------------------------------------------

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _sheet_names(tables: Iterable[Table]) -> list[str]:
    names: list[str] = []
    for t in tables:
        base = "".join("_" if ch in '[]:*?/\\' else ch for ch in t.id)[:31]
        name, k = base, 2
        while name.lower() in (n.lower() for n in names) or name.lower() == "contents":
            suffix = f"_{k}"
            name, k = base[: 31 - len(suffix)] + suffix, k + 1
        names.append(name)
    return names


def workbook_bytes(report: Report) -> bytes:
    """tables.xlsx: a contents sheet then one sheet per table; header rows frozen; numbers as numbers;
    percentages stored as fractions with a percentage format; text cells neutralised."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    tables = report.tables
    names = _sheet_names(tables)
    wb = Workbook()
    contents = wb.active
    contents.title = "contents"
    contents.append(["sheet", "table", "section", "note"])
    section_of = {t.id: s.title for s in report.sections for t in s.tables}
    for name, t in zip(names, tables):
        contents.append([neutralise(name), neutralise(t.title), neutralise(section_of[t.id]), neutralise(t.note)])
    _finish_sheet(contents, [30, 70, 40, 80], Font, get_column_letter)

    for name, t in zip(names, tables):
        ws = wb.create_sheet(name)
        columns = [str(c) for c in t.frame.columns]
        ws.append([neutralise(c) for c in columns])
        pct_idx = {i for i, c in enumerate(columns) if c in t.percent_columns}
        for row in t.frame.itertuples(index=False, name=None):
            cells = []
            for i, v in enumerate(row):
                v = plain(v)
                if isinstance(v, str):
                    v = neutralise(v)
                elif i in pct_idx and isinstance(v, (int, float)) and not isinstance(v, bool):
                    v = v / 100.0
                elif v is not None and not isinstance(v, (int, float, bool)):
                    v = neutralise(str(v))
                cells.append(v)
            ws.append(cells)
        for i in pct_idx:
            letter = get_column_letter(i + 1)
            for cell in ws[letter][1:]:
                cell.number_format = "0.0%"
        widths = []
        for i, c in enumerate(columns):
            longest = max([len(c)] + [len(str(plain(v))) for v in t.frame.iloc[:, i].tolist()[:500]])
            widths.append(min(max(longest + 2, 8), 60))
        _finish_sheet(ws, widths, Font, get_column_letter)

    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.creator = "surveykit"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the save time into docProps/core.xml and the zip entries: rewrite both.
    wb.properties.modified = fixed
    from openpyxl.xml.functions import tostring

    core = tostring(wb.properties.to_tree())
    return _normalise_zip(buf.getvalue(), {"docProps/core.xml": core})


def _finish_sheet(ws: Any, widths: list[int], Font: Any, get_column_letter: Callable[[int], str]) -> None:
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w


def _normalise_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = replace.get(info.filename, src.read(info.filename))
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, payload)
    return out.getvalue()


# -- Markdown ----------------------------------------------------------------------------------

_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def _md_cell(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return _TAG.sub("&lt;", text)


def _md_text(text: str) -> str:
    # Free text may contain Markdown or HTML: tags are neutralised, a leading heading marker escaped.
    text = _TAG.sub("&lt;", text.replace("\r", " "))
    return "\\" + text if text[:1] in "#>-+*" and text else text


def table_markdown(table: Table) -> str:
    cols = [str(c) for c in table.frame.columns]
    lines = ["| " + " | ".join(_md_cell(c) for c in cols) + " |",
             "|" + "|".join("---" for _ in cols) + "|"]
    if not len(table.frame):
        return "*No rows.*"
    for row in _shown(table).itertuples(index=False, name=None):
        lines.append("| " + " | ".join(_md_cell(display(c, v, table)) for c, v in zip(cols, row)) + " |")
    if table.preview is not None:
        lines += ["", f"*First {table.preview} of {len(table.frame)} rows; every row is in tables/{table.id}.csv "
                      "and tables.xlsx.*"]
    return "\n".join(lines)


def _shown(table: Table) -> "pd.DataFrame":
    return table.frame if table.preview is None else table.frame.head(table.preview)


def report_markdown(report: Report) -> str:
    out = [f"# {report.title}", "", report.subtitle, "", "## Contents", ""]
    for i, s in enumerate(report.sections, 1):
        out.append(f"{i}. [{s.title}](#{s.id.replace('_', '-')})")
    out.append("")
    for i, s in enumerate(report.sections, 1):
        out += [f'<a id="{s.id.replace("_", "-")}"></a>', "", f"## {i}. {s.title}", ""]
        for b in s.blocks:
            if isinstance(b, Text):
                prefix = "> " if b.kind == "finding" else ("*Note:* " if b.kind == "note" else "")
                out += [prefix + _md_text(b.text), ""]
            elif isinstance(b, Table):
                out += [f"**{_md_text(b.title)}** (`tables/{b.id}.csv`)", "", table_markdown(b), ""]
                if b.note:
                    out += [f"*{_md_text(b.note)}*", ""]
            elif isinstance(b, Chart):
                out += [f"![{_md_cell(b.alt)}](charts/{b.id}.png)", "", f"*Figure: {_md_text(b.title)}*", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML --------------------------------------------------------------------------------------

CSS = """
:root { --ink:#1d2430; --muted:#5b6475; --line:#d9dee7; --accent:#1f5f99; --bg:#ffffff; --band:#f4f6fa; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: var(--ink);
       background: var(--bg); margin: 0; line-height: 1.5; }
header { background: var(--accent); color: #fff; padding: 1.5rem 2rem; }
header h1 { margin: 0 0 .3rem 0; font-size: 1.7rem; }
header p { margin: 0; opacity: .9; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 2rem 3rem 2rem; }
nav ol { columns: 2; }
section { border-top: 1px solid var(--line); margin-top: 2rem; padding-top: .5rem; }
h2 { color: var(--accent); }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
.finding { background: var(--band); border-left: 4px solid var(--accent); padding: .5rem .9rem; }
.note, .tnote { color: var(--muted); font-size: .9rem; }
.tablewrap { overflow-x: auto; margin: .5rem 0 1rem 0; }
table { border-collapse: collapse; font-size: .86rem; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--band); position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .9rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; }
@media print { header { background: none; color: var(--ink); } th { position: static; } }
""".strip()


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def table_html(table: Table) -> str:
    cols = [str(c) for c in table.frame.columns]
    numeric = set()
    for c in cols:
        kind = table.frame[c].dtype.kind
        if kind in "iuf":
            numeric.add(c)
    if not len(table.frame):
        return '<p class="note">No rows.</p>'
    head = "".join(f"<th>{_esc(c)}</th>" for c in cols)
    rows = []
    for row in _shown(table).itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="num">{_esc(display(c, v, table))}</td>' if c in numeric
            else f"<td>{_esc(display(c, v, table))}</td>" for c, v in zip(cols, row))
        rows.append(f"<tr>{cells}</tr>")
    return (f'<div class="tablewrap"><table id="t-{_esc(table.id)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
            + (f'<p class="tnote">First {table.preview} of {len(table.frame)} rows; every row is in '
               f"tables/{_esc(table.id)}.csv and tables.xlsx.</p>" if table.preview is not None else ""))


def report_html(report: Report, images: dict[str, bytes]) -> str:
    """One self-contained page: the CSS inline and every chart a PNG data URI."""
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_esc(report.title)}</title>", f"<style>\n{CSS}\n</style>", "</head>", "<body>",
             f"<header><h1>{_esc(report.title)}</h1><p>{_esc(report.subtitle)}</p></header>", "<main>",
             '<nav><h2>Contents</h2><ol>']
    for s in report.sections:
        parts.append(f'<li><a href="#{_esc(s.id)}">{_esc(s.title)}</a></li>')
    parts.append("</ol></nav>")
    for i, s in enumerate(report.sections, 1):
        parts.append(f'<section id="{_esc(s.id)}"><h2>{i}. {_esc(s.title)}</h2>')
        for b in s.blocks:
            if isinstance(b, Text):
                cls = {"finding": ' class="finding"', "note": ' class="note"'}.get(b.kind, "")
                parts.append(f"<p{cls}>{_esc(b.text)}</p>")
            elif isinstance(b, Table):
                parts.append(f'<h3>{_esc(b.title)}</h3>')
                parts.append(table_html(b))
                if b.note:
                    parts.append(f'<p class="tnote">{_esc(b.note)}</p>')
            elif isinstance(b, Chart):
                data = base64.b64encode(images[b.id]).decode("ascii")
                parts.append(f'<figure id="c-{_esc(b.id)}"><img class="chart" alt="{_esc(b.alt)}" '
                             f'src="data:image/png;base64,{data}"><figcaption>{_esc(b.title)}</figcaption></figure>')
        parts.append("</section>")
    parts.append(f"<footer>Made with surveykit {_esc(str(report.manifest.get('surveykit_version', '')))}. "
                 "Tables are in tables.xlsx and tables/*.csv; inputs and parameters in manifest.json.</footer>")
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


# -- the folder --------------------------------------------------------------------------------

def manifest_json(report: Report, files: dict[str, str]) -> str:
    import datetime as dt

    payload = dict(report.manifest)
    payload["generated_at"] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    payload["files"] = dict(sorted(files.items()))
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"


REPORT_NAMES = frozenset({"charts", "tables", "tables.xlsx", "report.md", "report.html", "manifest.json"})


def write_report(report: Report, out: str | Path, *,
                 on_step: Callable[[str], None] | None = None, force: bool = False) -> Path:
    """Write the report folder at ``out`` (atomically: all or nothing). Returns the folder path.

    The folder carries ``.surveykit-report.json`` (``io.folder``): a rerun replaces only the files it
    lists and keeps everything else; a folder surveykit did not write is refused unless ``force``.
    """
    import hashlib

    from surveykit.io.folder import manifest_listed_files, owned_folder

    report.check_ids()
    step = on_step or (lambda name: None)
    files: dict[str, str] = {}

    def put(root: Path, rel: str, data: bytes) -> None:
        write_bytes(root / rel, data)
        files[rel] = hashlib.sha256(data).hexdigest()

    with owned_folder(out, kind="report", force=force, legacy=manifest_listed_files, legacy_names=REPORT_NAMES,
                      volatile=frozenset({"manifest.json"})) as tmp:
        step("charts")
        images: dict[str, bytes] = {}
        for chart in report.charts:
            png = figure_bytes(chart.figure, "png")
            images[chart.id] = png
            put(tmp, f"charts/{chart.id}.png", png)
            put(tmp, f"charts/{chart.id}.svg", figure_bytes(chart.figure, "svg"))
        step("tables")
        for table in report.tables:
            put(tmp, f"tables/{table.id}.csv", table_csv(table).encode("utf-8"))
        step("workbook")
        put(tmp, "tables.xlsx", workbook_bytes(report))
        step("markdown")
        put(tmp, "report.md", report_markdown(report).encode("utf-8"))
        step("html")
        put(tmp, "report.html", report_html(report, images).encode("utf-8"))
        step("manifest")
        write_text(tmp / "manifest.json", manifest_json(report, files))
    return Path(out)
