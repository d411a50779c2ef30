"""`surveykit code`: coded rows with evidence, summaries (frequency, sector tests, co-occurrence), bad input."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest
import yaml

from conftest import CODEBOOKS, SAMPLE_SURVEY
from surveykit.coding.codebook import load_codebook
from surveykit.coding.summary import summarise

pytestmark = pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="sample survey not generated yet")


@pytest.fixture(scope="module")
def sample_answers(sample_responses_module):
    data = sample_responses_module.data
    return {str(r): (t, s) for r, t, s in zip(data["respondent_id"], data["q7"], data["sector"])}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from conftest import run_cli

    tmp = tmp_path_factory.mktemp("code")
    out = tmp / "coded.csv"
    res = {"rows": run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--out", out, "--format", "csv")}
    # The statistics are checked on the unsuppressed figures; what is published by default is checked below.
    for view in ("frequency", "tests", "cooccurrence", "uncoded"):
        res[view] = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--view", view, "--format", "json",
                            "--no-suppress")
    for view in ("frequency", "sectors", "tests", "cooccurrence"):
        res[f"published_{view}"] = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--view", view, "--format",
                                           "json")
    for r in res.values():
        assert r.returncode == 0, r.stderr
    res["out"] = out
    return res


@pytest.fixture(scope="module")
def rows(runs):
    return pd.read_csv(io.StringIO(runs["rows"].stdout), dtype=str, keep_default_na=False)


def test_every_answer_appears_with_evidence(runs, rows, sample_answers):
    assert list(rows.columns) == ["respondent_id", "question_id", "code_id", "start", "end", "matched", "coder", "via"]
    answered = {r for r, (t, _) in sample_answers.items() if t is not None and not pd.isna(t) and str(t).strip()}
    assert set(rows["respondent_id"]) == answered
    assert set(rows["coder"]) == {"rules"} and set(rows["question_id"]) == {"q7"}
    codes = set(load_codebook().code_ids)
    for r in rows.itertuples():
        text = sample_answers[r.respondent_id][0]
        if r.code_id == "":
            assert (r.start, r.end, r.matched) == ("", "", "")
            assert (rows["respondent_id"] == r.respondent_id).sum() == 1  # coded as nothing: one row
        else:
            assert r.code_id in codes
            assert text[int(r.start):int(r.end)] == r.matched
    assert not rows.duplicated(["respondent_id", "code_id"]).any()
    # --out holds the same rows, and the summary line counts the uncoded answers.
    assert runs["out"].read_text() == runs["rows"].stdout
    n_uncoded = (rows["code_id"] == "").sum()
    assert f"{len(answered)} answers" in runs["rows"].stderr
    assert f"{n_uncoded} uncoded" in runs["rows"].stderr


def test_uncoded_view_lists_ids(runs, rows):
    listed = [r["respondent_id"] for r in json.loads(runs["uncoded"].stdout)["rows"]]
    assert listed == list(rows.loc[rows["code_id"] == "", "respondent_id"])


def test_frequency_matches_a_count_of_the_rows(runs, rows):
    cb = load_codebook()
    out = json.loads(runs["frequency"].stdout)
    n = rows["respondent_id"].nunique()
    assert out["n_answers"] == n
    freq = {(r["level"], r["id"]): r for r in out["rows"]}
    for code in cb.codes:
        k = rows.loc[rows["code_id"] == code.id, "respondent_id"].nunique()
        assert freq[("code", code.id)]["n"] == k
        assert freq[("code", code.id)]["pct"] == pytest.approx(round(100 * k / n, 1))
    for theme in cb.themes:
        members = {c.id for c in cb.codes_in(theme.id)}
        k = rows.loc[rows["code_id"].isin(members), "respondent_id"].nunique()
        assert freq[("theme", theme.id)]["n"] == k
    assert freq[("none", "")]["n"] == (rows["code_id"] == "").sum()


def test_sector_tests_agree_with_scipy(runs, rows, sample_answers):
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    out = json.loads(runs["tests"].stdout)["rows"]
    sector = {r: s for r, (_, s) in sample_answers.items()}
    answered = rows.drop_duplicates("respondent_id")
    answered = answered[answered["respondent_id"].map(lambda r: isinstance(sector[r], str))]
    checked = 0
    for r in out:
        holders = set(rows.loc[rows["code_id"] == r["code_id"], "respondent_id"])
        table = pd.crosstab(answered["respondent_id"].isin(holders), answered["respondent_id"].map(sector))
        table = table.loc[:, table.sum() > 0]
        assert r["n"] == int(table.values.sum())
        if table.shape[0] < 2:
            assert r["p_value"] is None
            continue
        chi2, p, dof, expected = stats.chi2_contingency(table.values, correction=False)
        assert r["statistic"] == pytest.approx(chi2, rel=1e-9)
        assert r["dof"] == dof
        if (expected >= 5).all():
            assert r["test"] == "chi_square"
            assert r["p_value"] == pytest.approx(p, rel=1e-9)
            checked += 1
        else:
            assert r["test"] == "chi_square_monte_carlo"
            assert 0 < r["p_value"] <= 1
    ps = [r["p_value"] for r in out if r["p_value"] is not None]
    adj = [r["p_adjusted"] for r in out if r["p_value"] is not None]
    assert adj == pytest.approx(list(multipletests(ps, method="holm")[1]))
    assert len(ps) >= 10


def test_cooccurrence_matches_a_count_of_the_rows(runs, rows):
    out = json.loads(runs["cooccurrence"].stdout)["rows"]
    sets = rows[rows["code_id"] != ""].groupby("respondent_id")["code_id"].agg(set)
    assert out, "the sample has answers with several codes"
    for r in out:
        both = sum(1 for s in sets if r["code_a"] in s and r["code_b"] in s)
        assert r["n_both"] == both > 0
    pairs = {(r["code_a"], r["code_b"]) for r in out}
    ids = load_codebook().code_ids
    expected = {(a, b) for s in sets for a in s for b in s if ids.index(a) < ids.index(b)}
    assert pairs == expected
    assert [r["n_both"] for r in out] == sorted((r["n_both"] for r in out), reverse=True)


def test_summary_views_publish_no_small_count_by_default(runs):
    """Issue 13.2: the CLI's summary views hide counts below 5 and what they can be worked out from."""
    raw = {r["code_id"]: r for r in json.loads(runs["tests"].stdout)["rows"]}
    shown = {r["code_id"]: r for r in json.loads(runs["published_tests"].stdout)["rows"]}
    for code, r in shown.items():
        if r["n_coded"] != "[c]":
            assert not (0 < r["n_coded"] < 5 or 0 < r["n"] - r["n_coded"] < 5)
    sectors = json.loads(runs["published_sectors"].stdout)["rows"]
    assert any(r["n"] == "[c]" for r in sectors)  # the sample has small sector cells
    assert all(r["n"] == "[c]" or r["n"] == 0 or r["n"] >= 5 for r in sectors)
    hidden = {r["code_id"] for r in sectors if r["n"] == "[c]"}
    for code in hidden:
        assert shown[code]["p_value"] == "[c]" and raw[code]["p_value"] != "[c]"
    for r in json.loads(runs["published_cooccurrence"].stdout)["rows"]:
        assert r["n_both"] == "[c]" or r["n_both"] >= 5
    for r in json.loads(runs["published_frequency"].stdout)["rows"]:
        assert r["n"] == "[c]" or r["n"] == 0 or (r["n"] >= 5 and not 0 < r["base"] - r["n"] < 5)


