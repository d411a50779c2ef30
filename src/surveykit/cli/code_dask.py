"""``surveykit code INPUT... --engine dask``: the answers of many files coded on a Dask cluster.

Reading, coding and (with ``--out DIR``) writing happen on the workers, one file per partition; the
command prints what the local engine prints for the same answers (``cli.code_stream.Collector``).
Without ``--scheduler`` a ``LocalCluster`` of ``--workers`` processes (2 by default) is started and
stopped with the command. docs/scaling.md shows how to use a cluster on Slurm or Kubernetes.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any

from surveykit.cli.common import OutputFormat

DEFAULT_LOCAL_WORKERS = 2


def run_dask(files: list[Path], *, text_column: str, id_column: str, sector_column: str | None, question: str | None,
             codebook: Path | None, inputs: Any, view: Any, fmt: OutputFormat, out: Path | None, padjust: str,
             redact: bool, workers: int | None, scheduler: str | None, protect: int | None = 5,
             force: bool = False) -> None:
    from surveykit.cli.code_stream import Collector, table_codebook
    from surveykit.coding.distributed import dask_chunks
    from surveykit.io.dask_files import expand_inputs, read_answers_frame, require_dask
    from surveykit.io.folder import owned_folder

    require_dask()
    paths = expand_inputs(files)
    for p in paths:
        if out is not None and out.exists() and not out.is_dir() and p.resolve() == out.resolve():
            from surveykit.errors import UsageError

            raise UsageError("--out is an input file; name a folder for the partitioned output")
    cb = table_codebook(codebook, inputs)
    wanted = [("--id-column", id_column), ("--text-column", text_column)]
    if sector_column:
        wanted.append(("--sector-column", sector_column))
    frame = read_answers_frame(paths, wanted=wanted)
    question_id = question or text_column
    groups = sector_column is not None
    with _client(scheduler, workers) as client:
        with Collector(view=view, fmt=fmt, groups=groups, out_csv=False, protect=protect) as collector:
            with (owned_folder(out, kind="coded-parts", force=force) if out is not None else nullcontext(None)) as staging:
                chunks = dask_chunks(frame, paths, client=client, codebook=cb, question_id=question_id,
                                     id_column=id_column, text_column=text_column, group_column=sector_column,
                                     redact=redact, csv_rows=collector.csv_rows, render=collector.render,
                                     part_dir=staging)
                for chunk in chunks:
                    collector.add(chunk)
                if staging is not None:
                    from surveykit.coding.stream import summary_from_counts
                    from surveykit.io.atomic import write_text
                    from surveykit.io.cells import frame_csv

                    summary = summary_from_counts(collector.counts, cb, padjust=padjust)
                    frequency = summary.frequency
                    if protect is not None:  # the summary file is published like the views
                        from surveykit.coding.published import protect_frequency

                        frequency = protect_frequency(frequency, threshold=protect)
                    write_text(Path(staging) / "frequency.csv", frame_csv(frequency))
            wrote = None if out is None else f"{out} ({len(paths)} part file(s) and frequency.csv)"
            collector.finish(codebook=cb, question_id=question_id, sector_order=(), padjust=padjust, wrote=wrote,
                             csv_file=None)


def _client(scheduler: str | None, workers: int | None):
    """A Dask client: of the scheduler at ``scheduler``, or of a new local cluster (closed on exit)."""
    import contextlib
    import logging

    from distributed import Client, LocalCluster

    from surveykit.errors import UsageError

    # Dask's own log lines (task reprs, tracebacks) stay off stderr: the command prints one line.
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    @contextlib.contextmanager
    def connect():
        if scheduler is not None:
            try:
                client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise UsageError(f"--scheduler {scheduler!r}: cannot connect ({type(exc).__name__})") from None
            with client:
                yield client
            return
        n = workers or DEFAULT_LOCAL_WORKERS
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
            yield client

    return connect()
