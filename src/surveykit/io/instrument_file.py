"""Writing an instrument file that a user asked for (``surveykit instrument draft --out``)."""

from __future__ import annotations

from pathlib import Path

from surveykit.errors import UsageError


def check_new_file(path: str | Path, *, force: bool = False) -> Path:
    """The path to write, refused when it is a folder, or when a file is there that surveykit did not
    write or that was edited since (a draft is meant to be edited), unless ``force`` (``io.owned_files``)."""
    from surveykit.io.owned_files import check_output_file

    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{p} is a folder; give a file name such as {p / 'my_survey.yaml'}")
    return check_output_file(p, force=force)


def write_instrument_file(path: str | Path, text: str, *, force: bool = False) -> Path:
    """Write an instrument YAML atomically; an existing file: see ``check_new_file``."""
    from surveykit.io.owned_files import write_owned_text

    return write_owned_text(check_new_file(path, force=force), text, force=force)
