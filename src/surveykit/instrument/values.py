"""The instrument: every question, scale, grid item, net, profile field, grouping, coded field and
the report plan of one questionnaire, as frozen values.

Nothing study-specific lives in code: a study is described by its instrument YAML (the shipped
professional survey is one instrument among many; ``docs/instrument.md`` documents the format).
``surveykit.instrument.load_instrument(path)`` reads a file through ``surveykit.io`` and
``surveykit.instrument.schema.parse_instrument`` checks it, raising one ``InstrumentError`` that names the file, the key path
(``questions[3].scale``), the allowed values and the value found.

Label folding, id keys and the look-ups kept per instrument are ``surveykit.instrument.lookup``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from surveykit.errors import invalid_choice
from surveykit.instrument.lookup import (_coded_fields, _column_ids, _column_index, _question_index, _sector_lookup,
                                         _text_columns, id_key, normalise_label)

QUESTION_TYPES = ("single", "grid", "text")
SCALE_KINDS = ("ordinal", "nominal")
PROFILE_KINDS = ("id", "sector", "category", "text", "completed")
#: Profile kinds whose values form groups (``by``); single-choice questions may be ``by`` too.
GROUPING_KINDS = ("sector", "category", "completed")
QUESTION_ROLES = ("effectiveness", "reasons")


@dataclass(frozen=True)
class Option:
    """One answer option. ``value`` is the numeric score on ordinal scales (None for DK / nominal)."""

    code: str
    label: str
    value: float | None = None
    dk: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Net:
    """A combined share of several options (SPSS and Q call it a net): e.g. "Rarely or never"."""

    id: str
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    id: str
    kind: str  # "ordinal" | "nominal"
    options: tuple[Option, ...]
    top_box: tuple[str, ...] = ()
    top_box_label: str = ""
    nets: tuple[Net, ...] = ()

    def __hash__(self) -> int:
        # As Instrument.__hash__: cheap, and it agrees with ==.
        return hash((self.id, self.kind, len(self.options)))

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
        try:
            o = self._by_code.get(code)
        except TypeError:  # unhashable: no option has it
            o = None
        if o is not None:
            return o
        raise invalid_choice(f"option code of scale {self.id!r}", code, [o.code for o in self.options])

    def label_of(self, code: str) -> str:
        return self.option(code).label

    def match(self, raw: str) -> Option | None:
        """The option a raw exported answer means, or None when nothing matches.

        Accepts the code, the label, "code - label" / "code = label" forms and declared aliases.
        """
        return self._lookup.get(normalise_label(raw))

    @cached_property
    def _by_code(self) -> dict[object, Option]:
        # The first option of each code, as the linear search this replaces found (a net or top box of
        # many codes looked each one up through every option).
        table: dict[object, Option] = {}
        for o in self.options:
            table.setdefault(o.code, o)
        return table

    @cached_property
    def _lookup(self) -> dict[str, Option]:
        # Kept on the scale itself (not in a cache keyed by equality): an equal scale loaded
        # elsewhere must not answer with its own Option objects, and a scale's table goes with it.
        table: dict[str, Option] = {}
        for o in self.options:
            for form in (o.code, o.label, f"{o.code} {o.label}", *o.aliases):
                table.setdefault(normalise_label(form), o)
        return table

    @property
    def top_box_net(self) -> Net | None:
        if not self.top_box:
            return None
        label = self.top_box_label.removeprefix("%").strip() or " or ".join(self.label_of(c) for c in self.top_box)
        return Net("top_box", label, self.top_box)


@dataclass(frozen=True)
class Item:
    """A row of a grid question; its id is the data column id (e.g. ``fees_value``)."""

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
    nets: tuple[Net, ...] = ()  # question-level nets (added to the scale's)
    role: str | None = None  # "effectiveness" | "reasons": which commands take it by default

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

    @property
    def all_nets(self) -> tuple[Net, ...]:
        """The scale's nets and the question's own (a question's net replaces a scale net of its id)."""
        own = {n.id for n in self.nets}
        base = self.scale.nets if self.scale is not None else ()
        return tuple(n for n in base if n.id not in own) + self.nets

    def item(self, item_id: str) -> Item:
        key = id_key(item_id)
        for i in self.items:
            if id_key(i.id) == key:
                return i
        raise invalid_choice(f"item of question {self.id}", item_id, [i.id for i in self.items])


@dataclass(frozen=True)
class ProfileField:
    """A respondent field asked outside the numbered questions (id, sector, role, region ...).

    kind: id (the respondent id), sector (mapped onto the instrument's ``sectors``), category (a
    grouping answer; ``options`` map its answers when given, otherwise the answers are its groups),
    text, completed (the completion flag)."""

    id: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    other_text: str | None = None
    options: Scale | None = None


@dataclass(frozen=True)
class Sector:
    id: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodedField:
    """A free-text field coded with a codebook in the report (``coding:`` in the instrument).

    codebook: the file as written in the instrument; path: where it was found (a file beside the
    instrument, else a shipped codebook of that name), or None when it cannot be found."""

    field: str
    codebook: str
    path: str | None = None
    quotes: bool = True


@dataclass(frozen=True)
class YouthLink:
    """The youth ranking exercise: its measures file and the grid its measures map onto."""

    grid: str
    measures: str
    path: str | None = None


#: Analyses a report plan may name, and what each needs: "questions" (a kind of question) or none.
ANALYSES = {
    "respondents": "none",      # who responded, by the grouping
    "score": "closed",          # single: options by group (with nets); grid: top-box share by group
    "compare": "closed",        # tests between groups, corrected across the part's questions
    "rank": "ordinal_grid",     # a grid ranked by its top box, with a diverging chart
    "banner": "closed",         # a banner table: groups as columns with significance letters
    "two_largest": "ordinal",   # the two largest groups compared on their own
    "code": "text",             # free text coded with its codebook (coding:), with quotes
    "youth_ranking": "none",    # the youth ranking exercise (needs --rankings)
    "youth_comparison": "none",  # young people beside the grid they map onto (needs --rankings)
}


@dataclass(frozen=True)
class ReportPart:
    questions: tuple[str, ...]
    analyses: tuple[str, ...]


@dataclass(frozen=True)
class ReportSection:
    id: str
    title: str
    text: tuple[str, ...] = ()
    parts: tuple[ReportPart, ...] = ()


@dataclass(frozen=True)
class ReportPlan:
    """The report's sections in order (``report:`` in the instrument). ``by`` is the grouping the
    report compares (default: the instrument's first grouping)."""

    title: str = ""
    respondents: str = "respondents"
    by: str | None = None
    sections: tuple[ReportSection, ...] = ()
    palette: str | None = None


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
    groupings: tuple[str, ...] = ()
    coding: tuple[CodedField, ...] = ()
    youth: YouthLink | None = None
    report: ReportPlan | None = None
    path: str = field(default="", compare=False)

    def __hash__(self) -> int:
        # The look-ups below are cached per instrument, and functools.lru_cache hashes its argument on
        # every call: the generated hash went through every question, item and option each time
        # (about 200,000 nested hashes in a report). Equal instruments have equal ids, versions and
        # numbers of questions, so this hash still agrees with ==.
        return hash((self.id, self.version, len(self.questions)))

    # -- look-ups -------------------------------------------------------------------------
    def question(self, question_id: str) -> Question:
        q = _question_index(self).get(id_key(question_id))
        if q is None:
            raise invalid_choice("question", question_id, [q.id for q in self.questions])
        return q

    def has_question(self, question_id: str) -> bool:
        return id_key(question_id) in _question_index(self)

    def closed_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_closed)

    def text_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_text)

    def questions_with_role(self, role: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.role == role)

    def column_owner(self, column_id: str) -> tuple[Question, Item | None]:
        """The question (and grid item) that a data column id belongs to."""
        owner = _column_index(self).get(id_key(column_id))
        if owner is None:
            raise invalid_choice("column", column_id, [c for c, _ in _column_ids(self)])
        return owner

    def column_id(self, column_id: str) -> str:
        """The declared spelling of a column id given in any case (``Fees_Value`` -> ``fees_value``)."""
        for c, _ in _column_ids(self):
            if id_key(c) == id_key(column_id):
                return c
        raise invalid_choice("column", column_id, [c for c, _ in _column_ids(self)])

    def closed_columns(self) -> Iterator[tuple[Question, Item | None]]:
        """Every closed data column in instrument order: (question, item or None)."""
        for q in self.closed_questions():
            if q.is_grid:
                for it in q.items:
                    yield q, it
            else:
                yield q, None

    def text_columns(self) -> tuple[str, ...]:
        return _text_columns(self)

    def text_field_owner(self, column_id: str) -> Question | ProfileField:
        """The question (or profile field) a free-text column belongs to."""
        key = id_key(column_id)
        for q in self.questions:
            if key in {id_key(c) for c in q.text_columns}:
                return q
        for p in self.profile:
            if p.other_text and id_key(p.other_text) == key:
                return p
        raise invalid_choice("free-text column", column_id, list(self.text_columns()))

    # -- respondents and groups -------------------------------------------------------------
    def profile_field(self, field_id: str) -> ProfileField:
        for p in self.profile:
            if id_key(p.id) == id_key(field_id):
                return p
        raise invalid_choice("profile field", field_id, [p.id for p in self.profile])

    def profile_of_kind(self, kind: str) -> ProfileField | None:
        return next((p for p in self.profile if p.kind == kind), None)

    @property
    def sector_field(self) -> str | None:
        """The id of the profile field of kind ``sector`` (None when the instrument has none)."""
        p = self.profile_of_kind("sector")
        return p.id if p else None

    def grouping_candidates(self) -> tuple[str, ...]:
        """Everything that may be ``by``: grouping profile fields and single-choice questions."""
        return tuple(p.id for p in self.profile if p.kind in GROUPING_KINDS) + tuple(
            q.id for q in self.questions if q.type == "single")

    @property
    def default_by(self) -> str | None:
        """The grouping used when ``by`` is not given: the first declared grouping, else the sector
        field, else None."""
        if self.groupings:
            return self.groupings[0]
        return self.sector_field

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

    def group_order(self, by: str) -> list[object] | None:
        """The declared order of the groups of ``by`` (None: the order of the values found). A "Don't
        know" option is no group (``group_non_answers``)."""
        if self.sector_field and id_key(by) == id_key(self.sector_field):
            return [s.id for s in self.sectors]
        p = next((p for p in self.profile if id_key(p.id) == id_key(by)), None)
        if p is not None:
            if p.kind == "completed":
                return [True, False]
            return [o.code for o in p.options.options if not o.dk] if p.options else None
        if self.has_question(by):
            q = self.question(by)
            return [o.code for o in q.scale.options if not o.dk] if q.scale else None
        return None

    def group_non_answers(self, by: str) -> frozenset[object]:
        """The codes of ``by`` that say nothing of a respondent's group ("Don't know", "Prefer not to
        say": options marked ``dk``): such respondents are in no group, with those who left it blank."""
        p = next((p for p in self.profile if id_key(p.id) == id_key(by)), None)
        scale = p.options if p is not None and p.kind != "completed" else (
            self.question(by).scale if p is None and self.has_question(by) else None)
        return frozenset(o.code for o in scale.options if o.dk) if scale is not None else frozenset()

    def group_labels(self, by: str | None) -> dict[str, str]:
        """Group id -> label for people, for the groups of ``by``."""
        if by is None:
            return {}
        if self.sector_field and id_key(by) == id_key(self.sector_field):
            return {s.id: s.label for s in self.sectors}
        p = next((p for p in self.profile if id_key(p.id) == id_key(by)), None)
        if p is not None:
            if p.kind == "completed":
                return {"true": "Completed", "false": "Not completed"}
            return {o.code: o.label for o in p.options.options} if p.options else {}
        if self.has_question(by):
            q = self.question(by)
            return {o.code: o.label for o in q.scale.options} if q.scale else {}
        return {}

    def grouping_label(self, by: str | None) -> str:
        """What a grouping is called for people ("sector", "Which department ...")."""
        if by is None:
            return ""
        p = next((p for p in self.profile if id_key(p.id) == id_key(by)), None)
        if p is not None:
            return p.id.replace("_", " ") if p.kind == "sector" else p.label
        return self.question(by).short if self.has_question(by) else by

    def coded_field(self, column_id: str) -> CodedField | None:
        return _coded_fields(self).get(id_key(column_id))
