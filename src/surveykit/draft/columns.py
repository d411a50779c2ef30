"""Reading the shape of an export: which columns are platform metadata, the respondent id or the
completion flag, and which columns belong together as one question (a grid's rows, a question and
its "Other (please specify)" box).

Each platform marks questions its own way, and the grouping follows it:

* SurveyMonkey (and Unipark/EFS): a question's text heads its first column, the second header row
  names the grid row, choice, "Response", "Open-Ended Response" or "Other (please specify)";
* Qualtrics: export tags ``Q4_1``, ``Q4_2`` ... share the base ``Q4``; ``_TEXT`` columns are text
  boxes; with a ``.qsf`` the survey definition says which columns are one question;
* Google / Microsoft Forms, LimeSurvey: ``Question text [Row]`` columns;
* LimeSurvey with its structure file: the question texts and codes of the structure;
* tidy files and SPSS: variables named ``stem_item`` with the same answers form a grid.

Nothing here reads a file; it works on a ``RawExport`` and, optionally, a ``SurveyStructure``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from surveykit.instrument.values import normalise_label
from surveykit.io.base import Column, RawExport
from surveykit.io.structure import StructQuestion, SurveyStructure
from surveykit.mapping import ANSWER_SUBHEADERS, METADATA_HEADERS, OTHER_SUBHEADERS, strip_numbering

ID_HEADERS = frozenset(normalise_label(h) for h in (
    "Respondent ID", "RespondentID", "Response ID", "ResponseId", "ResponseID", "Record ID", "Participant ID",
    "Participant", "ID", "Id", "lfdn", "ID risposta", "Antwort ID", "Case", "Case ID", "CaseID", "Respondent",
    "_recordId", "ID de la réponse", "Antwoord ID"))
COMPLETION_HEADERS = frozenset(normalise_label(h) for h in ("Finished", "Completed", "Complete"))
# Platform columns that carry timing, language or technical detail rather than an answer.
_TECHNICAL = re.compile(r"^(question time|group time|total time|tempo per la domanda|tempo per il gruppo|"
                        r"tempo totale|filecount|q (recaptchascore|relevantid\w*|totalduration|url|"
                        r"ballotboxstuffing)|participant (browser|os|device|brand|model|isbot|continent|country|"
                        r"region|city|latitude|longitude))\b")
_QUALTRICS_META = frozenset({"startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)",
                             "finished", "recordeddate", "responseid", "recipientlastname", "recipientfirstname",
                             "recipientemail", "externalreference", "externaldatareference", "locationlatitude",
                             "locationlongitude", "distributionchannel", "userlanguage", "responseset"})
_UNIPARK_SYSTEM = frozenset({"lfdn", "external_lfdn", "tester", "dispcode", "lastpage", "quality", "duration",
                             "datetime", "date_of_last_access", "date_of_first_mail", "browser", "referer",
                             "device_type", "ats", "status", "quota", "quota_assignment", "quota_rejected_id",
                             "page_history", "hflip", "vflip", "output_mode", "javascript", "flash", "session_id",
                             "language", "cleaned", "mailing", "template", "random", "rnd_pg"})
_UNIPARK_TIMES = re.compile(r"^(rts|rt_)\d+$")  # EFS response times per page
_TAG_SUFFIX = re.compile(r"^(?P<base>.+?)(?P<sub>(#\d+)?(_[^_]+)+)$")
_BRACKET = re.compile(r"^(?P<head>.*?)\s*\[(?P<item>[^\[\]]+)\]\s*$")
_NUMBER = re.compile(r"^\s*(?:q(?:uestion)?\s*)?(?P<n>\d{1,3})\s*[.):]\s+\S", re.I)
_ID_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_OTHER_ITEM = re.compile(r"^(other|altro|sonstige[sn]?|autre|otro)\b", re.I)


@dataclass
class Unit:
    """Columns that hold one question's answers.

    columns: the answer columns (one, or a grid's rows / a question's choices); labels: the row or
    choice label of each column; codes: the export's id of each column ('' when it has none);
    other: the column of an "Other (please specify)" box; hint: what the platform says the question
    is ("text", "single", "grid", "multiple", "" when it does not say); source: how the columns were
    grouped (for the YAML comment)."""

    text: str
    columns: list[int]
    labels: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    code: str = ""
    number: int | None = None
    hint: str = ""
    other: int | None = None
    struct: StructQuestion | None = None
    source: str = ""


@dataclass(frozen=True)
class Skipped:
    """Columns the draft leaves out, and why (shown as a comment at the top of the YAML)."""

    columns: tuple[int, ...]
    header: str
    reason: str


@dataclass
class Layout:
    units: list[Unit]
    id_column: int | None = None
    completion_column: int | None = None
    metadata: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def values_of(raw: RawExport, column: int) -> Counter:
    """The answers of one column: stripped, blanks left out, with their counts (in the order each
    answer first occurs)."""
    # Each distinct cell is stripped once (an export of 100,000 rows has a few dozen per closed column);
    # cells in order of first occurrence keep the answers in theirs.
    cells = Counter(raw.column_values(column).tolist())  # one column, not every row (rows may be held as columns)
    out: Counter = Counter()
    for cell, n in cells.items():
        v = " ".join(cell.split())
        if v:
            out[v] += n
    return out


def export_tag(raw: RawExport, col: Column) -> str:
    """The platform's own variable name of a column (Qualtrics export tag, EFS variable), or ''."""
    if raw.platform in ("qualtrics", "unipark") and col.extra:
        return str(col.extra[0]).strip()
    if raw.platform in ("spss", "tidy") and _ID_LIKE.match(col.header.strip()):
        return col.header.strip()
    return ""


