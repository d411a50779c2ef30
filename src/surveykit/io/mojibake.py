"""Mojibake: UTF-8 text that was decoded as Windows-1252 or Latin-1 (``caf\u00c3\u00a9`` for ``caf\u00e9``),
found and undone (``repair_mojibake``), a sequence at a time where it re-encodes to exactly one
character. The readers that never build a large file's text make ``repair_mojibake``'s first checks on
the bytes instead (``encoding_guess.ByteTally.mojibake_suspected``, ``decoding.plain_utf8_start``,
``stream_table``): they use the marks and the pattern defined here, and must stay alike.
"""

from __future__ import annotations

import re

#: UTF-8 text read as Windows-1252 or Latin-1: the character a lead byte gives (\u00c2-\u00f4), then
#: one to three characters that continuation bytes give.
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                       "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}")


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 text that was decoded as Latin-1/Windows-1252 (``caf\u00c3\u00a9`` -> ``caf\u00e9``).

    Only sequences that re-encode to valid UTF-8 are replaced, so ordinary accented text is left alone.
    Returns (text, number of sequences repaired).
    """
    # Fast substring checks first (a 100 MB export must not pay for a regex scan). ``_mojibake_suspected``
    # and ``ByteTally.mojibake_suspected`` make the same checks on a file's bytes: keep them alike.
    if not text or text.isascii() or not (has_mojibake_mark(text) or _MOJIBAKE.search(text[:_MOJIBAKE_HEAD])):
        return text, 0
    if not _MOJIBAKE.search(text):
        return text, 0
    count = 0

    def fix(match: "re.Match[str]") -> str:
        nonlocal count
        seq = match.group(0)
        fixed = mojibake_fix(seq)
        if fixed is None:
            return seq
        count += 1
        return fixed

    return _MOJIBAKE.sub(fix, text), count


#: What ``repair_mojibake`` looks for first, anywhere in the text: mojibake of Latin-1 letters starts
#: with \u00c3 or \u00c2, of typographic punctuation with \u00e2\u20ac.
MOJIBAKE_MARKS = ("\u00c3", "\u00c2", "\u00e2\u20ac")


def has_mojibake_mark(text: str) -> bool:
    return any(mark in text for mark in MOJIBAKE_MARKS)


def mojibake_fix(seq: str) -> str | None:
    """The character a match of ``_MOJIBAKE`` stands for (its Windows-1252 or Latin-1 bytes read as
    UTF-8 give exactly one character), or None: then ``repair_mojibake`` leaves it as it is."""
    try:
        raw = seq.encode("cp1252")
    except UnicodeEncodeError:
        try:
            raw = seq.encode("latin-1")
        except UnicodeEncodeError:
            return None
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if len(fixed) == 1 else None


#: How much of the text ``repair_mojibake`` searches with the full pattern before deciding to look further.
_MOJIBAKE_HEAD = 200_000
