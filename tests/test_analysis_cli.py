"""The analysis commands through the CLI, on the shipped sample study: the published figures of
DESIGN.md §6 must come out, and bad input must give one clear error and exit 2."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SAMPLE_SURVEY, run_cli

S = str(SAMPLE_SURVEY)


def _need_sample():
    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")


def _csv(proc):
    assert proc.returncode == 0, proc.stderr
    return list(csv.DictReader(io.StringIO(proc.stdout)))


@pytest.fixture(scope="module")
def effectiveness_csv():
    _need_sample()
    return run_cli("effectiveness", S, "--format", "csv")


@pytest.fixture(scope="module")
def cj_vs_la():
    _need_sample()
    return run_cli("compare", S, "--by", "sector", "--question", "q45", "--groups",
                   "criminal_justice,local_authority", "--format", "json", "--no-suppress")


def test_effectiveness_figure_13(effectiveness_csv):
    rows = _csv(effectiveness_csv)
    assert list(rows[0]) == ["item_id", "item_label", "group", "n", "pct_1", "pct_2", "pct_3", "pct_4", "pct_5",
                             "mean", "pct_effective", "rank"]
    by_id = {r["item_id"]: r for r in rows}
    assert len(rows) == 19  # the rated "Other" row is not an intervention of its own
    # q45 items have 154-162 valid answers each
    assert all(154 <= int(r["n"]) <= 162 for r in rows)
    # training of professionals highest, specialist foster care second
    assert by_id["q45_training_professionals"]["rank"] == "1"
    assert by_id["q45_specialist_foster_care"]["rank"] == "2"
    assert rows[0]["item_id"] == "q45_training_professionals"  # sorted by % effective
    # about three quarters rate the photograph on first contact effective
    assert abs(float(by_id["q45_photograph_first_contact"]["pct_effective"]) - 75) <= 2.5
    # the four restrictive measures are among the lowest (bottom five of 19)
    for item in ("q45_cctv", "q45_supervision_24h", "q45_secure_accommodation", "q45_restricted_phone_internet"):
        assert int(by_id[item]["rank"]) >= 15, item
    # percentages of valid answers add up to 100 (where none is suppressed); a share built on fewer
    # than 5 respondents is suppressed: training's 0.6% "completely ineffective" is one person
    for r in rows:
        if "[c]" not in [r[f"pct_{k}"] for k in "12345"]:
            assert sum(float(r[f"pct_{k}"]) for k in "12345") == pytest.approx(100, abs=0.26)  # published shares are rounded to 0.1
    assert by_id["q45_training_professionals"]["pct_1"] == "[c]"


def test_effectiveness_deterministic(effectiveness_csv):
    again = run_cli("effectiveness", S, "--format", "csv")
    assert again.stdout == effectiveness_csv.stdout


def test_cj_vs_la_significant_after_holm(cj_vs_la):
    assert cj_vs_la.returncode == 0, cj_vs_la.stderr
    doc = json.loads(cj_vs_la.stdout)
    assert doc["padjust"] == "holm" and "Holm correction across all 19 tests" in doc["scope"]
    rows = {r["item_id"]: r for r in doc["rows"]}
    for item in ("q45_secure_accommodation", "q45_biometric_data"):
        r = rows[item]
        assert r["test"] == "mann_whitney_u"
        assert r["groups"] == "criminal_justice vs local_authority"
        assert r["p_adjusted"] < 0.05 and r["significant"] is True
        assert r["effect_size"] > 0  # criminal justice rates them higher
        assert r["effect_measure"] == "rank_biserial"
    # local authority rates 24-hour supervision lower than criminal justice (direction)
    assert rows["q45_supervision_24h"]["effect_size"] > 0
    assert set(doc["rows"][0]) == {"question_id", "item_id", "test", "groups", "n", "statistic", "dof", "p_value",
                                   "p_adjusted", "effect_size", "effect_measure", "significant", "note"}


def test_compare_csv_columns_and_omnibus():
    _need_sample()
    proc = run_cli("compare", S, "--question", "q27", "--question", "q18", "--format", "csv")
    rows = _csv(proc)
    assert proc.stdout.splitlines()[0] == ("question_id,item_id,test,groups,n,statistic,dof,p_value,p_adjusted,"
                                           "effect_size,effect_measure,significant,note")
    tests = {r["test"] for r in rows}
    assert "kruskal_wallis" in tests and "mann_whitney_u" in tests
    assert {"chi_square", "chi_square_monte_carlo"} & tests
    kw = next(r for r in rows if r["test"] == "kruskal_wallis")
    assert "community_faith" in kw["note"]  # 9 respondents: left out


def test_q5_rarely_or_never():
    _need_sample()
    rows = _csv(run_cli("score", S, "--question", "q5", "--format", "csv"))
    pct = {r["option_code"]: float(r["pct"]) for r in rows}
    assert abs(pct["1"] + pct["0"] - 42) <= 1.0
    assert sum(pct[c] for c in "43210") == pytest.approx(100, abs=0.26)  # rounded to 0.1 each


def test_q8_by_sector():
    _need_sample()
    proc = run_cli("score", S, "--question", "q8", "--by", "sector", "--no-suppress", "--format", "csv")
    rows = _csv(proc)
    pct = {(r["group"], r["option_code"]): float(r["pct"]) for r in rows}
    assert abs(pct[("ngo", "3")] + pct[("ngo", "2")] - 65) <= 1.5
    assert abs(pct[("criminal_justice", "3")] + pct[("criminal_justice", "2")] - 38) <= 1.5
    assert abs(pct[("criminal_justice", "1")] + pct[("criminal_justice", "0")] - 10) <= 1.5


def test_q8_published_table_is_suppressed_by_default():
    _need_sample()
    rows = _csv(run_cli("score", S, "--question", "q8", "--by", "sector", "--format", "csv"))
    cj = {r["option_code"]: r for r in rows if r["group"] == "criminal_justice"}
    assert cj["0"]["count"] == "[c]" and cj["0"]["pct"] == "[c]"  # one respondent answered Never


def test_q24_half_dont_know():
    _need_sample()
    rows = _csv(run_cli("score", S, "--question", "q24", "--format", "csv"))
    dk = next(r for r in rows if r["option_code"] == "DK")
    assert abs(float(dk["pct"]) - 50) <= 1.5


def test_reasons_q14_q15():
    _need_sample()
    q14 = _csv(run_cli("reasons", S, "--question", "q14", "--format", "csv"))
    order = [r["item_id"] for r in q14]
    assert order[:3] == ["q14_not_identified", "q14_traffickers_control", "q14_unsuitable_placement"]
    assert set(order[3:5]) == {"q14_lack_specialist_support", "q14_lack_advocacy"}
    assert order[5] == "q14_poor_protection"
    assert "pct_often" in q14[0]
    q15 = _csv(run_cli("reasons", S, "--question", "q15", "--format", "csv"))
    assert q15[0]["item_id"] == "q15_immigration" and q15[0]["rank"] == "1"


def test_effectiveness_chart_and_other_answers(tmp_path):
    _need_sample()
    proc = run_cli("effectiveness", S, "--chart-out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".surveykit-files.json", "effectiveness_q45.png",
                                                          "effectiveness_q45.svg"]
    # Count independently in the SurveyMonkey layout: the "Other (please specify)" column after
    # the q45 grid (header row 1 holds the question, row 2 the sub-headers).
    with open(SAMPLE_SURVEY, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    start = next(j for j, h in enumerate(rows[0]) if h.startswith("45."))
    col = next(j for j in range(start, len(rows[1])) if rows[1][j] == "Other (please specify)")
    n_other = sum(1 for r in rows[2:] if r[col].strip())
    assert n_other > 0
    assert f"'Other (please specify)': {n_other} written answer(s) (list them with --show-other)" in proc.stdout
    assert "Training of professionals" in proc.stdout.splitlines()[2]


def test_banner_cli():
    _need_sample()
    proc = run_cli("banner", S, "--question", "q45", "--by", "sector", "--width", "200")
    assert proc.returncode == 0, proc.stderr
    flat = " ".join(proc.stdout.split())
    assert "(A)" in flat and "Police and criminal justice (B)" in flat
    assert "column-proportion z-test" in flat and "Holm" in flat and "adjusted p < 0.05" in flat
    line = next(l for l in proc.stdout.splitlines() if l.strip().startswith("Secure accommodation"))
    assert " A " in line + " "  # criminal justice's cell carries local authority's letter


@pytest.mark.parametrize("args, expected", [
    (("compare", S, "--by", "department"), "by must be one of 'sector', 'region', 'completed'"),
    (("compare", S, "--question", "q99"), "questions must be one of 'q1', 'q3'"),
    (("compare", S, "--groups", "criminal_justice,police"), "groups must be one of 'local_authority', "
                                                            "'criminal_justice'"),
    (("compare", S, "--question", "q7"), "questions: 'q7' is a free-text question; closed questions are: q1, q3"),
    (("compare", S, "--alpha", "1.5"), "alpha must be strictly between 0 and 1 (exclusive), e.g. 0.05; got 1.5"),
    (("compare", S, "--alpha", "0"), "alpha must be strictly between 0 and 1 (exclusive), e.g. 0.05; got 0.0"),
    (("compare", S, "--padjust", "sidak"), "padjust must be one of 'holm', 'fdr_bh', 'bonf', 'none'; got 'sidak'"),
    (("score", S, "--by", "department"), "by must be one of 'sector'"),
    (("banner", S, "--question", "q45", "--alpha", "2"), "alpha must be strictly between 0 and 1"),
    (("reasons", S, "--question", "q8"), "question (a grid with an ordinal scale and a top box) must be one of "
                                         "'q14', 'q15', 'q45'; got 'q8'"),
    (("effectiveness", S, "--sort", "best"), "sort must be one of 'pct_effective', 'top_box', 'mean', 'instrument'; "
                                             "got 'best'"),
    (("effectiveness", S, "--question", "q8"), "must be one of 'q14', 'q15', 'q45'; got 'q8'"),
    (("score", S, "--threshold", "0"), "--threshold must be a whole number of at least 1; got 0"),
])
def test_bad_input_exit_2(args, expected):
    _need_sample()
    proc = run_cli(*args)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert expected in proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_show_other_is_redacted(tmp_path):
    from test_scoring import write_export

    texts = ["Ask jo.bloggs@example.org about mentoring", "Mentoring on 07700 900123", "Peer mentors",
             "Faith groups", "Foster carer training", "Return home interviews"]  # 6: not a small count
    rows = [{"respondent_id": f"r{i}", "sector": "Police", "q45_cctv": str(1 + i % 5),
             "q45_other": "4" if i < len(texts) else "",
             "q45_other_text": texts[i] if i < len(texts) else ""} for i in range(12)]
    path = write_export(tmp_path / "other.csv", rows)
    hidden = run_cli("effectiveness", path, "--format", "json")
    doc = json.loads(hidden.stdout)
    assert doc["other_count"] == 6 and doc["other_answers"] == []
    assert "jo.bloggs" not in hidden.stdout
    shown = run_cli("effectiveness", path, "--show-other")
    assert shown.returncode == 0, shown.stderr
    assert "Ask [email] about mentoring" in shown.stdout and "Mentoring on [phone]" in shown.stdout
    assert "jo.bloggs" not in shown.stdout and "900123" not in shown.stdout


def test_score_summary_cli():
    _need_sample()
    proc = run_cli("score", S, "--question", "q45_photograph_first_contact", "--summary", "--format", "csv")
    rows = _csv(proc)
    assert list(rows[0]) == ["question_id", "item_id", "item_label", "group", "n_valid", "n_dk", "n_blank", "pct_dk",
                             "mean", "median", "sd", "pct_top_box", "top_box_label"]
    assert rows[0]["top_box_label"] == "% effective"
    assert abs(float(rows[0]["pct_top_box"]) - 75) <= 2.5


def test_other_calibration_figures():
    """The rest of DESIGN.md §6 for single questions (internal numbers: --no-suppress)."""
    _need_sample()
    rows = _csv(run_cli("score", S, "-q", "q1", "-q", "q3", "-q", "q18", "-q", "q19", "-q", "q24", "-q", "q27",
                        "--by", "sector", "--no-suppress", "--format", "csv"))

    def share(item, group, codes):
        sel = [r for r in rows if r["item_id"] == item and r["group"] == group and r["option_code"] in codes]
        return sum(float(r["pct"]) for r in sel), sum(int(r["count"]) for r in sel)

    assert abs(share("q1", "all", ["1"])[0] - 60) <= 2  # about 60% Yes
    assert abs(share("q3", "all", ["1"])[0] - 45) <= 2  # about 45% Yes
    pct, people = share("q18", "criminal_justice", ["1", "2"])
    assert people == 14 and abs(pct - 30) <= 2
    cj19 = share("q19", "criminal_justice", ["1", "2"])[0]
    assert abs(cj19 - 30) <= 2
    for g in ("local_authority", "ngo", "legal", "health", "immigration", "education", "other"):
        assert share("q19", g, ["1", "2"])[0] < cj19, g  # criminal justice disagrees most
    assert abs(share("q24", "criminal_justice", ["DK"])[0] - 13) <= 1.5
    assert abs(share("q24", "criminal_justice", ["2", "1"])[0] - 20) <= 2
    assert share("q27", "all", ["High", "Medium"])[0] > 50
