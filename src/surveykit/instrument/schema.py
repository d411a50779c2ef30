"""Checking an instrument document and building the frozen ``Instrument`` from it.

Every problem is one ``InstrumentError`` naming the file, the key path (``questions[3].scale``),
what is allowed and the value found, e.g.::

    my_survey.yaml: questions[3].scale: must be one of 'agree5', 'yes_no'; got 'agree7'

The format is documented in ``docs/instrument.md``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from surveykit.errors import InstrumentError
from surveykit.instrument.checker import _Checker, _key, _short, _show
from surveykit.instrument.lookup import _text_column_set, id_key
from surveykit.instrument.values import (ANALYSES, GROUPING_KINDS, PROFILE_KINDS, QUESTION_ROLES, QUESTION_TYPES,
                                  SCALE_KINDS, CodedField, Instrument, Item, Net, Option, ProfileField,
                                  Question, ReportPart, ReportPlan, ReportSection, Scale, Sector, YouthLink)

TOP_KEYS = ("id", "title", "version", "source", "scales", "questions", "profile", "sectors", "groupings",
            "completion", "coding", "youth", "report")
SCALE_KEYS = ("kind", "options", "top_box", "top_box_label", "nets", "description")
OPTION_KEYS = ("code", "label", "dk", "aliases")
QUESTION_KEYS = ("id", "number", "short", "text", "type", "scale", "items", "other_text", "nets", "role",
                 "description")
ITEM_KEYS = ("id", "label", "other")
PROFILE_KEYS = ("id", "kind", "label", "aliases", "other_text", "options")
SECTOR_KEYS = ("id", "label", "aliases")
CODING_KEYS = ("field", "codebook", "quotes")
YOUTH_KEYS = ("grid", "measures")
REPORT_KEYS = ("title", "respondents", "by", "sections", "palette")
SECTION_KEYS = ("id", "title", "text", "questions", "analyses", "parts")
PART_KEYS = ("questions", "analyses")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "section"


def parse_instrument(doc: Any, *, path: str = "<instrument>", folder: str | None = None) -> Instrument:
    """Check an instrument document and build the Instrument (the first problem is raised)."""
    ck = _Checker(path, folder)
    if not isinstance(doc, dict):
        raise ck.fail("", "the file must hold a mapping with 'scales' and 'questions' (see docs/instrument.md)")
    ck.mapping(doc, "", TOP_KEYS)
    for key in ("scales", "questions"):
        if key not in doc:
            raise ck.fail(key, "is required (see docs/instrument.md)")

    scales = _scales(ck, doc["scales"])
    claimed: dict[str, str] = {}

    def claim(identifier: str, where: str) -> None:
        key = id_key(identifier)
        if key in claimed:
            raise ck.fail(where, f"id {_short(identifier)} is already used at {claimed[key]}")
        claimed[key] = where

    profile = _profile(ck, doc.get("profile"), scales, claim)
    questions = _questions(ck, doc["questions"], scales, claim)
    sector_fields = [p for p in profile if p.kind == "sector"]
    if len(sector_fields) > 1:
        raise ck.fail("profile", "at most one field may have kind 'sector'")
    sectors = _sectors(ck, doc.get("sectors"), required=bool(sector_fields))

    inst = Instrument(id=str(doc.get("id") or Path(path).stem), title=ck.text(doc.get("title"), "title", required=False),
                      version=ck.text(doc.get("version"), "version", required=False),
                      source=ck.text(doc.get("source"), "source", required=False),
                      scales=tuple(scales.values()), questions=tuple(questions), profile=tuple(profile),
                      sectors=tuple(sectors), path=path)

    completion = ck.mapping(doc.get("completion") or {}, "completion", ("last_page",))
    last_page = []
    for i, qid in enumerate(ck.seq(completion.get("last_page") or [], "completion.last_page")):
        if not inst.has_question(str(qid)):
            raise ck.fail(f"completion.last_page[{i}]", f"must be a question id; got {_short(qid)}")
        last_page.append(inst.question(str(qid)).id)

    groupings = []
    candidates = inst.grouping_candidates()
    table = {id_key(c): c for c in candidates}
    for i, g in enumerate(ck.seq(doc.get("groupings") or [], "groupings")):
        groupings.append(_grouping(ck, g, f"groupings[{i}]", candidates, table))

    coding = _coding(ck, doc.get("coding"), inst)
    youth = _youth(ck, doc.get("youth"), inst)
    from dataclasses import replace

    inst = replace(inst, last_page=tuple(last_page), groupings=tuple(groupings), coding=coding, youth=youth)
    report = _report(ck, doc.get("report"), inst) if doc.get("report") is not None else None
    return replace(inst, report=report)


def _grouping(ck: _Checker, value: Any, where: str, candidates: tuple[str, ...],
              table: dict[str, str] | None = None) -> str:
    if table is None:
        table = {id_key(c): c for c in candidates}
    by = table.get(id_key(str(value)))
    if by is None:
        raise ck.fail(where, "must be a grouping profile field (kind " + "/".join(GROUPING_KINDS)
                      + f") or a single-choice question: one of {_show(candidates)}; got {_short(value)}")
    return by


def _scales(ck: _Checker, raw: Any) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    for sid, sdef in ck.mapping(raw, "scales").items():
        where = f"scales.{_key(sid)}"
        sdef = ck.mapping(sdef, where, SCALE_KEYS)
        kind = ck.choice(sdef.get("kind", "nominal"), f"{where}.kind", SCALE_KINDS)
        options: list[Option] = []
        for j, odef in enumerate(ck.seq(sdef.get("options"), f"{where}.options", empty=False)):
            ow = f"{where}.options[{j}]"
            odef = ck.mapping(odef, ow, OPTION_KEYS)
            if "code" not in odef or odef["code"] is None:
                raise ck.fail(f"{ow}.code", "is required")
            code = ck.text(odef["code"], f"{ow}.code")
            dk = ck.flag(odef.get("dk"), f"{ow}.dk")
            value: float | None = None
            if kind == "ordinal" and not dk:
                try:
                    value = float(code)
                except ValueError:
                    raise ck.fail(f"{ow}.code", "must be a number on an ordinal scale (or mark the option "
                                                f"dk: true); got {_short(code)}") from None
            aliases = odef.get("aliases") or []
            aliases = ck.seq(aliases, f"{ow}.aliases")
            options.append(Option(code=code, label=ck.text(odef.get("label"), f"{ow}.label"), value=value, dk=dk,
                                  aliases=tuple(str(a) for a in aliases)))
        seen: set[str] = set()
        for j, o in enumerate(options):
            if o.code in seen:
                raise ck.fail(f"{where}.options[{j}].code", f"duplicate option code {_short(o.code)}")
            seen.add(o.code)
        valid = [o.code for o in options if not o.dk]
        valid_set = set(valid)
        top = ck.codes(sdef.get("top_box"), f"{where}.top_box")
        for c in top:
            if c not in valid_set:
                raise ck.fail(f"{where}.top_box", f"names code {_short(c)}, which the scale lacks; codes: "
                                                  f"{_show(valid)}")
        scale = Scale(id=str(sid), kind=kind, options=tuple(options), top_box=top,
                      top_box_label=ck.text(sdef.get("top_box_label"), f"{where}.top_box_label", required=False))
        nets = _nets(ck, sdef.get("nets"), f"{where}.nets", scale)
        from dataclasses import replace

        scales[str(sid)] = replace(scale, nets=nets)
    if not scales:
        raise ck.fail("scales", "must declare at least one scale")
    return scales


def _nets(ck: _Checker, raw: Any, where: str, scale: Scale) -> tuple[Net, ...]:
    if raw is None:
        return ()
    out = []
    valid = [o.code for o in scale.options if not o.dk]
    valid_set = set(valid)
    for nid, ndef in ck.mapping(raw, where).items():
        nw = f"{where}.{_key(nid)}"
        if isinstance(ndef, dict):
            ck.mapping(ndef, nw, ("label", "codes"))
            codes = ck.codes(ndef.get("codes"), f"{nw}.codes")
            label = ck.text(ndef.get("label"), f"{nw}.label", required=False)
        else:
            codes = ck.codes(ndef, nw)
            label = ""
        if not codes:
            raise ck.fail(nw, "must name at least one option code")
        for c in codes:
            if c not in valid_set:
                raise ck.fail(nw, f"names code {_short(c)}, which scale {_short(scale.id)} lacks (Don't know is never "
                                  "in a net); "
                                  f"codes: {_show(valid)}")
        out.append(Net(str(nid), label or " or ".join(scale.label_of(c) for c in codes), codes))
    return tuple(out)


def _profile(ck: _Checker, raw: Any, scales: dict[str, Scale], claim) -> list[ProfileField]:
    out = []
    for i, pdef in enumerate(ck.seq(raw or [], "profile")):
        where = f"profile[{i}]"
        pdef = ck.mapping(pdef, where, PROFILE_KEYS)
        pid = ck.ident(pdef.get("id"), f"{where}.id")
        claim(pid, f"{where}.id")
        kind = ck.choice(pdef.get("kind", "text"), f"{where}.kind", PROFILE_KINDS)
        other = pdef.get("other_text")
        if other is not None:
            other = ck.ident(other, f"{where}.other_text")
            claim(other, f"{where}.other_text")
        options = None
        if pdef.get("options") is not None:
            if kind != "category":
                raise ck.fail(f"{where}.options", f"only a field of kind 'category' has options; this one is "
                                                  f"{_short(kind)}")
            options = scales.get(str(pdef["options"]))
            if options is None:
                raise ck.fail(f"{where}.options", f"must be one of {_show(scales)}; got {_short(pdef['options'])}")
        aliases = ck.seq(pdef.get("aliases") or [], f"{where}.aliases")
        out.append(ProfileField(id=pid, kind=kind, label=ck.text(pdef.get("label") or pid, f"{where}.label"),
                                aliases=tuple(str(a) for a in aliases), other_text=other, options=options))
    kinds = [p.kind for p in out]
    for kind in ("id", "completed"):
        if kinds.count(kind) > 1:
            raise ck.fail("profile", f"at most one field may have kind {kind!r}")
    return out


def _questions(ck: _Checker, raw: Any, scales: dict[str, Scale], claim) -> list[Question]:
    questions = []
    question_keys: set[str] = set()
    for n, qdef in enumerate(ck.seq(raw, "questions", empty=False)):
        where = f"questions[{n}]"
        qdef = ck.mapping(qdef, where, QUESTION_KEYS)
        qid = ck.ident(qdef.get("id"), f"{where}.id")
        qtype = ck.choice(qdef.get("type"), f"{where}.type", QUESTION_TYPES)
        text = ck.text(qdef.get("text"), f"{where}.text")
        scale = None
        if qtype != "text":
            sid = qdef.get("scale")
            if sid not in scales:
                raise ck.fail(f"{where}.scale", f"must be one of {_show(scales)}; got {_short(sid)}")
            scale = scales[sid]
        elif qdef.get("scale") is not None:
            raise ck.fail(f"{where}.scale", "a free-text question has no scale")
        items: list[Item] = []
        if qtype == "grid":
            if qdef.get("items") is None:
                raise ck.fail(f"{where}.items", "a grid needs its rows: a list of {id, label}; got nothing")
            for j, idef in enumerate(ck.seq(qdef.get("items"), f"{where}.items", empty=False)):
                iw = f"{where}.items[{j}]"
                idef = ck.mapping(idef, iw, ITEM_KEYS)
                iid = ck.ident(idef.get("id"), f"{iw}.id")
                claim(iid, f"{iw}.id")
                items.append(Item(id=iid, label=ck.text(idef.get("label"), f"{iw}.label"),
                                  other=ck.flag(idef.get("other"), f"{iw}.other")))
            if id_key(qid) in {id_key(i.id) for i in items}:
                raise ck.fail(f"{where}.id", f"id {qid!r} is also the id of one of its items")
            if id_key(qid) in question_keys:
                raise ck.fail(f"{where}.id", f"duplicate question id {qid!r}")
        else:
            if qdef.get("items") is not None:
                raise ck.fail(f"{where}.items", f"only a grid question has items; this one is {qtype!r}")
            claim(qid, f"{where}.id")
        other_text = qdef.get("other_text")
        if other_text is not None:
            other_text = ck.ident(other_text, f"{where}.other_text")
            claim(other_text, f"{where}.other_text")
        number = qdef.get("number", n + 1)
        if isinstance(number, bool) or not isinstance(number, int):
            raise ck.fail(f"{where}.number", f"must be a whole number; got {_short(number)}")
        nets: tuple[Net, ...] = ()
        if qdef.get("nets") is not None:
            if scale is None:
                raise ck.fail(f"{where}.nets", "a free-text question has no options to combine")
            nets = _nets(ck, qdef["nets"], f"{where}.nets", scale)
        role = qdef.get("role")
        if role is not None:
            role = ck.choice(role, f"{where}.role", QUESTION_ROLES)
            if qtype != "grid" or scale is None or not scale.is_ordinal or not scale.top_box:
                raise ck.fail(f"{where}.role", "a role needs a grid with an ordinal scale that has a top_box")
        short = ck.text(qdef.get("short"), f"{where}.short", required=False) or text
        question_keys.add(id_key(qid))
        questions.append(Question(id=qid, number=number, text=text, short=short[:80], type=qtype, scale=scale,
                                  items=tuple(items), other_text=other_text, nets=nets, role=role))
    return questions


def _sectors(ck: _Checker, raw: Any, *, required: bool) -> list[Sector]:
    if raw is None:
        if required:
            raise ck.fail("sectors", "is required when a profile field has kind 'sector' (list the sectors "
                                     "with id and label)")
        return []
    out = []
    ids: set[str] = set()
    for i, sdef in enumerate(ck.seq(raw, "sectors", empty=not required)):
        where = f"sectors[{i}]"
        sdef = ck.mapping(sdef, where, SECTOR_KEYS)
        sid = ck.ident(sdef.get("id"), f"{where}.id")
        if sid in ids:
            raise ck.fail(f"{where}.id", f"duplicate sector id {sid!r}")
        ids.add(sid)
        aliases = ck.seq(sdef.get("aliases") or [], f"{where}.aliases")
        out.append(Sector(id=sid, label=ck.text(sdef.get("label"), f"{where}.label"),
                          aliases=tuple(str(a) for a in aliases)))
    return out


def _coding(ck: _Checker, raw: Any, inst: Instrument) -> tuple[CodedField, ...]:
    from surveykit.io.resources import codebooks_dir

    if raw is None:
        return ()
    text_cols = inst.text_columns()
    by_key = {id_key(c): c for c in text_cols}
    out: list[CodedField] = []
    fields: set[str] = set()
    for i, cdef in enumerate(ck.seq(raw, "coding")):
        where = f"coding[{i}]"
        cdef = ck.mapping(cdef, where, CODING_KEYS)
        fld = cdef.get("field")
        match = by_key.get(id_key(str(fld)))
        if match is None:
            raise ck.fail(f"{where}.field", f"must be a free-text field: one of {_show(text_cols)}; got {_short(fld)}")
        if match in fields:
            raise ck.fail(f"{where}.field", f"field {match!r} is listed twice")
        fields.add(match)
        name = ck.text(cdef.get("codebook"), f"{where}.codebook")
        out.append(CodedField(field=match, codebook=name,
                              path=ck.resolve(name, f"{where}.codebook", shipped_dir=codebooks_dir()),
                              quotes=True if cdef.get("quotes") is None else ck.flag(cdef.get("quotes"),
                                                                                     f"{where}.quotes")))
    return tuple(out)


def _youth(ck: _Checker, raw: Any, inst: Instrument) -> YouthLink | None:
    from surveykit.io.resources import codebooks_dir

    if raw is None:
        return None
    raw = ck.mapping(raw, "youth", YOUTH_KEYS)
    grids = [q.id for q in inst.questions if q.is_grid and q.is_ordinal and q.scale.top_box]
    grid = raw.get("grid")
    if not inst.has_question(str(grid)) or inst.question(str(grid)).id not in grids:
        raise ck.fail("youth.grid", f"must be an ordinal grid with a top box: one of {_show(grids)}; got {_short(grid)}")
    name = ck.text(raw.get("measures"), "youth.measures")
    return YouthLink(grid=inst.question(str(grid)).id, measures=name,
                     path=ck.resolve(name, "youth.measures", shipped_dir=codebooks_dir()))


def fits(inst: Instrument, analysis: str, column: str) -> str | None:
    """Why ``analysis`` cannot run on ``column`` (None when it fits)."""
    need = ANALYSES[analysis]
    if need == "text":
        if column not in _text_column_set(inst):
            return "needs a free-text field"
        if inst.coded_field(column) is None:
            return "needs a codebook for this field under 'coding:'"
        return None
    if not inst.has_question(column):
        return "needs a closed question"
    q = inst.question(column)
    if not q.is_closed:
        return f"needs a closed question; {q.id} is free text"
    if need == "ordinal" and not q.is_ordinal:
        return f"needs an ordinal scale; {q.id} is {q.scale.kind}"
    if need == "ordinal_grid" and not (q.is_grid and q.is_ordinal and q.scale.top_box):
        return f"needs a grid with an ordinal scale and a top_box; {q.id} is a {q.type} question"
    return None


def _report(ck: _Checker, raw: Any, inst: Instrument) -> ReportPlan:
    raw = ck.mapping(raw, "report", REPORT_KEYS)
    by = raw.get("by")
    if by is not None:
        by = _grouping(ck, by, "report.by", inst.grouping_candidates())
    grouping = by or inst.default_by
    known = [q.id for q in inst.questions] + [c for c in inst.text_columns() if not inst.has_question(c)]
    known_by_key = {id_key(c): c for c in known}
    sections: list[ReportSection] = []
    seen_ids: set[str] = set()
    for i, sdef in enumerate(ck.seq(raw.get("sections") or [], "report.sections")):
        where = f"report.sections[{i}]"
        sdef = ck.mapping(sdef, where, SECTION_KEYS)
        title = ck.text(sdef.get("title"), f"{where}.title")
        sid = ck.ident(sdef.get("id") or _slug(title), f"{where}.id")
        if sid in seen_ids or sid in ("methods", "data_quality"):
            raise ck.fail(f"{where}.id", f"section id {sid!r} is used twice (methods and data_quality are built in)")
        seen_ids.add(sid)
        text = sdef.get("text")
        texts = tuple(ck.text(t, f"{where}.text[{k}]") for k, t in enumerate(text)) if isinstance(text, list) else (
            (ck.text(text, f"{where}.text"),) if text is not None else ())
        raw_parts: list[tuple[str, dict]] = []
        if sdef.get("parts") is not None:
            if sdef.get("questions") is not None or sdef.get("analyses") is not None:
                raise ck.fail(where, "give either 'parts' or 'questions' and 'analyses', not both")
            raw_parts = [(f"{where}.parts[{k}]", ck.mapping(p, f"{where}.parts[{k}]", PART_KEYS))
                         for k, p in enumerate(ck.seq(sdef["parts"], f"{where}.parts", empty=False))]
        else:
            raw_parts = [(where, {"questions": sdef.get("questions"), "analyses": sdef.get("analyses")})]
        parts = []
        for pw, pdef in raw_parts:
            analyses = []
            for k, a in enumerate(ck.seq(pdef.get("analyses"), f"{pw}.analyses", empty=False)):
                analyses.append(ck.choice(a, f"{pw}.analyses[{k}]", ANALYSES))
            questions = []
            for k, qid in enumerate(ck.seq(pdef.get("questions") or [], f"{pw}.questions")):
                col = known_by_key.get(id_key(str(qid)))
                if col is None:
                    raise ck.fail(f"{pw}.questions[{k}]", f"must be a question or free-text field of the "
                                                           f"instrument: one of {_show(known)}; got {_short(qid)}")
                questions.append(col)
            for k, a in enumerate(analyses):
                if ANALYSES[a] == "none":
                    if len(analyses) > 1 or questions:
                        raise ck.fail(f"{pw}.analyses[{k}]", f"{a!r} takes no questions; put it in a part of its own")
                    if a in ("youth_ranking", "youth_comparison") and inst.youth is None:
                        raise ck.fail(f"{pw}.analyses[{k}]", f"{a!r} needs the instrument's 'youth:' entry")
                    continue
                if not questions:
                    raise ck.fail(f"{pw}.questions", f"analysis {a!r} needs questions")
                for j, col in enumerate(questions):
                    why = fits(inst, a, col)
                    if why:
                        raise ck.fail(f"{pw}.analyses[{k}]", f"{a!r} does not fit {col!r} ({pw}.questions[{j}]): {why}")
                if a in ("compare", "banner", "two_largest") and grouping is None:
                    raise ck.fail(f"{pw}.analyses[{k}]", f"{a!r} needs a grouping: declare 'groupings:' or 'report.by'")
            parts.append(ReportPart(tuple(questions), tuple(analyses)))
        sections.append(ReportSection(id=sid, title=title, text=texts, parts=tuple(parts)))
    palette = raw.get("palette")
    return ReportPlan(title=ck.text(raw.get("title"), "report.title", required=False),
                      respondents=ck.text(raw.get("respondents"), "report.respondents", required=False) or "respondents",
                      by=by, sections=tuple(sections),
                      palette=ck.text(palette, "report.palette") if palette is not None else None)


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
    return _load_cached(str(p.resolve()) if p.exists() else str(p), str(p))


@lru_cache(maxsize=8)
def _load_cached(resolved: str, shown: str) -> Instrument:
    from surveykit.io.yaml_file import read_yaml

    return parse_instrument(read_yaml(resolved, error=InstrumentError, what="instrument"), path=shown,
                            folder=str(Path(resolved).parent))
