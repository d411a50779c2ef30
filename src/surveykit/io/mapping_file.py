"""Reading and writing column-mapping YAML files (see surveykit.mapping for the format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from surveykit.errors import InputError


def load_mapping(path: str | Path) -> dict[str, Any]:
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError("mapping file not found" if not p.exists() else "expected a mapping YAML file", path=p)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"the mapping file is not valid YAML ({type(exc).__name__})", path=p) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), list):
        raise InputError("a mapping file must hold 'columns:', a list of {header, subheader, index, target}", path=p)
    return doc


def write_mapping(path: str | Path, text: str) -> Path:
    """Write a mapping YAML atomically (text from ``surveykit.mapping.mapping_yaml``)."""
    from surveykit.io.atomic import write_text

    return write_text(path, text)
