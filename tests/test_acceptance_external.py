"""Acceptance on exports nobody here wrote: draft an instrument, check it, then validate, score, compare,
code and report, end to end through the command line, as a research officer bringing their own survey
would.

Three platforms: the Carpentries long-term survey (a cleaned SurveyMonkey export saved as a tidy CSV,
``likert_freetext/``), an educator survey exported from Qualtrics with its ``.qsf`` (``coded_datasets/``),
and a Google Forms course survey (``google_forms/``). Every number is checked against a count made here
from the raw file with the csv module and scipy, never against surveykit's own output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EXTERNAL, run_cli

pytestmark = pytest.mark.skipif(not EXTERNAL.is_dir(), reason="../shared/fixtures/external is not present")

# Published tables round percentages and summaries for people: a rounded value is within this of the truth.
ROUNDED = 0.05 + 1e-9

CARPENTRIES = "likert_freetext/carpentries_2020-12_longterm_other_questions.csv"
GWUSEC = "coded_datasets/gwusec_proctoring_qualtrics_responses.csv"
GWUSEC_QSF = "coded_datasets/gwusec_proctoring_survey.qsf"
HOTDOG = "google_forms/uvads_hotdog_sp24_google_forms.csv"


@dataclass
class Study:
    export: Path
    folder: Path
    instrument: Path
    extra: tuple[str, ...] = ()  # reading options every command gets (--qsf)
    draft_stderr: str = ""

    def run(self, command: str, *args: object) -> subprocess.CompletedProcess:
        return run_cli(command, *args, "--instrument", self.instrument, *self.extra)

    def csv(self, command: str, *args: object) -> list[dict[str, str]]:
        r = self.run(command, self.export, *args, "--format", "csv")
        assert r.returncode == 0, r.stderr
        return list(csv.DictReader(io.StringIO(r.stdout)))


def _draft(tmp_path_factory, name: str, *extra: str) -> Study:
    folder = tmp_path_factory.mktemp(Path(name).stem[:20])
    export = EXTERNAL / name
    instrument = folder / "my_survey.yaml"
    r = run_cli("instrument", "draft", export, *extra, "--out", instrument)
    assert r.returncode == 0, r.stderr
    check = run_cli("instrument", "check", instrument)
    assert check.returncode == 0, check.stderr
    assert "a valid instrument" in check.stdout
    return Study(export, folder, instrument, tuple(extra), r.stderr)


def _raw(name: str, header_rows: int = 1, encoding: str = "utf-8-sig") -> tuple[list[str], list[list[str]]]:
    with open(EXTERNAL / name, encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [r for r in rows[header_rows:] if any(c.strip() for c in r)]


def _column(name: str, header: str, header_rows: int = 1) -> list[str]:
    head, rows = _raw(name, header_rows)
    k = head.index(header)
    return [r[k].strip() for r in rows]


def _codebook(folder: Path, codes: dict[str, list[str]]) -> Path:
    """A small codebook written for the test: one code per entry, word patterns only."""
    lines = ["id: test_codes", "title: Codes for an acceptance test", 'version: "1"', "themes:",
             "  - {id: all, label: All}", "codes:"]
    for cid, patterns in codes.items():
        lines += [f"  - id: {cid}", f"    label: {cid.title()}", "    theme: all", f"    definition: Mentions {cid}.",
                  "    patterns: [" + ", ".join(json.dumps(p) for p in patterns) + "]"]
    path = folder / "codes.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _report(study: Study, *args: str) -> Path:
    out = study.folder / "report"
    r = run_cli("report", "--survey", study.export, "--instrument", study.instrument, *study.extra, "--out", out,
                *args)
    assert r.returncode == 0, r.stderr
    for name in ("report.html", "report.md", "tables.xlsx", "manifest.json"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["survey"]["sha256"] == hashlib.sha256(study.export.read_bytes()).hexdigest()
    assert manifest["inputs"]["instrument"]["sha256"] == hashlib.sha256(study.instrument.read_bytes()).hexdigest()
    return out


def _table(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / "tables" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _issues(study: Study) -> tuple[int, list[dict[str, str]]]:
    r = study.run("validate", study.export, "--format", "csv")
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, list(csv.DictReader(io.StringIO(r.stdout)))


def _only_rare_answers_unknown(name: str, issues: list[dict[str, str]]) -> None:
    """Every problem validate finds is an answer fewer than 5 respondents gave (counted in the raw file):
    the draft does not make such answers options (a rare answer can identify who gave it)."""
    head, rows = _raw(name)
    for i in issues:
        if i["severity"] != "error":
            continue
        assert i["code"] == "unknown_label", i
        k = head.index(i["column"])
        answer = rows[int(float(i["row"])) - 1][k].strip().casefold()
        assert 0 < sum(1 for r in rows if r[k].strip().casefold() == answer) < 5, i


# == 1. The Carpentries long-term survey (tidy CSV) =====================================================

@pytest.fixture(scope="module")
def carpentries(tmp_path_factory):
    return _draft(tmp_path_factory, CARPENTRIES)


def test_carpentries_validate_lists_only_the_columns_left_out(carpentries):
    head, rows = _raw(CARPENTRIES)
    # Independently: the multiple-answer columns (choices joined with ";") and the column that is all NA.
    joined = {h for k, h in enumerate(head) if any(";" in r[k] for r in rows)}
    empty = {h for k, h in enumerate(head) if all(r[k] in ("", "NA") for r in rows)}
    assert joined == {"workshop_attended_content", "behavior_adopted", "how_tools_help"}
    _, issues = _issues(carpentries)
    # The only problems: answers fewer than 5 respondents gave, which the draft leaves out of the options.
    _only_rare_answers_unknown(CARPENTRIES, issues)
    issues = [i for i in issues if i["code"] != "unknown_label"]
    assert {i["code"] for i in issues} == {"unmapped_column"}  # warnings
    assert {i["column"] for i in issues} == joined | empty


def test_carpentries_score_a_yes_no_dont_know_question(carpentries):
    answers = _column(CARPENTRIES, "workshop_contributed_academics")
    yes, no, unsure = answers.count("Yes"), answers.count("No"), answers.count("I am not sure")
    rows = carpentries.csv("score", "--question", "workshop_contributed_academics")
    by_label = {r["option_label"]: r for r in rows}
    assert int(by_label["Yes"]["count"]) == yes == 21
    assert int(by_label["Yes"]["n_valid"]) == yes + no          # Don't know is not in the base
    assert int(by_label["Yes"]["n_dk"]) == unsure
    assert float(by_label["Yes"]["pct"]) == pytest.approx(100 * yes / (yes + no), abs=ROUNDED)


def test_carpentries_grid_of_ratings(carpentries):
    """impact_* (1-5, NA for no answer) drafted as one grid; summary statistics against the raw file."""
    from statistics import mean, median

    values = [int(v) for v in _column(CARPENTRIES, "impact_professional_recognition") if v != "NA"]
    assert min(values.count(k) for k in range(1, 6)) >= 5  # no small count: its statistics are published
    rows = carpentries.csv("score", "--question", "impact", "--summary")
    row = next(r for r in rows if r["item_id"] == "impact_professional_recognition")
    assert int(row["n_valid"]) == len(values)
    assert float(row["mean"]) == pytest.approx(mean(values), abs=ROUNDED)
    assert float(row["median"]) == pytest.approx(median(values), abs=ROUNDED)
    assert float(row["pct_top_box"]) == pytest.approx(100 * sum(v >= 4 for v in values) / len(values), abs=ROUNDED)
    assert len({r["item_id"] for r in rows}) == sum(1 for h in _raw(CARPENTRIES)[0] if h.startswith("impact_"))
    # An item where 1 to 4 people gave one of the answers: its mean could reveal them, so it is hidden.
    small = [int(v) for v in _column(CARPENTRIES, "impact_increase_reproducibility") if v != "NA"]
    assert 1 <= min(small.count(k) for k in range(1, 6) if small.count(k)) <= 4
    assert next(r for r in rows if r["item_id"] == "impact_increase_reproducibility")["mean"] == "[c]"


def test_carpentries_compare_by_workshop_type_against_scipy(carpentries):
    from scipy import stats

    order = ["I had not been using tools like these", "Less than once per year", "Several times per year", "Monthly",
             "Weekly", "Daily"]
    head, rows = _raw(CARPENTRIES)
    kind, freq = head.index("workshop_attended_type"), head.index("frequency_usage_before")
    groups: dict[str, list[int]] = {}
    for r in rows:
        if r[kind] not in ("", "NA", "I don't know") and r[freq] in order:
            groups.setdefault(r[kind], []).append(order.index(r[freq]))
    groups = {g: v for g, v in groups.items() if len(v) >= 10}  # compare's minimum group size
    assert len(groups) == 3
    expected = stats.kruskal(*groups.values())
    rows_out = carpentries.csv("compare", "--by", "workshop_attended_type", "--question", "frequency_usage_before",
                               "--no-suppress")  # the statistics themselves; suppression: tests/test_compare.py
    kw = next(r for r in rows_out if r["test"] == "kruskal_wallis")
    assert int(kw["n"]) == sum(len(v) for v in groups.values())
    assert float(kw["statistic"]) == pytest.approx(expected.statistic, rel=1e-9)
    assert float(kw["p_value"]) == pytest.approx(expected.pvalue, rel=1e-9)


def _suppressed(row: dict[str, str], n: int, base: int) -> bool:
    """A code's count shown as [c]: only right when the independent count, or its complement, is 1-4."""
    if row["n"] != "[c]":
        return False
    assert 0 < n < 5 or 0 < base - n < 5, (row, n, base)
    assert row["pct"] == "[c]"
    return True


