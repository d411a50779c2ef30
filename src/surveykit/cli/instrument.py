"""instrument draft, instrument check: writing and checking the YAML that describes a questionnaire."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.common import FORMAT_OPTION, OutputFormat, echo, emit, handle_errors, message

instrument_app = typer.Typer(
    help="Draft an instrument (your questionnaire as YAML) from an export, and check one.\n\n"
         "Example:  surveykit instrument draft export.csv --out my_survey.yaml",
    no_args_is_help=True)
app.add_typer(instrument_app, name="instrument")


@instrument_app.command("draft")
@handle_errors
def draft(
    export: Path = typer.Argument(..., help="The export to draft from (CSV, XLSX, SAV ...)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="Write the instrument to this file (default: print it on stdout)."),
    force: bool = typer.Option(False, "--force", help="Replace --out even if surveykit did not write it, or it was edited since."),
    qsf: Optional[Path] = typer.Option(None, "--qsf", help="The Qualtrics survey definition (.qsf): question "
                                                           "types, choices and grid rows (the best source)."),
    structure: Optional[Path] = typer.Option(None, "--structure", help="A LimeSurvey survey-structure file "
                                                                       "(.txt/.tsv export) or a .qsf."),
    platform: Optional[str] = typer.Option(None, "--platform", help="Force an export format instead of detecting it."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Force a text encoding (e.g. cp1252)."),
    title: Optional[str] = typer.Option(None, "--title", help="The instrument's title (default: the survey's name)."),
) -> None:
    """Write a first instrument from an export, with a '# guessed:' comment beside every guess.

    Recognises question types (one answer, grid, free text), common scales (agreement, frequency,
    yes/no/don't know, effectiveness, 0-10 ...), Don't know / N/A options, the respondent id, the
    completion flag and a likely grouping. Check the guesses, then run 'surveykit instrument check'.

    Example:  surveykit instrument draft export.csv --qsf survey.qsf --out my_survey.yaml
    """
    from surveykit.draft import draft_from_file
    from surveykit.io.instrument_file import check_new_file, write_instrument_file

    if out is not None:
        from surveykit.io.owned_files import check_not_input

        check_not_input(out, [export, qsf, structure])
        check_new_file(out, force=force)  # before the work, so a mistake costs nothing
    result = draft_from_file(export, platform=platform, encoding=encoding, qsf=qsf, structure=structure,
                             title=title)
    counts = result.counts()
    inst = result.instrument
    cov = result.coverage
    if out is not None:
        written = write_instrument_file(out, result.yaml, force=force)
    else:
        typer.echo(result.yaml, nl=False)
    message(f"drafted {len(inst.questions)} questions ({counts['single']} single, {counts['grid']} grid, "
            f"{counts['text']} text) and {len(inst.scales)} scales from {result.n_respondents} respondents "
            f"({result.platform} export)")
    message("profile: " + (", ".join(f"{p.id} ({p.kind})" for p in inst.profile) or "none")
            + "; groupings: " + (", ".join(inst.groupings) or "none guessed (compare needs --by)"))
    message(f"maps {cov.mapped_columns} of the export's {cov.answer_columns} answer columns "
            f"({cov.questions_found} of {cov.questions_total} questions found)")
    if result.skipped:
        message(f"{sum(len(s.columns) for s in result.skipped)} column(s) not drafted: listed at the top of the file")
    message(f"{len(result.guesses)} guesses are marked '# guessed:': check them against your questionnaire")
    if out is not None:
        message(f"wrote {written}; next: surveykit instrument check {written}")


@instrument_app.command("check")
@handle_errors
def check(
    file: Path = typer.Argument(..., help="The instrument YAML to check."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Check an instrument file and summarise it: questions by type, scales, profile, groupings,
    coded fields and report plan. A problem is one line naming the file, the key path, what is
    allowed and the value found (exit 2).

    Example:  surveykit instrument check my_survey.yaml
    """
    import json

    from surveykit.draft import instrument_summary, summary_lines
    from surveykit.instrument import load_instrument

    summary = instrument_summary(load_instrument(file))
    if fmt is OutputFormat.json:
        echo(json.dumps({"file": str(file), "valid": True, **summary}, indent=2, ensure_ascii=False))
        return
    lines = summary_lines(summary)
    if fmt is OutputFormat.csv:
        import pandas as pd

        emit(pd.DataFrame(lines, columns=["key", "value"]), fmt)
        return
    echo(f"{file}: a valid instrument")
    width = max(len(k) for k, _ in lines) + 1
    for key, value in lines:
        echo(f"{(key + ':').ljust(width)} {value}")
