"""Tables for people in HTML and Markdown: headers in words, bases, right-aligned rounded numbers,
[c] styled as a number, long tables only in the CSV, a footnote under every table."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from output_report import LONG_ID

RAW_IDS = {"pct_1", "pct_5", "n_valid", "item_id", "item_label", "group", "group_label", "pct_effective", "n"}


@pytest.fixture(scope="module")
def written(written_sample_report):
    """The output report, written once per session (conftest.written_sample_report)."""
    return written_sample_report


class Tables(HTMLParser):
    """Collects the people tables of a page: id, header cells, rows of (class, text) cells, and
    the paragraphs that follow each table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.stack: list[str] = []
        self.cell: list | None = None
        self.after: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "people" in a.get("class", ""):
            self.tables.append({"id": a.get("id"), "head": [], "rows": [], "after": [], "row_classes": []})
            if a.get("id"):
                self.current = self.tables[-1]  # paragraphs after a table and its print panels
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
            self.tables[-1]["row_classes"].append(a.get("class", ""))
        elif tag in ("th", "td") and self.tables:
            self.cell = [tag, a.get("class", "") or "", a.get("scope", ""), ""]
        elif tag == "p" and self.tables:
            self.cell = ["p", a.get("class", ""), "", ""]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[3] += data

    def handle_endtag(self, tag):
        if self.cell is None or tag not in ("th", "td", "p"):
            return
        kind, cls, scope, text = self.cell
        t = self.tables[-1]
        if kind == "p":
            self.current["after"].append((cls, text))
        elif kind == "th" and scope == "col":
            t["head"].append((cls, text))
        else:
            t["rows"][-1].append((kind, cls, text))
        self.cell = None


@pytest.fixture(scope="module")
def page(written):
    _, out = written
    parser = Tables()
    html = (out / "report.html").read_text()
    parser.feed(html)
    screen = [t for t in parser.tables if t["id"]]
    return html, screen, parser.tables


def test_headers_are_words_not_variable_names(page):
    _, tables, _ = page
    assert tables
    for t in tables:
        heads = [h for _, h in t["head"]]
        assert not RAW_IDS & set(heads), (t["id"], heads)
        assert not any(re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", h) for h in heads), (t["id"], heads)
    eff = next(t for t in tables if t["id"] == "t-q45_effectiveness")
    heads = [h for _, h in eff["head"]]
    assert heads[:3] == ["Item", "Base", "Completely ineffective"] and "Mean" in heads and "% effective" in heads


def test_every_table_with_percentages_has_a_base(page):
    _, tables, _ = page
    for t in tables:
        has_pct = any(text.endswith("%") for row in t["rows"] for _, _, text in row)
        if has_pct:
            base_col = "Base" in [h for _, h in t["head"]]
            base_row = any(cls == "base" for cls in t["row_classes"]) or any(
                row and row[1][2] == "Base" for row in t["rows"] if len(row) > 1)
            assert base_col or base_row, t["id"]
    wide = next(t for t in tables if t["id"] == "t-q45_effective_by_sector")
    assert "base" in wide["row_classes"]


def test_numbers_right_aligned_rounded_and_suppressed_cells_styled(page):
    _, tables, _ = page
    seen_marker = False
    for t in tables:
        for row in t["rows"]:
            for kind, cls, text in row:
                if kind != "td" or "sig" in cls:
                    continue
                if re.fullmatch(r"-?\d+(\.\d+)?%?", text):
                    assert "num" in cls, (t["id"], text)
                    assert not re.search(r"\.\d{3,}", text), (t["id"], text)  # rounded for people
                if text == "[c]":
                    seen_marker = True
                    assert "num" in cls and "supp" in cls, (t["id"], cls)
    assert seen_marker


def test_banner_letters_in_their_own_cells(page):
    _, tables, _ = page
    ban = next(t for t in tables if t["id"] == "t-q45_banner")
    heads = [h for _, h in ban["head"]]
    assert "Local authority / children's services (A)" in heads and "Police and criminal justice (B)" in heads
    sig = [text for row in ban["rows"] for kind, cls, text in row if "sig" in cls]
    assert any(re.fullmatch(r"[A-Za-z]+", s) for s in sig)
    nums = [text for row in ban["rows"] for kind, cls, text in row if "num" in cls]
    assert all(not re.search(r"[A-Za-z]", n) or n == "[c]" for n in nums)


def test_long_table_only_named_and_footnotes_under_tables(page, written):
    html, tables, _ = page
    report, out = written
    assert f'id="t-{LONG_ID}"' not in html
    assert (out / "tables" / f"{LONG_ID}.csv").is_file()
    assert re.search(r"in long form \(every statistic\), in tables/q45_effectiveness_by_sector_long\.csv and sheet "
                     r"q45_effectiveness_by_sector of tables\.xlsx", html)
    # the text's reference to the long table uses the real sheet name
    assert "Every statistic by sector is in sheet q45_effectiveness_by_sector." in html
    for t in tables:
        notes = [text for cls, text in t["after"][:3] if cls == "tfoot"]
        assert notes, t["id"]
    eff = next(t for t in tables if t["id"] == "t-q45_effectiveness")
    foot = " ".join(text for _, text in eff["after"][:3])
    assert "[c]: suppressed, a count of fewer than 5 respondents" in foot and "Base: valid answers" in foot
    ban = next(t for t in tables if t["id"] == "t-q45_banner")
    foot = " ".join(text for _, text in ban["after"][:3])
    assert "Welch t-test" in foot and "Holm" in foot and "not tested" in foot


def test_wide_tables_have_print_panels_repeating_the_first_column(page):
    html, _, every = page
    assert '<div class="print-only">' in html
    panels = [t for t in every if not t["id"]]
    assert panels
    for t in panels:
        assert t["head"][0][1] == "Item"  # the stub column again in each panel


def test_markdown_tables_for_people(written):
    _, out = written
    md = (out / "report.md").read_text()
    assert "| Item | Base | Completely ineffective |" in md
    assert re.search(r"\|:---\|---:\|---:\|", md)
    assert "\\[c\\]" in md
    assert re.search(r"\| \*Base(, lowest)?\* \|", md)
    assert f"{LONG_ID}.csv" in md and "| q45_" not in md
    assert "sheet q45_effectiveness_by_sector" in md
    assert "*No problems found.*" in md


def test_library_fallbacks_without_metadata():
    """A table the builder did not describe still reads: humanised headers, ids beside labels hidden,
    [c] rule in the footnote."""
    import pandas as pd

    from surveykit.report.model import Report, SectionBuilder
    from surveykit.report.writers import report_html

    frame = pd.DataFrame({"group": ["all", "ngo"], "group_label": ["All respondents", "NGO"], "n_valid": [10, 7],
                          "pct_1": [55.55555, "[c]"], "pct_strongly_agree": [44.4444, "[c]"], "mean": [3.14159, 2.5]})
    sb = SectionBuilder("s", "S").table("t", "T", frame, percent_columns=["pct_1", "pct_strongly_agree"])
    html = report_html(Report("R", "sub", (sb.build(),), {"parameters": {"threshold": 5}}), {})
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert heads == ["Group", "Base", "% rating 1", "% strongly agree", "Mean"]
    assert "55.6%" in html and "3.14" in html and "3.14159" not in html
    assert "[c]: suppressed, a count of fewer than 5 respondents" in html
