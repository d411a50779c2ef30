"""The Python front door (``import surveykit as sk``): the CLI's defaults, one validation layer, no
second read of a loaded export, and a report built for an instrument that is not the shipped study.

Numbers in the generic-instrument tests are counted independently here from the rows written.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
import yaml

import surveykit as sk
from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY
from surveykit.errors import InputError, UsageError


@pytest.fixture(scope="module")
def sample(sample_responses_module):
    return sample_responses_module  # sk.read(SAMPLE_SURVEY), read once per session


def test_front_door_names():
    for name in ("read", "score", "compare", "banner", "code", "rank", "report", "read_rankings", "Report"):
        assert hasattr(sk, name), name
    assert callable(sk.compare) and callable(sk.report) and callable(sk.banner)
    # importing the modules of the same names does not hide the functions
    import surveykit.compare  # noqa: F401
    import surveykit.report.build  # noqa: F401

    assert callable(sk.compare) and callable(sk.report)


def test_defaults_equal_the_cli(sample, cli):
    """Suppression is on by default in the library, exactly as in the CLI."""
    lib = sk.score(sample, questions="q45", by="sector")
    assert (lib["count"].astype(str) == "[c]").any()
    proc = cli("score", SAMPLE_SURVEY, "--question", "q45", "--by", "sector", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(proc.stdout.splitlines()))
    assert [r["count"] for r in rows] == [str(v) for v in lib["count"]]
    raw = sk.score(sample, questions="q45", by="sector", suppress=False)
    assert not (raw["count"].astype(str) == "[c]").any()
    assert sk.banner(sample, question="q45").table["count"].astype(str).eq("[c]").any()


def test_one_question_as_a_string_is_one_question(sample):
    one = sk.score(sample, questions="q8", suppress=False)
    assert set(one["question_id"]) == {"q8"}
    assert set(sk.score(sample, questions="q8,q5", suppress=False)["question_id"]) == {"q5", "q8"}
    assert set(sk.score(sample, questions="Q8", suppress=False)["question_id"]) == {"q8"}  # ids in any case


@pytest.mark.parametrize("call, message", [
    (lambda r: sk.score(r, threshold="5"), "threshold must be a whole number of at least 1; got '5'"),
    (lambda r: sk.score(r, threshold=0), "threshold must be a whole number of at least 1; got 0"),
    (lambda r: sk.score(r, suppress="yes"), "suppress must be True or False; got 'yes'"),
    (lambda r: sk.score(r, questions=5), "questions must be an id, a comma-separated string of ids or a list"),
    (lambda r: sk.compare(r, alpha=1.5), "alpha must be strictly between 0 and 1 (exclusive), e.g. 0.05; got 1.5"),
    (lambda r: sk.compare(r, padjust="sidak"), "padjust must be one of 'holm', 'fdr_bh', 'bonf', 'none'; got 'sidak'"),
    (lambda r: sk.compare(r, by="department"), "by must be one of 'sector', 'region', 'completed', 'q1'"),
    (lambda r: sk.banner(r, question="q45", threshold=-1), "threshold must be a whole number of at least 1"),
    (lambda r: sk.report(r, threshold=0), "threshold must be a whole number of at least 1"),
    (lambda r: sk.code(r, "q8"), "'q8' is a single question, not a free-text one"),
])
def test_library_validation_names_parameter_allowed_and_received(sample, call, message):
    with pytest.raises(UsageError) as err:
        call(sample)
    assert message in str(err.value)


def test_compare_uses_the_instruments_grouping(sample):
    res = sk.compare(sample, questions="q45", suppress=False)  # the statistics themselves, as the CLI's --no-suppress
    assert res.by == "sector"
    assert "local_authority" in res.groups


def test_code_does_not_read_the_export_again(sample, monkeypatch):
    import surveykit.io as io

    def refuse(*args, **kwargs):
        raise AssertionError("the export was read a second time")

    monkeypatch.setattr(io, "read_export", refuse)
    coded = sk.code(sample, "q7")
    assert coded.question_id == "q7"
    assert coded.summary.n_answers == sum(1 for t in coded.answers.texts if t)
    assert set(coded.rows.columns) >= {"respondent_id", "question_id", "code_id", "start", "end", "matched", "coder"}


@pytest.fixture(scope="module")
def readme_api(tmp_path_factory):
    """The README's "Python API" example, run once as it is written in a folder of its own:
    ``(folder, namespace, written)`` where ``written`` lists what each ``Report.write`` call returned.
    Its last two lines are the library report path (``sk.report(responses, rankings=...)`` on loaded
    data, then ``.write``), which test_report_from_loaded_data_and_write checks."""
    import os

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Python API")
    block = readme[start:].split("```python", 1)[1].split("```", 1)[0]
    folder = tmp_path_factory.mktemp("readme_api")
    written: list = []
    original = sk.Report.write

    def write(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        written.append(out)
        return out

    namespace: dict = {}
    previous = os.getcwd()
    os.chdir(folder)
    sk.Report.write = write
    try:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    finally:
        sk.Report.write = original
        os.chdir(previous)
    return folder, namespace, written


def test_report_from_loaded_data_and_write(readme_api):
    """A report built by the library from loaded data (``sk.read``, ``sk.read_rankings``), then written:
    checked on the README example's run, whose last lines are exactly that path."""
    folder, namespace, written = readme_api
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "report = sk.report(responses, rankings=sk.read_rankings(" in readme  # else test the path here again
    report = namespace["report"]
    assert isinstance(report, sk.Report)
    assert [s.id for s in report.sections][:2] == ["who_responded", "why_missing"]
    assert len(written) == 1
    out = folder / written[0]  # a relative folder is the example's working folder's
    assert out == folder / "reports" / "api"
    assert (out / "report.html").is_file() and (out / "manifest.json").is_file()


