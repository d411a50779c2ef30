"""report.docx: the report for Word (python-docx), where research staff write their reports.

Sections are Heading 1 and table and chart titles Heading 2 (Word's navigation pane lists them);
tables are real Word tables styled for people (headers in words, base rows, numbers right-aligned,
letters beside their number, the header row repeated on each page, wide tables split into panels
that repeat the first column); charts are the report's PNGs with their alternative text. The bytes
are deterministic: fixed core properties and zip entry times.
"""

from __future__ import annotations

import io
from typing import Any, Mapping

from surveykit.charts.palette import PaletteSpec, accent
from surveykit.report.model import Chart, Report, Table, Text
from surveykit.report.tables import (Grid, column_chars, empty_text, footnote, grid, panels, report_threshold,
                                     resolve_references, sheet_names)
from surveykit.report.writers.cells import normalise_zip, xml_safe

#: Characters of a portrait A4 line at the table font size (wider tables are split into panels).
PANEL_BUDGET = 112
TEXT_WIDTH_CM = 17.0


def _clean(text: str) -> str:
    # Free text may hold characters XML 1.0 cannot: each is written as U+FFFD (``cells.xml_safe``, as
    # every writer does); a carriage return becomes a space.
    return xml_safe(str(text)).replace("\r", " ")


def _panel(doc, g: Grid, cols: list[int], colour: str) -> None:
    """One table panel, written as the XML python-docx's table API produces (``add_table``, the
    ``Table Grid`` style, fixed layout, widths, shading, ``_write_cell``) and parsed once: building it
    cell by cell through that API took a third of a report's time. ``tests/test_output_docx.py``
    checks the XML against the API's, element for element."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm

    chars = column_chars(g)
    layout = []  # (grid column, is letters column)
    for i in cols:
        layout.append((i, False))
        if g.lettered[i]:
            layout.append((i, True))
    # widths in proportion to what each column needs, over at most the text width (17 cm)
    need = [(max((len(r[i].letters or "") for r in g.rows), default=1) + 1) if letters
            else (chars[i] - (max((len(r[i].letters or "") for r in g.rows), default=0) + 1 if g.lettered[i] else 0))
            for i, letters in layout]
    scale = min(TEXT_WIDTH_CM / sum(need), 0.2)
    widths = [Cm(need[k] * scale).twips for k in range(len(layout))]
    style_id = _style_id(doc, "Table Grid", WD_STYLE_TYPE.TABLE)
    accent_hex = colour.lstrip("#").upper()
    out = [f"<w:tbl {nsdecls('w')}><w:tblPr>",
           f'<w:tblStyle w:val="{_attr(style_id)}"/>' if style_id is not None else "",
           '<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
           'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
           *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
           '<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>']
    for k, (i, letters) in enumerate(layout):
        shade = '<w:shd w:val="clear" w:color="auto" w:fill="EEF2F7"/>'
        if letters:
            out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{widths[k]}"/>{shade}</w:tcPr><w:p/></w:tc>')
        else:
            out.append(_cell_xml(widths[k], g.headers[i], shade=shade, right=g.numeric[i], bold=True))
    out.append("</w:tr>")
    for is_base, row in [(True, r) for r in g.base_rows] + [(False, r) for r in g.rows]:
        out.append("<w:tr>")
        for k, (i, letters) in enumerate(layout):
            c = row[i]
            if letters:
                out.append(_cell_xml(widths[k], c.letters or "", bold=True, size=7, colour=accent_hex))
            else:
                grey = is_base or c.suppressed
                out.append(_cell_xml(widths[k], c.text, right=g.numeric[i] and k > 0, italic=grey,
                                     colour="595959" if grey else None))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    doc.element.body._insert_tbl(parse_xml("".join(out)))


def _attr(value: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(value)[1:-1]


def _cell_xml(width: int, text: str, *, shade: str = "", right: bool = False, bold: bool = False,
              italic: bool = False, size: float = 8.0, colour: str | None = None) -> str:
    """A ``w:tc`` as ``_write_cell`` writes it: paragraph spacing 0, optional right alignment, one run
    with bold/italic always stated, colour, size, and python-docx's run text (tabs, line breaks, and
    ``xml:space`` kept when the text has outer spaces)."""
    from docx.shared import Pt

    ppr = '<w:pPr><w:spacing w:after="0" w:before="0"/>' + ('<w:jc w:val="right"/>' if right else "") + "</w:pPr>"
    rpr = ("<w:rPr>" + ("<w:b/>" if bold else '<w:b w:val="0"/>') + ("<w:i/>" if italic else '<w:i w:val="0"/>')
           + (f'<w:color w:val="{colour}"/>' if colour else "") + f'<w:sz w:val="{int(Pt(size).pt * 2)}"/></w:rPr>')
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{shade}</w:tcPr><w:p>{ppr}<w:r>{rpr}'
            f"{_run_content(_clean(text))}</w:r></w:p></w:tc>")


def _run_content(text: str) -> str:
    """python-docx's ``Run.text`` setter as XML: a tab is ``w:tab``, a line break ``w:br``, the rest ``w:t``."""
    from xml.sax.saxutils import escape

    parts: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        chunk = "".join(buf)
        if chunk:
            space = ' xml:space="preserve"' if len(chunk.strip()) < len(chunk) else ""
            parts.append(f"<w:t{space}>{escape(chunk)}</w:t>")
        buf.clear()

    for ch in text:
        if ch == "\t":
            flush()
            parts.append("<w:tab/>")
        elif ch in "\r\n":
            flush()
            parts.append("<w:br/>")
        else:
            buf.append(ch)
    flush()
    return "".join(parts)


