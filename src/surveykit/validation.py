"""Checking the options of library functions, once, for the library and the CLI alike.

Every check raises ``UsageError`` naming the parameter, what is allowed and the value received
(the scikit-learn convention), so ``sk.score(r, threshold="5")`` and ``surveykit score --threshold 0``
fail the same way.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from surveykit.errors import UsageError, invalid_choice

DEFAULT_THRESHOLD = 5
DEFAULT_ALPHA = 0.05
PADJUST_METHODS = ("holm", "fdr_bh", "bonf", "none")


def check_threshold(threshold: object, *, parameter: str = "threshold") -> int:
    """A disclosure threshold: a whole number of at least 1 (counts below it are suppressed)."""
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        if isinstance(threshold, float) and threshold.is_integer():
            threshold = int(threshold)
        else:
            raise UsageError(f"{parameter} must be a whole number of at least 1; got {threshold!r}")
    if threshold < 1:
        raise UsageError(f"{parameter} must be a whole number of at least 1; got {threshold!r}")
    return int(threshold)


def check_alpha(alpha: object, *, parameter: str = "alpha") -> float:
    """A significance level strictly between 0 and 1."""
    message = f"{parameter} must be strictly between 0 and 1 (exclusive), e.g. 0.05; got {alpha!r}"
    if isinstance(alpha, bool):
        raise UsageError(message)
    try:
        a = float(alpha)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UsageError(message) from None
    if not 0 < a < 1:
        raise UsageError(message)
    return a


def check_bool(value: object, *, parameter: str) -> bool:
    if not isinstance(value, bool):
        raise UsageError(f"{parameter} must be True or False; got {value!r}")
    return value


def check_count(value: object, *, parameter: str, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (group sizes, numbers of quotes ...)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(f"{parameter} must be a whole number of at least {minimum}; got {value!r}")
    return value


def check_choice(value: object, allowed: Sequence[object], *, parameter: str) -> object:
    if value not in allowed:
        raise invalid_choice(parameter, value, allowed)
    return value


def id_list(value: object, *, parameter: str) -> list[str] | None:
    """Ids given as one string (commas allowed), or an iterable of strings; None for "all".

    ``questions="fees"`` is one question, not the characters f, e, e and s."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        parts = []
        for v in value:
            if not isinstance(v, str):
                raise UsageError(f"{parameter} must be an id, a comma-separated string of ids or a list of ids; "
                                 f"got {value!r}")
            parts.extend(v.split(","))
    else:
        raise UsageError(f"{parameter} must be an id, a comma-separated string of ids or a list of ids; got {value!r}")
    out = [p.strip() for p in parts if p.strip()]
    return out or None


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (the reproducible-builds convention: whole seconds since 1970-01-01 UTC), or
    None when unset. A report records it as its time of writing, and matplotlib reads it too, where an
    invalid value stops the drawing of a chart: checked before anything is read or drawn."""
    import os

    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        seconds = int(value)
        if seconds < 0 or seconds > 253402300799:  # up to 9999-12-31
            raise ValueError
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 (UTC); got {value!r}") from None
    return seconds
