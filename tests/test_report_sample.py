"""`surveykit report` on the shipped sample study: defaults, section order, figures that agree with
the individual commands (score, effectiveness, compare, rank, code), the headline findings of
DESIGN.md §6, and --no-suppress.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY, run_cli

pytestmark = pytest.mark.skipif(not SAMPLE_SURVEY.is_file() or not SAMPLE_RANKINGS.is_file(),
                                reason="the sample study is not generated (make sample)")


@pytest.fixture(scope="module")
def default_run(sample_report):
    """`surveykit report` with no options, in a folder holding a copy of responses/sample/: the run's
    shared sample report (conftest.py ``sample_report``, written once per test run; read-only here)."""
    return sample_report.folder, sample_report


@pytest.fixture(scope="module")
def md(default_run) -> str:
    return (default_run[0] / "report.md").read_text()


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def cli_csv(*args) -> list[dict]:
    proc = run_cli(*args, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    return list(csv.DictReader(io.StringIO(proc.stdout)))


def finding(md: str, pattern: str) -> re.Match:
    m = re.search(pattern, md)
    assert m, f"not found in report.md: {pattern}"
    return m


# -- the run ---------------------------------------------------------------------------------------

def test_default_run_reads_sample_and_writes_reports_sample(default_run):
    out, proc = default_run
    assert (out / "report.html").is_file() and (out / "tables.xlsx").is_file()
    assert "wrote reports/sample" in proc.stderr
    assert "━" not in proc.stderr and "\x1b[" not in proc.stderr  # no progress bar when stderr is no terminal
    m = json.loads((out / "manifest.json").read_text())
    # The defaults are the shipped sample, found in the package (whatever the working directory).
    assert Path(m["inputs"]["survey"]["path"]).resolve() == SAMPLE_SURVEY.resolve()
    assert m["inputs"]["rankings"]["sha256"] == __import__("hashlib").sha256(SAMPLE_RANKINGS.read_bytes()).hexdigest()
    assert m["codebooks"]["coding:q7"]["version"] and m["codebooks"]["youth_measures"]["measures"] == 14
    assert m["parameters"]["threshold"] == 5 and m["parameters"]["suppress"] is True


def test_two_runs_are_byte_identical(default_run, tmp_path):
    """A second run on the same inputs: every file the same bytes, the manifest's timestamp apart."""
    first, _ = default_run
    recorded = json.loads((first / "manifest.json").read_text())["inputs"]
    proc = run_cli("report", "--survey", recorded["survey"]["path"], "--rankings", recorded["rankings"]["path"],
                   "--out", "reports/again", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    second = tmp_path / "reports" / "again"
    files_a = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        if rel.name != "manifest.json":
            assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    ma, mb = (json.loads((d / "manifest.json").read_text()) for d in (first, second))
    assert ma.pop("generated_at") and mb.pop("generated_at")
    assert ma == mb


def test_sections_in_the_order_of_the_study(md):
    heads = re.findall(r"^## \d+\. (.+)$", md, flags=re.M)
    expected = ["Who responded", "Why children go missing", "Nationality, identification", "Statements Q16-Q19",
                "How effective are prevention measures", "The young people's ranking",
                "Young people beside professionals", "Methods", "Data quality"]
    assert len(heads) == len(expected)
    for head, want in zip(heads, expected):
        assert head.startswith(want), (head, want)
    # The closed questions follow the instrument's order, the statements theirs.
    qs = re.findall(r"^\*\*(Q\d+) .*, by sector\*\*", md, flags=re.M)
    numbers = [int(q[1:]) for q in qs if q != "Q45"]
    closed, statements = numbers[:-4], numbers[-4:]
    assert closed == sorted(closed) and {1, 3, 5, 8, 10, 12, 21, 24, 27, 29, 33, 35, 37} <= set(closed)
    assert statements == [16, 17, 18, 19]


def test_methods_and_data_quality_sections(md, default_run):
    out, _ = default_run
    methods = read_csv(out / "tables" / "methods.csv")
    text = " ".join(r["method"] for r in methods)
    assert "Holm" in text and "Mann-Whitney" in text and "suppress" in text.lower() and "redacted" in text
    issues = read_csv(out / "tables" / "data_quality_issues.csv")
    proc = run_cli("validate", SAMPLE_SURVEY, "--format", "csv")
    validate_rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r["row"], r["code"]) for r in issues] == [(r["row"], r["code"]) for r in validate_rows]


