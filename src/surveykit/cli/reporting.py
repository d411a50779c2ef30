"""report: the whole study in one command, written as files people can open."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.common import (handle_errors, message, InputOptions, NO_INPUT_OPTIONS, input_options)


@app.command()
@handle_errors
@input_options
def report(
    survey: Optional[Path] = typer.Option(None, "--survey", "-s",
                                          help="The survey export (default: the shipped sample study; needed with "
                                               "--rankings, --coded, --codebook and the options that say how to "
                                               "read it; with --foi alone the report is of the returns alone)."),
    rankings: Optional[Path] = typer.Option(None, "--rankings", "-r",
                                            help="Youth ranking file (default with the sample: its youth_ranking.csv; "
                                                 "without it the youth sections are left out)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", "-c",
                                            help="A codebook for every coded free-text field (default: the codebooks "
                                                 "the instrument names under 'coding:')."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Report folder (default: reports/sample; "
                                       "reports/foi for --foi alone). A rerun replaces the files surveykit wrote "
                                       "there and keeps any others."),
    force: bool = typer.Option(False, "--force", help="Write into a folder surveykit did not create, or whose report "
                                                       "files were edited since: the edited report files are "
                                                       "replaced, every other file is kept (a file of someone "
                                                       "else's in the way of a report file is still refused)."),
    by: Optional[str] = typer.Option(None, "--by", help="The grouping compared (default: the instrument's)."),
    coded: Optional[List[Path]] = typer.Option(None, "--coded",
                                               help="Another coder's coded file of the first quoted coded field "
                                                    "(repeatable): the methods report the agreement between the rules "
                                                    "and the coders (as 'surveykit agree')."),
    foi: Optional[List[Path]] = typer.Option(None, "--foi",
                                             help="Local authority FOI returns (CSV/XLSX, repeatable): adds a section "
                                                  "'What local authorities told us' ahead of the survey's; without "
                                                  "--survey, a report of the returns alone (default folder "
                                                  "reports/foi)."),
    reference_rate: Optional[str] = typer.Option(None, "--reference-rate",
                                                 help="With --foi: a reference rate for the rate ratio, e.g. "
                                                      "6110/99230 (looked-after children overall)."),
    threshold: Optional[int] = typer.Option(None, "--threshold",
                                            help="Disclosure control: counts below this are suppressed (default 5)."),
    no_suppress: bool = typer.Option(False, "--no-suppress",
                                     help="INTERNAL USE ONLY: publish small counts and unredacted quotes."),
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Run the whole study and write report.html, report.md, report.docx, tables.xlsx, tables/*.csv, charts/ and manifest.json.

    The sections follow the instrument's report plan, or, without one, a plan made from the question
    types. With no options it reports on the shipped sample study and writes reports/sample/ (relative
    to the working directory, like every path you give). --foi without --survey reports on the FOI
    returns alone (--encoding is then theirs); --rankings, --coded, --codebook, --instrument, --mapping,
    --qsf, --platform and --encoding otherwise need the survey they go with (--survey). The folder is
    written atomically: a failed
    run leaves any previous report untouched. The folder carries .surveykit-report.json, the list of
    files surveykit wrote: a rerun replaces only those and keeps any others, and a non-empty folder
    without it is refused unless --force.

    Example:  surveykit report --survey export.csv --instrument my_survey.yaml --foi returns.xlsx --out reports/2026
    """
    import os
    import sys

    _refuse_own_data_beside_the_sample(survey=survey, rankings=rankings, coded=coded, foi=foi, codebook=codebook,
                                       inputs=inputs)
    # One BLAS thread (unless the user set the number): the report's parallelism is its forked
    # processes (surveykit.pipeline), and OpenBLAS reads this when numpy loads, which is still to come
    # in a new process, so its second thread is never started. (Where numpy is loaded already, the
    # pipeline limits the threads for the run instead.)
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from surveykit import cli
    from surveykit.pipeline import leave_out_pyarrow, python_strings, start_chart_process, stop_chart_process

    if cli.PROGRAM:
        leave_out_pyarrow([survey, rankings, *(coded or ()), *(foi or ()), inputs.instrument, inputs.mapping,
                           inputs.qsf])
    with python_strings():
        start_chart_process()  # first: it imports matplotlib on the other core while this process goes on
        try:
            _report(survey=survey, rankings=rankings, codebook=codebook, out=out, no_suppress=no_suppress,
                    threshold=threshold, by=by, coded=coded, foi=foi, reference_rate=reference_rate, force=force,
                    inputs=inputs)
        finally:
            stop_chart_process()