def _is_metadata(raw: RawExport, col: Column) -> bool:
    key = normalise_label(col.header)
    tag = export_tag(raw, col).lower()
    if raw.platform == "qualtrics" and tag in _QUALTRICS_META:
        return True
    if raw.platform == "unipark" and (tag in _UNIPARK_SYSTEM or _UNIPARK_TIMES.match(tag)):
        return True
    if key in METADATA_HEADERS and normalise_label(col.subheader) in ANSWER_SUBHEADERS:
        return True
    return bool(_TECHNICAL.match(key)) and not col.subheader


def layout(raw: RawExport, structure: SurveyStructure | None = None) -> Layout:
    """How the export's columns make up questions."""
    out = Layout(units=[])
    answer: list[Column] = []
    for col in raw.columns:
        key = normalise_label(col.header)
        if out.id_column is None and key in ID_HEADERS and not col.subheader and _mostly_unique(raw, col.index):
            out.id_column = col.index
        elif out.completion_column is None and key in COMPLETION_HEADERS and not col.subheader \
                and _is_flag(values_of(raw, col.index)):
            out.completion_column = col.index
        elif _is_metadata(raw, col):
            out.metadata.append(col.index)
        else:
            answer.append(col)
    if structure is not None:
        units, rest = _by_structure(raw, answer, structure)
        # Columns the definition does not describe (added later, platform extras) are read from the data.
        more = _by_tags(raw, rest) if raw.platform == "qualtrics" else _by_headers(raw, rest)
        for u in more:
            u.source += " (not in the survey definition)"
        out.units = sorted(units + more, key=lambda u: min(u.columns + ([u.other] if u.other is not None else [])))
    elif raw.platform == "qualtrics":
        out.units = _by_tags(raw, answer)
    else:
        out.units = _by_headers(raw, answer)
    _number(out.units)
    return out


def _mostly_unique(raw: RawExport, column: int) -> bool:
    values = [v.strip() for v in raw.column_values(column).tolist() if v.strip()]
    return bool(values) and len(set(values)) >= 0.95 * len(values)


def _is_flag(values: Counter) -> bool:
    keys = {normalise_label(v) for v in values}
    return bool(keys) and keys <= {"true", "false", "1", "0", "yes", "no", "complete", "completed", "incomplete",
                                   "finished", "2"}


def _number(units: list[Unit]) -> None:
    """Questions numbered in their text ("3. Why ...") keep their number in their id, when the
    numbers are unique."""
    found = []
    for u in units:
        m = _NUMBER.match(u.text)
        found.append(int(m.group("n")) if m else None)
    numbers = [n for n in found if n is not None]
    if len(numbers) != len(set(numbers)):
        return
    for u, n in zip(units, found):
        if n is not None:
            u.number = n
            u.text = strip_numbering(u.text).strip()


# -- grouping by header rows (SurveyMonkey, Unipark, Forms, LimeSurvey, tidy, SPSS) -----------------

