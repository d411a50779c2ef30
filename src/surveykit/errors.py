"""Errors raised by surveykit and the Issue record for data problems.

Library code raises ``SurveykitError`` subclasses; the CLI turns each into one line on stderr and
an exit code. Data problems that do not stop an analysis are collected as ``Issue`` records.
Never put a free-text answer into a message: answers are personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable


class SurveykitError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with (2: unusable input or wrong usage)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: object | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InputError(SurveykitError):
    """A file cannot be read or is not what it claims to be."""


class UsageError(SurveykitError):
    """An option or argument has a value that cannot be used."""


class InstrumentError(SurveykitError):
    """The instrument (questionnaire) definition is broken."""


class CodebookError(SurveykitError):
    """A coding or measures codebook is broken."""


class AnalysisError(SurveykitError):
    """An analysis cannot run on this data (an expected failure, not a bug)."""

    exit_code = 1


# An id-like cell: lower-case word ("curfew", "risk_info") or a short code with a digit ("x1", "Q9_b").
_ID_LIKE = re.compile(r"[a-z][a-z0-9_.:-]*|[A-Za-z]{1,3}[0-9][A-Za-z0-9_.:-]*")


def looks_like_id(value: object, *, max_len: int = 40) -> bool:
    """True when a value read from a file looks like an identifier ("x1", "curfew", "risk_info"),
    so an error may quote it ("x1", "curfew"); False for anything that could be free text or personal data (spaces,
    a capitalised word such as a name, long runs of digits such as a phone number)."""
    text = str(value)
    return (0 < len(text) <= max_len and _ID_LIKE.fullmatch(text) is not None
            and sum(c.isdigit() for c in text) < 6)


def quoted_or(value: object, what: str) -> str:
    """``what 'value'`` when the value read from a file looks like an identifier, else ``the what``:
    a message names a cell's content only when it cannot be free text or personal data."""
    return f"{what} {str(value)!r}" if looks_like_id(value) else f"the {what}"


def invalid_choice(parameter: str, value: object, allowed: Iterable[object]) -> UsageError:
    """The scikit-learn style error: names the parameter, the allowed values and the value received."""
    allowed_list = ", ".join(repr(a) for a in allowed)
    return UsageError(f"{parameter} must be one of {allowed_list}; got {value!r}")


@dataclass(frozen=True)
class Issue:
    """One data problem found while preparing responses.

    row: 1-based data row in the export (header rows not counted), or None for file-level issues.
    column: the export's column header (or our column id), or None.
    code: a stable snake_case identifier, e.g. ``unknown_label``.
    message: a sentence for people; never contains a free-text answer.
    """

    row: int | None
    column: str | None
    code: str
    message: str
    severity: str = "error"  # "error" | "warning"

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
