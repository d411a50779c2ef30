"""Commands of this area register themselves on the shared app."""

from __future__ import annotations

from surveykit.cli.app import app  # noqa: F401
