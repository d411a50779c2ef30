"""Reading a youth rankings file (CSV, semicolon or tab separated; any common text encoding)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.errors import InputError
from surveykit.io.base import open_sniff, parse_delimited

if TYPE_CHECKING:
    from surveykit.ranking import MeasureSet, Rankings


def read_rankings(path: str | Path, *, measures: "MeasureSet | str | Path | None" = None,
                  encoding: str | None = None) -> "Rankings":
    """Read and check ``path`` against the measures codebook (the shipped one by default).

    Raises InputError (exit 2) naming the group and the measure for any broken row; see
    ``surveykit.ranking.parse_rankings`` for the checks.
    """
    from surveykit.ranking import MeasureSet, load_measures, parse_rankings

    mset = measures if isinstance(measures, MeasureSet) else load_measures(measures)
    sniff = open_sniff(path, encoding=encoding)
    if sniff.kind != "text":
        raise InputError("a rankings file must be a text (CSV) file, "
                         f"not {'an Excel workbook' if sniff.kind == 'xlsx' else 'a binary file'}", path=path)
    rows = parse_delimited(sniff.text, delimiter=sniff.delimiter, path=path)
    return parse_rankings(rows, measures=mset, path=path, sha256=sniff.sha256)
