"""The instrument: every question, scale, grid item, profile field and sector, as frozen values.

Loaded from ``codebooks/professional_survey.yaml``. A broken file gives one ``InstrumentError``
naming the file, the question and the problem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from surveykit.errors import InstrumentError, invalid_choice

QUESTION_TYPES = ("single", "grid", "text")
SCALE_KINDS = ("ordinal", "nominal")
PROFILE_KINDS = ("id", "sector", "text", "category", "completed")


def normalise_label(text: str) -> str:
    """Fold a label for tolerant matching: case, accents, quotes, punctuation and spacing."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags from survey platforms
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Option:
    """One answer option. ``value`` is the numeric score on ordinal scales (None for DK / nominal)."""

    code: str
    label: str
    value: float | None = None
    dk: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scale:
    id: str
    kind: str  # "ordinal" | "nominal"
    options: tuple[Option, ...]
    top_box: tuple[str, ...] = ()
    top_box_label: str = ""

    @property
    def is_ordinal(self) -> bool:
        return self.kind == "ordinal"

    @property
    def valid_options(self) -> tuple[Option, ...]:
        """The options that count in a percentage base (everything but Don't know)."""
        return tuple(o for o in self.options if not o.dk)

    @property
    def has_dk(self) -> bool:
        return any(o.dk for o in self.options)

    def option(self, code: str) -> Option:
        for o in self.options:
            if o.code == code:
                return o
        raise invalid_choice(f"option code of scale {self.id!r}", code, [o.code for o in self.options])

    def label_of(self, code: str) -> str:
        return self.option(code).label

    def match(self, raw: str) -> Option | None:
        """The option a raw exported answer means, or None when nothing matches.

        Accepts the code, the label, "code - label" / "code = label" forms and declared aliases.
        """
        return self._lookup().get(normalise_label(raw))

    def _lookup(self) -> dict[str, Option]:
        return _scale_lookup(self)


@lru_cache(maxsize=None)
def _scale_lookup(scale: Scale) -> dict[str, Option]:
    table: dict[str, Option] = {}
    for o in scale.options:
        for form in (o.code, o.label, f"{o.code} {o.label}", *o.aliases):
            table.setdefault(normalise_label(form), o)
    return table


@dataclass(frozen=True)
class Item:
    """A row of a grid question; its id is the data column id (e.g. ``q45_cctv``)."""

    id: str
    label: str
    other: bool = False  # the rated "Other (please specify)" row


@dataclass(frozen=True)
class Question:
    id: str
    number: int
    text: str
    short: str
    type: str  # "single" | "grid" | "text"
    scale: Scale | None = None
    items: tuple[Item, ...] = ()
    other_text: str | None = None  # column id of the "Other (please specify)" free text

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def is_grid(self) -> bool:
        return self.type == "grid"

    @property
    def is_closed(self) -> bool:
        return self.type in ("single", "grid")

    @property
    def is_ordinal(self) -> bool:
        return self.scale is not None and self.scale.is_ordinal

    @property
    def columns(self) -> tuple[str, ...]:
        """The data column ids holding this question's closed answers (or its text)."""
        if self.is_grid:
            return tuple(i.id for i in self.items)
        return (self.id,)

    @property
    def text_columns(self) -> tuple[str, ...]:
        """The data column ids holding free text for this question."""
        cols = [self.id] if self.is_text else []
        if self.other_text:
            cols.append(self.other_text)
        return tuple(cols)

    def item(self, item_id: str) -> Item:
        for i in self.items:
            if i.id == item_id:
                return i
        raise invalid_choice(f"item of question {self.id}", item_id, [i.id for i in self.items])


@dataclass(frozen=True)
class ProfileField:
    id: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    other_text: str | None = None


