"""Labels (the instrument's titles and texts, option and item labels, groups typed by respondents) hold
anything, and the report's files are published as they are: found by an audit.

* report.md: the title, subtitle, section titles and every paragraph are plain text, shown as they
  are: no link, image, tag, comment, code span or heading is made of them (a region answered
  ``[click me](javascript:...)`` was a live link).
* Characters XML 1.0 cannot hold (a region ``North\\x01East``, a label with a NUL) are written as
  U+FFFD by every writer through one rule (``writers.cells.xml_safe``): the SVG charts parse, and
  report.html and report.md carry no such character.
"""

from __future__ import annotations

import csv
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli

markdown_it = pytest.importorskip("markdown_it")  # rich's Markdown parser: a dependency of surveykit

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LINK = "[click me](javascript:alert(document.domain))"
REGIONS = [LINK, LINK, "North\x01East", "London", "Wales"]  # the link is the largest group
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree", "Don't know"]

INSTRUMENT = r'''
id: hostile
title: "Hostile"
version: "1"
scales:
  yes_no_dk:
    kind: nominal
    options:
      - {code: "1", label: "Yes [y](javascript:alert(1))", aliases: ["Yes"]}
      - {code: "0", label: "No `tick` <!--", aliases: ["No"]}
      - {code: "DK", label: "Don't know", dk: true, aliases: ["Don't know"]}
    top_box: ["1"]
    top_box_label: "% yes"
  agreement_5:
    kind: ordinal
    options:
      - {code: "1", label: "Strongly disagree", aliases: ["Strongly disagree"]}
      - {code: "2", label: "Dis\x01agree", aliases: ["Disagree"]}
      - {code: "3", label: "Neither agree nor disagree", aliases: ["Neither agree nor disagree"]}
      - {code: "4", label: "Agree <script>alert(4)</script>", aliases: ["Agree"]}
      - {code: "5", label: "Strongly agree", aliases: ["Strongly agree"]}
      - {code: "DK", label: "Don't know", dk: true, aliases: ["Don't know"]}
    top_box: ["4", "5"]
    top_box_label: "% agree"
profile:
  - {id: respondent_id, kind: id, label: "Respondent ID", aliases: ["Respondent ID"]}
  - {id: sector, kind: category, label: "Sector", aliases: ["Sector"]}
  - {id: region, kind: category, label: "Region", aliases: ["Region"]}
groupings: [region, sector]
questions:
  - id: q1_see
    text: "Q1 Do you see it? [q](javascript:alert(1))"
    type: single
    scale: yes_no_dk
  - id: q2
    short: "Rate <b>it</b>"
    text: "Q2 Rate ](javascript:alert(1))"
    type: grid
    scale: agreement_5
    items:
      - {id: q2_item_one, label: "Item one \0 NUL [i](javascript:alert(1))"}
      - {id: q2_item_two, label: "Item two *star* _under_ ~~strike~~"}
report:
  title: "Report <script>alert('rt')</script> [rt](javascript:alert(1)) #"
  respondents: "<b>pros</b> [p](javascript:alert(1))"
  by: region
  sections:
    - id: who
      title: "<script>alert('sec')</script> [s](javascript:alert(1)) `code`"
      text: "Section text [click](javascript:alert(1)) <script>alert('txt')</script>\n# heading\n> quote\n- item\n[c]: javascript:alert(1)"
      analyses: [respondents]
    - id: grid
      title: "# Grid ](javascript:alert(1))"
      parts:
        - {questions: [q2], analyses: [rank, compare]}
    - id: closed
      title: "1. Closed\nsecond line"
      questions: [q1_see]
      analyses: [score, compare]
'''


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """``surveykit report`` on a small export whose regions (typed by respondents) are a Markdown link
    and a name with a control character, with an instrument whose labels are hostile too."""
    folder = tmp_path_factory.mktemp("markup")
    rng = random.Random(1)
    export = folder / "export.csv"
    with open(export, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Respondent ID", "Sector", "Region", "q1_see", "q2_item_one", "q2_item_two"])
        for i in range(60):
            w.writerow([1000 + i, ["Police", "Charity", "Health"][i % 3], REGIONS[i % 5],
                        rng.choice(["Yes", "No", "Don't know"]), rng.choice(AGREE), rng.choice(AGREE)])
    instrument = folder / "instrument.yaml"
    instrument.write_text(INSTRUMENT, encoding="utf-8")
    out = folder / "report"
    done = run_cli("report", "--survey", str(export), "--instrument", str(instrument), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def _tokens(text: str):
    md = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # see every link, not only the ones this parser would keep

    def walk(tokens):
        for t in tokens:
            yield t
            if t.children:
                yield from walk(t.children)

    return list(walk(md.parse(text)))


def _shown(inline) -> str:
    """What an inline token shows: its text, markup and escapes taken out."""
    return "".join(c.content for c in inline.children if c.type == "text")


# -- report.md ------------------------------------------------------------------------------------

def test_report_md_makes_no_link_tag_or_code_of_labels(hostile_report):
    text = (hostile_report / "report.md").read_text(encoding="utf-8")
    assert re.search(r"(?<!\\)\]\(javascript:", text) is None  # every "](" of a label is escaped
    assert "<script" not in text and "<b>" not in text and "<!--" not in text
    for t in _tokens(text):
        if t.type == "link_open":
            assert t.attrGet("href").startswith("#"), t.attrGet("href")  # only the contents' links
        elif t.type == "image":
            assert t.attrGet("src").startswith("charts/"), t.attrGet("src")
        elif t.type in ("html_inline", "html_block"):
            assert re.fullmatch(r'<a id="[\w-]+">|</a>', t.content.strip()), t.content  # the section anchors
        elif t.type == "code_inline":
            assert t.content.startswith("tables/"), t.content  # only the report's own file names
        assert t.type not in ("code_block", "fence", "s_open", "hr"), (t.type, t.content)


def test_report_md_title_headings_and_contents_are_plain_text(hostile_report):
    text = (hostile_report / "report.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == r"# Report &lt;script>alert('rt')&lt;/script> \[rt\](javascript:alert(1)) \#"
    assert lines[2].startswith(r"60 &lt;b>pros&lt;/b> \[p\](javascript:alert(1))")
    tokens = _tokens(text)
    headings = [_shown(tokens[k + 1]) for k, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == "Report <script>alert('rt')</script> [rt](javascript:alert(1)) #"
    assert "1. <script>alert('sec')</script> [s](javascript:alert(1)) `code`" in headings
    assert "2. # Grid ](javascript:alert(1))" in headings
    assert "3. 1. Closed second line" in headings  # a line break in a title is a space
    # The contents: one link per section, its text the title as it is.
    links = []
    for k, t in enumerate(tokens):
        if t.type == "link_open":
            end = next(j for j in range(k, len(tokens)) if tokens[j].type == "link_close")
            links.append((t.attrGet("href"), "".join(c.content for c in tokens[k + 1:end] if c.type == "text")))
    assert links[:3] == [("#who", "<script>alert('sec')</script> [s](javascript:alert(1)) `code`"),
                         ("#grid", "# Grid ](javascript:alert(1))"), ("#closed", "1. Closed second line")]
    # Nothing but the report's own headings: the section text's "# heading" is text of its paragraph.
    levels = [t.tag for t in tokens if t.type == "heading_open"]
    assert levels.count("h1") == 1 and set(levels) <= {"h1", "h2"}
    assert not any(t.type in ("bullet_list_open", "blockquote_open") for t in tokens
                   if t.map and "Section text" in "\n".join(lines[t.map[0]:t.map[1]]))


def test_report_md_respondents_answers_are_text(hostile_report):
    text = (hostile_report / "report.md").read_text(encoding="utf-8")
    assert LINK not in text  # as a live link; escaped it reads as the answer
    assert r"The largest group by Region was \[click me\](javascript:alert(document.domain)) (24 " in text
    assert r"\[click me\](javascript:alert(document.domain))" in text
    shown = "".join(t.content for t in _tokens(text) if t.type == "text")
    assert LINK in shown  # the answer is shown as the respondent typed it
    assert "[c]: javascript:alert(1)" in shown  # a link definition in a text is text too


# -- characters XML cannot hold ---------------------------------------------------------------------

def test_every_svg_chart_parses_and_no_page_holds_a_control_character(hostile_report):
    svgs = sorted((hostile_report / "charts").glob("*.svg"))
    assert svgs
    for svg in svgs:
        ET.parse(svg)
    drawn = "".join(svg.read_text(encoding="utf-8") for svg in svgs)
    assert "North\ufffdEast" in drawn  # the region's chart, its name kept but for the one character
    for name in ("report.md", "report.html"):
        page = (hostile_report / name).read_text(encoding="utf-8")
        assert NOT_XML.search(page) is None, name
        assert "North\ufffdEast" in page


def test_a_figure_with_control_characters_in_its_labels_draws_a_valid_svg():
    from surveykit.charts.base import new_figure
    from surveykit.report.figures import draw

    fig = new_figure(6, 3)
    ax = fig.subplots()
    # A categorical axis: its tick labels are made while drawing, from the category names.
    ax.barh(["North\x01East", "Lone \udc80 surrogate", "Not \ufffe char", "London"], [3, 4, 5, 6], label="bar\x0b")
    ax.set_title("Title \x00 NUL")
    ax.legend()
    formatters = [a.major.formatter for a in (ax.xaxis, ax.yaxis)]
    svg = draw(fig, "svg")
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    for label in ("North\ufffdEast", "Lone \ufffd surrogate", "Not \ufffd char", "Title \ufffd NUL", "bar\ufffd"):
        assert label in texts
    assert draw(fig, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert all("format_ticks" not in vars(f) for f in formatters)  # the figure's formatters are its own again


def test_a_figure_without_such_characters_is_drawn_as_before():
    import io

    import matplotlib

    from surveykit.charts.base import new_figure
    from surveykit.report.figures import _SVG_META, draw

    def figure():
        fig = new_figure(6, 3)
        ax = fig.subplots()
        ax.barh(["North East", "London\nand more", "Wales"], [3, 4, 5], label="bars")
        ax.set_title("Title")
        ax.legend()
        return fig

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "surveykit", "svg.fonttype": "none"}):
        figure().savefig(buf, format="svg", metadata=_SVG_META, bbox_inches="tight")
    assert draw(figure(), "svg") == buf.getvalue()


def test_one_rule_for_every_writer():
    import openpyxl

    from surveykit.report.writers import cells, docx, html, markdown, xlsx

    assert cells.xml_safe("a\x00b\x01\x0b\x0c\x1f\ufffe\uffff\ud800\t\n\r\x7f\u2028é") == \
        "a\ufffdb\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\t\n\r\x7f\u2028é"
    plain = "plain text, with tab\tand newline\n"
    assert cells.xml_safe(plain) is plain
    ws = openpyxl.Workbook().active
    assert xlsx.put(ws, 1, 1, "a\x01\ud800").value == "a\ufffd\ufffd"
    assert docx._clean("a\x01b\rc") == "a\ufffdb c"
    assert html._esc("<a\x01>") == "&lt;a\ufffd&gt;"
    assert markdown._md_text("a\x00b") == "a\ufffdb" and markdown._md_cell("a\x00b") == "a\ufffdb"


# -- the Markdown escaping itself -----------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
    ("![i](http://x/y.png)", r"!\[i\](http://x/y.png)"),
    ("<script>x</script> <!-- c", "&lt;script>x&lt;/script> &lt;!-- c"),
    ("`code` *em* _em_ ~~s~~ a\\b", r"\`code\` \*em\* \_em\_ \~\~s\~\~ a\\b"),
    ("pct_gap and q45_by_sector", "pct_gap and q45_by_sector"),  # inside a word: no emphasis, left alone
    ("# h", r"\# h"), ("> q", r"\> q"), ("- i", r"\- i"), ("+ i", r"\+ i"), ("* i", r"\* i"),
    ("12. i", r"12\. i"), ("3) i", r"3\) i"), ("2.5 is a number", "2.5 is a number"),
    ("line one\nline two\r\nthree\rfour", "line one line two three four"),
    ("    indented", "indented"),
    ("288 professionals (p < 0.05)", "288 professionals (p < 0.05)"),
])
def test_markdown_text_escaping(value, expected):
    from surveykit.report.writers.markdown import _md_text

    assert _md_text(value) == expected


def test_markdown_heading_keeps_a_closing_hash():
    from surveykit.report.writers.markdown import _md_heading

    assert _md_heading("Report ##") == r"Report #\#" and _md_heading("#") == r"\#"
    assert _md_heading("C# and F# notes") == r"C# and F# notes"


def test_any_text_is_shown_as_it_is_wherever_the_report_puts_it():
    """Random texts of markup characters: as a paragraph, a heading, an italic note, a quote and the
    text of a contents link, each renders as the text itself (line breaks as spaces), no markup."""
    from surveykit.report.writers.markdown import _md_heading, _md_text

    md = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.validateLink = lambda url: True
    pieces = list("ab1 _*`~[]()!<>#-+=.|\\:/\"'\t\n") + ["javascript:", "<script>", "<!--", "1. ", "é", "    "]
    rng = random.Random(20240501)
    for _ in range(1500):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        shown = " ".join(re.split(r"\r\n?|\n", value)).strip()
        if not shown:
            continue
        for source, blocks, marks in (
                (_md_text(value), ["paragraph_open", "inline", "paragraph_close"], set()),
                ("# " + _md_heading(value), ["heading_open", "inline", "heading_close"], set()),
                ("*" + _md_text(value) + "*", ["paragraph_open", "inline", "paragraph_close"], {"em_open", "em_close"}),
                ("> " + _md_text(value), ["blockquote_open", "paragraph_open", "inline", "paragraph_close",
                                          "blockquote_close"], set()),
                ("1. [" + _md_text(value) + "](#s)", None, {"link_open", "link_close"})):
            tokens = md.parse(source)
            if blocks is not None:
                assert [t.type for t in tokens] == blocks, (value, source)
            inline = [c for t in tokens if t.type == "inline" for c in t.children]
            assert {c.type for c in inline} <= {"text"} | marks, (value, source)
            assert "".join(c.content for c in inline if c.type == "text").strip() == shown, (value, source)
