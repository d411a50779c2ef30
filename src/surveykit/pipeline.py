"""From file paths to a written report: what ``surveykit report`` runs.

Every input path (and ``--out``) is checked before anything is read or any analysis runs, so a bad
path is one clear line and nothing is written. Then the files are read through ``surveykit.io``
(``surveykit.read`` and friends) and the report is built from the loaded data
(``surveykit.report``) and written (``Report.write``).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from surveykit.errors import InputError

if TYPE_CHECKING:
    from surveykit.api import Report
    from surveykit.clean import Responses


def load_responses(path: str | Path, *, platform: str | None = None, encoding: str | None = None,
                   mapping: str | Path | None = None, instrument: str | Path | None = None,
                   qsf: str | Path | None = None, check_fit: bool = True) -> "Responses":
    """Read an export and prepare it against the instrument: ``surveykit.read``."""
    from surveykit.api import read

    return read(path, platform=platform, encoding=encoding, mapping=mapping, instrument=instrument, qsf=qsf,
                check_fit=check_fit)


def check_file(path: Path | None, option: str) -> None:
    """An input must be an existing, readable, non-empty file; the message names the option."""
    if path is None:
        return
    from surveykit.io.files import input_problem

    p = Path(path)
    if p.is_dir():
        raise InputError(f"{option}: is a folder, expected a file", path=p)
    problem = input_problem(p)  # missing, a link loop, a pipe, a device, a socket
    if problem:
        raise InputError(f"{option}: {problem}", path=p)
    if not os.access(p, os.R_OK):
        raise InputError(f"{option}: file is not readable", path=p)
    if p.stat().st_size == 0:
        raise InputError(f"{option}: file is empty", path=p)


def check_out(out: Path, *, force: bool = False) -> None:
    """``--out`` may be a new or empty folder or a previous report (``surveykit.io.folder``); never a file,
    and some other folder only with ``force`` (whose files are then kept)."""
    from surveykit.io.folder_state import check_output_folder, manifest_listed_files
    from surveykit.report.writers import REPORT_NAMES

    check_output_folder(out, kind="report", force=force, legacy=manifest_listed_files, legacy_names=REPORT_NAMES,
                        expected=REPORT_NAMES)


def build_report(survey: str | Path | None, *, rankings: str | Path | None = None, codebook: str | Path | None = None,
                 out: str | Path | None = None, suppress: bool = True, threshold: int | None = None,
                 alpha: float = 0.05, platform: str | None = None, encoding: str | None = None,
                 mapping: str | Path | None = None, instrument: str | Path | None = None,
                 qsf: str | Path | None = None, coded: Sequence[str | Path] = (), by: str | None = None,
                 foi: Sequence[str | Path] = (), foi_reference_rate: str | None = None,
                 on_step: "Callable[[str], None] | None" = None, force: bool = False) -> "Report":
    """Read every input, build the whole report and, when ``out`` is given, write it there (atomically).

    ``rankings`` None leaves the youth analyses out. ``codebook`` replaces the codebook of every coded
    field. ``coded``: other coders' coded files of the first quoted coded field (see ``surveykit
    agree``). ``suppress`` False (internal use only) publishes small counts and unredacted quotes.
    ``force`` writes into an ``out`` folder surveykit did not create (its files are kept; ``io.folder``).
    ``survey`` None with ``foi``: a report of the FOI returns alone (``api.report``; ``encoding`` is then
    the returns' own)."""
    with fewer_collections():
        return _build_report(survey, rankings=rankings, codebook=codebook, out=out, suppress=suppress,
                             threshold=threshold, alpha=alpha, platform=platform, encoding=encoding, mapping=mapping,
                             instrument=instrument, qsf=qsf, coded=coded, by=by, foi=foi,
                             foi_reference_rate=foi_reference_rate, on_step=on_step, force=force)


@contextmanager
def python_strings() -> Iterator[None]:
    """Within the block, pandas stores ``str`` columns as Python strings, where pyarrow would otherwise
    hold them (pandas 3 picks pyarrow when it is installed); the option is put back after.
    ``surveykit report`` runs inside it: its tables are small, and pyarrow's cost per operation
    outweighs its speed per value there (the sample's build took 0.25-0.4 s more CPU with pyarrow
    strings), while a report on 30,000 respondents takes as long either way. The values, and so every
    file of the report, are the same; this is the storage the default install (no pyarrow) always
    uses. A process-wide pandas option: the library never sets it."""
    import pandas as pd

    try:
        previous = pd.get_option("mode.string_storage")
        pd.set_option("mode.string_storage", "python")
    except (KeyError, ValueError):  # a pandas without the option (or the value): its own default
        yield
        return
    try:
        yield
    finally:
        pd.set_option("mode.string_storage", previous)


def leave_out_pyarrow(paths: Iterable[str | Path | None]) -> bool:
    """Keep pyarrow out of this process, as in the default install, when every input file is smaller
    than the size from which the CSV reader parses with Arrow (``io.fastcsv.FAST_PARSE_BYTES``, 1 MB).
    Returns whether it did.

    pandas 3 imports pyarrow and ``pyarrow.compute`` with itself wherever pyarrow is installed: about
    0.08 s at the start of ``surveykit report``, while only one core works. A report on small files
    uses nothing of it: they are read with Python's csv module and its text is kept in Python strings
    (``python_strings``), so every file is the same either way. Only before pandas or pyarrow is
    imported; for the ``surveykit`` program (``cli.PROGRAM``), never for a script using the library."""
    import sys

    from surveykit.io.fastcsv import FAST_PARSE_BYTES

    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return False
    for path in paths:
        if path is None:
            continue
        try:
            if os.stat(path).st_size >= FAST_PARSE_BYTES:
                return False
        except OSError:  # not there (yet): the reader says so, with the option's name
            continue
    sys.modules["pyarrow"] = None  # type: ignore[assignment]  # ``import pyarrow`` now raises ImportError
    return True


def start_chart_process() -> None:
    """Fork the report's chart process (``report.chart_server``) now, pandas imported first so that it
    shares it (reading needs pandas too). ``surveykit report`` calls this before anything else: up to
    then only one core works (the interpreter, the command line, pandas), and from here the chart
    process imports matplotlib while this one loads the instrument and reads the inputs.
    ``build_report`` with a folder to write starts one itself when none is running, and stops it."""
    import pandas  # noqa: F401

    from surveykit.report import chart_server

    chart_server.start()


def stop_chart_process() -> None:
    """Stop the chart process ``start_chart_process`` started, if it still runs (a run that failed
    before ``build_report`` took it over; ``build_report`` ends it itself)."""
    from surveykit.report import chart_server

    chart_server.stop()


#: The garbage collector's first threshold while a report runs (Python's default: 700).
REPORT_GC_THRESHOLD = 10_000


class fewer_collections:
    """While a report is read, built and written, collect the youngest generation every 10,000 new
    objects instead of every 700: the imports, the tables and the figures create millions of objects
    that live on, and each collection walks the young ones again (about 0.2 s of the report
    process's CPU went to about 600 collections). Garbage is still collected, a little later; the
    thresholds are put back afterwards (a process that builds a report in between, such as a test,
    keeps its own). Forked children inherit the setting."""

    def __enter__(self) -> None:
        import gc

        self._old = gc.get_threshold()
        gc.set_threshold(max(self._old[0], REPORT_GC_THRESHOLD), *self._old[1:])

    def __exit__(self, *exc: object) -> None:
        import gc

        gc.set_threshold(*self._old)


def _check_foi_alone(*, foi: Sequence[str | Path], **survey_options: Any) -> None:
    """A report without a survey is one of FOI returns alone: the options that read or analyse a survey
    have nothing to apply to, and are refused by name rather than ignored."""
    from surveykit.errors import UsageError

    if not foi:
        raise UsageError("report: give a survey export (--survey), FOI returns (--foi), or both")
    given = [f"--{name}" for name, value in survey_options.items() if value]
    if given:
        raise UsageError(f"{' and '.join(given)} without --survey: a report of FOI returns alone has no survey for "
                         f"{'it' if len(given) == 1 else 'them'}; give the survey export (--survey FILE)")


def _build_report(survey: str | Path | None, *, rankings: str | Path | None, codebook: str | Path | None,
                  out: str | Path | None, suppress: bool, threshold: int | None, alpha: float,
                  platform: str | None, encoding: str | None, mapping: str | Path | None,
                  instrument: str | Path | None, qsf: str | Path | None, coded: Sequence[str | Path],
                  by: str | None, foi: Sequence[str | Path], foi_reference_rate: str | None,
                  on_step: "Callable[[str], None] | None", force: bool) -> "Report":
    from surveykit import api
    from surveykit.validation import DEFAULT_THRESHOLD, check_alpha, check_threshold, source_date_epoch

    threshold = check_threshold(DEFAULT_THRESHOLD if threshold is None else threshold, parameter="--threshold")
    check_alpha(alpha, parameter="--alpha")
    source_date_epoch()  # the report's time of writing, when set: an invalid one is refused before any work
    if survey is None:
        _check_foi_alone(foi=foi, rankings=rankings, coded=coded, codebook=codebook, by=by, mapping=mapping,
                         instrument=instrument, qsf=qsf, platform=platform)
    for p, option in ((survey, "--survey"), (rankings, "--rankings"), (codebook, "--codebook"),
                      (mapping, "--mapping"), (instrument, "--instrument"), (qsf, "--qsf"),
                      *((c, "--coded") for c in coded), *((f, "--foi") for f in foi)):
        check_file(Path(p) if p is not None else None, option)
    if out is not None:
        check_out(Path(out), force=force)
    step = on_step or (lambda name: None)
    import pandas as pd

    from surveykit.blas import one_blas_thread
    from surveykit.report import chart_server
    from surveykit.report.figures import discard_ahead

    # With a folder to write, the charts are made and drawn by a forked chart process, started now (or
    # earlier, by ``surveykit report``: start_chart_process) so that it imports matplotlib while this
    # process reads the inputs (report.chart_server).
    if out is not None and chart_server.current() is None:
        start_chart_process()
    # Text columns in pandas' own string arrays, not Arrow's (which pandas 3 picks where pyarrow is
    # installed, as with the dask extra): a report makes thousands of small tables, where an Arrow array
    # costs more per operation; the numbers and files are the same, the report about 0.2 s (sample) to
    # 0.3 s (30,000 respondents) of CPU cheaper and smaller. For this run only, like the BLAS threads:
    # one BLAS thread in this process and its forked children, as the report's matrices are small (the
    # disclosure checks' SVDs, the tests' tables) and a second BLAS thread only spins waiting for work,
    # on the core the forked children need.
    try:
        with pd.option_context("mode.string_storage", "python"), one_blas_thread():
            step("inputs")
            if survey is None:  # the FOI returns alone; api.report refuses what needs a survey
                report = api.report(None, rankings=rankings, coded=list(coded), codebooks=codebook, by=by,
                                    suppress=suppress, threshold=threshold,
                                    foi=api.read_foi(list(foi), encoding=encoding) if foi else None,
                                    foi_reference_rate=foi_reference_rate, on_step=step, parallel=out is not None)
                if out is not None:
                    report.write(out, on_step=step, force=force)
                    chart_server.finish()
                return report
            inst = api.load_instrument(instrument)
            responses = api.read(survey, instrument=inst, mapping=mapping, platform=platform, encoding=encoding,
                                 qsf=qsf)
            measures = inst.youth.path if inst.youth is not None else None
            ranks = (api.read_rankings(rankings, measures=measures, encoding=None) if rankings is not None
                     else None)
            codebooks = None
            if codebook is not None:
                from surveykit.report.plan import report_plan

                book = api.load_codebook(codebook)
                plan = report_plan(inst, has_rankings=ranks is not None)
                codebooks = {q: book for s in plan.sections for part in s.parts if "code" in part.analyses
                             for q in part.questions}
            returns = api.read_foi(list(foi)) if foi else None
            # With a folder to write, the coding and the charts run in forked children beside the analyses.
            report = api.report(responses, rankings=ranks, coded=list(coded), codebooks=codebooks, by=by,
                                suppress=suppress, threshold=threshold, alpha=alpha, foi=returns,
                                foi_reference_rate=foi_reference_rate, on_step=step, parallel=out is not None)
            if out is not None:
                report.write(out, on_step=step, force=force)
                chart_server.finish()  # every chart is in: the chart process ends by itself
    finally:
        chart_server.stop()
        discard_ahead()
    return report
