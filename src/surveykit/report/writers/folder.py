"""The report folder: every format written through ``surveykit.io.folder.owned_folder``.

The folder is built in a temporary sibling and swapped into place only when every file has been
written, so a failure never leaves a half report nor clobbers a previous one. It carries
``.surveykit-report.json``, the list of files surveykit wrote: a rerun replaces only those and keeps
every other file; a folder surveykit did not write is refused unless ``force``. The folder logic
(what is written where) is this one function, ``write_report``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from surveykit.charts.palette import PaletteSpec, check_palette
from surveykit.io.atomic import write_bytes, write_text
from surveykit.report.figures import collect_ahead, drawn, figure_bytes
from surveykit.report.model import Report
from surveykit.report.writers.cells import table_csv

STEPS = ("charts", "tables", "markdown", "html", "docx", "workbook", "manifest")
#: The top-level names a report writes (older reports without a marker hold only these).
REPORT_NAMES = frozenset({"charts", "tables", "tables.xlsx", "report.md", "report.html", "report.docx",
                          "manifest.json"})


def manifest_json(report: Report, files: dict[str, str]) -> str:
    import datetime as dt

    payload = dict(report.manifest)
    payload["generated_at"] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    payload["files"] = dict(sorted(files.items()))
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"


def write_report(report: Report, out: str | Path, *, on_step: Callable[[str], None] | None = None,
                 palette: PaletteSpec = None, force: bool = False, parallel: bool = True) -> Path:
    """Write the report folder at ``out`` (atomically: all or nothing). Returns the folder path.

    Files: report.html, report.md, report.docx, tables.xlsx, tables/<id>.csv, charts/<id>.png and
    .svg, manifest.json. ``palette``: the accents of the HTML, workbook and Word file (charts carry
    their own colours, chosen when they were drawn). ``force``: write into a folder surveykit did not
    create (its files are kept; see ``surveykit.io.folder``). ``parallel``: make the SVG charts and the
    workbook in a forked child process meanwhile (Linux; the bytes are the same either way)."""
    import hashlib

    from surveykit.io.folder import manifest_listed_files, owned_folder

    from surveykit.report.forked import Forked
    from surveykit.report.writers import docx, html, markdown, xlsx

    check_palette(palette)
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
        svgs: dict[str, bytes] = {}
        for chart in report.charts:
            png = figure_bytes(chart.figure, "png")
            images[chart.id] = png
            put(tmp, f"charts/{chart.id}.png", png)
            svg = drawn(chart.figure, "svg")  # drawn ahead (report.figures.draw_ahead) or None
            if svg is not None:
                svgs[chart.id] = svg
        collect_ahead()  # no pipe of an earlier child may be left for the next one to inherit
        todo = [chart for chart in report.charts if chart.id not in svgs]

        def side_work() -> tuple[dict[str, bytes], bytes]:
            # The SVG charts not drawn yet and the workbook are needed by no other file: a forked child
            # makes them while this process writes the rest (same bytes either way: see report.forked).
            return ({chart.id: figure_bytes(chart.figure, "svg") for chart in todo},
                    xlsx.workbook_bytes(report, palette=palette))

        with Forked(side_work, fork=parallel) as side:
            step("tables")
            for table in report.tables:
                put(tmp, f"tables/{table.id}.csv", table_csv(table).encode("utf-8"))
            step("markdown")
            put(tmp, "report.md", markdown.report_markdown(report).encode("utf-8"))
            step("html")
            put(tmp, "report.html", html.report_html(report, images, palette=palette).encode("utf-8"))
            step("docx")
            put(tmp, "report.docx", docx.document_bytes(report, images, palette=palette))
            step("workbook")
            more_svgs, workbook = side.result()
        svgs.update(more_svgs)
        for chart in report.charts:
            put(tmp, f"charts/{chart.id}.svg", svgs[chart.id])
        put(tmp, "tables.xlsx", workbook)
        step("manifest")
        write_text(tmp / "manifest.json", manifest_json(report, files))
    return Path(out)