def _by_headers(raw: RawExport, cols: list[Column]) -> list[Unit]:
    units: list[Unit] = []
    i = 0
    while i < len(cols):
        col = cols[i]
        sub = normalise_label(col.subheader)
        # Columns sharing a question heading with a second header row (SurveyMonkey, EFS).
        j = i + 1
        while j < len(cols) and cols[j].header == col.header and cols[j].subheader and col.header.strip():
            j += 1
        if j > i + 1 or (col.subheader and sub not in ANSWER_SUBHEADERS):
            units.extend(_subheader_group(raw, cols[i:j]))
            i = j
            continue
        bracket = _BRACKET.match(col.header)
        if bracket and not col.subheader:
            head = bracket.group("head").strip()
            j = i + 1
            while j < len(cols) and (m := _BRACKET.match(cols[j].header)) and m.group("head").strip() == head \
                    and not cols[j].subheader:
                j += 1
            units.extend(_bracket_group(raw, head, cols[i:j]))
            i = j
            continue
        hint = "text" if sub == "open ended response" else ("single" if sub == "response" else "")
        if sub in OTHER_SUBHEADERS and units:
            units[-1].other = col.index
            i += 1
            continue
        units.append(Unit(text=col.header, columns=[col.index], labels=[""], codes=[export_tag(raw, col)],
                          code=export_tag(raw, col), hint=hint, source="one column"))
        i += 1
    if raw.platform == "spss":
        units = _mr_sets(raw, units)
    if raw.platform in ("tidy", "spss"):
        units = _stems(raw, units)
    return units


def _mr_sets(raw: RawExport, units: list[Unit]) -> list[Unit]:
    """SPSS multiple-response sets: their variables are one question with several answers."""
    sets = raw.meta.get("mr_sets") or {}
    if not sets:
        return units
    index = {c.header: c.index for c in raw.columns}
    owner: dict[int, tuple[str, dict]] = {}
    for name, mr in sets.items():
        for var in mr.get("variables") or []:
            if var in index:
                owner[index[var]] = (name, mr)
    out: list[Unit] = []
    made: dict[str, Unit] = {}
    for u in units:
        col = u.columns[0] if len(u.columns) == 1 else None
        if col is None or col not in owner:
            out.append(u)
            continue
        name, mr = owner[col]
        unit = made.get(name)
        if unit is None:
            dichotomy = str(mr.get("type") or "").upper() == "D"
            unit = Unit(text=str(mr.get("label") or name), columns=[], code=name, hint="multiple",
                        source=f"the SPSS multiple-response set {name} ("
                               + ("dichotomies, counted value " + str(mr.get("counted_value")) if dichotomy
                                  else "categories") + ")")
            made[name] = unit
            out.append(unit)
        unit.columns.append(col)
        unit.labels.append(_var_label(raw, u) or u.code)
        unit.codes.append(u.code)
    return out


def _subheader_group(raw: RawExport, group: list[Column]) -> list[Unit]:
    """Columns under one heading: a grid (rows as subheaders), choices, with maybe an answer column
    ("Response") and an "Other (please specify)" box."""
    text = group[0].header
    main: Unit | None = None
    items: list[Column] = []
    other: int | None = None
    extra: list[Unit] = []
    for col in group:
        sub = normalise_label(col.subheader)
        if sub in OTHER_SUBHEADERS or sub.startswith("other please specify"):
            other = col.index
        elif sub in ANSWER_SUBHEADERS:
            hint = "text" if sub == "open ended response" else "single"
            if main is None:
                main = Unit(text=text, columns=[col.index], labels=[""], codes=[export_tag(raw, col)],
                            code=export_tag(raw, col), hint=hint, source="one column")
        elif main is not None:
            # A second answer under a question that already has one (a comment box with its own
            # sub-heading): mapping cannot tell it from the question, so it is left out.
            extra.append(Unit(text=text, columns=[col.index], labels=[col.subheader], hint="unmappable",
                              source=f"column headed {col.subheader!r} under another question"))
        else:
            items.append(col)
    out: list[Unit] = []
    if items:
        codes = [export_tag(raw, c) for c in items]
        out.append(Unit(text=text, columns=[c.index for c in items], labels=[c.subheader for c in items],
                        codes=codes, code=codes[0] if len(items) == 1 else "", hint="grid" if len(items) > 1 else "",
                        other=other, source="columns under one heading (second header row names the rows)"))
        if main is not None:
            out.append(main)
    elif main is not None:
        main.other = other
        out.append(main)
    elif other is not None:
        out.append(Unit(text=text, columns=[other], labels=[""], hint="text", source="an 'Other' box on its own"))
    return out + extra


