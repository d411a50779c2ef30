"""How the instrument matches ids and labels: label folding (``normalise_label``), case-blind id keys
(``id_key``) and the look-up tables built once per ``Instrument`` (questions and columns by id, text
columns, coded fields, sector answers) that its methods use.

This module imports the value types for annotations only: ``values`` imports it, never the reverse.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.instrument.values import CodedField, Instrument, Item, Question


def normalise_label(text: str) -> str:
    """Fold a label for tolerant matching: case, accents, quotes, punctuation and spacing."""
    return _folded(str(text))


_NEGATIVE_NUMBER = re.compile(r"\s*[-\u2212]\s*\d+(?:[.,]\d+)?\s*")

# Cached: mapping an export folds the same headers and question labels many times over. The key is
# the text itself (1.0, True and 1 are equal keys, but not the same text).
@lru_cache(maxsize=1 << 16)
def _folded(text: str) -> str:
    if _NEGATIVE_NUMBER.fullmatch(text):
        # "-1" is not "1": platforms code "no basis to judge" and the like as negative numbers, and
        # folding the sign away made them the scale's 1 and 2.
        return "-" + " ".join(re.sub(r"[^0-9]+", " ", text).split())
    if not text.isascii():  # ASCII is its own NFKD form and has no combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags from survey platforms
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def id_key(identifier: str) -> str:
    """Ids are matched without regard to case (``Q3_A`` in a file finds ``q3_a`` and back)."""
    return str(identifier).strip().casefold()


def _per_instrument(build):
    """``build(instrument)`` computed once per Instrument object and kept on the object itself.

    Not an ``lru_cache`` keyed by the instrument: a look-up there hashes it and, when another
    instrument of the same id, version and number of questions is cached (every ``replace`` made while
    the instrument is checked), compares the two field by field, every question and option of both.
    An instrument is frozen, so what is kept stays right; a ``replace``d copy builds its own."""
    name = f"_cached{build.__name__}"

    def cached(instrument: Instrument):
        table = instrument.__dict__
        try:
            return table[name]
        except KeyError:
            value = table[name] = build(instrument)  # frozen: __setattr__ refuses, __dict__ does not
            return value

    cached.__name__ = cached.__qualname__ = build.__name__
    cached.__doc__ = build.__doc__
    return cached


@_per_instrument
def _text_columns(instrument: Instrument) -> tuple[str, ...]:
    cols: list[str] = []
    for q in instrument.questions:
        cols.extend(q.text_columns)
    for p in instrument.profile:
        if p.other_text:
            cols.append(p.other_text)
    return tuple(cols)


@_per_instrument
def _text_column_set(instrument: Instrument) -> frozenset[str]:
    return frozenset(_text_columns(instrument))


@_per_instrument
def _coded_fields(instrument: Instrument) -> dict[str, CodedField]:
    table: dict[str, CodedField] = {}
    for c in instrument.coding:
        table.setdefault(id_key(c.field), c)  # the first, as the search this replaces
    return table


@_per_instrument
def _question_index(instrument: Instrument) -> dict[str, Question]:
    return {id_key(q.id): q for q in instrument.questions}


@_per_instrument
def _column_ids(instrument: Instrument) -> tuple[tuple[str, tuple[Question, Item | None]], ...]:
    out: list[tuple[str, tuple[Question, Item | None]]] = []
    for q in instrument.questions:
        if q.is_grid:
            out.extend((it.id, (q, it)) for it in q.items)
        else:
            out.append((q.id, (q, None)))
        if q.other_text:
            out.append((q.other_text, (q, None)))
    return tuple(out)


@_per_instrument
def _column_index(instrument: Instrument) -> dict[str, tuple[Question, Item | None]]:
    return {id_key(c): owner for c, owner in _column_ids(instrument)}


@_per_instrument
def _sector_lookup(instrument: Instrument) -> dict[str, str]:
    table: dict[str, str] = {}
    for s in instrument.sectors:
        for form in (s.id, s.id.replace("_", " "), s.label, *s.aliases):
            table.setdefault(normalise_label(form), s.id)
    return table