def test_carpentries_code_new_topics(carpentries):
    # Words nobody misspelt here: the rule coder forgives a typo ("Machine learnin"), a regex does not.
    book = _codebook(carpentries.folder, {"python": ["python*"], "statistics": ["statistic*"], "sql": ["sql*"]})
    answers = [a for a in _column(CARPENTRIES, "new_topics") if a]
    rows = carpentries.csv("code", "--question", "new_topics", "--codebook", book, "--view", "frequency")
    got = {r["id"]: r for r in rows if r["level"] == "code"}
    for cid, rx in (("python", r"\bpython\w*"), ("statistics", r"\bstatistic\w*"), ("sql", r"\bsql\w*")):
        n = sum(1 for a in answers if re.search(rx, a, re.I))
        if _suppressed(got[cid], n, len(answers)):
            continue
        assert int(got[cid]["n"]) == n, cid
        # The base is every non-blank cell: the tidy reader keeps "NA" as an answer (see the report to the lead).
        assert int(got[cid]["base"]) == len(answers)
    assert int(got["python"]["n"]) == 15


def test_carpentries_report(carpentries):
    out = _report(carpentries)
    countries = _column(CARPENTRIES, "workshop_country")
    who = {r["group"]: r for r in _table(out, "who_responded_by_workshop_country")}
    assert int(who["United States"]["respondents"]) == countries.count("United States") == 50
    assert int(who["total"]["respondents"]) == len(countries)
    # The grid is ranked by its top box (4 or 5 of the valid answers), as a research officer reads it.
    ranked = _table(out, "impact_ranked")
    head, rows = _raw(CARPENTRIES)
    shares = {}
    for h in head:
        if h.startswith("impact_"):
            vals = [int(r[head.index(h)]) for r in rows if r[head.index(h)] != "NA"]
            shares[h] = 100 * sum(v >= 4 for v in vals) / len(vals)
    top = max(shares, key=shares.get)
    assert ranked[0]["item_id"] == top


