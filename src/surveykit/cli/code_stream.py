"""``surveykit code``, streamed: answers are coded by a pool of workers and written as they come.

Nothing goes to stdout before every answer has been coded, and ``--out`` is written to a temporary
file renamed at the end, so a failed run leaves no output (as the in-memory command did). The rows
a view prints are kept on an anonymous temporary file (``io.spool``: it has no name and disappears
with the process) instead of in memory, because a text table's column widths, and JSON's leading
counts, are only known at the end. Every format gives the bytes ``emit`` gives for the whole table.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import typer

from surveykit.cli.common import MAX_CELL_WIDTH, OutputFormat, message
from surveykit.coding.rules import CODED_COLUMNS

# Column types of the coded frame: start and end are numbers (right-aligned in a text table).
_NUMERIC = tuple(c in ("start", "end") for c in CODED_COLUMNS)
_SEP = "\x00"  # between a row's cells in a spooled table (a cell never holds NUL: readers remove them)
_LAST = len(CODED_COLUMNS) - 1
_NUMBER_COLUMNS = frozenset(k for k, c in enumerate(CODED_COLUMNS) if c in ("start", "end"))
_REPEATING_COLUMNS = frozenset(k for k, c in enumerate(CODED_COLUMNS) if c in ("respondent_id", "question_id",
                                                                              "code_id", "coder"))


def _cell(value: Any, *, full: bool = False) -> str:
    """``cli.common._cell`` for the values of a coded row (text, whole numbers, None), without pandas."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if full or len(text) <= MAX_CELL_WIDTH else text[: MAX_CELL_WIDTH - 1] + "\u2026"


def _table_columns(rows: list[tuple]) -> list[list[str]]:
    """The cells of ``_cell`` (the last column in ``full``) column by column: the columns that repeat
    (ids, question, code, coder) once per distinct value, the numbers with ``str``, the evidence
    cell by cell."""
    columns = []
    for k, col in enumerate(zip(*rows)):
        if k in _NUMBER_COLUMNS:
            cells = ["" if v is None else (str(v) if v.__class__ is int else _cell(v)) for v in col]
        elif k in _REPEATING_COLUMNS:
            memo: dict = {}
            cells = []
            for v in col:
                c = memo.get(v) if v.__class__ is str else None
                if c is None:
                    c = _cell(v, full=(k == _LAST))
                    if v.__class__ is str:
                        memo[v] = c
                cells.append(c)
        else:
            full = k == _LAST
            cells = [_cell(v, full=full) if v else ("" if v is None or v == "" else _cell(v, full=full)) for v in col]
        columns.append(cells)
    return columns


def table_cells(rows: list[tuple]) -> tuple[str, list[int]]:
    """A chunk's rows as text-table cells, one line per row (cells joined by NUL), and the widest cell
    of each column (the cells of ``_cell``, the last column in ``full``)."""
    if not rows:
        return "", [0] * len(CODED_COLUMNS)
    columns = _table_columns(rows)
    widths = [max(map(len, cells)) for cells in columns]
    return "\n".join(map(_SEP.join, zip(*columns))), widths


def _row_format(widths: list[int]) -> Any:
    """``str.format`` of a text-table line: cells padded to ``widths`` (numbers right-aligned), two
    spaces apart (the caller strips the trailing blanks)."""
    return "  ".join(f"{{:{'>' if num else '<'}{w}}}" for num, w in zip(_NUMERIC, widths)).format


def table_lines(rows: list[tuple]) -> tuple[str, list[int]]:
    """A chunk's rows as text-table lines padded to the chunk's own widest cells (or column names),
    and those widths.
    Runs in the coding workers: when the chunk's widths are the table's (the common case), the
    lines are final and the command's last pass (``finish_table_lines``) copies them as they are."""
    if not rows:
        return "", [0] * len(CODED_COLUMNS)
    columns = _table_columns(rows)
    # At least the column names' widths: the table's header is in every table.
    widths = [max(len(name), *map(len, cells)) for name, cells in zip(CODED_COLUMNS, columns)]
    fmt = _row_format(widths)
    return "\n".join([fmt(*cells).rstrip() for cells in zip(*columns)]), widths


def finish_table_lines(text: str, widths: list[int], final: list[int]) -> str:
    """Lines of ``table_lines`` (padded to ``widths``) as padded to the table's ``final`` widths.

    The last column's width does not matter (its padding is always stripped). Otherwise each line is
    cut back into its cells at the chunk's column offsets: a cell never starts or ends with a blank
    (``_cell`` collapses them), so stripping a slice gives the cell back, and a missing one is empty."""
    if widths[:_LAST] == final[:_LAST]:
        return text
    offsets = []
    at = 0
    for w in widths[:_LAST]:
        offsets.append((at, at + w))
        at += w + 2
    fmt = _row_format(final)
    out = []
    for line in text.split("\n"):
        cells = [line[a:b].strip() for a, b in offsets]
        cells.append(line[at:].strip())
        out.append(fmt(*cells).rstrip())
    return "\n".join(out)


