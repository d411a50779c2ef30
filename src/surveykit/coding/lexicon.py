"""The codebook's lexicon: abbreviations and synonyms read before the patterns are matched.

YAML (in the codebook)::

    lexicon:
      global:                                   # applies to every code
        UASC: unaccompanied asylum seeking child
        HO: home office
        semi-indep: semi-independent
      codes:                                    # applies only when matching that code's patterns
        family_reunification:
          homesick: missing family

A key is one or more words; it is replaced, wherever it occurs as whole words, by its reading, and
the patterns then see the reading ("HO delays" is matched as "home office delays"). Nothing is
re-expanded: a reading is not looked up again. Keys match in any case, except keys of one
to three capital letters (LA, HO, SW, ARE), which match only when written in capitals, since "la",
"ho" or "are" in lower case are usually something else (add a lower-case key too when writers use
one: ``cse: child sexual exploitation``). The evidence of a match keeps the character offsets
of the ORIGINAL answer (the whole key), and names the lexicon entries used (``via``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The answers' tokeniser (patterns.TOKEN_PATTERN); repeated here so that this module stays a leaf.
_TOKEN_RE = re.compile(r"\w+(?:[-'\u2019]\w+)*|[^\w\s]")


def lexicon_tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(text.lower().replace("\u2019", "'")))


@dataclass(frozen=True)
class LexiconEntry:
    """One key and its reading. ``code`` is None for a global entry."""

    key: str
    reading: str
    code: str | None = None

    @property
    def key_tokens(self) -> tuple[str, ...]:
        return lexicon_tokens(self.key)

    @property
    def reading_tokens(self) -> tuple[str, ...]:
        return lexicon_tokens(self.reading)

    @property
    def capitals_only(self) -> bool:
        """Short capital abbreviations (LA, HO, ARE) match only in capitals."""
        letters = self.key.replace(" ", "")
        return len(letters) <= 3 and letters.isalpha() and letters.isupper()

    def describe(self) -> str:
        return f"{self.key} = {self.reading}"


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[LexiconEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.entries)

    @property
    def global_entries(self) -> tuple[LexiconEntry, ...]:
        return tuple(e for e in self.entries if e.code is None)

    def for_code(self, code_id: str) -> tuple[LexiconEntry, ...]:
        return tuple(e for e in self.entries if e.code == code_id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        glob = {e.key: e.reading for e in self.global_entries}
        if glob:
            out["global"] = glob
        codes: dict[str, dict[str, str]] = {}
        for e in self.entries:
            if e.code is not None:
                codes.setdefault(e.code, {})[e.key] = e.reading
        if codes:
            out["codes"] = codes
        return out


def parse_lexicon(doc: Any) -> tuple[Lexicon, list[tuple[str | None, str]]]:
    """The lexicon of a codebook's ``lexicon:`` mapping, and its problems as (code or None, message).

    Unknown code ids are checked by the caller, which knows the codes.
    """
    problems: list[tuple[str | None, str]] = []
    if doc is None:
        return Lexicon(), problems
    if not isinstance(doc, dict):
        return Lexicon(), [(None, "'lexicon' must be a mapping with 'global' and/or 'codes'")]
    unknown = set(doc) - {"global", "codes"}
    if unknown:
        problems.append((None, f"'lexicon' has unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                               "allowed: global, codes"))
    entries: list[LexiconEntry] = []

    def add(mapping: Any, code: str | None, where: str) -> None:
        if mapping is None:
            return
        if not isinstance(mapping, dict):
            problems.append((code, f"{where} must be a mapping of key: reading"))
            return
        seen: dict[tuple[tuple[str, ...], bool], str] = {}
        for key, reading in mapping.items():
            key_text = str(key).strip() if isinstance(key, (str, int, float)) and not isinstance(key, bool) else ""
            if not key_text or not isinstance(reading, str) or not reading.strip():
                problems.append((code, f"{where}: {str(key)[:40]!r} needs a key and a non-empty reading"))
                continue
            entry = LexiconEntry(key_text, " ".join(reading.split()), code)
            if not entry.key_tokens or not any(t[0].isalnum() for t in entry.key_tokens):
                problems.append((code, f"{where}: key {key_text[:40]!r} has no word in it"))
                continue
            if not entry.reading_tokens:
                problems.append((code, f"{where}: the reading of {key_text[:40]!r} has no word in it"))
                continue
            ident = (entry.key_tokens, entry.capitals_only)
            if ident in seen:
                problems.append((code, f"{where}: key {key_text!r} is given twice (also as {seen[ident]!r})"))
                continue
            seen[ident] = key_text
            entries.append(entry)

    add(doc.get("global"), None, "lexicon.global")
    codes = doc.get("codes")
    if codes is not None:
        if not isinstance(codes, dict):
            problems.append((None, "'lexicon.codes' must map code ids to {key: reading} mappings"))
        else:
            for cid, mapping in codes.items():
                add(mapping, str(cid), f"lexicon.codes.{cid}")
    return Lexicon(tuple(entries)), problems
