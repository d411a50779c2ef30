"""Small bases in the report: a coded field's number of answers, and the who-responded chart's data.

Two leaks, now closed:
- a coded free-text field with 1 to 4 answers (the 40-respondent sample's "Other (please specify)"
  answers at Q14 and Q15) had its number of answers published: in the sentence "Coded answers to ...:
  3 answers", in the frequency table's title ("% of 3 answers") and in its ``base`` column (csv, xlsx).
  Every count of such a field, or its complement, is small too, so its coded tables are left out with
  the reason and the number is [c];
- the library's ``Report`` kept the unprotected who-responded frame (completion counts hidden in the
  table, unrounded shares) as the argument of the group sizes chart's recipe (``Chart.source``), which
  a library user may save. The recipe now holds the published sizes only.
"""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest
from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY, run_cli

import surveykit as sk

C = "[c]"
THRESHOLD = 5
WHO_COLUMNS = ("respondents", "pct_of_respondents", "completed", "pct_completed")
# "3 answers" (a sentence, a table's title) with a small number: a published small base.
SMALL_ANSWERS = re.compile(rf"(?<![\d.,])([1-{THRESHOLD - 1}]) answers\b")


def _small(value) -> bool:
    try:
        return 0 < float(str(value).strip()) < THRESHOLD
    except ValueError:
        return False


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    """The 40-respondent sample: 3 answers to Q14's "Other", 2 to Q15's."""
    folder = tmp_path_factory.mktemp("small_sample")
    r = run_cli("sample", "--out", folder, "--respondents", "40")
    assert r.returncode == 0, r.stderr
    return folder


@pytest.fixture(scope="module")
def answers_per_field(small_sample):
    """The true number of answers to each coded field of the report (as ``surveykit code`` counts them)."""
    responses = sk.read(small_sample / "professional_survey.csv")
    counts = {f: sk.code(responses, f).summary.n_answers for f in ("q7", "q14_other_text", "q15_other_text")}
    assert any(_small(n) for n in counts.values()), counts  # what the tests below are about
    return counts


