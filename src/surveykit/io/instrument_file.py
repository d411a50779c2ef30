"""Writing an instrument file that a user asked for (``surveykit instrument draft --out``)."""

from __future__ import annotations

from pathlib import Path

from surveykit.errors import UsageError


def check_new_file(path: str | Path, *, force: bool = False) -> Path:
    """The path to write, refused when a file is already there (unless ``force``) or it is a folder."""
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{p} is a folder; give a file name such as {p / 'my_survey.yaml'}")
    if p.exists() and not force:
        raise UsageError(f"{p} already exists: choose another --out, or pass --force to replace it")
    return p


def write_instrument_file(path: str | Path, text: str, *, force: bool = False) -> Path:
    """Write an instrument YAML atomically; an existing file is replaced only with ``force``."""
    from surveykit.io.atomic import write_text

    return write_text(check_new_file(path, force=force), text)
