"""Pipeline entry points: from file paths to prepared data (and, later, to a whole report)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.clean import Responses


def load_responses(path: str | Path, *, platform: str | None = None, encoding: str | None = None,
                   mapping: str | Path | None = None, instrument: str | Path | None = None) -> "Responses":
    """Read an export and prepare it against the instrument (the shipped survey by default)."""
    from surveykit.clean import prepare
    from surveykit.instrument import load_instrument
    from surveykit.io import read_export
    from surveykit.io.mapping_file import load_mapping

    raw = read_export(path, platform=platform, encoding=encoding)
    doc = load_mapping(mapping) if mapping else None
    return prepare(raw, load_instrument(instrument), mapping=doc)
