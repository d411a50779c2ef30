"""Where the files shipped inside the package live (instrument, codebooks, measures, sample).

Every default path resolves here, the same way for an editable checkout and an installed wheel:
the files are package data under ``surveykit/data/``. An explicit path given by a user is taken as
it is (relative to the working directory).
"""

from __future__ import annotations

from pathlib import Path

_DATA = Path(__file__).resolve().parents[1] / "data"


def data_dir() -> Path:
    """The package's data folder."""
    return _DATA


def codebooks_dir() -> Path:
    """The shipped instrument, codebooks, youth measures and redaction list."""
    return _DATA / "codebooks"


def sample_dir() -> Path:
    """The shipped sample study (synthetic)."""
    return _DATA / "sample"


def shipped_codebook(name: str) -> Path:
    """A shipped codebook file by name (``missing_reasons`` or ``missing_reasons.yaml``)."""
    p = codebooks_dir() / name
    return p if p.suffix else p.with_suffix(".yaml")
