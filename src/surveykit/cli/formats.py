"""Commands about export formats beyond reading: export-sav."""

from __future__ import annotations

from pathlib import Path

import typer

from surveykit.cli.app import app
from surveykit.cli.common import (FORCE_FILE_OPTION, handle_errors, message, InputOptions, NO_INPUT_OPTIONS, input_options)


@app.command("export-sav")
@handle_errors
@input_options
def export_sav(
    file: Path = typer.Argument(..., help="The export to convert (any format surveykit reads)."),
    out: Path = typer.Option(..., "--out", "-o", help="The .sav file to write."),
    force: bool = FORCE_FILE_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Write prepared responses to an SPSS .sav file with variable and value labels.

    Closed answers become numeric codes labelled with the option text; Don't know is 99, labelled and
    declared user-missing; free text stays text. Reading the file back gives the same typed answers.

    Example:  surveykit export-sav responses/sample/professional_survey.csv --out /tmp/survey.sav
    """
    from surveykit.io.sav_writer import write_responses_sav

    if out.suffix.lower() != ".sav":
        from surveykit.errors import UsageError

        raise UsageError(f"--out must name a .sav file; got {str(out)!r}")
    from surveykit.io.owned_files import check_not_input, check_output_file

    check_not_input(out, [file, inputs.mapping, inputs.instrument, inputs.qsf])
    check_output_file(out, force=force)  # before the work
    responses = inputs.load(file)
    path = write_responses_sav(responses, out, force=force)
    message(f"wrote {path} ({responses.n} respondents, {len(responses.data.columns)} variables)")
