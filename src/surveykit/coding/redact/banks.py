"""The data banks behind the detector (names, places, titles, terms to keep), loaded once.

Every file lives in ``surveykit/data/redact/`` and states its source and licence in its header;
see docs/redaction.md. Lookups are on accent-folded lower-case forms.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from surveykit.io.wordlists import read_data_list


def fold(text: str) -> str:
    """Lower case without accents or curly apostrophes: the key every bank is looked up by."""
    text = text.replace("’", "'")
    if text.isascii():
        return text.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def phrase_key(text: str) -> tuple[str, ...]:
    return tuple(fold(text).replace("-", " - ").replace(",", " , ").split())


@dataclass(frozen=True)
class Banks:
    first: frozenset[str]
    surname: frozenset[str]
    common: frozenset[str]           # ordinary English words (lower case)
    titles: dict[tuple[str, ...], bool]   # title tokens -> strong (may precede a lower-case name)
    places: dict[str, tuple[tuple[str, ...], ...]]   # first token -> phrases, longest first
    keep: dict[str, tuple[tuple[str, ...], ...]]     # first token -> phrases never redacted
    countries: frozenset[tuple[str, ...]]
    postcode_areas: frozenset[str]


# Titles that are abbreviations or unambiguous forms of address: the next word is a name even in
# lower case ("dc kowalski"). Other titles ("Sister", "uncle") need a capitalised name after them.
STRONG_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "revd", "fr", "cllr", "dc", "ds",
                           "di", "dci", "dsi", "dsu", "supt", "pc", "wpc", "pcso", "sgt", "insp", "det"})


def _index(phrases) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        if p:
            out.setdefault(p[0], []).append(p)
    return {k: tuple(sorted(set(v), key=lambda t: (-len(t), t))) for k, v in out.items()}


@lru_cache(maxsize=1)
def banks() -> Banks:
    first = {fold(n) for n in read_data_list("redact/first_names.txt")}
    first |= {fold(n) for n in read_data_list("redact/field_first_names.txt", split_words=True)}
    surname = {fold(n) for n in read_data_list("redact/surnames.txt")}
    surname |= {fold(n) for n in read_data_list("redact/field_surnames.txt", split_words=True)}
    titles = {phrase_key(t): fold(t) in STRONG_TITLES for t in read_data_list("redact/titles.txt")}
    countries = frozenset(phrase_key(c) for c in read_data_list("redact/countries.txt"))
    keep = {phrase_key(k) for k in read_data_list("redact/keep_terms.txt")} | set(countries)
    places = {phrase_key(p) for name in ("uk_places.txt", "uk_areas.txt", "foreign_places.txt")
              for p in read_data_list(f"redact/{name}")}
    places -= keep
    return Banks(
        first=frozenset(first), surname=frozenset(surname),
        common=frozenset(read_data_list("redact/common_words.txt"))
        | frozenset(read_data_list("redact/english_words.txt.gz")),
        titles=titles, places=_index(places), keep=_index(keep), countries=countries,
        postcode_areas=frozenset(read_data_list("redact/postcode_areas.txt", split_words=True)),
    )


def extra_keep(terms) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Index of extra terms to keep (codebook labels and lexicon, sector names, user terms)."""
    return _index({phrase_key(t) for t in terms if t and t.strip()})
