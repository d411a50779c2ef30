"""Redaction of personal data in free text (pure functions; no I/O except ``load_denylist``).

``redact(text, denylist=...)`` replaces e-mail addresses, URLs, National Insurance numbers, UK phone
numbers, UK postcodes, dates and the names or places of a deny-list with bracketed placeholders
(``[email]``, ``[url]``, ``[ni number]``, ``[phone]``, ``[postcode]``, ``[date]``, ``[name]``) and
returns the new text with the number of redactions made. Rules run in that order, so an e-mail
address is not also counted as a URL.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORD = r"(?:st|nd|rd|th)?"

RULES: tuple[tuple[str, str, re.Pattern], ...] = (
    ("email", "[email]", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", re.IGNORECASE)),
    ("url", "[url]", re.compile(
        r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"
        r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov\.uk|org\.uk|co\.uk|ac\.uk|nhs\.uk|uk|io|info|eu)"
        r"(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?(?![\w.])", re.IGNORECASE)),
    ("ni_number", "[ni number]", re.compile(
        # Any two letters (over-redacting is the safe side; the QQ prefix of examples is caught too).
        r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
        re.IGNORECASE)),
    ("phone", "[phone]", re.compile(
        r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\d)")),
    ("postcode", "[postcode]", re.compile(
        r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)\b", re.IGNORECASE)),
    ("date", "[date]", re.compile(
        r"\b\d{4}-\d{1,2}-\d{1,2}\b"
        r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
        rf"|\b\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+\d{{4}})?\b"
        rf"|\b{_MONTH}\.?\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?\b"
        rf"|\b{_MONTH}\.?\s+\d{{4}}\b", re.IGNORECASE)),
)
KINDS = tuple(kind for kind, _, _ in RULES) + ("name",)


def redact_counts(text: str, *, denylist: Iterable[str] = ()) -> tuple[str, Counter]:
    """Redacted text and how many redactions of each kind (email, url, ..., name) were made."""
    counts: Counter = Counter()
    if not text:
        return text, counts
    for kind, placeholder, rx in RULES:
        text, n = rx.subn(placeholder, text)
        if n:
            counts[kind] += n
    rx = _denylist_re(tuple(sorted({d.strip() for d in denylist if d and d.strip()}, key=lambda s: (-len(s), s))))
    if rx is not None:
        text, n = rx.subn("[name]", text)
        if n:
            counts["name"] += n
    return text, counts


def redact(text: str, *, denylist: Iterable[str] = ()) -> tuple[str, int]:
    """(redacted text, number of redactions)."""
    out, counts = redact_counts(text, denylist=denylist)
    return out, sum(counts.values())


@lru_cache(maxsize=16)
def _denylist_re(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    # Whole words only, so "Ali" does not redact "Alice" or "quality"; longest first.
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def default_denylist_path() -> Path:
    from surveykit.io.resources import codebooks_dir

    return codebooks_dir() / "redact_denylist.txt"


def load_denylist(path: str | Path | None = None) -> tuple[str, ...]:
    """Names and places to redact, one per line (``#`` starts a comment). Missing default -> ()."""
    from surveykit.errors import InputError

    p = Path(path) if path is not None else default_denylist_path()
    if not p.exists():
        if path is None:
            return ()
        raise InputError("deny-list file not found", path=p)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError(f"cannot read the deny-list ({type(exc).__name__}); expected UTF-8 text, "
                         "one name or place per line", path=p) from None
    words = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return tuple(words)
