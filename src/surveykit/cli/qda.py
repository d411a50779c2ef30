"""QDA interchange, agreement, model training and review commands (on the coding groups)."""

from __future__ import annotations

from surveykit.cli.app import app  # noqa: F401
from surveykit.cli.coding import code_app, codebook_app  # noqa: F401