# -- summary statistics against published worked examples ---------------------------------------

def _coded(groups: dict[str, tuple[int, int]]) -> tuple[pd.DataFrame, dict[str, str]]:
    """A coded frame where sector s has k of n answers with code 'isolation'."""
    rows, sectors = [], {}
    for s, (k, n) in groups.items():
        for i in range(n):
            rid = f"{s}{i}"
            sectors[rid] = s
            rows.append((rid, "q7", "isolation" if i < k else "", "rules"))
    return pd.DataFrame(rows, columns=["respondent_id", "question_id", "code_id", "coder"]), sectors


def test_chi_square_worked_example_from_the_scipy_reference():
    # SciPy reference guide, scipy.stats.chi2_contingency, example table [[10, 10, 20], [20, 20, 20]]:
    # chi2 = 2.7777777777777777, p = 0.24935220877729619, dof = 2.
    coded, sectors = _coded({"a": (10, 30), "b": (10, 30), "c": (20, 40)})
    s = summarise(coded, load_codebook(), sectors=sectors, sector_order=("a", "b", "c"))
    row = s.tests.set_index("code_id").loc["isolation"]
    assert row["test"] == "chi_square"
    assert row["statistic"] == pytest.approx(2.7777777777777777)
    assert row["p_value"] == pytest.approx(0.24935220877729619)
    assert row["dof"] == 2
    by = s.sectors[s.sectors["code_id"] == "isolation"].set_index("sector")
    assert by["pct"].to_dict() == {"a": 33.3, "b": 33.3, "c": 50.0}


