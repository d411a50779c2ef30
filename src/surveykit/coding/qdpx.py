"""REFI-QDA projects (QDA-XML 1.0): coded answers out to NVivo, ATLAS.ti, MAXQDA, QualCoder ... and back.

**Export**: ``coding.qdpx_export`` (a project made a case and a source at a time).

**Import** (``read_project``): the codings of any project, checked first (``check_project``): the
root must be a QDA-XML ``Project``, GUIDs well formed, every coding must point to a code of the
codebook, selections must have whole-number positions inside their source's text. A source's
respondent id is its ``respondent_id`` variable, else the name of the case that refers to it, else
its name (or file name); its question id the ``question_id`` variable, else the one given.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.coding.journal import Memo
from surveykit.coding.refi import _local, _parser, qdc_to_codebook, short
from surveykit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.coding.codebook import Codebook

PROJECT_NS = "urn:QDA-XML:project:1.0"
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
SOURCE_VARIABLES = ("respondent_id", "question_id", "reviewed", "reviewed_by", "reviewed_at", "redacted_offsets")


_PLACEHOLDERS = re.compile(r"(?:\[[a-z][a-z ]{0,24}\])+")

def redact_with_offsets(text: str, spans: Sequence[tuple[int, int]], *, denylist: Sequence[str] = ()
                        ) -> tuple[str, list[tuple[int, int]], int, list[tuple[int, int, int, int]]]:
    """Redact a text and move spans with it: (new text, new spans, redactions, stretches). A span edge
    inside a redacted stretch snaps outwards to cover the whole placeholder. ``stretches``: each
    redacted stretch as (start, end in the text, start, end of its placeholder in the new text), in
    order, for ``unredacted_span`` to move spans back (empty when nothing could be aligned)."""
    from surveykit.coding.redact import redact

    new, n = redact(text, denylist=denylist)
    if new == text:
        return text, list(spans), 0, []
    # The redacted text is the original's kept stretches with placeholders between them: find the
    # kept stretches in the original, in order, to know where every redacted stretch was.
    kept = _PLACEHOLDERS.split(new)
    marks = [m.span() for m in _PLACEHOLDERS.finditer(new)]
    pairs: list[tuple[int, int, int, int, bool]] = []  # (orig start, orig end, new start, new end, kept?)
    cursor, new_pos = 0, 0
    for k, piece in enumerate(kept):
        if k == 0:
            at = 0 if text.startswith(piece) else -1
        elif k == len(kept) - 1:
            at = len(text) - len(piece) if text.endswith(piece) and len(text) - len(piece) > cursor else -1
        else:
            at = text.find(piece, cursor + 1)
        if at < 0:
            return new, [(0, len(new)) for _ in spans], n, []  # cannot align: every span covers the whole answer
        if k:
            pairs.append((cursor, at, marks[k - 1][0], marks[k - 1][1], False))
        pairs.append((at, at + len(piece), new_pos if k == 0 else marks[k - 1][1], 0, True))
        cursor = at + len(piece)
        new_pos = marks[k - 1][1] + len(piece) if k else len(piece)
    pairs = [(a, b, c, d if not keep else c + (b - a), keep) for a, b, c, d, keep in pairs if b > a]

    def locate(pos: int):
        return next(p for p in pairs if p[0] <= pos < p[1])

    def move_start(pos: int) -> int:
        if pos >= len(text):
            return len(new)
        a, _, c, d, keep = locate(pos)
        return c + (pos - a) if keep else c

    def move_end(pos: int) -> int:
        if pos <= 0:
            return 0
        a, _, c, d, keep = locate(pos - 1)
        return c + (pos - a) if keep else d

    moved = []
    for start, end in spans:
        a, b = move_start(start), move_end(end)
        moved.append((a, max(b, min(a + 1, len(new)))))
    return new, moved, n, [(a, b, c, d) for a, b, c, d, keep in pairs if not keep]


def offsets_text(stretches: Sequence[tuple[int, int, int, int]]) -> str:
    """The redacted stretches as a source variable: "a-b:c-d" each, ";"-separated (offsets only)."""
    return ";".join(f"{a}-{b}:{c}-{d}" for a, b, c, d in stretches)


def parse_offsets(value: str | None) -> list[tuple[int, int, int, int]]:
    """``offsets_text`` read back; [] for anything else (a project not exported redacted by surveykit)."""
    out = []
    for part in (value or "").split(";"):
        m = re.fullmatch(r"\s*(\d+)-(\d+):(\d+)-(\d+)\s*", part)
        if not m:
            return []
        a, b, c, d = map(int, m.groups())
        if not (a <= b and c <= d) or (out and c < out[-1][3]):
            return []
        out.append((a, b, c, d))
    return out


def unredacted_span(start: int, end: int, stretches: Sequence[tuple[int, int, int, int]]) -> tuple[int, int]:
    """A span of the exported (redacted) text moved back onto the answer as written: an edge inside a
    placeholder goes to the edge of the stretch it replaced."""
    def back(pos: int, is_end: bool) -> int:
        shift = 0
        for a, b, c, d in stretches:
            if pos < c or (is_end and pos <= c):
                break
            if pos < d or (is_end and pos <= d):
                return b if is_end else a
            shift = b - d
        return pos + shift

    return back(start, False), back(end, True)


# -- import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectCodings:
    """What ``read_project`` found: the coded rows (``respondent_id, question_id, code_id, coder,
    start, end, coded_at, memo``; an empty code_id for a source marked reviewed with no coding),
    the codebook, memos on codes, and counts."""

    origin: str
    codebook: "Codebook"
    rows: "pd.DataFrame"
    code_memos: tuple[Memo, ...]
    sources: int
    codings: int
    users: dict[str, str]


def parse_project(xml: bytes, *, source: str):
    """Parse project XML safely (no entities, no network); InputError naming the line otherwise."""
    from lxml import etree

    try:
        return etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"project.qde is not well-formed XML (line {getattr(exc, 'lineno', '?')}); nothing written",
                         path=source) from None


def check_project(root, *, source: str, texts: dict[str, str] | None = None) -> list[str]:
    """The structural problems of a project (empty when it can be read): see module doc."""
    problems: list[str] = []
    if root.tag != "{%s}Project" % PROJECT_NS:
        got = short(_local(root) or root.tag)
        return [f"the root element must be Project in the namespace {PROJECT_NS}; got {got}"]
    if not (root.get("name") or "").strip():
        problems.append("the Project element has no name attribute")
    codes: set[str] = set()
    seen: dict[tuple[str, str], int] = {}  # (element, normalised guid) -> line, for the elements looked up by GUID
    for el in root.iter():
        tag = _local(el)
        guid = el.get("guid")
        if guid is not None and not _GUID.match(guid.strip()):
            problems.append(f"line {el.sourceline}: {tag} has a malformed guid {short(guid)}")
        elif tag in _LOOKED_UP:
            # Codings, selections, notes, users and variables find these by GUID: a missing or repeated
            # one would silently point them at another element (a coding at another code).
            if not (guid or "").strip():
                problems.append(f"line {el.sourceline}: a {tag} has no guid")
            elif (tag, _norm(guid)) in seen:
                problems.append(f"line {el.sourceline}: two {tag} elements share the guid {short(guid)} "
                                f"(the other is on line {seen[(tag, _norm(guid))]})")
            else:
                seen[(tag, _norm(guid))] = el.sourceline
        if tag == "Code":
            if not (el.get("name") or "").strip():
                problems.append(f"line {el.sourceline}: a Code has no name")
            if (el.get("isCodable") or "").strip().lower() not in ("true", "false", "1", "0"):
                problems.append(f"line {el.sourceline}: a Code's isCodable must be true or false")
            if guid:
                codes.add(_norm(guid))
    for el in root.iter():
        tag = _local(el)
        if tag == "Coding":
            ref = next((c for c in el if _local(c) == "CodeRef"), None)
            if ref is None:
                problems.append(f"line {el.sourceline}: a Coding has no CodeRef")
            elif _norm(ref.get("targetGUID") or "") not in codes:
                problems.append(f"line {el.sourceline}: a Coding refers to a code that is not in the codebook "
                                f"({short(ref.get('targetGUID') or '')})")
        elif tag == "PlainTextSelection":
            try:
                s, e = int(el.get("startPosition", "")), int(el.get("endPosition", ""))
            except ValueError:
                problems.append(f"line {el.sourceline}: a PlainTextSelection needs whole-number startPosition "
                                "and endPosition")
                continue
            if s < 0 or e < s:
                problems.append(f"line {el.sourceline}: the selection {s}-{e} is not a span")
            text = (texts or {}).get(_norm(el.getparent().get("guid") or ""))
            if text is not None and e > len(text):
                problems.append(f"line {el.sourceline}: the selection {s}-{e} ends after its source's text "
                                f"({len(text)} characters)")
        if len(problems) >= 5:
            break
    return problems


# Elements that others refer to by GUID; each needs a GUID of its own.
_LOOKED_UP = frozenset({"Code", "TextSource", "User", "Variable", "Note"})


def _norm(guid: str) -> str:
    return guid.strip().strip("{}").lower()


def source_texts(root, members: dict[str, bytes]) -> dict[str, str]:
    """Each text source's plain text (normalised guid -> text), from PlainTextContent or from the
    archive's sources/ (``internal://NAME`` or a bare relative name); sources kept elsewhere are
    left out."""
    out: dict[str, str] = {}
    for el in root.iter("{%s}TextSource" % PROJECT_NS):
        guid = _norm(el.get("guid") or "")
        inline = next((c for c in el if _local(c) == "PlainTextContent"), None)
        if inline is not None:
            out[guid] = inline.text or ""
            continue
        path = (el.get("plainTextPath") or "").strip()
        if path.startswith("internal://"):
            path = path[len("internal://"):]
        if not path or "://" in path or path.startswith("/"):
            continue
        data = members.get(path)
        if data is not None:
            out[guid] = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    return out


def read_project(xml: bytes, *, source: str, members: dict[str, bytes] | None = None, question_id: str = "answer"
                 ) -> ProjectCodings:
    """The codings of a REFI-QDA project as coded-file rows (see module doc); InputError when the
    project does not pass ``check_project``."""
    import pandas as pd

    root = parse_project(xml, source=source)
    texts = source_texts(root, members or {}) if _local(root) == "Project" else {}
    problems = check_project(root, source=source, texts=texts)
    if problems:
        raise InputError(f"not a valid REFI-QDA project: {problems[0]}"
                         + (f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else "")
                         + "; nothing written", path=source)
    codebook, summary = qdc_to_codebook(xml, source=source)
    code_of = summary.code_ids
    users = {_norm(u.get("guid") or ""): (u.get("name") or u.get("id") or "").strip() or "unknown"
             for u in root.iter("{%s}User" % PROJECT_NS)}
    var_names = {_norm(v.get("guid") or ""): (v.get("name") or "") for v in root.iter("{%s}Variable" % PROJECT_NS)}
    notes = {_norm(n.get("guid") or ""): n for n in root.iter("{%s}Note" % PROJECT_NS)}
    case_of: dict[str, str] = {}
    for case in root.iter("{%s}Case" % PROJECT_NS):
        for ref in case:
            if _local(ref) == "SourceRef" and (case.get("name") or "").strip():
                case_of.setdefault(_norm(ref.get("targetGUID") or ""), case.get("name").strip())

    def note_text(guid: str) -> str:
        n = notes.get(_norm(guid))
        if n is None:
            return ""
        body = next((c for c in n if _local(c) == "PlainTextContent"), None)
        return (body.text or "").strip() if body is not None else ""

    records: list[tuple[Any, ...]] = []
    n_sources = n_codings = 0
    for src in root.iter("{%s}TextSource" % PROJECT_NS):
        if _local(src.getparent()) != "Sources":
            continue
        n_sources += 1
        guid = _norm(src.get("guid") or "")
        values = _variable_values(src, var_names)
        name = (src.get("name") or "").strip()
        if not name:
            path = (src.get("plainTextPath") or "").rsplit("/", 1)[-1]
            name = path.rsplit(".", 1)[0] if path else guid
        rid = values.get("respondent_id") or case_of.get(guid) or name
        qid = values.get("question_id") or question_id
        memo = "\n".join(t for t in (note_text(r.get("targetGUID") or "") for r in src if _local(r) == "NoteRef") if t)
        mine = []
        # A source exported redacted carries where its redacted stretches were: spans go back onto the
        # answer as written (the coded file's spans are offsets into the survey's answer).
        stretches = parse_offsets(values.get("redacted_offsets"))
        for sel in src:
            if _local(sel) != "PlainTextSelection":
                continue
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            if guid in texts and (s, e) == (0, len(texts[guid])):
                s = e = None  # the whole answer: no span, as in a coded file
            elif stretches:
                s, e = unredacted_span(s, e, stretches)
            for coding in (c for c in sel if _local(c) == "Coding"):
                ref = next(c for c in coding if _local(c) == "CodeRef")
                code = code_of.get(_norm(ref.get("targetGUID") or ""))
                if code is None:  # a coding of a non-codable (theme) node
                    continue
                who = users.get(_norm(coding.get("creatingUser") or sel.get("creatingUser") or ""), "unknown")
                at = coding.get("creationDateTime") or sel.get("creationDateTime")
                mine.append((rid, qid, code, who, s, e, at, None))
                n_codings += 1
        for coding in (c for c in src if _local(c) == "Coding"):  # a coding of the whole source
            ref = next(c for c in coding if _local(c) == "CodeRef")
            code = code_of.get(_norm(ref.get("targetGUID") or ""))
            if code is not None:
                who = users.get(_norm(coding.get("creatingUser") or ""), "unknown")
                mine.append((rid, qid, code, who, None, None, coding.get("creationDateTime"), None))
                n_codings += 1
        reviewer = None
        if values.get("reviewed", "").lower() in ("true", "1"):
            reviewer = values.get("reviewed_by") or "unknown"
            # The reviewer's "no code applies": no coding of theirs on the source, whoever else coded it.
            if not mine or (values.get("reviewed_by") and not any(row[3] == reviewer for row in mine)):
                mine.append((rid, qid, None, reviewer, None, None, values.get("reviewed_at") or None, None))
        if mine and memo:
            # On a row of the memo's author (the note's creating user), else of the reviewer, else the first.
            authors = [users.get(_norm(n.get("creatingUser") or ""), "")
                       for n in (notes.get(_norm(r.get("targetGUID") or "")) for r in src if _local(r) == "NoteRef")
                       if n is not None]
            author = next((a for a in authors if a), reviewer)
            k = next((i for i, row in enumerate(mine) if row[3] == author), 0)
            mine[k] = mine[k][:7] + (memo,)
        records.extend(mine)
    rows = pd.DataFrame(records, columns=["respondent_id", "question_id", "code_id", "coder", "start", "end",
                                          "coded_at", "memo"], dtype=object)
    code_memos = []
    for code_el in root.iter("{%s}Code" % PROJECT_NS):
        code = code_of.get(_norm(code_el.get("guid") or ""))
        for ref in (r for r in code_el if _local(r) == "NoteRef"):
            text = note_text(ref.get("targetGUID") or "")
            n = notes.get(_norm(ref.get("targetGUID") or ""))
            if code and text:
                who = users.get(_norm(n.get("creatingUser") or ""), "") if n is not None else ""
                code_memos.append(Memo("code", text, who, n.get("creationDateTime") if n is not None else None,
                                       code_id=code))
    return ProjectCodings(origin=summary.origin, codebook=codebook, rows=rows, code_memos=tuple(code_memos),
                          sources=n_sources, codings=n_codings, users=users)


def _variable_values(el, var_names: dict[str, str]) -> dict[str, str]:
    out = {}
    for vv in (c for c in el if _local(c) == "VariableValue"):
        ref = next((c for c in vv if _local(c) == "VariableRef"), None)
        val = next((c for c in vv if _local(c) != "VariableRef"), None)
        if ref is not None and val is not None:
            name = var_names.get(_norm(ref.get("targetGUID") or ""))
            if name:
                out[name] = (val.text or "").strip()
    return out


def validate_with_schema(xml: bytes, schema) -> list[str]:
    """Problems found by an XML Schema (an ``lxml.etree.XMLSchema``, e.g. REFI's Project.xsd), each on
    one line: the line, the element (and attribute) and the rule broken, never the value itself (coded
    text and free-text attributes may be personal data)."""
    from lxml import etree

    try:
        doc = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML (line {getattr(exc, 'lineno', '?')})"]
    if schema.validate(doc):
        return []
    return [_schema_problem(e, doc) for e in list(schema.error_log)[:5]]


_SCHEMA_PREFIX = re.compile(r"^Element '(?P<element>[^']*)'(?:, attribute '(?P<attribute>[^']*)')?: (?P<rest>.*)$",
                            re.S)
# What libxml2 writes after a value it quotes: the value ends at the last of these (a value holding one
# of them, or quotes, is still cut out whole). A message cut short (libxml2 stops at 64,000 characters;
# a whole message ends with a full stop) says only what kind of rule was broken.
_AFTER_VALUE = ("' is not a valid value of the ", "' is not accepted by the pattern ",
                "' is not an element of the set ", "' has a length", "' has more ", "' has a totalDigits",
                "' is greater ", "' is less ", "' is not ")
_VALUE_TYPE = re.compile(r"^is not a valid value of the (?:local )?(?:atomic |union |list )?type '([^']{1,60})'\.?$")
_RULE_OF_TYPE = (("DATATYPE", "the value is not valid for its type"), ("PATTERN", "the value does not match the "
                 "schema's pattern"), ("ENUMERATION", "the value is not one of those allowed"),
                 ("LENGTH", "the value has a length the schema does not allow"))


def _generic_rule(entry) -> str:
    kind = str(getattr(entry, "type_name", "") or "")
    return next((rule for key, rule in _RULE_OF_TYPE if key in kind), "the value breaks a rule of the schema")


def _cut_value(rest: str, entry, *, whole: bool) -> str:
    """libxml2's wording with the value it quotes (``'VALUE' is not ...``, ``The value 'VALUE' ...``,
    ``key-sequence ['VALUE']``, ``Duplicate value 'VALUE'``) left out."""
    facet = ""
    m = re.match(r"^(\[facet '[^']{1,40}'\] )", rest)
    if m:
        facet, rest = m[1], rest[m.end():]
    if rest.startswith("The value '"):
        body = rest[len("The value '"):]
    elif rest.startswith("'"):
        body = rest[1:]
    else:
        for marker, close in (("key-sequence [", "] "), ("uplicate value '", "' ")):
            at = rest.find(marker)
            if at >= 0:
                end = rest.rfind(close)
                if end < at or not whole:
                    return facet + _generic_rule(entry)
                return facet + rest[:at + len(marker)] + ("...]" if close == "] " else "...'") + rest[end + 1:]
        return facet + rest
    end = max(body.rfind(after) for after in _AFTER_VALUE)
    if end < 0 or not whole:
        return facet + _generic_rule(entry)
    tail = body[end + 2:]
    if tail.startswith("is not accepted by the pattern "):
        return facet + "the value does not match the schema's pattern"
    t = _VALUE_TYPE.match(tail)
    return facet + (f"the value is not a valid {t[1]}" if t else "the value " + tail)


def _schema_problem(entry, doc) -> str:
    """One schema error as ``line N: ELEMENT[, attribute A]: RULE``, with the document's values cut out
    and the length capped."""
    message = str(entry.message or "")
    whole = message.endswith(".")
    m = _SCHEMA_PREFIX.match(message)
    if m:
        where = _name(m["element"]) + (f", attribute {_name(m['attribute'])}" if m["attribute"] else "") + ": "
        rest = _cut_value(m["rest"], entry, whole=whole)
    else:
        where, rest = "", _cut_value(message, entry, whole=whole)
    # Whatever wording libxml2 used, no value of the element the error is about is repeated.
    node = _node_at(doc, getattr(entry, "path", None))
    if node is not None:
        raw_values = [node.text or "", *node.attrib.values()]
        values = {v for raw in raw_values for v in (raw, raw.strip(), " ".join(raw.split())) if v.strip()}
        for value in sorted(values, key=len, reverse=True):
            rest = rest.replace(f"'{value}'", "'...'")
        if any(len(v) >= 12 and v[:12] in rest for v in values):
            rest = _generic_rule(entry)
    rest = " ".join(rest.split())
    if len(rest) > 160:
        rest = rest[:157] + "..."
    return f"line {entry.line}: {where}{rest}"


def _name(qualified: str) -> str:
    local = qualified.rsplit("}", 1)[-1]
    return local if len(local) <= 60 else local[:57] + "..."


def _node_at(doc, path: str | None):
    if not path or not path.startswith("/"):
        return None
    try:
        found = doc.getroottree().xpath(path)
    except Exception:  # an XPath lxml cannot evaluate: only the safety net is lost
        return None
    return found[0] if found and hasattr(found[0], "attrib") else None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
