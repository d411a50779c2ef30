"""The Typer application object, the global options, and lazy loading of the command modules.

``surveykit --help`` lists every command from ``COMMANDS`` without importing the modules that define
them; running a command imports only its module(s). So start-up costs what Typer costs, whatever
the number of commands. A test checks ``COMMANDS`` against the commands the modules define.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
import typer.core
from typer.core import TyperCommand, TyperGroup

from surveykit._version import __version__
from surveykit.cli.coerce import install as _install_light_coercion

# Option values without pydantic where Typer's coercion would give them back as they are (cli.coerce).
_install_light_coercion()

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


class Entry(NamedTuple):
    modules: tuple[str, ...]  # modules of surveykit.cli that define the command (in import order)
    help: str  # the first paragraph of the command's help, as `surveykit --help` shortens it


#: Every top-level command, in the order `surveykit --help` lists them.
COMMANDS: dict[str, Entry] = {
    "inspect": Entry(("foundation",), "Show how an export was read: platform, encoding, header rows, and each "
                                      "column's mapping (method: id, text, import_id, label, mapping; confidence 0-1)."),
    "validate": Entry(("foundation",), "Check an export against the instrument and list every data problem and "
                                      "warning found."),
    "sample": Entry(("foundation",), "Write the synthetic sample study (professional survey export and youth rankings)."),
    "score": Entry(("analysis",), "Counts and percentages of every option of every closed question (valid base, "
                                  "DK apart)."),
    "effectiveness": Entry(("analysis",), "An effectiveness grid ranked by % effective (n, % per rating, mean, "
                                          "% effective, rank)."),
    "reasons": Entry(("analysis",), "A grid of reasons ranked by the share of respondents seeing each one often "
                                    "(its top box)."),
    "compare": Entry(("analysis",), "Compare groups with significance tests, corrected for multiple comparisons."),
    "banner": Entry(("analysis",), "Banner table: items as rows, groups as lettered columns, top-box % and mean "
                                   "with significance letters."),
    "rank": Entry(("youth",), "Score the youth ranking exercise: % effective, mean position, Borda, rank, and "
                              "agreement."),
    "voices": Entry(("youth",), "Young people's ranking beside the survey respondents' ratings of the matched grid, "
                                "measure by measure."),
    "quotes": Entry(("coding",), "Exemplar answers for a code, a few from each sector, with personal data redacted."),
    "agree": Entry(("qda",), "Agreement between coders: per code, percent agreement, Cohen's kappa and "
                             "Krippendorff's alpha."),
    "export-sav": Entry(("formats",), "Write prepared responses to an SPSS .sav file with variable and value labels."),
    "report": Entry(("reporting",), "Run the whole study and write report.html, report.md, report.docx, "
                                    "tables.xlsx, tables/*.csv, charts/ and manifest.json."),
    "codebook": Entry(("coding", "qda"), "Check, export and import coding codebooks."),
    "code": Entry(("coding", "code_evaluate", "qda", "qda_review"),
                  "Code free-text answers against a codebook (rules, model suggestions, review)."),
    "foi": Entry(("foi",), "Local authority FOI returns: check them, summarise them, compare waves, check "
                           "published claims. A report of them (HTML, Word, workbook, charts): surveykit report "
                           "--foi FILE."),
    "instrument": Entry(("instrument",), "Draft an instrument (your questionnaire as YAML) from an export, and "
                                         "check one."),
}

#: Every command module, in the order their commands were registered when all were imported at start-up.
MODULES = ("foundation", "analysis", "youth", "coding", "code_evaluate", "qda", "qda_review", "formats", "reporting",
           "foi", "instrument")


def load(modules: tuple[str, ...] = MODULES) -> None:
    """Import command modules (importing one registers its commands on ``app``)."""
    for name in modules:
        importlib.import_module(f"surveykit.cli.{name}")


class LazyGroup(OneLineErrorsGroup):
    """The root group. Its click commands are built from the Typer app when first asked for, after
    importing the module(s) that define them; the help lists ``COMMANDS`` without importing anything.

    ``commands`` (click's mapping of every subcommand) loads everything, for code that walks the tree."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._built: dict[str, Any] = {}
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, Any]:  # type: ignore[override]
        load()
        self._build()
        return self._built

    @commands.setter
    def commands(self, value: Any) -> None:
        self._built = dict(value)

    def _build(self) -> None:
        """Add the click commands of every command registered on ``app`` so far."""
        import typer.main

        fresh = typer.main.get_command(app)
        for name, cmd in fresh._built.items():  # type: ignore[attr-defined]
            self._built.setdefault(name, cmd)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self._built:
            entry = COMMANDS.get(cmd_name)
            # A command missing from COMMANDS still runs (after loading every module).
            load(entry.modules if entry else MODULES)
            self._build()
        return self._built.get(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS) + [n for n in self._built if n not in COMMANDS]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """As click's, with the short help of commands not loaded yet taken from ``COMMANDS``."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self._built.get(name) or TyperCommand(name, help=COMMANDS[name].help)
            if not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="surveykit",
    cls=LazyGroup,
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
