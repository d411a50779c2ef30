"""Redaction of personal data in free text, without depending on a list someone has to fill in.

``redact_text(text)`` finds personal data and replaces each piece with a placeholder of its kind;
it returns a ``Redaction``: the redacted text and the ``Span`` (kind, start, end) of every piece in
the ORIGINAL text, so callers can count and audit without keeping the original around.

Kinds and placeholders (see ``PLACEHOLDERS``): ``name`` [name], ``place`` [place], ``address``
[address], ``postcode`` [postcode], ``email`` [email], ``url`` [url], ``handle`` [handle],
``phone`` [phone], ``ni_number`` [ni number], ``nhs_number`` [id], ``reference`` [id], ``date``
[date], ``age`` [age].

What it finds, how, and how well (measured on a planted test set) is in docs/redaction.md. Words
of the codebook and the instrument's sector names are kept when passed in (``codebook=``,
``instrument=``, ``keep=``); a user's deny-list (``denylist=``) is always redacted as [name].
Deterministic and linear in the length of the text. ``Redactor`` compiles the options once for
many answers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

KINDS = ("name", "place", "address", "postcode", "email", "url", "handle", "phone", "ni_number", "nhs_number",
         "reference", "date", "age")
PLACEHOLDERS = {"name": "[name]", "place": "[place]", "address": "[address]", "postcode": "[postcode]",
                "email": "[email]", "url": "[url]", "handle": "[handle]", "phone": "[phone]",
                "ni_number": "[ni number]", "nhs_number": "[id]", "reference": "[id]", "date": "[date]",
                "age": "[age]"}
# When two findings overlap they become one redaction; its kind is the more specific one.
_PRIORITY = {k: i for i, k in enumerate(("email", "url", "nhs_number", "ni_number", "reference", "phone", "postcode",
                                          "handle", "address", "date", "age", "name", "place"))}
STRUCTURED = ("email", "phone", "ni_number", "nhs_number", "postcode", "handle", "url")


@dataclass(frozen=True, order=True)
class Span:
    """One piece of personal data: its kind and where it was in the original text."""
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redaction:
    """The redacted text and what was replaced (spans over the original text, in order)."""
    text: str
    spans: tuple[Span, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Number of redactions of each kind, kinds in a stable order."""
        c = Counter(s.kind for s in self.spans)
        return {k: c[k] for k in KINDS if c[k]}

    @property
    def n(self) -> int:
        return len(self.spans)


def merge(found: Iterable[tuple[str, int, int]]) -> tuple[Span, ...]:
    """Overlapping or touching findings become one span; kind by ``_PRIORITY``."""
    items = sorted((s, e, k) for k, s, e in found if e > s)
    out: list[list] = []
    for s, e, k in items:
        if out and s < out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], e)
            if _PRIORITY.get(k, 99) < _PRIORITY.get(last[2], 99):
                last[2] = k
        else:
            out.append([s, e, k])
    return tuple(Span(s, e, k) for s, e, k in out)


def apply(text: str, spans: Iterable[Span]) -> str:
    parts, pos = [], 0
    for sp in spans:
        parts.append(text[pos:sp.start])
        parts.append(PLACEHOLDERS.get(sp.kind, "[redacted]"))
        pos = sp.end
    parts.append(text[pos:])
    return "".join(parts)


def codebook_terms(codebook) -> tuple[str, ...]:
    """Labels of the codebook's themes and codes and the words of its patterns (its own vocabulary)."""
    if codebook is None:
        return ()
    terms: list[str] = [codebook.title]
    for theme in codebook.themes:
        terms.append(theme.label)
    for code in codebook.codes:
        terms.append(code.label)
        for p in code.patterns:
            if p.kind in ("word", "phrase", "stem", "near"):
                terms.extend(w for w in re.split(r"[^\w'’-]+", p.text) if w and w.isalpha() and not _identifying(w))
    return tuple(sorted({t for t in terms if t}))


def _identifying(word: str) -> bool:
    """A pattern word that names a place or a person ("community in Birmingham"): keeping it would
    let the codebook unmask the same place or name in an answer, so it stays redactable."""
    from surveykit.coding.redact.banks import banks, fold

    b = banks()
    key = fold(word)
    if any(p == (key,) for p in b.places.get(key, ())):
        return True
    return (key in b.first or key in b.surname) and key not in b.common


def instrument_terms(instrument) -> tuple[str, ...]:
    """Sector labels and aliases of the instrument (e.g. "Police", "Local authority")."""
    if instrument is None:
        return ()
    out: list[str] = []
    for sector in instrument.sectors:
        out.append(sector.label)
        out.extend(sector.aliases)
        out.extend(part.strip() for part in re.split(r"[/,]| and ", sector.label) if part.strip())
    return tuple(sorted(set(out)))