def _style_id(doc, name: str, kind) -> str | None:
    """``doc.part.get_style_id(name, kind)``, looked up once per document: python-docx searches the
    styles part (XPath) on every call, and a report asks for the same few styles hundreds of times."""
    ids = doc.__dict__.setdefault("_surveykit_style_ids", {})
    if (name, kind) not in ids:
        ids[(name, kind)] = doc.part.get_style_id(name, kind)
    return ids[(name, kind)]


def _heading(doc, text: str, level: int):
    """``doc.add_heading(text, level)`` with the style id looked up once (``_style_id``): the same
    paragraph, its run added first and then its style, as python-docx does."""
    from docx.enum.style import WD_STYLE_TYPE

    para = doc.add_paragraph(text)
    para._p.style = _style_id(doc, "Title" if level == 0 else f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH)
    return para


def _small(doc, text: str, *, italic: bool = True) -> None:
    from docx.shared import Pt, RGBColor

    para = doc.add_paragraph()
    run = para.add_run(_clean(text))
    run.font.size = Pt(8)
    run.italic = italic
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def document_bytes(report: Report, images: Mapping[str, bytes], *, palette: PaletteSpec = None) -> bytes:
    """report.docx as bytes (deterministic)."""
    import datetime as dt

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    names = sheet_names(report.tables)
    thr = report_threshold(report)
    colour = accent(palette)
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    doc.styles["Normal"].font.size = Pt(10)

    def say(text: str) -> str:
        return _clean(resolve_references(text, names))

    _heading(doc, _clean(report.title), level=0)
    doc.add_paragraph(_clean(report.subtitle))
    for i, s in enumerate(report.sections, 1):
        _heading(doc, f"{i}. {_clean(s.title)}", level=1)
        for b in s.blocks:
            if isinstance(b, Text):
                if b.kind == "finding":
                    para = doc.add_paragraph()
                    para.paragraph_format.left_indent = Cm(0.6)
                    para.add_run(say(b.text)).bold = True
                elif b.kind == "note":
                    _small(doc, say(b.text))
                else:
                    doc.add_paragraph(say(b.text))
            elif isinstance(b, Table):
                where = f"tables/{b.id}.csv and sheet {names[b.id]} of tables.xlsx"
                if b.layout != "wide":
                    _small(doc, f"{b.title}: {len(b.frame)} rows in long form (every statistic), in {where}.")
                    continue
                _heading(doc, _clean(b.title), level=2)
                if not len(b.frame):
                    _small(doc, empty_text(b))
                else:
                    g = grid(b)
                    for k, cols in enumerate(panels(g, budget=PANEL_BUDGET)):
                        if k:
                            doc.add_paragraph()
                        _panel(doc, g, cols, colour)
                    if b.preview is not None:
                        _small(doc, f"First {b.preview} of {len(b.frame)} rows; every row is in {where}.")
                for text in (b.note, footnote(b, threshold=thr)):
                    if text:
                        _small(doc, say(text))
            elif isinstance(b, Chart):
                _heading(doc, _clean(b.title), level=2)
                doc.add_picture(io.BytesIO(images[b.id]), width=Cm(16.0))
                inline = doc.inline_shapes[-1]._inline
                inline.docPr.set("descr", _clean(b.alt))
                inline.docPr.set("title", _clean(b.title))
                _small(doc, f"Figure: {b.title} (charts/{b.id}.png and .svg).")
    _small(doc, f"Made with surveykit {report.manifest.get('surveykit_version', '')}. Tables are in tables.xlsx and "
                "tables/*.csv; inputs and parameters in manifest.json.", italic=False)

    fixed = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    props = doc.core_properties
    props.author = "surveykit"
    props.last_modified_by = "surveykit"
    props.title = _clean(report.title)
    props.created = fixed
    props.modified = fixed
    props.last_printed = fixed
    props.revision = 1
    return normalise_zip(_package_bytes(doc))


def _package_bytes(doc: Any) -> bytes:
    """The document as python-docx saves it, with the zip entries stored, not compressed:
    ``normalise_zip`` compresses each entry once, as it writes the file. The entries and their order
    are python-docx's own (its ``PackageWriter`` steps); a python-docx laid out differently saves as
    usual."""
    import zipfile

    def own_save() -> bytes:
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()

    try:
        from docx.opc.pkgwriter import PackageWriter

        package = doc.part.package
        steps = (PackageWriter._write_content_types_stream, PackageWriter._write_pkg_rels,
                 PackageWriter._write_parts)
        parts, rels = package.parts, package.rels
    except (ImportError, AttributeError):
        return own_save()

    class _Stored:
        def __init__(self, archive: zipfile.ZipFile) -> None:
            self.archive = archive

        def write(self, pack_uri: Any, blob: bytes) -> None:
            self.archive.writestr(pack_uri.membername, blob)

    buf = io.BytesIO()
    try:
        for part in parts:  # what OpcPackage.save does first
            part.before_marshal()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
            writer = _Stored(archive)
            steps[0](writer, parts)
            steps[1](writer, rels)
            steps[2](writer, parts)
    except (AttributeError, TypeError):  # steps that take other arguments in this python-docx
        return own_save()
    return buf.getvalue()
