"""REFI-QDA project export: coded answers out to NVivo, ATLAS.ti, MAXQDA, QualCoder ...

Every answer is a text source (its text in ``sources/GUID.txt``);
every respondent a case, with the profile fields (sector, role, region ...) as case variables and a
reference to their answers; the codebook's themes and codes as in ``refi.codebook_to_qdc`` (ids kept
in a ``surveykit id:`` line of each description, GUIDs derived from the ids); each coded row a
coding of a plain-text selection at its span (the whole answer when it has none), by its coder (a
project user) at its time; memos as notes, referenced from the answer or the code. Each source also
carries the variables ``respondent_id``, ``question_id`` and ``reviewed`` (true when the coder
decided the answer, codes or not), which let an import tell "no code applies" from "not coded".
GUIDs are uuid5 values of what they stand for, so the same input gives the same bytes.

The XML is made a case and a source at a time (``ProjectStream``) and compressed as it comes
(``io.qdpx.qdpx_archive``), so that a large export holds neither the tree nor the whole text.
Reading projects back is ``coding.qdpx``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from surveykit.coding.journal import Memo
from surveykit.coding.qdpx import PROJECT_NS, SOURCE_VARIABLES, offsets_text, redact_with_offsets
from surveykit.coding.refi import add_codes, stable_guid
from surveykit.errors import InputError, looks_like_id, quoted_or
from surveykit.io.gold import MACHINE_CODERS

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.coding.codebook import Codebook


@dataclass(frozen=True)
class AnswerSource:
    """One answer to export: its ids, text and the respondent's profile fields (name -> value)."""

    respondent_id: str
    question_id: str
    text: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportSummary:
    sources: int
    cases: int
    codings: int
    selections: int
    notes: int
    redactions: int


def _guid(kind: str, *parts: object) -> str:
    return stable_guid(kind, "\x1f".join(str(p) for p in parts))