def test_fisher_worked_example_lady_tasting_tea():
    # Fisher (1935), The Design of Experiments: 3 of 4 cups right each way -> table [[3, 1], [1, 3]],
    # one-sided p = 17/70 = 0.2429, two-sided p = 34/70 = 0.4857.
    coded, sectors = _coded({"milk_first": (3, 4), "tea_first": (1, 4)})
    s = summarise(coded, load_codebook(), sectors=sectors)
    row = s.tests.set_index("code_id").loc["isolation"]
    assert row["test"] == "fisher_exact"
    assert row["p_value"] == pytest.approx(34 / 70)
    assert math.isnan(s.tests.set_index("code_id").loc["debt_bondage", "p_value"])  # nobody has it: no test


# -- other inputs and bad input --------------------------------------------------------------------

def test_any_csv_with_text_and_id_columns(cli, tmp_path):
    p = tmp_path / "free.csv"
    p.write_text("case,notes\nc1,\"Fear of deportation; she was not believed.\"\nc2,\"\"\nc3,\"Fine.\"\n")
    res = cli("code", p, "--text-column", "notes", "--id-column", "case", "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    got = [(r["respondent_id"], r["code_id"]) for r in out["rows"]]
    assert got == [("c1", "not_believed"), ("c1", "immigration"), ("c3", "")]
    # Two answers, one uncoded: small counts, [c] (the blank one too), and no id is listed.
    assert out["n_answers"] == out["n_uncoded"] == out["n_coded"] == "[c]"
    assert "[c] blank skipped" in res.stderr and "(c3)" not in res.stderr
    internal = cli("code", p, "--text-column", "notes", "--id-column", "case", "--format", "json", "--no-suppress")
    assert json.loads(internal.stdout)["n_uncoded"] == 1 and "(c3)" in internal.stderr
    assert "1 blank skipped" in internal.stderr
    res = cli("code", p, "--text-column", "notes", "--id-column", "case", "--view", "tests")
    assert res.returncode == 2 and "needs sectors" in res.stderr


def _broken_codebook(tmp_path, change) -> str:
    doc = yaml.safe_load((load_codebook().path and open(load_codebook().path).read()))
    change(doc)
    p = tmp_path / "cb.yaml"
    p.write_text(yaml.safe_dump(doc))
    return str(p)


@pytest.mark.parametrize("extra, fragment", [
    (("--question", "q99"), "--question must be one of"),
    (("--question", "q45"), "not a free-text one"),
    (("--question", "q45_cctv"), "closed column"),
])
def test_bad_options_exit_2_and_write_nothing(cli, tmp_path, extra, fragment):
    out = tmp_path / "coded.csv"
    res = cli("code", SAMPLE_SURVEY, *extra, "--out", out)
    assert res.returncode == 2
    assert fragment in res.stderr
    assert "Traceback" not in res.stderr and not out.exists()


def test_question_defaults_to_the_instruments_coded_field(cli, tmp_path):
    """Without --question, the first field the instrument codes (under 'coding:'); an instrument that
    codes nothing needs --question."""
    res = cli("code", SAMPLE_SURVEY, "--view", "frequency", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert res.stderr.startswith("surveykit: q7: ")
    doc = yaml.safe_load((CODEBOOKS / "professional_survey.yaml").read_text())
    doc.pop("coding")
    doc.pop("report")
    inst = tmp_path / "plain.yaml"
    inst.write_text(yaml.safe_dump(doc))
    out = tmp_path / "coded.csv"
    res = cli("code", SAMPLE_SURVEY, "--instrument", inst, "--out", out)
    assert res.returncode == 2 and "--question is required" in res.stderr and not out.exists()


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d.update(codes=[]), "the codebook has no codes"),
    (lambda d: d["codes"][3].pop("theme"), "'not_identified': the code is in no theme"),
    (lambda d: d["codes"][0].update(theme="nowhere"), "theme 'nowhere' is not declared"),
])
def test_broken_codebooks_exit_2_and_write_nothing(cli, tmp_path, change, fragment):
    out = tmp_path / "coded.csv"
    res = cli("code", SAMPLE_SURVEY, "--question", "q7", "--codebook", _broken_codebook(tmp_path, change),
              "--out", out)
    assert res.returncode == 2
    assert fragment in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()