def _bracket_group(raw: RawExport, head: str, group: list[Column]) -> list[Unit]:
    items = [c for c in group if not _OTHER_ITEM.match(_BRACKET.match(c.header).group("item").strip())]
    others = [c for c in group if c not in items]
    if not items:
        return [Unit(text=c.header, columns=[c.index], labels=[""], hint="text", source="an 'Other' box on its own")
                for c in others]
    unit = Unit(text=head, columns=[c.index for c in items],
                labels=[_BRACKET.match(c.header).group("item").strip() for c in items],
                codes=["" for _ in items], hint="grid" if len(items) > 1 else "",
                other=others[0].index if others else None, source="'Question [Row]' columns")
    if len(items) == 1:
        # One bracketed column is a question of its own whose text happens to end in brackets.
        unit = Unit(text=items[0].header, columns=[items[0].index], labels=[""], codes=[""],
                    other=unit.other, source="one column")
    return [unit]


def _stems(raw: RawExport, units: list[Unit]) -> list[Unit]:
    """Id-named variables ``impact_career``, ``impact_confidence`` ... with answers of one kind form a
    grid ``impact`` (tidy files and SPSS)."""
    from surveykit.draft.scales import guess_scale, merge_variants

    def signature(u: Unit):
        if len(u.columns) != 1 or not u.code or u.other is not None:
            return None
        vl = (raw.meta.get("value_labels") or {}).get(u.columns[0])
        if vl:
            return ("labels", tuple(sorted(vl.items())))
        values = values_of(raw, u.columns[0])
        if not values:
            return None
        g = guess_scale([(lab, c) for lab, c, _ in merge_variants(dict(values))])
        return (g.family, g.kind) if g.recognised and g.kind == "ordinal" else None

    out: list[Unit] = []
    i = 0
    sigs = [signature(u) for u in units]
    while i < len(units):
        j = i + 1
        base = ""
        if sigs[i] is not None:
            while j < len(units) and sigs[j] == sigs[i]:
                prefix = _common_stem([units[k].code for k in range(i, j + 1)])
                if not prefix:
                    break
                base = prefix
                j += 1
        if j - i >= 2 and base:
            members = units[i:j]
            stem = base.rstrip("_")
            out.append(Unit(text=stem.replace("_", " ").capitalize(), columns=[u.columns[0] for u in members],
                            labels=[_var_label(raw, u) or u.code[len(base):].replace("_", " ") for u in members],
                            codes=[u.code for u in members], code=stem, hint="grid",
                            source=f"variables named {base}* with answers of one kind"))
            i = j
        else:
            out.append(units[i])
            i += 1
    return out


def _var_label(raw: RawExport, unit: Unit) -> str:
    return str((raw.meta.get("variable_labels") or {}).get(unit.columns[0]) or "")


def _common_stem(names: list[str]) -> str:
    """The shared ``stem_`` of variable names (at least 3 characters before the underscore)."""
    first, last = min(names), max(names)
    n = 0
    while n < min(len(first), len(last)) and first[n].lower() == last[n].lower():
        n += 1
    prefix = first[:n]
    cut = prefix.rfind("_")
    return prefix[:cut + 1] if cut >= 3 and all(len(x) > cut + 1 for x in names) else ""


# -- Qualtrics without a survey definition: export tags ------------------------------------------------

def _by_tags(raw: RawExport, cols: list[Column]) -> list[Unit]:
    units: list[Unit] = []
    i = 0
    while i < len(cols):
        tag = export_tag(raw, cols[i])
        base = _tag_base(tag)
        j = i + 1
        while j < len(cols) and _tag_base(export_tag(raw, cols[j])) == base and base:
            j += 1
        group = cols[i:j]
        closed = [c for c in group if not export_tag(raw, c).upper().endswith("_TEXT")]
        texts = [c for c in group if c not in closed]
        if not closed:
            units.extend(Unit(text=c.header, columns=[c.index], labels=[""], codes=[export_tag(raw, c)],
                              code=export_tag(raw, c), hint="text" if len(group) == 1 else "",
                              source="a text box") for c in texts)
        elif len(closed) == 1 and not closed[0].subheader:
            c = closed[0]
            units.append(Unit(text=c.header, columns=[c.index], labels=[""], codes=[export_tag(raw, c)],
                              code=export_tag(raw, c), other=texts[0].index if texts else None,
                              source="one column"))
        else:
            units.append(Unit(text=closed[0].header, columns=[c.index for c in closed],
                              labels=[c.subheader or export_tag(raw, c) for c in closed],
                              codes=[export_tag(raw, c) for c in closed], code=base, hint="grid",
                              other=texts[0].index if texts else None,
                              source=f"export tags {base}_*"))
            for extra in texts[1:]:
                units.append(Unit(text=extra.header, columns=[extra.index], labels=[""],
                                  codes=[export_tag(raw, extra)], code=export_tag(raw, extra), hint="text",
                                  source="a text box"))
        i = j
    return units