class ProjectStream:
    """The project XML for coded answers, in pieces (iterate once), in document order: the bytes of
    ``etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)`` of the whole
    project tree, without the tree. Each case and each source is built and serialised on its own, in
    the place it has in the document (``_Serialiser``), so an export of 100,000 answers never holds
    more than one of them as elements; ``files`` (source name -> redacted text) fills in as the
    sources go by, and ``summary`` is set once the last piece is out.

    coded: coded-file detail rows (respondent_id, question_id, code_id, coder, start, end, coded_at;
    code_id None = "no code applies"). Every coded answer must be among ``answers`` and every span
    inside its answer; codes must be in the codebook (checked here, before any piece is made: an
    InputError). redact: answers and memos are redacted of personal data, spans moved with the text
    (the default; False is for internal use only).
    """

    def __init__(self, *, name: str, codebook: "Codebook", answers: Sequence[AnswerSource], coded: "pd.DataFrame",
                 memos: Sequence[Memo] = (), redact: bool = True, denylist: Sequence[str] = (),
                 origin: str | None = None) -> None:
        import pandas as pd

        self.name, self.codebook, self.answers, self.memos = name, codebook, answers, memos
        self.redact, self.denylist, self.origin = redact, denylist, origin
        self.files: dict[str, bytes] = {}
        self.summary: ExportSummary | None = None
        self._used = False
        by_answer = {(a.respondent_id, a.question_id): a for a in answers}
        self.known = known = set(codebook.code_ids)
        rows: dict[tuple[str, str], list[tuple[str, str, int | None, int | None, str | None]]] = {}
        reviewed: dict[tuple[str, str], tuple[str, str | None]] = {}  # answer -> (coder, time) of its decision
        for rid, qid, code, coder, start, end, at in zip(
                coded["respondent_id"], coded["question_id"], coded["code_id"], coded["coder"], coded["start"],
                coded["end"], coded["coded_at"]):
            key = (str(rid), str(qid))
            if key not in by_answer:
                # Named only when id-like: a file whose id column holds answers would otherwise print one.
                who = quoted_or(rid, "respondent") if looks_like_id(rid) else \
                    "a respondent id that does not look like an id (is the file's first column the respondent id?)"
                raise InputError(f"{who} has no answer to {quoted_or(qid, 'question')} in the answers given "
                                 "(--survey / --answers)")
            if str(coder) not in MACHINE_CODERS:  # the rules' and the model's rows are suggestions: nobody reviewed
                reviewed.setdefault(key, (str(coder or "unknown"), None if at is None or pd.isna(at) else str(at)))
            if code is None or (isinstance(code, float) and pd.isna(code)):
                continue
            if str(code) not in known:
                what = quoted_or(code, "code") if looks_like_id(code) else "a code that does not look like a code id"
                raise InputError(f"{what} is not in the codebook {codebook.id!r} (give --codebook)")
            s = None if start is None or pd.isna(start) else int(start)
            e = None if end is None or pd.isna(end) else int(end)
            text = by_answer[key].text
            if s is not None and not (0 <= s < e <= len(text)):
                raise InputError(f"{quoted_or(rid, 'respondent')}: the span {s}-{e} of code {code} lies outside the "
                                 f"answer ({len(text)} characters); is this the export the file was coded from?")
            rows.setdefault(key, []).append((str(code), str(coder or "unknown"), s, e,
                                             None if at is None or pd.isna(at) else str(at)))
        self.rows, self.reviewed = rows, reviewed
        self.coders = sorted({c for rs in rows.values() for _, c, _, _, _ in rs} | {m.coder for m in memos if m.coder}
                             | {str(c) for c in coded["coder"] if c is not None and not pd.isna(c) and str(c)})
        self.user_guid = {c: _guid("user", c) for c in self.coders}
        self.attr_names = list(dict.fromkeys(k for a in answers for k in a.attributes))
        self.var_guid = {v: _guid("variable", v) for v in [*SOURCE_VARIABLES, *self.attr_names]}

        # Notes first: sources and codes refer to them by GUID.
        self.note_items: list[tuple[str, Memo]] = []
        for n, m in enumerate(memos):
            self.note_items.append((_guid("note", m.target, m.respondent_id, m.question_id, m.code_id, n, m.text), m))
        self.answer_notes: dict[tuple[str, str], list[str]] = {}
        self.code_notes: dict[str, list[str]] = {}
        for guid, m in self.note_items:
            if m.target == "answer":
                self.answer_notes.setdefault((m.respondent_id, m.question_id), []).append(guid)
            else:
                self.code_notes.setdefault(m.code_id, []).append(guid)

    def __iter__(self) -> Iterator[bytes]:
        if self._used:
            raise RuntimeError("a ProjectStream is iterated once")
        self._used = True
        return self._pieces()

    def _pieces(self) -> Iterator[bytes]:
        from surveykit._version import __version__
        from surveykit.coding.redact import redact as redact_text

        ns = "{%s}" % PROJECT_NS
        out = _Serialiser(ns, name=self.name, origin=self.origin or f"surveykit {__version__}")
        answers, user_guid, var_guid, attr_names = self.answers, self.user_guid, self.var_guid, self.attr_names
        yield out.head
        if self.coders:
            users = out.section("Users")
            for c in self.coders:
                out.sub(users, "User", guid=user_guid[c], name=c)
            yield out.piece(users)
        book = out.section("CodeBook")
        add_codes(out.sub(book, "Codes"), self.codebook, ns,
                  code_notes={k: v for k, v in self.code_notes.items() if k in self.known})
        yield out.piece(book)
        variables = out.section("Variables")
        for v in [*SOURCE_VARIABLES, *attr_names]:
            el = out.sub(variables, "Variable", guid=var_guid[v], name=v, typeOfVariable=_VARIABLE_TYPES.get(v, "Text"))
            if v in SOURCE_VARIABLES:
                out.sub(el, "Description").text = "surveykit: which answer this source is"
        yield out.piece(variables)

        source_guid = {(a.respondent_id, a.question_id): _guid("source", a.respondent_id, a.question_id)
                       for a in answers}
        # Each respondent's answers, in the order given (grouped once: not a pass over every answer per case).
        by_respondent: dict[str, list[AnswerSource]] = {}
        for a in answers:
            by_respondent.setdefault(a.respondent_id, []).append(a)
        if by_respondent:
            cases = out.section("Cases")
            yield out.opening(cases)
            for rid, mine in by_respondent.items():
                case = out.sub(cases, "Case", guid=_guid("case", rid), name=rid)
                for k in attr_names:
                    value = mine[0].attributes.get(k)
                    if value is not None and str(value) != "":
                        _value(case, ns, var_guid[k], str(value), "Text")
                for a in mine:
                    out.sub(case, "SourceRef", targetGUID=source_guid[(a.respondent_id, a.question_id)])
                yield out.piece(case)
            yield out.closing(cases)

        files = self.files
        rows, reviewed, answer_notes = self.rows, self.reviewed, self.answer_notes
        n_codings = n_selections = n_redactions = 0
        if answers:
            sources = out.section("Sources")
            yield out.opening(sources)
            for a in answers:
                key = (a.respondent_id, a.question_id)
                guid = source_guid[key]
                codings = rows.get(key, [])
                spans = [(s, e) if s is not None else (0, len(a.text)) for _, _, s, e, _ in codings]
                text = a.text
                stretches: list[tuple[int, int, int, int]] = []
                if self.redact:
                    text, spans, n, stretches = redact_with_offsets(a.text, spans, denylist=self.denylist)
                    n_redactions += n
                files[f"{guid}.txt"] = text.encode("utf-8")
                src = out.sub(sources, "TextSource", guid=guid, name=f"{a.respondent_id} {a.question_id}",
                              plainTextPath=f"internal://{guid}.txt")
                by_span: dict[tuple[int, int], list[tuple[str, str, str | None]]] = {}
                for (code, coder, _, _, at), span in zip(codings, spans):
                    by_span.setdefault(span, []).append((code, coder, at))
                for (s, e), items in sorted(by_span.items()):
                    sel = out.sub(src, "PlainTextSelection", guid=_guid("selection", a.respondent_id, a.question_id, s, e),
                                  name=f"{a.respondent_id} {s}-{e}", startPosition=str(s), endPosition=str(e))
                    n_selections += 1
                    for code, coder, at in items:
                        attrs = {"guid": _guid("coding", a.respondent_id, a.question_id, s, e, code, coder),
                                 "creatingUser": user_guid[coder]}
                        if at and _datetime_ok(at):
                            attrs["creationDateTime"] = at
                        coding = out.sub(sel, "Coding", **attrs)
                        out.sub(coding, "CodeRef", targetGUID=stable_guid("code", code))
                        n_codings += 1
                for note in answer_notes.get(key, []):
                    out.sub(src, "NoteRef", targetGUID=note)
                _value(src, ns, var_guid["respondent_id"], a.respondent_id, "Text")
                _value(src, ns, var_guid["question_id"], a.question_id, "Text")
                if stretches:  # where the spans were before redaction, so that an import puts them back
                    _value(src, ns, var_guid["redacted_offsets"], offsets_text(stretches), "Text")
                _value(src, ns, var_guid["reviewed"], "true" if key in reviewed else "false", "Boolean")
                if key in reviewed:
                    who, when = reviewed[key]
                    _value(src, ns, var_guid["reviewed_by"], who, "Text")
                    if when and _datetime_ok(when):
                        _value(src, ns, var_guid["reviewed_at"], when, "DateTime")
                yield out.piece(src)
            yield out.closing(sources)
        if self.note_items:
            notes = out.section("Notes")
            for guid, m in self.note_items:
                body = redact_text(m.text, denylist=self.denylist)[0] if self.redact else m.text
                what = f"code {m.code_id}" if m.target == "code" else f"answer of {m.respondent_id}"
                attrs = {"guid": guid, "name": f"Memo on {what}" + (f" by {m.coder}" if m.coder else "")}
                if m.coder in user_guid:
                    attrs["creatingUser"] = user_guid[m.coder]
                if m.at and _datetime_ok(m.at):
                    attrs["creationDateTime"] = m.at
                note = out.sub(notes, "Note", **attrs)
                out.sub(note, "PlainTextContent").text = body
            yield out.piece(notes)
        yield out.tail
        self.summary = ExportSummary(sources=len(answers), cases=len(by_respondent), codings=n_codings,
                                     selections=n_selections, notes=len(self.note_items), redactions=n_redactions)


