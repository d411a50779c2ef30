"""REFI-QDA codebook interchange (.qdc codebooks and the codebook inside .qdpx projects).

Export (``codebook_to_qdc``): namespace ``urn:QDA-XML:codebook:1.0``; each theme is a non-codable
parent ``Code`` (``isCodable="false"``) with its codes nested under it; a code's definition and its
include / exclude guidance go in ``Description``. GUIDs are uuid5 values derived from the theme and
code ids, so exporting the same codebook twice gives byte-identical files and a QDA package sees the
same code as the same code across versions.

Import (``qdc_to_codebook``), from NVivo, ATLAS.ti, MAXQDA, Taguette, QualCoder and others. Our
codebooks have exactly two levels (theme > code); REFI code trees can be deeper, so they are
flattened by this rule:

* a top-level code with children (or marked non-codable) becomes a **theme**;
* a top-level code with no children becomes a code in the theme ``uncategorised``;
* every code below a top-level code, at any depth, becomes a **code** in its top-level ancestor's
  theme. Its id is the snake_case path below the theme joined by ``__``
  (``concepts__abstraction``), its label the names joined by `` > `` (``concepts > abstraction``);
  non-codable grouping nodes below the top level only contribute to the path.

Ids are made snake_case and unique (a numeric suffix ``_2`` is added on a clash). Patterns are left
empty: the imported codebook is a starting point for writing patterns. Tolerated quirks: any or no
namespace (``urn:QDA-XML:codebook:1.0``, ``urn:QDA-XML:project:1.0``, none), an empty ``<Sets/>``,
lower- or upper-case GUIDs, no XML declaration, and a project with no ``CodeBook`` element (an empty
codebook). The XML parser resolves no entities and never touches the network.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.errors import CodebookError

if TYPE_CHECKING:
    from surveykit.coding.codebook import Code, Codebook

QDC_NS = "urn:QDA-XML:codebook:1.0"
# A fixed namespace for our GUIDs: uuid5(NAMESPACE_URL, "urn:surveykit:codebook").
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:surveykit:codebook")
UNCATEGORISED = "uncategorised"
PATH_SEP = "__"
ID_PREFIX = "surveykit id:"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def stable_guid(kind: str, ident: str) -> str:
    """The GUID of a theme or code: uuid5 of ``kind:id`` (upper-case, as most QDA packages write)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{ident}")).upper()


def codebook_to_qdc(codebook: "Codebook", *, origin: str | None = None) -> bytes:
    """The REFI-QDA codebook XML (.qdc) of a codebook, deterministic."""
    from lxml import etree

    from surveykit._version import __version__

    ns = "{%s}" % QDC_NS
    root = etree.Element(ns + "CodeBook", nsmap={None: QDC_NS})
    root.set("origin", origin or f"surveykit {__version__}")
    add_codes(etree.SubElement(root, ns + "Codes"), codebook, ns)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def add_codes(codes_el, codebook: "Codebook", ns: str, *, code_notes: dict[str, list[str]] | None = None) -> None:
    """Themes (non-codable parents) and their codes under a ``Codes`` element. Each description ends
    with an ``surveykit id: ID`` line, so the ids come back on import even if a QDA package renames
    the code; ``code_notes`` adds NoteRef elements (memos) to codes by id."""
    from lxml import etree

    for theme in codebook.themes:
        t_el = etree.SubElement(codes_el, ns + "Code", guid=stable_guid("theme", theme.id), name=theme.label,
                                isCodable="false")
        etree.SubElement(t_el, ns + "Description").text = "\n".join(
            [theme.description] * bool(theme.description) + [f"{ID_PREFIX} {theme.id}"])
        for code in codebook.codes:
            if code.theme != theme.id:
                continue
            c_el = etree.SubElement(t_el, ns + "Code", guid=stable_guid("code", code.id), name=code.label,
                                    isCodable="true")
            desc = _description(code)
            etree.SubElement(c_el, ns + "Description").text = "\n".join([desc] * bool(desc) + [f"{ID_PREFIX} {code.id}"])
            for note_guid in (code_notes or {}).get(code.id, []):
                etree.SubElement(c_el, ns + "NoteRef", targetGUID=note_guid)


