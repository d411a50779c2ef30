"""The draft's working values: a question or profile field being drafted, the guesses made, unique ids."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from surveykit.draft.columns import Unit
from surveykit.draft.scales import ScaleGuess
from surveykit.instrument.values import id_key, normalise_label

_STOP = frozenset("a an the of to in on for and or you your do does did is are was were be been how what which who "
                  "whom why when where please this that these those with about as at by it its i we our my me any "
                  "have has had would could should can if from there their they them than then so not no yes "
                  "following each all some many much most more very rate scale select answer question please "
                  "currently current think".split())


@dataclass(frozen=True)
class Guess:
    """One guess the draft made: where (a question, item, scale or profile id) and what."""

    where: str
    note: str


@dataclass
class DraftQuestion:
    id: str
    text: str
    type: str
    unit: Unit
    scale: ScaleGuess | None = None
    items: list[tuple[str, str, bool]] = field(default_factory=list)
    other_text: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    scale_id: str = ""


@dataclass
class DraftProfile:
    id: str
    kind: str
    label: str
    aliases: list[str] = field(default_factory=list)
    scale: ScaleGuess | None = None
    other_text: str | None = None
    note: str = ""
    scale_id: str = ""
    groups: int = 0
    scale_note: str = ""


class Ids:
    """Unique ids, compared without regard to case (as the instrument does)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, wanted: str, fallback: str = "q") -> str:
        base = slug(wanted) or slug(fallback) or "q"
        if base[:1].isdigit():
            base = "q" + base  # ids read better starting with a letter: "3 main reasons" -> "q3_main_reasons"
        candidate, n = base, 2
        while id_key(candidate) in self.used:
            candidate, n = f"{base}_{n}", n + 1
        self.used.add(id_key(candidate))
        return candidate


def slug(text: str, *, words: int | None = None) -> str:
    """A snake_case id: lower-case ASCII letters, digits and underscores (ids name the report's files,
    so accents are folded, "Größe" -> "grosse", and other scripts dropped)."""
    text = str(text).strip()
    if words is not None:
        tokens = [t for t in normalise_label(text).split() if t not in _STOP and len(t) > 1] or \
            normalise_label(text).split()
        text = " ".join(tokens[:words])
    text = text.casefold()
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    out = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return out[:40].rstrip("_")


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."