@dataclass(frozen=True)
class Sector:
    id: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    version: str
    source: str
    scales: tuple[Scale, ...]
    questions: tuple[Question, ...]
    profile: tuple[ProfileField, ...]
    sectors: tuple[Sector, ...]
    last_page: tuple[str, ...] = ()
    path: str = field(default="", compare=False)

    # -- look-ups -------------------------------------------------------------------------
    def question(self, question_id: str) -> Question:
        qid = str(question_id).strip().lower()
        for q in self.questions:
            if q.id == qid:
                return q
        raise invalid_choice("question", question_id, [q.id for q in self.questions])

    def has_question(self, question_id: str) -> bool:
        return any(q.id == str(question_id).strip().lower() for q in self.questions)

    def closed_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_closed)

    def text_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_text)

    def column_owner(self, column_id: str) -> tuple[Question, Item | None]:
        """The question (and grid item) that a data column id belongs to."""
        owner = _column_index(self).get(column_id)
        if owner is None:
            raise invalid_choice("column", column_id, list(_column_index(self)))
        return owner

    def closed_columns(self) -> Iterator[tuple[Question, Item | None]]:
        """Every closed data column in instrument order: (question, item or None)."""
        for q in self.closed_questions():
            if q.is_grid:
                for it in q.items:
                    yield q, it
            else:
                yield q, None

    def text_columns(self) -> tuple[str, ...]:
        cols: list[str] = []
        for q in self.questions:
            cols.extend(q.text_columns)
        for p in self.profile:
            if p.other_text:
                cols.append(p.other_text)
        return tuple(cols)

    def sector(self, sector_id: str) -> Sector:
        for s in self.sectors:
            if s.id == sector_id:
                return s
        raise invalid_choice("sector", sector_id, [s.id for s in self.sectors])

    def sector_label(self, sector_id: str) -> str:
        return self.sector(sector_id).label

    def match_sector(self, raw: str) -> str | None:
        """Map an exported sector answer onto a canonical sector id (None when unknown)."""
        key = normalise_label(raw)
        if not key:
            return None
        return _sector_lookup(self).get(key)

    def profile_field(self, field_id: str) -> ProfileField:
        for p in self.profile:
            if p.id == field_id:
                return p
        raise invalid_choice("profile field", field_id, [p.id for p in self.profile])


@lru_cache(maxsize=None)
def _column_index(instrument: Instrument) -> dict[str, tuple[Question, Item | None]]:
    index: dict[str, tuple[Question, Item | None]] = {}
    for q in instrument.questions:
        if q.is_grid:
            for it in q.items:
                index[it.id] = (q, it)
        else:
            index[q.id] = (q, None)
        if q.other_text:
            index[q.other_text] = (q, None)
    return index


@lru_cache(maxsize=None)
def _sector_lookup(instrument: Instrument) -> dict[str, str]:
    table: dict[str, str] = {}
    for s in instrument.sectors:
        for form in (s.id, s.id.replace("_", " "), s.label, *s.aliases):
            table.setdefault(normalise_label(form), s.id)
    return table


# -- loading -------------------------------------------------------------------------------

def codebooks_dir() -> Path:
    """Where the shipped codebooks live (package data: ``surveykit/data/codebooks``)."""
    from surveykit.io.resources import codebooks_dir as shipped

    return shipped()


def default_instrument_path() -> Path:
    return codebooks_dir() / "professional_survey.yaml"


def load_instrument(path: str | Path | None = None) -> Instrument:
    """Load and check an instrument YAML file (the shipped professional survey by default)."""
    p = Path(path) if path is not None else default_instrument_path()
    return _load_cached(str(p.resolve()) if p.exists() else str(p))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Instrument:
    from surveykit.io.yaml_file import read_yaml

    return parse_instrument(read_yaml(path, error=InstrumentError, what="instrument"), path=path)


