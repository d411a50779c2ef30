"""Commands about export formats beyond reading: export-sav."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.common import (ENCODING_OPTION, INSTRUMENT_OPTION, QSF_OPTION, MAPPING_OPTION, PLATFORM_OPTION,
                                  handle_errors, load, message)


@app.command("export-sav")
@handle_errors
def export_sav(
    file: Path = typer.Argument(..., help="The export to convert (any format surveykit reads)."),
    out: Path = typer.Option(..., "--out", "-o", help="The .sav file to write."),
    platform: Optional[str] = PLATFORM_OPTION,
    encoding: Optional[str] = ENCODING_OPTION,
    mapping: Optional[Path] = MAPPING_OPTION,
    instrument: Optional[Path] = INSTRUMENT_OPTION,
    qsf: Optional[Path] = QSF_OPTION,
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
    responses = load(file, platform, encoding, mapping, instrument, qsf)
    path = write_responses_sav(responses, out)
    message(f"wrote {path} ({responses.n} respondents, {len(responses.data.columns)} variables)")