class Redactor:
    """A configured detector; ``redact(text)`` -> Redaction. Reuse one for many answers."""

    def __init__(self, *, codebook=None, instrument=None, denylist: Iterable[str] = (),
                 keep: Iterable[str] = ()) -> None:
        from surveykit.coding.redact.banks import banks, extra_keep
        from surveykit.coding.redact.names import NameFinder

        self._banks = banks()
        self._keep_terms = tuple(keep) + codebook_terms(codebook) + instrument_terms(instrument)
        self._names = NameFinder(self._banks, extra_keep(self._keep_terms))
        words = tuple(sorted({d.strip() for d in denylist if d and d.strip()}, key=lambda s: (-len(s), s)))
        self._deny = _denylist_re(words)

    def find(self, text: str) -> tuple[Span, ...]:
        if not text:
            return ()
        norm, where = _normalised(text)
        if where is None:
            return merge(self._find(text))
        # Found on the normalised text, reported over the original: a span runs from the original
        # character its first character came from to the end of the one its last came from.
        found = [(k, where[s], where[e - 1] + 1) for k, s, e in self._find(norm) if e > s]
        return merge(found)

    def _find(self, text: str) -> list[tuple[str, int, int]]:
        from surveykit.coding.redact.structured import find_structured

        found = find_structured(text, self._banks.postcode_areas)
        found += self._names.find(text)
        if self._deny is not None:
            found += [("name", m.start(), m.end()) for m in self._deny.finditer(text)]
        return found

    def redact(self, text: str) -> Redaction:
        if not text:
            return Redaction(text or "", ())
        spans = self.find(text)
        return Redaction(apply(text, spans), spans)


# Characters that hide a word or a number from the detector without showing: zero-width space,
# joiners, word joiner, byte-order mark, soft hyphen ("Fat\u200bima", "07700\u200b900123").
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """``text`` as the detector reads it: each character in NFKC form (full-width digits and
    letters become ASCII: "０７７００" -> "07700"), invisible characters dropped; and for each
    character of that text the offset of the original character it came from. ``(text, None)``
    when nothing changes (every ASCII answer, so the usual path costs one check)."""
    if text.isascii():
        return text, None
    import unicodedata

    if not any(c in _INVISIBLE for c in text) and unicodedata.is_normalized("NFKC", text):
        return text, None
    parts: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        if c in _INVISIBLE:
            continue
        if c.isascii():
            parts.append(c)
            where.append(i)
            continue
        n = unicodedata.normalize("NFKC", c)
        parts.append(n)
        where.extend([i] * len(n))
    norm = "".join(parts)
    return (text, None) if norm == text else (norm, where)


@lru_cache(maxsize=8)
def _cached(denylist: tuple[str, ...], keep: tuple[str, ...]) -> Redactor:
    return Redactor(denylist=denylist, keep=keep)


def redact_text(text: str, *, codebook=None, instrument=None, denylist: Iterable[str] = (),
                keep: Iterable[str] = ()) -> Redaction:
    """Redact personal data from one text: ``Redaction(text, spans)``. See the module docstring."""
    keep_all = tuple(keep) + codebook_terms(codebook) + instrument_terms(instrument)
    return _cached(tuple(denylist), keep_all).redact(text)


def redact_counts(text: str, *, denylist: Iterable[str] = (), codebook=None) -> tuple[str, Counter]:
    """Redacted text and how many redactions of each kind were made."""
    r = redact_text(text, denylist=denylist, codebook=codebook)
    return r.text, Counter(r.counts)


def redact(text: str, *, denylist: Iterable[str] = (), codebook=None) -> tuple[str, int]:
    """(redacted text, number of redactions)."""
    r = redact_text(text, denylist=denylist, codebook=codebook)
    return r.text, r.n


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
    """Names and places always redacted, one per line (``#`` starts a comment). Missing default -> ()."""
    from surveykit.io.wordlists import read_word_list

    if path is None:
        p = default_denylist_path()
        return read_word_list(p, what="deny-list") if p.is_file() else ()
    return read_word_list(path, what="deny-list")


__all__ = ["KINDS", "PLACEHOLDERS", "STRUCTURED", "Span", "Redaction", "Redactor", "redact_text", "redact",
           "redact_counts", "load_denylist", "default_denylist_path", "codebook_terms", "instrument_terms"]


def evidence_redactor(codebook=None) -> Callable[[str], str]:
    """``text -> redact_text(text, codebook=codebook).text``, for many evidence texts: the codebook's
    words are worked out once (they cost ~40 ms), and evidence repeats ("nothing in place",
    "disbelief"), so a bounded memo redacts each distinct text once (redaction depends on the text and
    those words alone)."""
    keep = codebook_terms(codebook)

    @lru_cache(maxsize=1 << 16)
    def redacted(text: str) -> str:
        return redact_text(text, keep=keep).text

    return redacted


def redact_evidence(coded, *, codebook=None, column: str = "matched"):
    """A coded frame with personal data redacted from its evidence column (the words the rules
    matched, which come from the answer). Start and end still point into the original answer."""
    out = coded.copy()
    if column in out.columns:
        redacted = evidence_redactor(codebook)
        out[column] = [v if not isinstance(v, str) or not v else redacted(v) for v in out[column]]
    return out
