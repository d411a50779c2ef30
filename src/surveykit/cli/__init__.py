"""The ``surveykit`` command line: a thin layer over the library.

Each command module registers its commands on ``app``; heavy libraries are imported inside the
command functions, and the command modules themselves are imported only when one of their commands
runs (``cli.app.LazyGroup``), so that ``surveykit --help`` stays instant.
"""

from __future__ import annotations

from surveykit.cli.app import app, load


def main() -> None:
    app()


__all__ = ["app", "load", "main"]
