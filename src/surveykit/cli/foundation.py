"""inspect, validate, sample: looking at an export before analysing it."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.common import (FORMAT_OPTION, OutputFormat, echo, emit, handle_errors, message, InputOptions,
                                  NO_INPUT_OPTIONS, input_options)

FILE_ARG = typer.Argument(..., help="The export file (CSV, XLSX, SAV ...).")


@app.command()
@handle_errors
@input_options
def inspect(
    file: Path = FILE_ARG,
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
    write_mapping: Optional[Path] = typer.Option(
        None, "--write-mapping", help="Write the column mapping found to this YAML file, to edit and pass back "
                                      "with --mapping."),
    force: bool = typer.Option(False, "--force", help="Replace the --write-mapping file even if surveykit did not "
                                                      "write it, or it was edited after surveykit wrote it."),
    threshold: int = typer.Option(5, "--threshold", help="Values given fewer times than this are not listed, "
                                                          "unless they are options of the questionnaire."),
    no_suppress: bool = typer.Option(False, "--no-suppress", help="List every value of a closed-looking column, "
                                                                  "however rare (internal use only: a typed answer "
                                                                  "given once can identify someone)."),
) -> None:
    """Show how an export was read: platform, encoding, header rows, and each column's mapping
    (method: id, text, import_id, label, mapping; confidence 0-1).

    The values of closed-looking columns are listed with their counts; free text never is, nor a
    value given fewer than --threshold times (5) unless it is an option of the questionnaire.

    Example:  surveykit inspect export.csv --write-mapping mapping.yaml
    """
    from surveykit.inspection import inspect_export

    if write_mapping is not None:  # before the work: an edited mapping is kept (io.owned_files)
        from surveykit.io.owned_files import check_not_input, check_output_file

        check_not_input(write_mapping, [file, inputs.mapping, inputs.instrument, inputs.qsf], option="--write-mapping")
        check_output_file(write_mapping, force=force, option="--write-mapping")
    report = inspect_export(file, **inputs.kwargs(), suppress=not no_suppress, threshold=threshold)
    if no_suppress:
        message("NOT SUPPRESSED (--no-suppress): rare values are listed; for internal use only")
    if write_mapping is not None:
        from surveykit.io.mapping_file import write_mapping as write_mapping_file

        written = write_mapping_file(write_mapping, report.mapping_yaml, force=force)
        message(f"wrote {written}: edit the targets, then pass it back with --mapping {written}")
    if fmt is OutputFormat.json:
        import json

        echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    if fmt is OutputFormat.csv:
        emit(report.columns_frame(), fmt)
        return
    echo(f"file:          {report.path}")
    echo(f"platform:      {report.platform} ({report.platform_label})")
    echo(f"encoding:      {report.encoding}")
    echo(f"header rows:   {report.header_rows}")
    echo(f"respondents:   {report.n_respondents}")
    echo(f"questions:     {report.n_questions_in_file} in the file; "
         f"{len(report.instrument_questions_found)} of the instrument's {report.instrument_questions} mapped")
    for note in report.notes:
        echo(f"note:          {note}")
    echo("")
    emit(report.columns_frame(), OutputFormat.table)
    unmapped = [c for c in report.columns if c["method"] == "none"]
    if unmapped:
        echo("")
        echo(f"{len(unmapped)} unmapped column(s): pass --mapping to map them, or ignore them.")


@app.command()
@handle_errors
@input_options
def validate(
    file: Optional[Path] = typer.Argument(None, help="The export file (CSV, XLSX, SAV ...); default: the shipped "
                                                     "sample study's export."),
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Check an export against the instrument and list every data problem and warning found.

    Exit code 0 when there is no problem (warnings alone, such as an unmapped column, still exit 0),
    1 when problems (severity "error", e.g. an answer that is not an option) were found, 2 when the
    file is unusable. Without FILE it checks the shipped sample study (wherever surveykit is installed);
    --instrument, --mapping, --qsf, --platform and --encoding then need the FILE they describe.

    Example:  surveykit validate export.csv --instrument my_survey.yaml --format json
    """
    import pandas as pd

    if file is None:
        from surveykit.errors import UsageError
        from surveykit.io.resources import sample_dir

        given = [f"--{name}" for name, value in inputs.kwargs().items() if value]
        if given:  # they describe the user's export: the sample's would be checked against them
            raise UsageError(f"{' and '.join(given)} without FILE: give the export "
                             f"{'it describes' if len(given) == 1 else 'they describe'} "
                             "(without FILE, validate checks the shipped sample study as it is)")
        file = sample_dir() / "professional_survey.csv"
    responses = inputs.load(file)
    frame = pd.DataFrame([i.as_dict() for i in responses.issues],
                         columns=["row", "column", "code", "severity", "message"])
    n_errors = int((frame["severity"] == "error").sum())
    n_warnings = len(frame) - n_errors
    counts = f"{n_errors} problem(s), {n_warnings} warning(s)"
    if fmt is OutputFormat.table and not len(frame):
        echo(f"{responses.source.path}: {responses.n} respondents, no problems found.")
    else:
        emit(frame, fmt, title=f"{responses.source.path}: {responses.n} respondents, {counts}",
             meta={"file": responses.source.path, "respondents": responses.n, "n_issues": len(frame),
                   "n_errors": n_errors, "n_warnings": n_warnings})
    if n_errors:
        message(f"{n_errors} problem(s) found" + (f", and {n_warnings} warning(s)" if n_warnings else ""))
        raise typer.Exit(1)
    if n_warnings:
        message(f"no problems; {n_warnings} warning(s)")


@app.command()
@handle_errors
def sample(
    out: Path = typer.Option(Path("responses/sample"), "--out", "-o", help="Folder to write the sample study into."),
    seed: int = typer.Option(2016, "--seed", help="Random seed; the same seed gives byte-identical files."),
    respondents: int = typer.Option(288, "--respondents", "-n", min=1,
                                    help="Number of professional respondents (288 reproduces the study)."),
    platform_layouts: bool = typer.Option(
        False, "--platform-layouts", help="Also write the professional survey as a Qualtrics CSV (+ .qsf, choice "
                                          "text and numeric) and an SPSS .sav, to try those readers."),
    force: bool = typer.Option(False, "--force", help="Replace files of the same names in --out even if surveykit did "
                                                      "not write them, or they were changed since."),
) -> None:
    """Write the synthetic sample study (professional survey export and youth rankings).

    Example:  surveykit sample --out /tmp/sample --respondents 1000
    """
    from surveykit.sample import write_sample

    paths = write_sample(out, seed=seed, n_respondents=respondents, force=force)
    if platform_layouts:
        from surveykit.pipeline import load_responses
        from surveykit.sample import PROFESSIONAL_FILE
        from surveykit.sample.platforms import write_platform_exports

        paths = list(paths) + write_platform_exports(load_responses(Path(out) / PROFESSIONAL_FILE), out, force=force)
    for p in paths:
        message(f"wrote {p}")
