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
from typing import Callable, Iterator, Mapping

from surveykit.charts.palette import PaletteSpec, check_palette
from surveykit.io.atomic import write_bytes, write_text
from surveykit.report.chart_server import chart_bytes, chart_drawn, chart_pending
from surveykit.report.figures import draw
from surveykit.report.model import Report
from surveykit.report.writers.cells import table_csv

STEPS = ("tables", "docx", "html", "markdown", "charts", "workbook", "manifest")
#: The top-level names a report writes (older reports without a marker hold only these).
REPORT_NAMES = frozenset({"charts", "tables", "tables.xlsx", "report.md", "report.html", "report.docx",
                          "manifest.json"})


def manifest_json(report: Report, files: dict[str, str]) -> str:
    payload = dict(report.manifest)
    payload["generated_at"] = generated_at()
    payload["files"] = dict(sorted(files.items()))
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"


def generated_at() -> str:
    """When the report was written (UTC, to the second): now, or the time SOURCE_DATE_EPOCH gives (the
    reproducible-builds convention), so that two runs can give byte-identical folders, manifest included."""
    import datetime as dt

    from surveykit.validation import source_date_epoch

    epoch = source_date_epoch()
    if epoch is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).isoformat()


def write_report(report: Report, out: str | Path, *, on_step: Callable[[str], None] | None = None,
                 palette: PaletteSpec = None, force: bool = False, parallel: bool = True) -> Path:
    """Write the report folder at ``out`` (atomically: all or nothing). Returns the folder path.

    Files: report.html, report.md, report.docx, tables.xlsx, tables/<id>.csv, charts/<id>.png and
    .svg, manifest.json. ``palette``: the accents of the HTML, workbook and Word file (charts carry
    their own colours, chosen when they were drawn). ``force``: write into a folder surveykit did not
    create (its files are kept; see ``surveykit.io.folder``). ``parallel``: make the SVG charts and the
    workbook in a forked child process meanwhile (Linux; the bytes are the same either way)."""
    from surveykit.io.folder import owned_folder
    from surveykit.io.folder_state import manifest_listed_files

    from surveykit.report.forked import Forked
    from surveykit.report.writers import docx, html, markdown, xlsx
    from surveykit.validation import source_date_epoch

    check_palette(palette)
    source_date_epoch()  # an invalid one is refused before anything is drawn
    report.check_ids()
    step = on_step or (lambda name: None)
    with owned_folder(out, kind="report", force=force, legacy=manifest_listed_files, legacy_names=REPORT_NAMES,
                      volatile=frozenset({"manifest.json"})) as tmp:
        # The workbook and the SVG charts not being drawn ahead are needed by no other file: a forked
        # child makes them while this process writes the rest (same bytes either way: see
        # report.forked). It is forked first, before this process waits for any chart, and it never
        # reads a drawing-ahead pipe (it draws only charts that have none).
        todo = [chart for chart in report.charts if not chart_pending(chart, "svg")]
        _import_shared()

        def side_work() -> tuple[dict[str, bytes], bytes]:
            return ({chart.id: draw(chart.figure, "svg") for chart in todo},
                    xlsx.workbook_bytes(report, palette=palette))

        # Each file is written (atomically, with its fsync) by a thread while this process makes the
        # next one: the disk waits overlap the work. The files that need no chart come first, then the
        # Word and HTML files, which take each chart's PNG only where they show it (``_Images``), so
        # they are mostly built while the last charts are still being drawn; the Markdown file, which
        # has little to do between one chart's alternative text and the next, comes after them (first,
        # it only waited for the charts). The child is asked for its result last: it yields the cores
        # to the chart drawing (nice).
        with Forked(side_work, fork=parallel, nice=5) as side, _Writer(tmp) as put:
            step("tables")
            for table in report.tables:
                put(f"tables/{table.id}.csv", table_csv(table).encode("utf-8"))
            images = _Images(report)
            step("docx")
            put("report.docx", docx.document_bytes(report, images, palette=palette))
            step("html")
            put("report.html", html.report_html(report, images, palette=palette).encode("utf-8"))
            step("markdown")
            put("report.md", markdown.report_markdown(report).encode("utf-8"))
            step("charts")
            svgs: dict[str, bytes] = {}
            for chart in report.charts:
                put(f"charts/{chart.id}.png", images[chart.id])
                svg = chart_drawn(chart, "svg")  # drawn ahead (chart_server.draw_charts_ahead) or None
                if svg is not None:
                    svgs[chart.id] = svg
            step("workbook")
            more_svgs, workbook = side.result()
            svgs.update(more_svgs)
            for chart in report.charts:  # one the chart process could not draw is drawn here
                put(f"charts/{chart.id}.svg", svgs[chart.id] if chart.id in svgs else chart_bytes(chart, "svg"))
            put("tables.xlsx", workbook)
        step("manifest")
        write_text(tmp / "manifest.json", manifest_json(report, put.files))
    return Path(out)


class _Images(Mapping[str, bytes]):
    """Chart id -> PNG bytes, each taken (drawn ahead, waiting for it, or drawn now) when first
    asked for, then kept: the writers ask in the report's order."""

    def __init__(self, report: Report) -> None:
        self._charts = {chart.id: chart for chart in report.charts}
        self._png: dict[str, bytes] = {}

    def __getitem__(self, chart_id: str) -> bytes:
        if chart_id not in self._png:
            self._png[chart_id] = chart_bytes(self._charts[chart_id], "png")
        return self._png[chart_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._charts)

    def __len__(self) -> int:
        return len(self._charts)


def _import_shared() -> None:
    """lxml, which both the Word writer (here) and the workbook (in the child) use: imported once,
    before the fork, instead of once in each process."""
    try:
        import lxml.etree  # noqa: F401
    except ImportError:  # both writers work without it
        pass


class _Writer:
    """``put(rel, data)``: write ``root/rel`` atomically in a background thread (the thread waits for
    the disk, this process goes on). Leaving the block waits for every file and raises the first
    failure, as writing them one by one would have; ``files``: rel -> sha256 of what was put."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, str] = {}
        self._pending: list = []
        self._pool = None

    def __enter__(self) -> "_Writer":
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="surveykit-write")
        return self

    def __call__(self, rel: str, data: bytes) -> None:
        import hashlib

        self.files[rel] = hashlib.sha256(data).hexdigest()
        self._pending.append(self._pool.submit(write_bytes, self.root / rel, data))

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        self._pool.shutdown(wait=True)
        if exc_type is None:
            for job in self._pending:
                job.result()