def parse_instrument(doc: Any, *, path: str = "<instrument>") -> Instrument:
    """Build an Instrument from parsed YAML, raising one clear error for the first problem."""

    def fail(problem: str, where: str | None = None) -> InstrumentError:
        prefix = f"{where}: " if where else ""
        return InstrumentError(prefix + problem, path=path)

    if not isinstance(doc, dict):
        raise fail("the file must hold a mapping with 'scales', 'questions', 'profile' and 'sectors'")
    for key in ("scales", "questions", "sectors"):
        if key not in doc:
            raise fail(f"missing top-level key {key!r}")

    scales: dict[str, Scale] = {}
    if not isinstance(doc["scales"], dict):
        raise fail("'scales' must be a mapping of scale id to definition")
    for sid, sdef in doc["scales"].items():
        where = f"scale {sid!r}"
        if not isinstance(sdef, dict) or not isinstance(sdef.get("options"), list) or not sdef["options"]:
            raise fail("needs a non-empty 'options' list", where)
        kind = sdef.get("kind", "nominal")
        if kind not in SCALE_KINDS:
            raise fail(f"kind must be one of {SCALE_KINDS}; got {kind!r}", where)
        options = []
        for odef in sdef["options"]:
            if not isinstance(odef, dict) or "code" not in odef or "label" not in odef:
                raise fail("every option needs 'code' and 'label'", where)
            code = str(odef["code"])
            dk = bool(odef.get("dk", False))
            value: float | None = None
            if kind == "ordinal" and not dk:
                try:
                    value = float(code)
                except ValueError:
                    raise fail(f"ordinal option code {code!r} is not a number", where) from None
            options.append(
                Option(code=code, label=str(odef["label"]), value=value, dk=dk,
                       aliases=tuple(str(a) for a in odef.get("aliases", ()) or ()))
            )
        codes = [o.code for o in options]
        if len(set(codes)) != len(codes):
            raise fail("duplicate option codes", where)
        top = tuple(str(c) for c in sdef.get("top_box", ()) or ())
        unknown = [c for c in top if c not in codes]
        if unknown:
            raise fail(f"top_box names unknown codes {unknown}", where)
        scales[sid] = Scale(id=sid, kind=kind, options=tuple(options), top_box=top,
                            top_box_label=str(sdef.get("top_box_label", "")))

    questions: list[Question] = []
    seen_columns: set[str] = set()

    def claim(column_id: str, where: str) -> None:
        if column_id in seen_columns:
            raise fail(f"id {column_id!r} is used twice", where)
        seen_columns.add(column_id)

    if not isinstance(doc["questions"], list) or not doc["questions"]:
        raise fail("'questions' must be a non-empty list")
    for n, qdef in enumerate(doc["questions"], start=1):
        if not isinstance(qdef, dict) or "id" not in qdef:
            raise fail(f"question number {n} has no 'id'")
        qid = str(qdef["id"])
        where = f"question {qid}"
        qtype = qdef.get("type")
        if qtype not in QUESTION_TYPES:
            raise fail(f"type must be one of {QUESTION_TYPES}; got {qtype!r}", where)
        if not qdef.get("text"):
            raise fail("has no 'text'", where)
        scale = None
        if qtype != "text":
            sid = qdef.get("scale")
            if sid not in scales:
                raise fail(f"scale must be one of {sorted(scales)}; got {sid!r}", where)
            scale = scales[sid]
        items: list[Item] = []
        if qtype == "grid":
            if not isinstance(qdef.get("items"), list) or not qdef["items"]:
                raise fail("a grid question needs a non-empty 'items' list", where)
            for idef in qdef["items"]:
                if not isinstance(idef, dict) or "id" not in idef or "label" not in idef:
                    raise fail("every item needs 'id' and 'label'", where)
                claim(str(idef["id"]), where)
                items.append(Item(id=str(idef["id"]), label=str(idef["label"]), other=bool(idef.get("other", False))))
        else:
            claim(qid, where)
        other_text = qdef.get("other_text")
        if other_text:
            claim(str(other_text), where)
        try:
            number = int(qdef.get("number", n))
        except (TypeError, ValueError):
            raise fail("'number' must be a whole number", where) from None
        questions.append(
            Question(id=qid, number=number, text=" ".join(str(qdef["text"]).split()),
                     short=str(qdef.get("short") or qdef["text"])[:80], type=qtype, scale=scale,
                     items=tuple(items), other_text=str(other_text) if other_text else None)
        )
    qids = [q.id for q in questions]
    if len(set(qids)) != len(qids):
        raise fail("duplicate question ids")

    profile = []
    for pdef in doc.get("profile", []) or []:
        if not isinstance(pdef, dict) or "id" not in pdef:
            raise fail("every profile field needs an 'id'")
        kind = pdef.get("kind", "text")
        if kind not in PROFILE_KINDS:
            raise fail(f"kind must be one of {PROFILE_KINDS}; got {kind!r}", f"profile field {pdef['id']!r}")
        profile.append(ProfileField(id=str(pdef["id"]), kind=kind, label=str(pdef.get("label", pdef["id"])),
                                    aliases=tuple(str(a) for a in pdef.get("aliases", ()) or ()),
                                    other_text=pdef.get("other_text")))

    sectors = []
    for sdef in doc["sectors"]:
        if not isinstance(sdef, dict) or "id" not in sdef or "label" not in sdef:
            raise fail("every sector needs 'id' and 'label'")
        sectors.append(Sector(id=str(sdef["id"]), label=str(sdef["label"]),
                              aliases=tuple(str(a) for a in sdef.get("aliases", ()) or ())))

    last_page = tuple(str(q) for q in (doc.get("completion", {}) or {}).get("last_page", ()) or ())
    for qid in last_page:
        if qid not in qids:
            raise fail(f"completion.last_page names unknown question {qid!r}")

    return Instrument(id=str(doc.get("id", Path(path).stem)), title=str(doc.get("title", "")),
                      version=str(doc.get("version", "")), source=str(doc.get("source", "")),
                      scales=tuple(scales.values()), questions=tuple(questions), profile=tuple(profile),
                      sectors=tuple(sectors), last_page=last_page, path=path)