def _tag_base(tag: str) -> str:
    m = _TAG_SUFFIX.match(tag)
    return m.group("base") if m else tag


# -- with a survey definition (.qsf or LimeSurvey structure) -------------------------------------------

def _by_structure(raw: RawExport, cols: list[Column], structure: SurveyStructure) -> tuple[list[Unit], list[Column]]:
    owners: dict[int, tuple[StructQuestion, str]] = {}  # column -> (question, rest of its id: item / TEXT)
    by_key = structure.by_key()
    by_code = structure.by_code()
    by_text = {normalise_label(q.text): q for q in structure.questions if q.text}
    info = raw.meta.get("column_info") or {}
    for col in cols:
        found = None
        import_id = str((info.get(col.index) or {}).get("import_id") or (col.extra[1] if len(col.extra) > 1 else ""))
        m = re.match(r"^(QID\d+)(?:#\d+)?(?:[_-](.*))?$", import_id)
        if m and m.group(1) in by_key:
            found = (by_key[m.group(1)], m.group(2) or "")
        tag = export_tag(raw, col) or col.header.strip()
        if found is None and tag:
            found = _owner_by_code(tag, by_code)
        if found is None and structure.source == "limesurvey":
            bracket = _BRACKET.match(col.header)
            head = bracket.group("head") if bracket else col.header
            q = by_text.get(normalise_label(head))
            if q is not None:
                found = (q, bracket.group("item") if bracket else "")
        if found is not None:
            owners[col.index] = found
    units: list[Unit] = []
    rest = [c for c in cols if c.index not in owners]
    seen: dict[str, Unit] = {}
    for col in cols:
        if col.index not in owners:
            continue
        q, sub = owners[col.index]
        tag = export_tag(raw, col)
        text_box = q.kind != "text" and (sub.upper().endswith("TEXT") or tag.upper().endswith("_TEXT")
                                         or normalise_label(col.subheader) in OTHER_SUBHEADERS and q.kind != "grid") \
            or normalise_label(sub) in ("other", "altro")
        unit = seen.get(q.key)
        if unit is None:
            unit = Unit(text=q.text or col.header, columns=[], code=q.code, struct=q,
                        hint=q.kind, source=f"the survey definition ({q.platform_type})")
            seen[q.key] = unit
            units.append(unit)
        if text_box:
            if unit.other is None:
                unit.other = col.index
            continue
        label = _item_label(q, sub, col)
        unit.columns.append(col.index)
        unit.labels.append(label)
        item = next((i for i in q.items if normalise_label(i.label) == normalise_label(label)), None)
        # The platform's own names: Qualtrics export tags; LimeSurvey question and sub-question codes.
        unit.codes.append(export_tag(raw, col) or (f"{q.code}_{item.code}" if item is not None and q.code else ""))
    return [u for u in units if u.columns or u.other is not None], rest


def _owner_by_code(tag: str, by_code: dict[str, StructQuestion]) -> tuple[StructQuestion, str] | None:
    key = tag.casefold()
    if key in by_code:
        return by_code[key], ""
    # Q12_3, Q12_3_TEXT, Q4#1_1, code[SQ001], codeSQ001: the longest known code that starts the tag.
    for cut in range(len(tag) - 1, 0, -1):
        head = tag[:cut].casefold()
        if head in by_code and tag[cut] in "_#-[":
            return by_code[head], tag[cut + 1:].strip("[]")
    return None


def _item_label(q: StructQuestion, sub: str, col: Column) -> str:
    if not sub:
        return col.subheader if q.kind == "grid" else ""
    head = re.split(r"[_\-\[\]]", sub.strip("[]"))[0]
    for item in q.items:
        if item.code.casefold() in (head.casefold(), sub.casefold()):
            return item.label
    return col.subheader or sub


def header_is_id(text: str) -> bool:
    return bool(_ID_LIKE.match(text.strip()))
