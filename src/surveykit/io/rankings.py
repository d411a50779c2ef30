"""Reading a youth rankings file (CSV, semicolon or tab separated; any common text encoding).

io only reads: ``read_rankings_rows`` returns the file's rows and hash; ``surveykit.ranking.read_rankings``
checks them against the measures codebook.
"""

from __future__ import annotations

from pathlib import Path

from surveykit.errors import InputError
from surveykit.io.base import open_sniff, parse_delimited


def read_rankings_rows(path: str | Path, *, encoding: str | None = None) -> tuple[list[list[str]], str]:
    """The rows of a rankings file (header first) and the file's SHA-256."""
    sniff = open_sniff(path, encoding=encoding)
    if sniff.kind != "text":
        raise InputError("a rankings file must be a text (CSV) file, "
                         f"not {'an Excel workbook' if sniff.kind == 'xlsx' else 'a binary file'}", path=path)
    rows = parse_delimited(sniff.text, delimiter=sniff.delimiter, path=path)
    return rows, sniff.sha256
