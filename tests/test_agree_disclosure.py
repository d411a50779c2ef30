"""Agreement figures do not give away small counts (issue: disclosure by default, library and CLI).

A coder's prevalence of a code times the answers that coder coded is the number of answers given
the code, and percent agreement, kappa and alpha together give both prevalences back. So a code
given to fewer than ``threshold`` answers by any coder, or to all but fewer, shows "[c]" for all
four; the pooled (ALL) and MEAN rows do too when the hidden codes could be worked out from them.
The counts each case rests on are written out below by hand.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from surveykit.coding.agreement import agreement

C = "[c]"


def _long(sets: dict[str, set[str]], coder: str) -> pd.DataFrame:
    rows = [(rid, "q7", code, coder) for rid, codes in sets.items() for code in (sorted(codes) or [None])]
    return pd.DataFrame(rows, columns=["respondent_id", "question_id", "code_id", "coder"], dtype=object)


def _coding(counts_a: dict[str, int], counts_b: dict[str, int], n: int = 30) -> tuple[dict, dict]:
    """Answers u0..u(n-1); coder a gives code k to the first counts_a[k] answers, b to the first counts_b[k]."""
    a = {f"u{i}": {k for k, m in counts_a.items() if i < m} for i in range(n)}
    b = {f"u{i}": {k for k, m in counts_b.items() if i < m} for i in range(n)}
    return a, b


def _table(a, b, **kw):
    res = agreement([_long(a, "a"), _long(b, "b")], ["a", "b"], codes=sorted({*a["u0"], *b["u0"], "y", "z"}), **kw)
    return res, res.per_code.set_index("code_id")


FIGURES = ["prevalence_a", "prevalence_b", "percent_agreement", "kappa", "alpha"]


def test_a_code_given_to_two_answers_is_hidden_and_so_is_the_pooled_row():
    # x: a 2 of 30, b 3 of 30 (both small); y: 15 and 14; z: 10 and 10. One code hidden: the pooled
    # and mean figures less y's and z's would give x's back, so they are hidden too.
    a, b = _coding({"x": 2, "y": 15, "z": 10}, {"x": 3, "y": 14, "z": 10})
    res, t = _table(a, b)
    assert (t.loc["x", FIGURES] == C).all()
    assert t.loc["x", "flag"] == C and t.loc["x", "units"] == 30  # a flag is a band of the hidden alpha
    assert t.loc["ALL", "exact_set_match"] == C
    assert res.overall["exact_set_match"] == C and res.overall["disagreements"] == C
    assert not (t.loc[["y", "z"], FIGURES] == C).any().any()
    assert (t.loc["ALL", ["percent_agreement", "kappa", "alpha"]] == C).all()
    assert (t.loc["MEAN", ["percent_agreement", "kappa", "alpha"]] == C).all()
    assert res.overall["pooled_alpha"] == C and res.overall["mean_alpha"] == C
    assert res.overall["suppressed_codes"] == 1
    # Internal use: every figure.
    _, full = _table(a, b, suppress=False)
    assert full.loc["x", "prevalence_a"] == pytest.approx(2 / 30)
    # A threshold of 2 publishes a count of 2 but not of 1 (b's 3 is published too).
    _, t2 = _table(a, b, threshold=2)
    assert t2.loc["x", "prevalence_a"] == pytest.approx(2 / 30)


def test_a_hidden_codes_flag_and_the_exact_set_match_do_not_pin_its_counts(cli, tmp_path):
    """26 answers; both coders give housing to 10 and trust to 10 others; a gives trafficker_control to 3,
    b to 2 of them. Published before: trafficker_control all [c] but its flag "tentative", exact-set
    match 25/26 and 1 disagreement: one answer differs, on trafficker_control, and with 26 answers and
    one disagreement its alpha is "tentative" only when the two coders' counts add up to 5 (3 and 2)."""
    sets_a = {f"R{i}": ({"housing"} if i <= 10 else {"trust"} if i <= 20 else {"trafficker_control"} if i <= 23
                        else set()) for i in range(1, 27)}
    sets_b = {rid: codes if rid != "R23" else set() for rid, codes in sets_a.items()}
    for coder, sets in (("ann", sets_a), ("bob", sets_b)):
        _long(sets, coder).to_csv(tmp_path / f"{coder}.csv", index=False)
    raw = agreement([_long(sets_a, "ann"), _long(sets_b, "bob")], ["ann", "bob"], suppress=False)
    assert raw.overall["disagreements"] == 1 and raw.per_code.set_index("code_id").loc["trafficker_control", "flag"] \
        == "tentative"  # what the old output gave away beside the [c]s
    res = agreement([_long(sets_a, "ann"), _long(sets_b, "bob")], ["ann", "bob"])
    t = res.per_code.set_index("code_id")
    assert (t.loc["trafficker_control", [*FIGURES[2:], "flag"]] == C).all()
    assert res.overall["exact_set_match"] == C and res.overall["disagreements"] == C
    shown = cli("agree", tmp_path / "ann.csv", tmp_path / "bob.csv", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    row = next(r for r in doc["rows"] if r["code_id"] == "trafficker_control")
    assert row["flag"] == C and doc["overall"]["exact_set_match"] == C and doc["overall"]["disagreements"] == C
    table = cli("agree", tmp_path / "ann.csv", tmp_path / "bob.csv")
    assert "exact-set match [c]" in table.stdout
    assert not [line for line in table.stdout.splitlines() if line.startswith("trafficker_control") and "tentative" in line]


def test_all_but_a_few_is_a_small_count_too():
    # y: a gives it to 27 of 30: 3 answers without it.
    a, b = _coding({"y": 27, "z": 10}, {"y": 20, "z": 10})
    _, t = _table(a, b)
    assert (t.loc["y", FIGURES] == C).all() and not (t.loc["z", FIGURES] == C).any()


def test_two_hidden_codes_adding_up_to_a_publishable_count_leave_the_pooled_figures():
    # w: 3 and 4; x: 2 and 3 -> hidden codes add up to 5 (a) and 7 (b): neither can be told apart.
    a, b = _coding({"w": 3, "x": 2, "y": 15, "z": 10}, {"w": 4, "x": 3, "y": 14, "z": 10})
    res, t = _table(a, b)
    assert (t.loc[["w", "x"], FIGURES] == C).all().all()
    assert isinstance(t.loc["ALL", "alpha"], float) and isinstance(res.overall["pooled_alpha"], float)
    # ... but two codes of one answer each add up to 2: still a small count, so the pool is hidden.
    a, b = _coding({"w": 1, "x": 1, "y": 15, "z": 10}, {"w": 1, "x": 1, "y": 14, "z": 10})
    res, t = _table(a, b)
    assert t.loc["ALL", "alpha"] == C and res.overall["pooled_alpha"] == C


def test_answers_with_no_code_at_all_hide_the_pooled_prevalences():
    # Every answer but 2 got a code from coder a: the ALL row's prevalence gives 2 uncoded answers.
    a, b = _coding({"y": 28, "z": 10}, {"y": 20, "z": 10})
    _, t = _table(a, b)
    assert t.loc["ALL", "prevalence_a"] == C


def test_cli_hides_by_default_and_says_why(cli, tmp_path):
    a, b = _coding({"x": 2, "y": 15, "z": 10}, {"x": 3, "y": 14, "z": 10})
    _long(a, "a").to_csv(tmp_path / "a.csv", index=False)
    _long(b, "b").to_csv(tmp_path / "b.csv", index=False)
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    rows = {row["code_id"]: row for row in out["rows"]}
    assert all(rows["x"][f] == C for f in FIGURES) and out["overall"]["pooled_alpha"] == C
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv")
    assert r.returncode == 0 and "[c]: 1 code(s) given to fewer than 5 answers" in r.stdout + r.stderr
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv", "--format", "json", "--no-suppress")
    rows = {row["code_id"]: row for row in json.loads(r.stdout)["rows"]}
    assert rows["x"]["prevalence_a"] == pytest.approx(2 / 30)
    assert "internal use only" in r.stdout + r.stderr


def test_the_report_does_not_publish_in_its_agreement_table_what_its_codes_table_hides(cli, tmp_path):
    """The audit's case: the codes table hid a code's count, and the agreement table beside it gave
    it back as prevalence times answers."""
    import csv
    import io
    import random

    small = tmp_path / "small"  # 40 respondents: several codes are given to fewer than 5 answers
    assert cli("sample", "--out", small, "--respondents", "40").returncode == 0
    survey, rankings = small / "professional_survey.csv", small / "youth_ranking.csv"
    rules = tmp_path / "rules.csv"
    assert cli("code", survey, "--question", "q7", "--out", rules).returncode == 0
    rng = random.Random(5)
    human = tmp_path / "coder_b.csv"
    with open(human, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "question_id", "code_id", "coder"])
        for r in csv.DictReader(io.StringIO(rules.read_text())):
            code = r["code_id"]
            if code and rng.random() < 0.1:
                code = "isolation" if code != "isolation" else "lack_of_trust"
            w.writerow([r["respondent_id"], r["question_id"], code, "coder_b"])
    out = tmp_path / "rep"
    r = cli("report", "--survey", survey, "--rankings", rankings, "--out", out, "--coded", human)
    assert r.returncode == 0, r.stderr
    codes = list(csv.DictReader(open(out / "tables" / "q7_codes.csv", newline="")))
    hidden = {row["id"] for row in codes if row["level"] == "code" and row["n"] == C}
    assert hidden, "a sample of 40 has codes given to fewer than 5 answers"
    agree = {row["code_id"]: row for row in csv.DictReader(open(out / "tables" / "coding_agreement_q7.csv", newline=""))}
    for code in hidden:
        assert agree[code]["prevalence_rules"] == C, code
    for code, row in agree.items():
        if code in ("ALL", "MEAN") or row["prevalence_rules"] == C:
            continue
        count = round(float(row["prevalence_rules"]) * int(row["units"]))
        assert not (0 < count < 5 or 0 < int(row["units"]) - count < 5), (code, count)
    methods = (out / "report.md").read_text(encoding="utf-8")
    assert "pooled Krippendorff's alpha" in methods
