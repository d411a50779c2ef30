"""report.html: one self-contained page (CSS inline, charts as PNG data URIs, no script), for the
screen and for A4 paper.

On screen a wide table scrolls with its first column fixed; in print it is split into panels that
fit the page width, each repeating the first column, so no column is ever cut. Each section starts
a new page; table headers repeat on every page.
"""

from __future__ import annotations

import base64
import html
from typing import Mapping

from surveykit.charts.palette import PaletteSpec, accent, band
from surveykit.report.model import Chart, Report, Table, Text
from surveykit.report.tables import Grid, empty_text, footnote, grid, panels, report_threshold, resolve_references, \
    sheet_names
from surveykit.report.writers.cells import xml_safe


def _esc(text: str) -> str:
    # Every text of the page comes through here: markup escaped, characters XML cannot hold as U+FFFD.
    return html.escape(xml_safe(str(text)), quote=True)


def css(palette: PaletteSpec = None) -> str:
    """The stylesheet (package data ``data/report/report.css``) with the palette's colours."""
    from importlib.resources import files

    sheet = files("surveykit").joinpath("data/report/report.css").read_text(encoding="utf-8")
    root = (f":root {{ --ink:#1d2430; --muted:#4f5868; --line:#d9dee7; --accent:{accent(palette)}; "
            f"--band:{band(palette)}; }}")
    return root + "\n" + sheet.strip()


def _td(cell, *, stub: bool = False) -> str:
    if stub:
        return f'<th scope="row" class="stub">{_esc(cell.text)}</th>'
    cls = "num" if cell.numeric else ""
    if cell.suppressed:
        cls = (cls + " supp").strip()
    out = f'<td class="{cls}">{_esc(cell.text)}</td>' if cls else f"<td>{_esc(cell.text)}</td>"
    if cell.letters is not None:
        out += f'<td class="sig">{_esc(cell.letters)}</td>'
    return out


def _table(g: Grid, cols: list[int], table_id: str | None) -> str:
    heads = []
    for k, i in enumerate(cols):
        span = ' colspan="2"' if g.lettered[i] else ""
        cls = "stub" if k == 0 else ("num" if g.numeric[i] else "")
        klass = f' class="{cls}"' if cls else ""
        heads.append(f'<th scope="col"{span}{klass}>{_esc(g.headers[i])}</th>')
    body = []
    for row in g.base_rows:
        body.append('<tr class="base">' + "".join(_td(row[i], stub=(k == 0)) for k, i in enumerate(cols)) + "</tr>")
    for row in g.rows:
        body.append("<tr>" + "".join(_td(row[i], stub=(k == 0)) for k, i in enumerate(cols)) + "</tr>")
    ident = f' id="{_esc(table_id)}"' if table_id else ""
    return (f'<table class="people"{ident}><thead><tr>{"".join(heads)}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def table_html(table: Table, *, sheet: str | None = None, threshold: int | None = None) -> str:
    """A table for people: screen version, and print panels when it is wider than an A4 page."""
    where = f"tables/{table.id}.csv" + (f" and sheet {sheet} of tables.xlsx" if sheet else " and tables.xlsx")
    if table.layout != "wide":
        return (f'<p class="tdata">{_esc(table.title)}: {len(table.frame)} rows in long form (every statistic), '
                f"in {_esc(where)}.</p>")
    parts = [f"<h3>{_esc(table.title)}</h3>"]
    if not len(table.frame):
        parts.append(f'<p class="note">{_esc(empty_text(table))}</p>')
    else:
        g = grid(table)
        split = panels(g)
        parts.append(f'<div class="tablewrap{" screen-only" if len(split) > 1 else ""}">'
                     f'{_table(g, list(range(len(g.columns))), f"t-{table.id}")}</div>')
        if len(split) > 1:
            parts.append('<div class="print-only">' + "".join(
                f'<div class="tablewrap panel">{_table(g, cols, None)}</div>' for cols in split) + "</div>")
        if table.preview is not None:
            parts.append(f'<p class="tfoot">First {table.preview} of {len(table.frame)} rows; every row is in '
                         f"{_esc(where)}.</p>")
    text = footnote(table, threshold=threshold)
    if table.note:
        parts.append(f'<p class="tfoot">{_esc(table.note)}</p>')
    if text:
        parts.append(f'<p class="tfoot">{_esc(text)}</p>')
    if sheet and len(table.frame):
        parts.append(f'<p class="sheet">In the workbook: sheet {_esc(sheet)}; as CSV: tables/{_esc(table.id)}.csv.</p>')
    return "\n".join(parts)


def report_html(report: Report, images: Mapping[str, bytes], *, palette: PaletteSpec = None) -> str:
    """One self-contained page: the CSS inline and every chart a PNG data URI."""
    names = sheet_names(report.tables)
    thr = report_threshold(report)

    def say(text: str) -> str:
        return _esc(resolve_references(text, names))

    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_esc(report.title)}</title>", f"<style>\n{css(palette)}\n</style>", "</head>", "<body>",
             f'<header class="report"><h1>{_esc(report.title)}</h1><p>{_esc(report.subtitle)}</p></header>', "<main>",
             "<nav><h2>Contents</h2><ol>"]
    for s in report.sections:
        parts.append(f'<li><a href="#{_esc(s.id)}">{_esc(s.title)}</a></li>')
    parts.append("</ol></nav>")
    for i, s in enumerate(report.sections, 1):
        parts.append(f'<section id="{_esc(s.id)}"><h2>{i}. {_esc(s.title)}</h2>')
        for b in s.blocks:
            if isinstance(b, Text):
                cls = {"finding": ' class="finding"', "note": ' class="note"'}.get(b.kind, "")
                parts.append(f"<p{cls}>{say(b.text)}</p>")
            elif isinstance(b, Table):
                parts.append(table_html(b, sheet=names.get(b.id), threshold=thr))
            elif isinstance(b, Chart):
                data = base64.b64encode(images[b.id]).decode("ascii")
                parts.append(f'<figure id="c-{_esc(b.id)}"><img class="chart" alt="{_esc(b.alt)}" '
                             f'src="data:image/png;base64,{data}"><figcaption>{_esc(b.title)} (charts/{_esc(b.id)}.png, '
                             f".svg)</figcaption></figure>")
        parts.append("</section>")
    parts.append(f"<footer>Made with surveykit {_esc(str(report.manifest.get('surveykit_version', '')))}. "
                 "Tables are in tables.xlsx and tables/*.csv, the report for Word in report.docx; inputs and "
                 "parameters in manifest.json.</footer>")
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