# == 2. A Qualtrics export with its survey definition (.qsf) ===========================================

@pytest.fixture(scope="module")
def gwusec(tmp_path_factory):
    return _draft(tmp_path_factory, GWUSEC, "--qsf", str(EXTERNAL / GWUSEC_QSF))


def test_gwusec_draft_follows_the_qsf(gwusec):
    text = gwusec.instrument.read_text(encoding="utf-8")
    doc = json.loads((EXTERNAL / GWUSEC_QSF).read_text(encoding="utf-8-sig"))
    matrices = {el["Payload"]["DataExportTag"].lower(): len(el["Payload"]["Choices"])
                for el in doc["SurveyElements"] if el["Element"] == "SQ" and el["Payload"]["QuestionType"] == "Matrix"}
    from surveykit.instrument import load_instrument

    inst = load_instrument(gwusec.instrument)
    grids = {q.id: len(q.items) for q in inst.questions if q.is_grid}
    assert grids and all(matrices[g] == n for g, n in grids.items())
    assert "several answers allowed" in text  # Q29, "select all that apply", left out and said so


def test_gwusec_validate(gwusec):
    code, issues = _issues(gwusec)
    head, _ = _raw(GWUSEC, 2)
    q29 = {i["column"] for i in issues}
    assert code == 0 and {i["code"] for i in issues} == {"unmapped_column"}  # warnings alone exit 0
    assert len(issues) == sum(1 for h in head if h.startswith("Q29"))  # Q29 and its text box, nothing else
    assert all(c.startswith("Select all monitoring methods") for c in q29)


