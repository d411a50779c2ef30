"""Commands about export formats beyond reading (e.g. export-sav)."""

from __future__ import annotations

from surveykit.cli.app import app  # noqa: F401