# -- the same numbers as the individual commands ---------------------------------------------------

def test_score_figures_match_score_command(md, default_run):
    out, _ = default_run
    rows = cli_csv("score", SAMPLE_SURVEY, "--question", "q1", "--by", "sector")
    yes_all = next(r for r in rows if r["group"] == "all" and r["option_code"] == "1")
    table = read_csv(out / "tables" / "q1_by_sector.csv")
    all_row = next(r for r in table if r["group"] == "all")
    assert float(all_row["pct_yes"]) == pytest.approx(float(yes_all["pct"]))
    assert all_row["n_valid"] == yes_all["n_valid"]
    finding(md, rf"{float(yes_all['pct']):.0f}% yes \(n = {yes_all['n_valid']} valid answers\)")
    for r in table:
        if r["group"] == "all":
            continue
        cmd = next(x for x in rows if x["group"] == r["group"] and x["option_code"] == "1")
        assert r["pct_yes"] == (cmd["pct"] if cmd["pct"] == "[c]" else r["pct_yes"])
        if cmd["pct"] != "[c]":
            assert float(r["pct_yes"]) == pytest.approx(float(cmd["pct"]))


def test_effectiveness_table_matches_effectiveness_command(md, default_run):
    out, _ = default_run
    rows = cli_csv("effectiveness", SAMPLE_SURVEY)
    table = read_csv(out / "tables" / "q45_ranked.csv")
    assert [r["item_id"] for r in table] == [r["item_id"] for r in rows]
    for a, b in zip(table, rows):
        for col in ("n", "mean", "rank", "pct_5"):
            assert a[col] == b[col], (a["item_id"], col)
        assert a["pct_top_box"] == b["pct_effective"], a["item_id"]
    top = rows[0]
    finding(md, rf"ranked by the share effective: 1\. {re.escape(top['item_label'])} \({float(top['pct_effective']):.0f}%, "
                rf"n = {top['n']}\)")


def test_sector_tests_match_compare_command(default_run):
    out, _ = default_run
    rows = cli_csv("compare", SAMPLE_SURVEY, "--by", "sector", "--question", "q45")
    table = read_csv(out / "tables" / "q45_sector_tests.csv")
    assert len(table) == len(rows)
    for a, b in zip(table, rows):
        assert (a["item_id"], a["groups"], a["test"], a["n"]) == (b["item_id"], b["groups"], b["test"], b["n"])
        for col in ("p_value", "p_adjusted", "effect_size"):
            if "[c]" in (a[col], b[col]):
                assert a[col] == b[col]  # suppressed in both alike
            elif a[col] or b[col]:
                assert float(a[col]) == pytest.approx(float(b[col]), rel=1e-9, abs=1e-12)


def test_youth_ranking_matches_rank_command(md, default_run):
    out, _ = default_run
    rows = cli_csv("rank", SAMPLE_RANKINGS)
    table = read_csv(out / "tables" / "youth_ranking.csv")
    assert [r["measure_id"] for r in table] == [r["measure_id"] for r in rows]
    for a, b in zip(table, rows):
        assert a["rank"] == b["rank"] and a["n_effective"] == b["n_effective"]
        assert float(a["mean_position"]) == pytest.approx(float(b["mean_position"]), abs=5e-4)
    first = rows[0]["measure_label"]
    finding(md, rf"Most effective, best first: 1\. {re.escape(first)}")


