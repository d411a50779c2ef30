"""Coding commands: the ``codebook`` and ``code`` groups, ``quotes``.

``surveykit code FILE ...`` runs ``code run``: the group's first word is taken as a subcommand only
when it names one (train, review, ...), otherwise ``run`` is implied.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from surveykit.cli.app import app


class DefaultCommandGroup(TyperGroup):
    """A group that runs ``default_command`` when the first argument is not a subcommand."""

    default_command = "run"

    def parse_args(self, ctx, args):  # type: ignore[override]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


codebook_app = typer.Typer(help="Check, export and import coding codebooks.\n\n"
                                "Example:  surveykit codebook check codebooks/missing_reasons.yaml",
                           no_args_is_help=True)
code_app = typer.Typer(cls=DefaultCommandGroup,
                       help="Code free-text answers against a codebook (rules, model suggestions, review).\n\n"
                            "Example:  surveykit code responses/sample/professional_survey.csv --question q7",
                       no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(code_app, name="code")