def test_rank(tmp_path):
    ranked = sk.rank(SAMPLE_RANKINGS)
    assert len(ranked.best) == 6 and len(ranked.worst) == 4
    assert list(ranked.scores.sort_values("rank")["measure_id"])[0] == ranked.best[0]


# -- a questionnaire that is not the shipped study ----------------------------------------------------

COURSE = {
    "id": "course_feedback", "title": "Course feedback", "version": "1",
    "scales": {
        "agree5": {"kind": "ordinal", "top_box": ["4", "5"], "top_box_label": "% agree",
                   "nets": {"disagree": {"label": "Disagree or strongly disagree", "codes": ["1", "2"]}},
                   "options": [{"code": "1", "label": "Strongly disagree"}, {"code": "2", "label": "Disagree"},
                               {"code": "3", "label": "Neutral"}, {"code": "4", "label": "Agree"},
                               {"code": "5", "label": "Strongly agree"}]},
        "yes_no": {"kind": "nominal", "top_box": ["Y"], "top_box_label": "% yes",
                   "options": [{"code": "Y", "label": "Yes"}, {"code": "N", "label": "No"}]},
    },
    "profile": [{"id": "Student_ID", "kind": "id", "aliases": ["Student ID"]},
                {"id": "dept", "kind": "category", "label": "Department"}],
    "groupings": ["dept"],
    "questions": [
        {"id": "Teaching", "type": "grid", "text": "How far do you agree about the teaching?", "scale": "agree5",
         "items": [{"id": "Teach_Clear", "label": "Clear explanations"}, {"id": "Teach_Pace", "label": "Right pace"}]},
        {"id": "Recommend", "type": "single", "text": "Would you recommend the course?", "scale": "yes_no"},
        {"id": "Comments", "type": "text", "text": "Anything else?"},
    ],
    "coding": [{"field": "Comments", "codebook": "course_codes.yaml"}],
}
CODES = {
    "id": "course_codes", "title": "Course comments", "version": "1",
    "themes": [{"id": "course", "label": "The course"}],
    "codes": [
        {"id": "workload", "theme": "course", "label": "Workload", "definition": "Too much or too little work.",
         "patterns": ["workload", "too much work"]},
        {"id": "labs", "theme": "course", "label": "Labs", "definition": "The practical sessions.",
         "patterns": ["lab*", "practical*"]},
    ],
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A small course survey: 3 departments, lower-case ids in the export, a codebook beside the instrument."""
    folder = tmp_path_factory.mktemp("course")
    (folder / "course.yaml").write_text(yaml.safe_dump(COURSE), encoding="utf-8")
    (folder / "course_codes.yaml").write_text(yaml.safe_dump(CODES), encoding="utf-8")
    rows = [["student_id", "dept", "teach_clear", "teach_pace", "recommend", "comments"]]
    depts = ["Maths"] * 20 + ["History"] * 16 + ["Physics"] * 12
    for i, d in enumerate(depts):
        clear = str(1 + (i * 7) % 5)
        pace = str(1 + (i * 3 + (2 if d == "Maths" else 0)) % 5)
        rec = "Yes" if (i + (1 if d == "History" else 0)) % 3 else "No"
        comment = ["The workload was heavy", "Loved the labs", "", "Labs and workload both fine", "n/a"][i % 5]
        rows.append([f"s{i:03d}", d, clear, pace, rec, comment])
    export = folder / "export.csv"
    with open(export, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return folder, export, rows


def test_case_insensitive_ids_map(course):
    folder, export, rows = course
    r = sk.read(export, instrument=folder / "course.yaml")
    assert r.present_columns >= {"Teach_Clear", "Teach_Pace", "Recommend", "Comments", "Student_ID", "dept"}
    assert list(r.data["respondent_id"][:2]) == ["s000", "s001"]


def test_generic_instrument_numbers_match_independent_counts(course):
    folder, export, rows = course
    r = sk.read(export, instrument=folder / "course.yaml")
    body = rows[1:]
    score = sk.score(r, questions="Recommend", by="dept", suppress=False)
    maths_yes = sum(1 for x in body if x[1] == "Maths" and x[4] == "Yes")
    maths_n = sum(1 for x in body if x[1] == "Maths")
    row = score[(score["group"] == "Maths") & (score["option_code"] == "Y")].iloc[0]
    assert (row["count"], row["n_valid"]) == (maths_yes, maths_n)
    assert row["pct"] == pytest.approx(100 * maths_yes / maths_n)
    ranked = sk.rank_grid(r, question="Teaching", suppress=False)
    clear = [int(x[2]) for x in body]
    got = ranked.set_index("item_id").loc["Teach_Clear"]
    assert got["pct_top_box"] == pytest.approx(100 * sum(v >= 4 for v in clear) / len(clear))
    assert got["mean"] == pytest.approx(sum(clear) / len(clear))
    # Kruskal-Wallis by department against scipy
    from scipy import stats

    res = sk.compare(r, questions="Teach_Pace", suppress=False)
    kw = res.table[res.table["test"] == "kruskal_wallis"].iloc[0]
    groups = {d: [int(x[3]) for x in body if x[1] == d] for d in ("Maths", "History", "Physics")}
    ref = stats.kruskal(*groups.values())
    assert kw["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    coded = sk.code(r, "comments")
    n_labs = sum(1 for x in body if "lab" in x[5].lower())
    freq = coded.summary.frequency.set_index("id")
    assert freq.loc["labs", "n"] == n_labs


def test_generic_instrument_report_is_built_from_question_types(course, tmp_path, cli):
    folder, export, rows = course
    out = tmp_path / "report"
    proc = cli("report", "--survey", export, "--instrument", folder / "course.yaml", "--out", out)
    assert proc.returncode == 0, proc.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "Trafficked" not in md and "professional" not in md.lower()
    assert md.startswith("# Course feedback")
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert any("(Teaching)" in h for h in heads) and any("closed questions by Department" in h for h in heads)
    assert any("coded answers" in h for h in heads)
    assert (out / "tables" / "Teaching_ranked.csv").is_file()
    assert (out / "tables" / "Recommend_by_dept.csv").is_file()
    assert (out / "tables" / "Comments_codes.csv").is_file()
    # the share agreeing with "Clear explanations" in the ranked table is the count made here
    body = rows[1:]
    with open(out / "tables" / "Teaching_ranked.csv", encoding="utf-8") as fh:
        table = {r["item_id"]: r for r in csv.DictReader(fh)}
    share = 100 * sum(int(x[2]) >= 4 for x in body) / len(body)
    assert float(table["Teach_Clear"]["pct_top_box"]) == round(share, 1)  # published shares: one decimal


def test_an_export_the_instrument_does_not_fit_is_refused(course, cli, tmp_path):
    """The course export scored with the shipped study's instrument: exit 2 and advice, not empty tables."""
    folder, export, rows = course
    proc = cli("score", export)
    assert proc.returncode == 2
    assert "does not fit this export" in proc.stderr and "instrument draft" in proc.stderr
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    with pytest.raises(InputError, match="does not fit"):
        sk.read(export)


def test_coincidental_id_is_not_trusted(tmp_path):
    """An unrelated survey's 'q1' holds agreement answers: it is not the study's yes/no q1."""
    path = tmp_path / "other.csv"
    lines = ["respondent_id,sector,q1,q7"] + [
        f"r{i},Police,{['Agree', 'Strongly agree', 'Disagree', 'Neutral'][i % 4]},some words here {i}" for i in range(12)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = sk.read(path, check_fit=False)
    assert "q1" not in r.present_columns
    note = next(m.note for m in r.column_map.matches if m.column.header == "q1")
    assert "named like q1" in note


def test_readme_python_api_example_runs(readme_api):
    """The README's "Python API" example, run as it is written (the readme_api fixture)."""
    folder, _, _ = readme_api
    assert (folder / "reports" / "api").is_dir()


def test_code_summary_is_protected_by_default_as_in_the_cli(sample):
    shown = sk.code(sample, "q7", by="sector").summary
    raw = sk.code(sample, "q7", by="sector", suppress=False).summary
    assert "[c]" in set(shown.sectors["n"])  # small groups hide cells by default
    assert "[c]" not in set(raw.sectors["n"].astype(str))
    small = raw.sectors[(raw.sectors["n"] > 0) & (raw.sectors["n"] < 5)]
    assert len(small)
    hidden = shown.sectors.loc[small.index, "n"]
    assert set(hidden) == {"[c]"}
    with pytest.raises(sk.UsageError, match="threshold"):
        sk.code(sample, "q7", threshold=0)