def test_coding_matches_code_command(md, default_run):
    out, _ = default_run
    proc = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--view", "frequency", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    table = read_csv(out / "tables" / "q7_codes.csv")
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    for a, b in zip(table, rows):
        if a["n"] == "[c]":
            assert 0 < int(b["n"]) < 5  # suppressed in the published table only
        else:
            assert (a["n"], a["pct"]) == (b["n"], b["pct"])
    m = re.search(r"(\d+) answers \(\d+ blank skipped\); (\d+) with at least one code, (\d+) uncoded", proc.stderr)
    assert m
    finding(md, rf"{m.group(1)} answers, {m.group(2)} with at least one code, {m.group(3)} uncoded")


def test_quotes_are_redacted_and_published_counts_suppressed(default_run):
    out, _ = default_run
    quotes = read_csv(out / "tables" / "q7_quotes.csv")
    assert quotes and "respondent_id" not in quotes[0]
    for r in quotes:
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", r["quote"])  # no e-mail address survives
        assert not re.search(r"\b0\d{3} ?\d{3} ?\d{4}\b|\b07\d{3} ?\d{6}\b", r["quote"])  # nor a UK phone number
    # Small counts: no published q45 by-sector count between 1 and 4.
    for r in read_csv(out / "tables" / "q45_by_sector_long.csv"):
        assert r["n"] == "[c]" or not 0 < int(r["n"]) < 5


# -- the headline findings of DESIGN.md §6 -----------------------------------------------------------

def pct(m: re.Match, group: int = 1) -> float:
    return float(m.group(group))


def test_headline_respondents(md):
    m = finding(md, r"(\d+) professionals answered the survey and (\d+) \(\d+%\) completed it")
    assert (int(m.group(1)), int(m.group(2))) == (288, 250)
    cj = finding(md, r"\| Police and criminal justice \| (\d+) \|")  # the id column is hidden beside its label
    assert 45 <= int(cj.group(1)) <= 52


def test_headline_effectiveness(md, default_run):
    finding(md, r"ranked by the share effective: 1\. Training of professionals[^(]*\(\d+%, n = \d+\); "
                r"2\. Specialist foster care")
    ranked = {r["item_id"]: r for r in read_csv(default_run[0] / "tables" / "q45_ranked.csv")}
    assert 68 <= float(ranked["q45_photograph_first_contact"]["pct_top_box"]) <= 82
    least = finding(md, r"Lowest share effective \(lowest first\): ([^\n]+)").group(1)
    for measure in ("CCTV", "Secure accommodation", "Restricted access to mobile phone", "24 hour supervision"):
        assert measure in least
    finding(md, r"Secure accommodation: Police and criminal justice respondents rate it higher than Local "
                r"authority / children's services respondents \(Mann-Whitney U, adjusted p (=|<) 0\.0")
    finding(md, r"biometric data[^:]*: Police and criminal justice respondents rate it higher than Local authority")


def test_headline_closed_questions(md):
    assert 54 <= pct(finding(md, r"Nationality linked to missing \(trafficked children\): (\d+)% yes")) <= 66
    assert 39 <= pct(finding(md, r"Nationality linked to missing \(UASC / separated children\): (\d+)% yes")) <= 51
    assert 36 <= pct(finding(md, r"British nationals recorded as trafficked: [^;]*; (\d+)% Rarely or Never")) <= 48
    q8 = finding(md, r"Usually or Sometimes by sector: ([^\n]+)").group(1)
    assert 55 <= float(re.search(r"NGO / not-for-profit (\d+(?:\.\d+)?)%", q8).group(1)) <= 75
    assert 30 <= float(re.search(r"Police and criminal justice (\d+(?:\.\d+)?)%", q8).group(1)) <= 46
    dk = finding(md, r"Police use the 'absent' definition: [^\n]*?(\d+)% Don't know")
    assert 44 <= pct(dk) <= 56
    assert pct(finding(md, r"Risk category usually used: (\d+)% high or medium")) > 50


def test_headline_statements(md, default_run):
    blocks = re.findall(r"Strongly disagree or Disagree by sector: ([^\n]+)", md)
    assert len(blocks) == 4  # q16, q17, q18, q19 in order
    q18 = blocks[2]
    assert 22 <= float(re.search(r"Police and criminal justice (\d+(?:\.\d+)?)%", q18).group(1)) <= 36
    # q19: criminal justice disagrees most (of the sectors whose share is published).
    shown = {name: float(pct) for name, pct in re.findall(r"([A-Z][^;(]*?) (\d+(?:\.\d+)?)% \(n = \d+\)", blocks[3])}
    cj = shown["Police and criminal justice"]
    assert cj == max(shown.values()) and 18 <= cj <= 36