@pytest.fixture(scope="module")
def cli_report(small_sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("small_report") / "report"
    r = run_cli("report", "--survey", small_sample / "professional_survey.csv",
                "--rankings", small_sample / "youth_ranking.csv", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def library_report(small_sample):
    return sk.report(sk.read(small_sample / "professional_survey.csv"),
                     rankings=small_sample / "youth_ranking.csv")


@pytest.fixture(scope="module")
def shipped_library_report(sample_responses_module):
    """The shipped sample: every group's size is published, some completion counts are not."""
    return sk.report(sample_responses_module, rankings=SAMPLE_RANKINGS)


def _texts(report) -> list[str]:
    """Every sentence and table title of a library report."""
    out = []
    for section in report.sections:
        for block in section.blocks:
            for attr in ("text", "title", "note", "footnote"):
                value = getattr(block, attr, None)
                if isinstance(value, str):
                    out.append(value)
    return out


def _docx_text(path) -> str:
    import docx

    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


# -- leak A: a coded field's small number of answers ----------------------------------------------

def test_report_files_publish_no_small_number_of_coded_answers(cli_report, answers_per_field):
    manifest = json.loads((cli_report / "manifest.json").read_text(encoding="utf-8"))
    fields = manifest["parameters"]["coded_fields"]
    assert set(answers_per_field) <= set(fields)
    texts = {name: (cli_report / name).read_text(encoding="utf-8") for name in ("report.md", "report.html")}
    texts["report.docx"] = _docx_text(cli_report / "report.docx")
    for name, text in texts.items():
        assert not SMALL_ANSWERS.findall(text), (name, [m.group(0) for m in SMALL_ANSWERS.finditer(text)])
    md = texts["report.md"]
    for field, n in answers_per_field.items():
        if _small(n):
            what = "Q14" if field.startswith("q14") else "Q15" if field.startswith("q15") else field.upper()
            said = [line for line in md.splitlines() if line.startswith("Coded answers to") and what in line]
            assert said and all("\\[c\\] answers" in line for line in said), said
    # Bases in the tables (csv): a coded field's answers ("base"), and the tests' answers ("n").
    for path in sorted((cli_report / "tables").glob("*.csv")):
        if not any(path.stem.startswith(f"{f}_code") for f in fields):
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for col in ("base", "n"):
            small = [r[col] for r in rows if col in r and _small(r[col])]
            assert not small, (path.name, col, small)


def test_workbook_publishes_no_small_number_of_coded_answers(cli_report):
    import openpyxl

    fields = json.loads((cli_report / "manifest.json").read_text(encoding="utf-8"))["parameters"]["coded_fields"]
    wb = openpyxl.load_workbook(cli_report / "tables.xlsx", read_only=True)
    try:
        for name in wb.sheetnames:
            rows = list(wb[name].iter_rows(values_only=True))
            text = "\n".join(str(v) for row in rows for v in row if isinstance(v, str))
            assert not SMALL_ANSWERS.findall(text), name
            if not any(name.startswith(f"{f}_code") for f in fields):
                continue
            # The header row: the first with a "Base" column (the answers; in the tests, their "n").
            header = next((i for i, row in enumerate(rows) if "Base" in row), None)
            if header is None:
                continue
            base_cols = [j for j, v in enumerate(rows[header]) if v == "Base"]
            small = [row[j] for row in rows[header + 1:] for j in base_cols if j < len(row) and _small(row[j])]
            assert not small, (name, small)
    finally:
        wb.close()


def test_library_report_publishes_no_small_number_of_coded_answers(library_report, answers_per_field):
    for text in _texts(library_report):
        assert not SMALL_ANSWERS.findall(text), text
    tables = {t.id: t.frame for t in library_report.tables}
    for field, n in answers_per_field.items():
        mine = [tid for tid in tables if tid.startswith(f"{field}_code")]
        if _small(n):
            # Every count of such a field, or its complement, is small too: its tables are left out, and
            # the sentence says why.
            assert not mine, mine
            said = [t for t in _texts(library_report) if t.startswith("Coded answers to") and "not published" in t]
            assert any(f"{C} answers" in t for t in said)
        for tid in mine:
            for col in ("base", "n"):
                if col in tables[tid].columns:
                    assert not [v for v in tables[tid][col] if _small(v)], (tid, col)


def test_a_large_field_keeps_its_tables(library_report, answers_per_field):
    # Q7 (34 answers): unchanged, its base published.
    assert answers_per_field["q7"] >= THRESHOLD
    tables = {t.id: t.frame for t in library_report.tables}
    assert {"q7_codes", "q7_codes_by_sector", "q7_code_tests", "q7_quotes"} <= set(tables)
    assert set(tables["q7_codes"]["base"]) == {answers_per_field["q7"]}


def test_pilot_pooled_in_one_group_keeps_the_whole_table_hidden(tmp_path):
    # Eight respondents in regions of fewer than 5, pooled as one group holding Q7's 7 answers: the codes
    # by group are hidden whole (the small cells could not be covered), and Q14's "Other" answers (fewer
    # than 5) are left out.
    with open(SAMPLE_SURVEY, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    survey = tmp_path / "pilot.csv"
    with open(survey, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:2 + 8])
    r = run_cli("report", "--survey", survey, "--by", "region", "--out", tmp_path / "rep")
    assert r.returncode == 0, r.stderr
    wide = pd.read_csv(tmp_path / "rep" / "tables" / "q7_codes_by_region.csv", dtype=str, keep_default_na=False)
    groups = [c for c in wide.columns if c not in ("code_id", "code_label")]
    assert len(groups) == 1 and (wide[groups] == C).all().all()
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert not SMALL_ANSWERS.findall(md)
    assert not list((tmp_path / "rep" / "tables").glob("q14_other_text_*"))


def test_tests_answers_of_known_group_hidden_when_small():
    # Most answers of unknown group: the tests' n (the answers of known group) is small and hidden.
    from surveykit.report.coding import _protect_tests

    tests = pd.DataFrame({"code_id": ["a", "b"], "n": [3, 3], "n_coded": [0, 3], "test": "fisher",
                          "statistic": [0.0, 0.0], "dof": [1, 1], "p_value": [1.0, 1.0], "p_adjusted": [1.0, 1.0],
                          "effect_size": [0.0, 0.0], "note": ""})
    wide = pd.DataFrame({"code_id": ["a", "b"], "code_label": ["A", "B"], "G1": [C, C], "G2": [C, C]})
    out = _protect_tests(tests, wide, THRESHOLD, "holm")
    assert (out["n"] == C).all() and (out["n_coded"] == C).all()


# -- leak B: the who-responded chart's recipe ------------------------------------------------------

@pytest.mark.parametrize("which", ["library_report", "shipped_library_report"])
def test_group_sizes_chart_recipe_holds_only_published_cells(which, request):
    report = request.getfixturevalue(which)
    who = {t.id: t.frame for t in report.tables}["who_responded_by_sector"].set_index("group")
    charts = [c for c in report.charts if c.id == "who_responded_by_sector"]
    assert len(charts) == 1
    recipe = charts[0].source
    assert recipe.fn.__name__ == "sector_sizes_chart"  # the completion split is hidden in both reports
    frames = [a for a in (*recipe.args, *recipe.kwargs.values()) if isinstance(a, pd.DataFrame)]
    assert frames
    for frame in frames:
        for col in set(frame.columns) & set(WHO_COLUMNS):
            for group, value in zip(frame["group"], frame[col]):
                published = who.at[group, col]
                assert published != C, (which, group, col, value)
                assert value == published, (which, group, col, value, published)
    # The chart still draws every group whose size is published, with that size.
    body = who[(who.index != "total") & (who["respondents"].astype(object) != C)]
    drawn = frames[0]
    assert list(drawn["group"]) == list(body.index)
    assert [int(v) for v in drawn["respondents"]] == [int(v) for v in body["respondents"]]