def test_gwusec_score_yes_no_unsure(gwusec):
    answers = _column(GWUSEC, "Q6", header_rows=2)
    yes, no, unsure = answers.count("Yes"), answers.count("No"), answers.count("I'm Unsure")
    rows = gwusec.csv("score", "--question", "q6")
    by_label = {r["option_label"]: r for r in rows}
    assert int(by_label["Yes"]["count"]) == yes and int(by_label["No"]["count"]) == no
    assert int(by_label["Yes"]["n_valid"]) == yes + no == 124
    assert by_label["Yes"]["n_dk"] == ("[c]" if unsure < 5 else str(unsure))  # 1 unsure: suppressed
    assert float(by_label["Yes"]["pct"]) == pytest.approx(100 * yes / (yes + no), abs=ROUNDED)


def test_gwusec_compare_by_school_against_scipy(gwusec):
    """Likelihood (ordinal) by the school a respondent belongs to: Mann-Whitney U between the two
    schools with 10 or more answers, as scipy computes it."""
    from scipy import stats

    order = ["Extremely unlikely", "Somewhat unlikely", "Neither likely nor unlikely", "Somewhat likely",
             "Extremely likely"]
    head, rows = _raw(GWUSEC, 2)
    school, n5 = head.index("Q2"), head.index("N5")
    groups: dict[str, list[int]] = {}
    for r in rows:
        if r[school].strip() and r[n5].strip() in order:
            groups.setdefault(r[school].strip(), []).append(order.index(r[n5].strip()))
    groups = {g: v for g, v in groups.items() if len(v) >= 10}
    assert len(groups) == 2
    (ga, a), (gb, b) = list(groups.items())
    expected = stats.mannwhitneyu(a, b, alternative="two-sided")
    rows_out = gwusec.csv("compare", "--by", "q2", "--question", "n5", "--no-suppress")
    assert len(rows_out) == 1
    row = rows_out[0]
    assert row["test"] == "mann_whitney_u" and set(row["groups"].split(" vs ")) == {ga, gb}
    assert int(row["n"]) == len(a) + len(b)
    assert float(row["p_value"]) == pytest.approx(expected.pvalue, rel=1e-9)


def test_gwusec_code_answers(gwusec):
    book = _codebook(gwusec.folder, {"browser": ["browser*"], "recording": ["record*"]})
    answers = [a for a in _column(GWUSEC, "Q5", header_rows=2) if a]
    rows = gwusec.csv("code", "--question", "q5", "--codebook", book, "--view", "frequency")
    got = {r["id"]: r for r in rows if r["level"] == "code"}
    for cid, rx in (("browser", r"\bbrowser\w*"), ("recording", r"\brecord\w*")):
        n = sum(1 for a in answers if re.search(rx, a, re.I))
        if _suppressed(got[cid], n, len(answers)):
            continue
        assert int(got[cid]["n"]) == n, cid
        assert float(got[cid]["pct"]) == pytest.approx(100 * n / len(answers), abs=ROUNDED)
    assert int(got["browser"]["base"]) == len(answers) == 125


def test_gwusec_report(gwusec):
    out = _report(gwusec)
    schools = _column(GWUSEC, "Q2", header_rows=2)
    who = {r["group"]: r for r in _table(out, "who_responded_by_q2")}
    biggest = max(set(schools), key=schools.count)
    assert int(who[biggest]["respondents"]) == schools.count(biggest)
    # The concern grid (Q34) is ranked by its top box: Moderately or Extremely concerned.
    head, rows = _raw(GWUSEC, 2)
    shares = {}
    for k, h in enumerate(head):
        if h.startswith("Q34_"):
            vals = [r[k].strip().lower() for r in rows if r[k].strip()]
            shares[h.lower()] = 100 * sum(v in ("moderately concerned", "extremely concerned") for v in vals) / len(vals)
    ranked = _table(out, "q34_ranked")
    # Ranked by the published shares: an item whose share is suppressed comes last, without a rank.
    shown = [r for r in ranked if r["pct_top_box"] != "[c]"]
    assert shown and ranked[:len(shown)] == shown and all(r["rank"] == "[c]" for r in ranked[len(shown):])
    assert shown[0]["item_id"] == max((r["item_id"] for r in shown), key=shares.get)
    in_order = [shares[r["item_id"]] for r in shown]  # the shares worked out here from the export
    assert in_order == sorted(in_order, reverse=True)  # highest first (equal shares in either order)


# == 3. A Google Forms export ==========================================================================

