"""The Typer application object and the global options."""

from __future__ import annotations

import typer

from surveykit._version import __version__

app = typer.Typer(
    name="surveykit",
    help=(
        "Survey analysis and qualitative coding, from raw export to report.\n\n"
        "Example:  surveykit validate responses/sample/professional_survey.csv"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"surveykit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Survey analysis and qualitative coding, from raw export to report."""
