"""The registry of export formats and ``detect()``: which reader fits a file best."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from surveykit.errors import InputError, UsageError, invalid_choice
from surveykit.io.base import RawExport, Reader, Sniff, open_sniff

_READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Add a reader (its ``name`` must be unique). Returns it, so it can decorate an instance."""
    if any(r.name == reader.name for r in _READERS):
        raise ValueError(f"a reader named {reader.name!r} is already registered")
    _READERS.append(reader)
    return reader


def readers() -> tuple[Reader, ...]:
    return tuple(_READERS)


def reader_names() -> tuple[str, ...]:
    return tuple(r.name for r in _READERS)


def get_reader(name: str) -> Reader:
    for r in _READERS:
        if r.name == name:
            return r
    raise invalid_choice("platform", name, reader_names())


def detect(sniff: Sniff) -> Reader:
    """The reader most sure the file is its own; InputError when none is."""
    scored = sorted(((r.detect(sniff), i, r) for i, r in enumerate(_READERS)), key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] <= 0:
        raise InputError(_unrecognised_reason(sniff), path=sniff.path)
    return scored[0][2]


def _unrecognised_reason(sniff: Sniff) -> str:
    if sniff.kind == "xlsx" and not any(rows for rows in sniff.sheets.values()):
        return "the workbook has no data in any sheet"
    if sniff.kind == "binary":
        return "this is not a survey export surveykit can read (a binary or zip file)"
    if sniff.kind == "text":
        if sniff.delimiter == ";":
            return ("the file is separated by semicolons, and no semicolon export format matched it; "
                    "save it as comma-separated CSV, or name the platform with --platform")
        if len(sniff.head_rows) <= 1:
            return "the file has a header row but no data rows"
    return "no reader recognised this file's layout (try --platform; see 'surveykit inspect --help')"


def read_export(path: str | Path, *, platform: str | None = None, encoding: str | None = None,
                qsf: str | Path | None = None) -> RawExport:
    """Read any supported export. ``platform`` forces a reader; ``encoding`` forces a text encoding;
    ``qsf`` is a Qualtrics survey definition used to map a Qualtrics export's columns (a ``.qsf``
    with the export's own name beside it is used without being named)."""
    sniff = open_sniff(path, encoding=encoding)
    if qsf is not None:
        sniff = dataclasses.replace(sniff, options={**sniff.options, "qsf": str(qsf)})
    reader = get_reader(platform) if platform else detect(sniff)
    if qsf is not None and reader.name != "qualtrics":
        raise UsageError(f"--qsf applies to Qualtrics exports only; {sniff.path.name} was read as {reader.name}")
    return reader.read(sniff)
