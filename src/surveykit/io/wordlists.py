"""Reading word lists: the data banks shipped in ``surveykit/data/`` and user-supplied lists.

A word list is UTF-8 text, one entry per line; ``#`` starts a comment and blank lines are skipped.
The redaction banks (names, places, titles ...) are package data under ``data/redact/``; the sample
study's sentence banks are one JSON file under ``data/sample/``.
"""

from __future__ import annotations

from pathlib import Path

from surveykit.errors import InputError


def _entries(text: str, *, split_words: bool = False) -> tuple[str, ...]:
    out: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.extend(line.split() if split_words else [line])
    return tuple(out)


def read_data_list(relative: str, *, split_words: bool = False) -> tuple[str, ...]:
    """Entries of the package data file ``surveykit/data/RELATIVE`` (e.g. ``redact/titles.txt``);
    a name ending in ``.gz`` is gzip-compressed UTF-8 text.

    ``split_words``: a line holds several single-word entries separated by spaces.
    """
    from surveykit.io.resources import data_dir

    resource = data_dir().joinpath(*relative.split("/"))
    try:
        if relative.endswith(".gz"):
            import gzip

            text = gzip.decompress(resource.read_bytes()).decode("utf-8")
        else:
            text = resource.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"surveykit's data file data/{relative} is missing or damaged ({type(exc).__name__}); "
                         "reinstall surveykit") from None
    return _entries(text, split_words=split_words)


def read_data_bank(relative: str) -> dict:
    """The JSON data bank ``surveykit/data/RELATIVE`` (e.g. ``sample/text_banks.json``), with every
    JSON list read as a tuple (banks are constants: the seeded sample generator indexes into them)."""
    import json

    from surveykit.io.resources import data_dir

    def frozen(value):
        if isinstance(value, list):
            return tuple(frozen(v) for v in value)
        if isinstance(value, dict):
            return {k: frozen(v) for k, v in value.items()}
        return value

    try:
        loaded = json.loads(data_dir().joinpath(*relative.split("/")).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"surveykit's data file data/{relative} is missing or damaged ({type(exc).__name__}); "
                         "reinstall surveykit") from None
    return frozen(loaded)


def read_word_list(path: str | Path, *, what: str = "word list") -> tuple[str, ...]:
    """Entries of a user's list file (one per line, ``#`` comments); a clear InputError otherwise."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} file not found", path=p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError(f"cannot read the {what} ({type(exc).__name__}); expected UTF-8 text, one entry per line",
                         path=p) from None
    return _entries(text)
