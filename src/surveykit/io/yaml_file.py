"""Reading the project's YAML files (instrument, codebooks, mappings) with one clear error each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from surveykit.errors import SurveykitError


def read_yaml(path: str | Path, *, error: type[SurveykitError], what: str) -> Any:
    """The parsed document of a YAML file; ``error`` (naming ``what`` and the file) when unreadable."""
    import yaml

    p = Path(path)
    if not p.exists():
        raise error(f"{what} file not found", path=p)
    if p.is_dir():
        raise error(f"expected a {what} YAML file, got a directory", path=p)
    try:
        return yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise error(f"the {what} file is not valid YAML ({type(exc).__name__})", path=p) from None
