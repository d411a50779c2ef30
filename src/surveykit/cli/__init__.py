"""The ``surveykit`` command line: a thin layer over the library.

Each command module registers its commands on ``app``; heavy libraries are imported inside the
command functions so that ``surveykit --help`` stays instant.
"""

from __future__ import annotations

from surveykit.cli.app import app

# Command modules, one per area; importing them registers their commands.
from surveykit.cli import foundation as _foundation  # noqa: E402,F401
from surveykit.cli import analysis as _analysis  # noqa: E402,F401
from surveykit.cli import youth as _youth  # noqa: E402,F401
from surveykit.cli import coding as _coding  # noqa: E402,F401
from surveykit.cli import qda as _qda  # noqa: E402,F401
from surveykit.cli import formats as _formats  # noqa: E402,F401
from surveykit.cli import reporting as _reporting  # noqa: E402,F401
from surveykit.cli import foi as _foi  # noqa: E402,F401


def main() -> None:
    app()


__all__ = ["app", "main"]
