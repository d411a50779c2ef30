"""The Typer application object and the global options."""

from __future__ import annotations

import typer
import typer.core
from typer.core import TyperGroup

from surveykit._version import __version__

# Typer 0.2x vendors click as typer._click; older Typer uses click itself. Use whichever Typer runs on.
_click = getattr(typer.core, "_click", None)
if _click is None:  # pragma: no cover - older Typer
    import click as _click
_UsageError = _click.exceptions.UsageError
_NoArgsIsHelp = getattr(_click.exceptions, "NoArgsIsHelpError", ())


class _OneLineUsageError(_click.exceptions.ClickException):
    """A mistake on the command line, shown as one stderr line like every other surveykit error."""

    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ARG002 - click's signature
        typer.echo(f"surveykit: error: {self.message}", err=True)


def _one_line(exc) -> _OneLineUsageError:
    message = " ".join(exc.format_message().replace("Value error, ", "").split())
    path = exc.ctx.command_path if getattr(exc, "ctx", None) is not None else "surveykit"
    command = path.split(" ", 1)[1] + ": " if " " in path else ""
    return _OneLineUsageError(f"{command}{message} (see '{path} --help')")


class OneLineErrorsGroup(TyperGroup):
    """The top-level group: usage errors (a missing argument, an unknown option, a bad option value) become
    one line and exit 2 instead of the usage block. Asking for help with no arguments still shows it."""

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except _NoArgsIsHelp:
            raise
        except _UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except _NoArgsIsHelp:
            raise
        except _UsageError as exc:
            raise _one_line(exc) from None


app = typer.Typer(
    name="surveykit",
    cls=OneLineErrorsGroup,
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