@pytest.fixture(scope="module")
def hotdog(tmp_path_factory):
    return _draft(tmp_path_factory, HOTDOG)


def test_hotdog_validate_is_clean(hotdog):
    # Clean but for the answers fewer than 5 respondents gave (not drafted as options: the draft says so).
    _, issues = _issues(hotdog)
    assert issues
    _only_rare_answers_unknown(HOTDOG, issues)


def test_hotdog_score(hotdog):
    from surveykit.instrument import load_instrument

    inst = load_instrument(hotdog.instrument)
    question = next(q for q in inst.questions if "hotdog" in q.text and q.type == "single")
    answers = _column(HOTDOG, question.text)
    rows = hotdog.csv("score", "--question", question.id)
    yes = next(r for r in rows if r["option_label"] == "Yes" and r["group"] == "all")
    assert int(yes["count"]) == answers.count("Yes") == 30
    assert int(yes["n_valid"]) == len([a for a in answers if a]) == 91
    assert float(yes["pct"]) == pytest.approx(100 * 30 / 91, abs=ROUNDED)


def test_hotdog_compare_by_academic_year_against_scipy(hotdog):
    from scipy import stats

    head, rows = _raw(HOTDOG)
    year = head.index("If you are an undergraduate, what is your current academic year?")
    answer = head.index("Do you believe that a hotdog falls under the category of a sandwich?")
    table: dict[str, dict[str, int]] = {}
    for r in rows:
        y = r[year].strip().lower()
        if y:
            table.setdefault(y, {"Yes": 0, "No": 0})[r[answer].strip()] += 1
    big = {y: t for y, t in table.items() if sum(t.values()) >= 10}
    assert sorted(big) == ["fourth year", "third year"]
    chi2, p, _, _ = stats.chi2_contingency([[t["Yes"], t["No"]] for t in big.values()], correction=False)
    rows_out = hotdog.csv("compare", "--no-suppress")  # the drafted default grouping: academic year
    row = next(r for r in rows_out if r["test"] == "chi_square" and r["statistic"])
    assert {g.lower() for g in row["groups"].split(" vs ")} == set(big)
    assert float(row["statistic"]) == pytest.approx(chi2, rel=1e-9)
    assert float(row["p_value"]) == pytest.approx(p, rel=1e-9)


def test_hotdog_code_rationales(hotdog):
    from surveykit.instrument import load_instrument

    inst = load_instrument(hotdog.instrument)
    field_id = next(q.id for q in inst.questions if q.type == "text")
    # Words no answer negates ("not bread" would, rightly, not be coded as bread).
    book = _codebook(hotdog.folder, {"meat": ["meat*"], "taco": ["taco*"], "filling": ["filling*"]})
    answers = [a for a in _column(HOTDOG, "What is the rationale behind your opinion?") if a]
    rows = hotdog.csv("code", "--question", field_id, "--codebook", book, "--view", "frequency")
    got = {r["id"]: r for r in rows if r["level"] == "code"}
    for cid, rx in (("meat", r"\bmeat\w*"), ("taco", r"\btaco\w*"), ("filling", r"\bfilling\w*")):
        n = sum(1 for a in answers if re.search(rx, a, re.I))
        if _suppressed(got[cid], n, len(answers)):
            continue
        assert int(got[cid]["n"]) == n, cid
        assert float(got[cid]["pct"]) == pytest.approx(100 * n / len(answers), abs=ROUNDED)


def test_hotdog_report(hotdog):
    out = _report(hotdog)
    head, rows = _raw(HOTDOG)
    year = head.index("If you are an undergraduate, what is your current academic year?")
    answer = head.index("Do you believe that a hotdog falls under the category of a sandwich?")
    fourth = [r[answer] for r in rows if r[year].strip().lower() == "fourth year"]
    table = {r["group"].lower(): r for r in _table(out, "believe_hotdog_falls_under_by_academic_year")}
    assert int(table["fourth year"]["n_valid"]) == len(fourth) == 52
    assert float(table["fourth year"]["pct_yes"]) == pytest.approx(100 * fourth.count("Yes") / len(fourth), abs=ROUNDED)
    assert float(table["all"]["pct_yes"]) == pytest.approx(100 * 30 / 91, abs=ROUNDED)
    md = (out / "report.md").read_text(encoding="utf-8")
    # Quotes and free text never reach the report uncoded: no rationale is printed whole.
    long_answers = [r[head.index("What is the rationale behind your opinion?")] for r in rows]
    assert not any(a in md for a in long_answers if len(a) > 40)