class _Serialiser:
    """Serialises a project one element at a time, each exactly as lxml writes it in the whole tree.

    Every element is built as a child of a stand-in of its real ancestors (a ``Project`` root that
    declares the same default namespace, and for a case or a source its section), and the stand-in is
    serialised with ``pretty_print``. libxml2 indents an element by its depth and lays out its
    children by their own kinds only, never by its siblings, so the element's lines are the lines it
    has in the whole document: what lies around it is the stand-in's own, known from the same stand-in
    holding an empty placeholder, and is cut off (checked: a mismatch raises). The document's first
    line (the declaration) and root tag come from the real root, serialised the same way."""

    _PLACEHOLDER = "Placeholder"

    def __init__(self, ns: str, *, name: str, origin: str) -> None:
        from lxml import etree

        self._etree, self.ns = etree, ns
        root = etree.Element(ns + "Project", nsmap={None: PROJECT_NS})
        root.set("name", name)
        root.set("origin", origin)
        self.head, self.tail = self._around(root, self._placeholder(root), xml_declaration=True)
        self._root = etree.Element(ns + "Project", nsmap={None: PROJECT_NS})
        self._cut = self._around(self._root, self._placeholder(self._root))
        self._sections: dict[str, Any] = {}

    def _placeholder(self, parent: Any) -> Any:
        return self._etree.SubElement(parent, self.ns + self._PLACEHOLDER)

    def _around(self, root: Any, placeholder: Any, *, xml_declaration: bool = False) -> tuple[bytes, bytes]:
        """The bytes of ``root``'s serialisation before and after ``placeholder``'s line (removed after)."""
        data = self._serialise(root, xml_declaration=xml_declaration)
        tag = b"<" + self._PLACEHOLDER.encode() + b"/>\n"
        at = data.index(tag)
        line_start = data.rindex(b"\n", 0, at) + 1
        placeholder.getparent().remove(placeholder)
        return data[:line_start], data[at + len(tag):]

    def _serialise(self, root: Any, *, xml_declaration: bool = False) -> bytes:
        return self._etree.tostring(root, xml_declaration=xml_declaration, encoding="UTF-8", pretty_print=True)

    def sub(self, parent: Any, tag: str, **attrs: str) -> Any:
        return self._etree.SubElement(parent, self.ns + tag, **attrs)

    def section(self, tag: str) -> Any:
        """A top-level element (a child of the root) to fill and pass to ``piece``, or, for a section
        whose children are serialised one by one, to ``opening``, ``piece`` (each child) and
        ``closing``."""
        return self.sub(self._root, tag)

    def opening(self, section: Any) -> bytes:
        """The line that opens ``section`` (which has children to come)."""
        return self._section_cut(section)[0][len(self._cut[0]):]

    def closing(self, section: Any) -> bytes:
        """The line that closes ``section``; it is taken out of the stand-in root."""
        after = self._section_cut(section)[1]
        self._root.remove(section)
        self._sections.pop(section.tag, None)
        return after[:len(after) - len(self._cut[1])]

    def _section_cut(self, section: Any) -> tuple[bytes, bytes]:
        found = self._sections.get(section.tag)
        if found is None:
            found = self._sections[section.tag] = self._around(self._root, self._placeholder(section))
        return found

    def piece(self, element: Any) -> bytes:
        """``element``'s lines as the whole document has them; the element is taken out of its stand-in."""
        parent = element.getparent()
        before, after = self._cut if parent is self._root else self._section_cut(parent)
        data = self._serialise(self._root)
        parent.remove(element)
        if not (data.startswith(before) and data.endswith(after)) or len(data) < len(before) + len(after):
            raise RuntimeError("the project XML could not be serialised a piece at a time")
        return data[len(before):len(data) - len(after)]


def _value(parent, ns: str, var_guid: str, value: str, kind: str) -> None:
    from lxml import etree

    vv = etree.SubElement(parent, ns + "VariableValue")
    etree.SubElement(vv, ns + "VariableRef", targetGUID=var_guid)
    etree.SubElement(vv, ns + f"{kind}Value").text = value


_VARIABLE_TYPES = {"reviewed": "Boolean", "reviewed_at": "DateTime"}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def _datetime_ok(text: str) -> bool:
    return bool(_DATETIME.match(text))