def json_records(rows: list[tuple]) -> str:
    """A chunk's rows as the records of ``frame_to_json`` inside its "rows" list (indented by 4)."""
    out = []
    for row in rows:
        rec = dict(zip(CODED_COLUMNS, row))
        out.append("    " + json.dumps(rec, indent=2, ensure_ascii=False).replace("\n", "\n    "))
    return ",\n".join(out)


def table_codebook(codebook: Path | None, inputs: Any) -> Any:
    """The codebook for answers of any CSV: the one given, else the one the instrument names."""
    from surveykit import api
    from surveykit.errors import UsageError

    if codebook is not None:
        return api.load_codebook(codebook)
    inst = api.load_instrument(inputs.instrument)
    if not inst.coding or inst.coding[0].path is None:
        raise UsageError("--codebook is required: the instrument names no codebook under 'coding:'")
    return api.load_codebook(inst.coding[0].path)


class Collector:
    """What the command keeps while chunks arrive: the running counts, the rows stdout will print
    (spooled), and the table's column widths. ``render``/``csv_rows`` say what each chunk must carry.
    ``out_csv``: the coded CSV will be in a file the printer may read back (no need to spool CSV)."""

    def __init__(self, *, view: Any, fmt: OutputFormat, groups: bool, out_csv: bool,
                 protect: int | None = 5) -> None:
        from surveykit.coding.stream import CodeCounts

        self.view, self.fmt, self.groups = view, fmt, groups
        self.protect = protect  # the disclosure threshold of the summary views; None: --no-suppress
        self.rows_view = view.value == "rows"
        self.render = None
        if self.rows_view and fmt is OutputFormat.table:
            self.render = table_lines
        elif self.rows_view and fmt is OutputFormat.json:
            self.render = json_records
        self.keep = self.rows_view and (fmt is not OutputFormat.csv or not out_csv)
        self.csv_rows = self.keep and fmt is OutputFormat.csv
        self.counts = CodeCounts(groups=groups)
        self.n_rows = 0
        self.widths = [len(c) for c in CODED_COLUMNS]
        self.spooled = None
        self.segments: list[tuple[int, list[int]]] = []  # table: (bytes, chunk widths) per chunk

    def __enter__(self) -> "Collector":
        from surveykit.coding.stream import csv_header
        from surveykit.io.spool import spool

        if self.keep:
            self.spooled = spool()
            if self.fmt is OutputFormat.csv:
                self.spooled.write(csv_header().encode("utf-8"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.spooled is not None:
            self.spooled.close()

    def add(self, chunk: Any) -> None:
        self.counts.merge(chunk.counts)
        if not chunk.rows:
            return
        if self.spooled is not None:
            if self.fmt is OutputFormat.csv:
                self.spooled.write(chunk.csv_text.encode("utf-8"))
            elif self.fmt is OutputFormat.table:
                text, w = chunk.rendered
                self.widths = [max(a, b) for a, b in zip(self.widths, w)]
                data = text.encode("utf-8", "surrogatepass") + b"\n"
                self.spooled.write(data)
                self.segments.append((len(data), w))
            else:
                self.spooled.write((b",\n" if self.n_rows else b"") + chunk.rendered.encode("utf-8", "surrogatepass"))
        self.n_rows += chunk.rows

    def finish(self, *, codebook: Any, question_id: str, sector_order: tuple, padjust: str, wrote: str | None,
               csv_file: Path | None) -> None:
        """The messages and the chosen view, as the in-memory command printed them. ``wrote``: the
        output's name for the 'wrote N coded rows to' line; ``csv_file``: the coded CSV to print back."""
        counts, view = self.counts, self.view
        summary = None
        if view.value in ("frequency", "cooccurrence") or (self.groups and view.value in ("sectors", "tests")):
            from surveykit.coding.stream import summary_from_counts

            summary = summary_from_counts(counts, codebook, sector_order=sector_order, padjust=padjust)
            if self.protect is not None:
                from surveykit.coding.published import protect_summary

                summary = protect_summary(summary, threshold=self.protect)
        if wrote is not None:
            message(f"wrote {self.n_rows} coded rows to {wrote}")
        from surveykit.coding.published import published_answers, published_coded_counts

        n_answers, n_blank = published_answers(counts.answers, counts.blank, self.protect)
        n_coded, n_uncoded, shown = published_coded_counts(counts.n_coded, [r for r, _ in counts.uncoded],
                                                           self.protect)
        message(f"{question_id}: {n_answers} answers ({n_blank} blank skipped); "
                f"{n_coded} with at least one code, {n_uncoded} uncoded" + (f" ({shown})" if shown else ""))
        meta = {"question_id": question_id, "codebook": codebook.id, "codebook_version": codebook.version,
                "n_answers": n_answers, "n_coded": n_coded, "n_uncoded": n_uncoded}
        if self.rows_view:
            _print_rows(self.spooled, csv_file, self.fmt, question_id, meta, self.n_rows, self.widths,
                        self.segments)
        else:
            _print_view(view, self.fmt, summary, counts, question_id, padjust, self.groups, meta)


def run_streamed(*, answers: Any, codebook: Any, question_id: str, groups: bool, sector_order: tuple,
                 view: Any, fmt: OutputFormat, out: Path | None, padjust: str, redact: bool, workers: int | None,
                 chunk_size: int | None = None, protect: int | None = 5, force: bool = False,
                 input_bytes: int | None = None) -> None:
    """Code ``answers`` (an iterable of (respondent_id, text, group)) and print what ``view`` asks, as the
    in-memory command did. ``NotStreamable`` from the answers propagates before anything is written.
    ``input_bytes``: the size of the file read a block at a time (``coding.stream.code_stream``)."""
    from surveykit.coding.stream import DEFAULT_CHUNK, code_stream, csv_header
    from surveykit.io.owned_files import owned_writer

    with Collector(view=view, fmt=fmt, groups=groups, out_csv=out is not None, protect=protect) as collector:
        with (owned_writer(out, force=force) if out is not None else nullcontext(None)) as out_fh:
            if out_fh is not None:
                out_fh.write(csv_header().encode("utf-8"))
            chunks = code_stream(answers, codebook=codebook, question_id=question_id, groups=groups, redact=redact,
                                 csv_rows=out_fh is not None or collector.csv_rows, render=collector.render,
                                 workers=workers, chunk_size=chunk_size or DEFAULT_CHUNK, input_bytes=input_bytes)
            for chunk in chunks:
                collector.add(chunk)
                if out_fh is not None and chunk.rows:
                    out_fh.write(chunk.csv_text.encode("utf-8"))
        collector.finish(codebook=codebook, question_id=question_id, sector_order=sector_order, padjust=padjust,
                         wrote=None if out is None else str(out), csv_file=out)


def _print_rows(spooled: Any, out: Path | None, fmt: OutputFormat, question_id: str, meta: dict, n_rows: int,
                widths: list[int], segments: list[tuple[int, list[int]]]) -> None:
    from surveykit.io.spool import file_text_blocks, text_blocks

    if fmt is OutputFormat.csv:
        if spooled is not None:
            spooled.seek(0)
        for block in (file_text_blocks(out) if spooled is None else text_blocks(spooled)):
            sys.stdout.write(block)
        return
    spooled.seek(0)
    if fmt is OutputFormat.json:
        if not n_rows:
            typer.echo(json.dumps({**meta, "rows": []}, indent=2, ensure_ascii=False))
            return
        whole = json.dumps({**meta, "rows": [0]}, indent=2, ensure_ascii=False)
        typer.echo(whole[: whole.rindex('"rows": [\n') + len('"rows": [\n')], nl=False)
        for block in text_blocks(spooled):
            typer.echo(block, nl=False)
        typer.echo("\n  ]\n}")
        return
    line = "  ".join(f"{{:{'>' if num else '<'}{w}}}" for num, w in zip(_NUMERIC, widths))
    typer.echo(f"Codes for {question_id}\n" + line.format(*CODED_COLUMNS).rstrip(), nl=not n_rows)
    if not n_rows:
        typer.echo("(no rows)")
        return
    typer.echo("", nl=True)
    for size, chunk_widths in segments:
        text = spooled.read(size).decode("utf-8", "surrogatepass")
        typer.echo(finish_table_lines(text, chunk_widths, widths), nl=False)


def _print_view(view: Any, fmt: OutputFormat, summary: Any, counts: Any, question_id: str, padjust: str,
                groups: bool, meta: dict) -> None:
    from surveykit.cli.common import emit
    from surveykit.errors import UsageError

    if view.value == "frequency":
        emit(summary.frequency, fmt, title=f"Codes and themes in {question_id} (% of {meta['n_answers']} answers)",
             meta=meta)
    elif view.value in ("sectors", "tests"):
        if not groups:
            raise UsageError(f"--view {view.value} needs sectors: use a survey export, or --sector-column")
        if view.value == "sectors":
            emit(summary.sectors, fmt, title=f"Codes by sector in {question_id} (% of answers in the sector)", meta=meta)
        else:
            emit(summary.tests, fmt, title=f"Codes across sectors: one test per code ({padjust}-adjusted)",
                 footer="Cram\u00e9r's V as effect size; sectors with no answers are left out; unknown sector excluded.",
                 meta=meta)
    elif view.value == "cooccurrence":
        emit(summary.cooccurrence, fmt, title=f"Codes found together in {question_id}", meta=meta)
    else:
        import pandas as pd

        frame = pd.DataFrame({"respondent_id": [r for r, _ in counts.uncoded]}, dtype="string")
        if groups:
            frame["sector"] = [g for _, g in counts.uncoded]
        emit(frame, fmt, title=f"Uncoded answers in {question_id}", meta=meta)