def _refuse_own_data_beside_the_sample(*, survey, rankings, coded, foi, codebook, inputs) -> None:
    """Without --survey (and without --foi) the report is the shipped sample study's. A user's own
    rankings, coded files, codebook or instrument (or how to read their export) given without their
    survey would be applied to the sample's made-up answers, in a report that looks like theirs:
    refused, naming what is missing. With --foi and no --survey the report is of the FOI returns alone
    (``pipeline`` refuses what only a survey uses)."""
    from surveykit.errors import UsageError

    if survey is not None or foi:
        return
    given = [option for option, value in (("--rankings", rankings), ("--coded", coded), ("--codebook", codebook),
                                          *((f"--{name}", value) for name, value in inputs.kwargs().items()))
             if value]
    if given:
        raise UsageError(f"{' and '.join(given)} without --survey: the report would apply "
                         f"{'it' if len(given) == 1 else 'them'} to the shipped sample study's made-up answers. "
                         "Give the survey export they go with (--survey FILE)")


def _report(*, survey, rankings, codebook, out, no_suppress, threshold, by, coded, foi, reference_rate, force,
            inputs) -> None:
    from surveykit.instrument import load_instrument
    from surveykit.io.resources import sample_dir
    from surveykit.pipeline import build_report
    from surveykit.report.build import FIXED_STEPS
    from surveykit.report.foi_report import FOI_REPORT_STEPS
    from surveykit.report.plan import report_plan
    from surveykit.report.writers import STEPS

    foi_alone = survey is None and bool(foi)
    if survey is None and not foi_alone:
        survey = sample_dir() / "professional_survey.csv"
        if rankings is None:
            rankings = sample_dir() / "youth_ranking.csv"
    out = out or Path("reports/foi" if foi_alone else "reports/sample")
    # The steps: reading the inputs, each section of the plan (or the FOI returns), methods and data
    # quality, the writers.
    inst = None
    if foi_alone:
        total = 1 + len(FOI_REPORT_STEPS) + len(STEPS)
    else:
        inst = load_instrument(inputs.instrument)
        plan = report_plan(inst, has_rankings=rankings is not None)
        total = 1 + (1 if foi else 0) + len(plan.sections) + len(FIXED_STEPS) + len(STEPS)
    with _progress_bar(total) as on_step:
        result = build_report(survey, rankings=rankings, codebook=codebook, out=out, suppress=not no_suppress,
                              threshold=threshold, by=by, **inputs.kwargs(), coded=tuple(coded or ()),
                              foi=tuple(foi or ()), foi_reference_rate=reference_rate, on_step=on_step,
                              force=force)
    if inst is not None and rankings is None and inst.youth is not None:
        message("no --rankings file: the youth ranking sections were left out")
    if no_suppress:
        message("--no-suppress: small counts " + ("are" if foi_alone else "and unredacted quotes are")
                + " published; for internal use only")
    message(f"wrote {out}/ ({len(result.sections)} sections, {len(result.tables)} tables, "
            f"{len(result.charts)} charts): report.html, report.md, report.docx, tables.xlsx, tables/, charts/, manifest.json")


def _stderr_may_be_a_terminal() -> bool:
    """False only where rich would certainly find stderr no terminal (so its progress bar would be
    disabled): not a tty, and neither of the variables that make rich treat it as one is set."""
    import os
    import sys

    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return isatty is not None and bool(isatty())
    except ValueError:  # a closed stream
        return False


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for the report's ``total`` steps; yields the ``on_step`` callback.
    Output redirected to a file or a pipe shows no bar, and then rich (about 0.03 s to import) is
    not imported at all."""
    if not _stderr_may_be_a_terminal():
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("[progress.description]{task.description:<24}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("report", total=total)
        state = {"first": True}

        def on_step(name: str) -> None:
            if state["first"]:
                state["first"] = False
            else:
                progress.advance(task)
            progress.update(task, description=name.replace("_", " "))

        yield on_step
        progress.update(task, completed=total, description="done")