def test_headline_reasons_and_youth(md):
    q14 = finding(md, r"Q14 Why trafficked children go missing, ranked by the share often or very often: "
                      r"([^\n]+)").group(1)
    items = [s.split(". ", 1)[1] for s in q14.rstrip(".").split("; ")]
    assert items[0].startswith("Not identified as trafficked") and items[1].startswith("Still under traffickers")
    assert any("Unsuitable" in i for i in items[2:4])
    assert any("specialist support" in i or "advocacy" in i for i in items[2:5])
    q15 = finding(md, r"Q15 [^,]*, ranked by the share often or very often: 1\. ([^;]+)").group(1)
    assert "Immigration" in q15 or "immigration" in q15
    best = finding(md, r"Most effective, best first: ([^\n]+)").group(1)
    for i, label in enumerate(["Foster carers who understand", "An advocate", "Hearing from young people",
                               "Making new friends", "Information in my language about my rights",
                               "Being encouraged to memorise"], 1):
        assert f"{i}. {label}" in best
    worst = finding(md, r"Least effective, worst first: ([^\n]+)").group(1)
    for i, label in enumerate(["Accommodation I am not allowed to leave", "Restricted phone", "CCTV",
                               "A room that is hard to leave"], 1):
        assert f"{i}. {label}" in worst


# -- internal use ------------------------------------------------------------------------------------

def _second_coder(tmp_path: Path) -> tuple[Path, Path]:
    """The rules' coding of q7 (from `surveykit code --out`) and a second coder who changed about a tenth of it."""
    import random

    rules = tmp_path / "rules.csv"
    proc = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--out", rules)
    assert proc.returncode == 0, proc.stderr
    rng = random.Random(11)
    rows = list(csv.DictReader(io.StringIO(rules.read_text())))
    human = tmp_path / "coder_b.csv"
    with open(human, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "question_id", "code_id", "coder"])
        for r in rows:
            code = r["code_id"]
            if code and rng.random() < 0.1:
                code = "isolation" if code != "isolation" else "lack_of_trust"
            w.writerow([r["respondent_id"], r["question_id"], code, "coder_b"])
    return rules, human


def test_no_suppress_and_coding_agreement(tmp_path):
    rules, human = _second_coder(tmp_path)
    out = tmp_path / "internal"
    proc = run_cli("report", "--survey", SAMPLE_SURVEY, "--rankings", SAMPLE_RANKINGS, "--out", out, "--no-suppress",
                   "--coded", human)
    assert proc.returncode == 0, proc.stderr
    assert "internal use only" in proc.stderr
    m = json.loads((out / "manifest.json").read_text())
    assert m["parameters"]["suppress"] is False and m["inputs"]["coded:q7:1"]["path"] == str(human)
    for path in (out / "tables").glob("*.csv"):
        assert "[c]" not in path.read_text(), path.name
    quotes = read_csv(out / "tables" / "q7_quotes.csv")
    assert "respondent_id" in quotes[0]
    assert "INTERNAL" in (out / "report.md").read_text()
    # The coding agreement in the methods is what `surveykit agree` says for the same two codings.
    agree = run_cli("agree", rules, human, "--format", "json", "--no-suppress")
    assert agree.returncode == 0, agree.stderr
    overall = json.loads(agree.stdout)["overall"]
    methods = " ".join(r["method"] for r in read_csv(out / "tables" / "methods.csv"))
    assert f"pooled Krippendorff's alpha {overall['pooled_alpha']:.3f}" in methods
    per_code = read_csv(out / "tables" / "coding_agreement_q7.csv")
    assert per_code[-1]["code_id"] == "ALL"
    assert float(per_code[-1]["alpha"]) == pytest.approx(overall["pooled_alpha"])
