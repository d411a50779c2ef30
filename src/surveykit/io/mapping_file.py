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
    for n, entry in enumerate(doc["columns"], start=1):
        _check_entry(entry, n, p)
    return doc


def _check_entry(entry: Any, n: int, path: Path) -> None:
    """Each entry's values must have the types the mapping expects (one clear error, not a crash later)."""
    if not isinstance(entry, dict):
        raise InputError(f"mapping entry {n} must be a mapping of header, subheader, index and target; "
                         f"got a {type(entry).__name__}", path=path)
    index = entry.get("index")
    if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
        raise InputError(f"mapping entry {n}: index must be a column number (0 for the first column) or null; "
                         f"got {_shown(index)}", path=path)
    for key in ("header", "subheader", "target"):
        value = entry.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            raise InputError(f"mapping entry {n}: {key} must be text or null; got {_shown(value)}", path=path)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else type(value).__name__


def write_mapping(path: str | Path, text: str, *, force: bool = False, option: str = "--write-mapping") -> Path:
    """Write a mapping YAML atomically (text from ``surveykit.mapping.mapping_yaml``). A mapping is meant
    to be edited: a file already there is replaced only when surveykit wrote it and it is unchanged,
    or with ``force`` (``io.owned_files``)."""
    from surveykit.io.owned_files import write_owned_text

    return write_owned_text(path, text, force=force, option=option)
