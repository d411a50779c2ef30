"""Reading and writing column-mapping YAML files (see surveykit.mapping for the format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from surveykit.errors import InputError


def load_mapping(path: str | Path) -> dict[str, Any]:
    from surveykit.io.yaml_file import read_yaml

    p = Path(path)
    doc = read_yaml(p, error=InputError, what="mapping")
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), list):
        raise InputError("a mapping file must hold 'columns:', a list of {header, subheader, index, target}", path=p)
    return doc


def write_mapping(path: str | Path, text: str) -> Path:
    """Write a mapping YAML atomically (text from ``surveykit.mapping.mapping_yaml``)."""
    from surveykit.io.atomic import write_text

    return write_text(path, text)