def _description(code: "Code") -> str:
    parts = [code.definition] if code.definition else []
    parts += [f"Include: {x}" for x in code.include]
    parts += [f"Exclude: {x}" for x in code.exclude]
    return "\n".join(parts)


def _parse_description(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    definition, include, exclude = [], [], []
    for line in text.splitlines():
        s = line.strip()
        if s.lower().startswith(ID_PREFIX):
            continue
        if s.lower().startswith("include:"):
            include.append(s[8:].strip())
        elif s.lower().startswith("exclude:"):
            exclude.append(s[8:].strip())
        elif s:
            definition.append(s)
    return " ".join(definition), tuple(x for x in include if x), tuple(x for x in exclude if x)


@dataclass(frozen=True)
class ImportSummary:
    """What an import found: REFI codes read, themes and codes made, the deepest level (1 = top)."""

    origin: str
    refi_codes: int
    themes: int
    codes: int
    max_depth: int
    code_ids: dict[str, str] = field(default_factory=dict)  # lower-case GUID -> code id (codable codes)


def declared_id(description: str) -> str | None:
    """The ``surveykit id: ID`` a description carries (written by our exports), if any."""
    for line in description.splitlines():
        s = line.strip()
        if s.lower().startswith(ID_PREFIX):
            ident = s[len(ID_PREFIX):].strip()
            return ident if _ID_RE.match(ident) else None
    return None


def _parser():
    from lxml import etree

    # No entity expansion, no DTD loading, no network: a .qdc from elsewhere is untrusted input.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def short(value: object, limit: int = 40) -> str:
    """A value for a message: quoted, at most ``limit`` characters of it (then ``...``), on one line."""
    text = str(value)
    return repr(text[:limit] + "...") if len(text) > limit else repr(text)


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def qdc_to_codebook(xml: bytes, *, source: str = "<qdc>", codebook_id: str | None = None
                    ) -> tuple["Codebook", ImportSummary]:
    """Read REFI-QDA XML (a CodeBook document or a Project) into a Codebook (see module doc)."""
    from lxml import etree

    from surveykit.coding.codebook import Code, Codebook, Theme

    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise CodebookError(f"not a well-formed REFI-QDA XML file (XML error at line {line}); nothing written",
                            path=source) from None
    kind = _local(root)
    if kind == "CodeBook":
        book = root
    elif kind == "Project":
        book = next((el for el in root if _local(el) == "CodeBook"), None)
    else:
        raise CodebookError(f"not a REFI-QDA codebook: the root element must be CodeBook or Project; got {short(kind)}",
                            path=source)
    origin = root.get("origin") or ""
    top: list = []
    if book is not None:
        codes_el = next((el for el in book if _local(el) == "Codes"), None)
        if codes_el is not None:
            top = [el for el in codes_el if _local(el) == "Code"]

    used: set[str] = set()
    # Ids our own exports declare in the descriptions come back as they were; generated ids avoid them.
    reserved = {i for el in root.iter() if _local(el) == "Description" and (i := declared_id(el.text or ""))}

    # The next suffix to try for each base id. Ids are never given back, so every suffix below the
    # last one given for a base is still taken: resuming there gives the ids a search from ``_2``
    # would, without a search that grows with the duplicates (20,000 codes of one name).
    next_n: dict[str, int] = {}

    def unique(base: str, declared: str | None = None) -> str:
        if declared and declared not in used:
            used.add(declared)
            return declared
        if base in next_n:
            n = next_n[base]
            ident, n = f"{base}_{n}", n + 1
        else:
            ident, n = base, 2
        while ident in used or ident in reserved:
            ident, n = f"{base}_{n}", n + 1
        next_n[base] = n
        used.add(ident)
        return ident

    themes: list[Theme] = []
    codes: list[Code] = []
    uncategorised: list[Code] = []
    counts = {"refi": 0, "depth": 0}
    guid_ids: dict[str, str] = {}

    def name_of(el) -> str:
        name = (el.get("name") or "").strip()
        if not name:
            raise CodebookError(f"line {el.sourceline}: a Code element (guid {short(el.get('guid'))}) has no name",
                                path=source)
        return name

    # Two Code elements with one GUID are refused: a coding that points to that GUID would otherwise
    # land on whichever code came last (a missing GUID is tolerated in a codebook; a project refuses it).
    seen_guids: dict[str, int] = {}
    for el in (book.iter() if book is not None else ()):
        guid = _norm_guid(el.get("guid") or "") if _local(el) == "Code" else ""
        if not guid:
            continue
        if guid in seen_guids:
            raise CodebookError(f"line {el.sourceline}: two Code elements share the guid {short(el.get('guid'))} "
                                f"(the other is on line {seen_guids[guid]}); nothing written", path=source)
        seen_guids[guid] = el.sourceline

    def remember_guid(el, ident: str) -> None:
        guid_ids[_norm_guid(el.get("guid") or "")] = ident

    def desc_of(el) -> str:
        d = next((c for c in el if _local(c) == "Description"), None)
        return (d.text or "").strip() if d is not None else ""

    def walk(el, theme_id: str, path: list[tuple[str, str]], depth: int) -> None:
        for child in (c for c in el if _local(c) == "Code"):
            counts["refi"] += 1
            counts["depth"] = max(counts["depth"], depth)
            name = name_of(child)
            here = path + [(slugify(name), name)]
            codable = (child.get("isCodable") or "true").strip().lower() not in ("false", "0")
            if codable:
                desc = desc_of(child)
                definition, include, exclude = _parse_description(desc)
                ident = unique(PATH_SEP.join(s for s, _ in here), declared_id(desc))
                remember_guid(child, ident)
                codes.append(Code(id=ident, label=" > ".join(n for _, n in here),
                                  theme=theme_id, definition=definition, include=include, exclude=exclude))
            walk(child, theme_id, here, depth + 1)

    # Reserve theme ids first so that a code never takes a theme's id.
    plan = []
    for el in top:
        counts["refi"] += 1
        counts["depth"] = max(counts["depth"], 1)
        name = name_of(el)
        has_children = any(_local(c) == "Code" for c in el)
        is_theme = has_children or (el.get("isCodable") or "true").strip().lower() in ("false", "0")
        plan.append((el, name, is_theme, unique(slugify(name), declared_id(desc_of(el))) if is_theme else None))
    for el, name, is_theme, theme_id in plan:
        if is_theme:
            desc = "\n".join(x for x in desc_of(el).splitlines() if not x.strip().lower().startswith(ID_PREFIX))
            themes.append(Theme(theme_id, name, desc.strip()))
            walk(el, theme_id, [], 2)
        else:
            desc = desc_of(el)
            definition, include, exclude = _parse_description(desc)
            ident = unique(slugify(name), declared_id(desc))
            remember_guid(el, ident)
            uncategorised.append(Code(id=ident, label=name, theme=UNCATEGORISED,
                                      definition=definition, include=include, exclude=exclude))
    if uncategorised:
        unc_id = UNCATEGORISED if UNCATEGORISED not in {t.id for t in themes} else unique(UNCATEGORISED)
        if unc_id != UNCATEGORISED:
            uncategorised = [replace(c, theme=unc_id) for c in uncategorised]
        themes.append(Theme(unc_id, "Uncategorised", "Top-level codes with no parent in the source codebook."))
        codes.extend(uncategorised)
    cb_id = codebook_id or slugify(Path(source).stem)
    title = (root.get("name") or "").strip() or Path(source).stem
    codebook = Codebook(id=cb_id, title=title, version="1", themes=tuple(themes), codes=tuple(codes),
                        path=str(source),
                        description=f"Imported from {Path(source).name}" + (f" ({origin})" if origin else ""))
    return codebook, ImportSummary(origin=origin, refi_codes=counts["refi"], themes=len(themes), codes=len(codes),
                                   max_depth=counts["depth"], code_ids=guid_ids)


def _norm_guid(guid: str) -> str:
    return guid.strip().strip("{}").lower()


def slugify(name: str) -> str:
    """A snake_case id (a-z, 0-9, _; starting with a letter) from a code name."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    slug = re.sub(r"_{2,}", "_", slug)  # keep "__" free for the path separator
    if not slug:
        return "code"
    return slug if slug[0].isalpha() else f"c_{slug}"


def validate_qdc(xml: bytes, schema_path: str | Path) -> list[str]:
    """Validate .qdc bytes against Codebook.xsd; returns the problems (empty when valid)."""
    import io

    import xmlschema

    schema = xmlschema.XMLSchema(str(schema_path))
    return [str(e.reason) for e in schema.iter_errors(io.BytesIO(xml))]
