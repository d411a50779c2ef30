"""Adjusted p-values published beside hidden ones (``stats.p_adjust_published``).

Holm's and Benjamini-Hochberg's adjusted p-values depend on where every p-value of the family ranks.
When some tests' p-values are hidden (their groups' counts are suppressed), a shown adjusted value
could be a hidden p-value times a known factor: with Benjamini-Hochberg, the sample's q35 compare of
four sectors published 0.6043 = 7/3 x 0.25899 for two shown tests, the hidden ngo-vs-health p-value,
from which health's suppressed Yes and No counts (4 and 2) follow. A shown adjusted value is now made
as if every hidden p-value were 1: it depends only on published p-values and the family's size.

The reference is statsmodels' ``multipletests`` (independent of surveykit's own ``p_adjust``); the
commands are checked by changing one answer of a group whose numbers are hidden: everything shown
must stay as it was.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from surveykit import stats
from surveykit.disclosure import MARKER
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"


def _holm(p) -> np.ndarray:
    """Holm's adjusted p-values from the definition, step by step: the i-th smallest times (m - i + 1),
    never below the one before it, at most 1 (checked against statsmodels below)."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = np.empty(len(p)), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        out[i] = running
    return out


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_shown_values_are_the_method_with_the_hidden_taken_as_one_and_never_below_its_own(method):
    """The reference is statsmodels' ``multipletests`` for Benjamini-Hochberg, and Holm's definition for
    Holm (statsmodels collects garbage on every Holm call: seconds in a test worker), itself checked
    against statsmodels on one family."""
    from statsmodels.stats.multitest import multipletests

    def reference(p):
        return _holm(p) if method == "holm" else multipletests(p, method=method)[1]

    rng = np.random.default_rng(20261207)
    anchor = rng.random(12) * 0.1
    np.testing.assert_allclose(_holm(anchor), multipletests(anchor, method="holm")[1], rtol=0, atol=1e-12)
    for _ in range(300):
        m = int(rng.integers(2, 25))
        p = np.where(rng.random(m) < 0.3, rng.random(m) * 0.02, rng.random(m))
        hidden = rng.random(m) < 0.4
        got = np.array(stats.p_adjust_published(p.tolist(), method, hidden.tolist()))
        own = reference(p)
        as_one = reference(np.where(hidden, 1.0, p))
        np.testing.assert_allclose(got[~hidden], as_one[~hidden], rtol=0, atol=1e-12)
        np.testing.assert_allclose(got[hidden], own[hidden], rtol=0, atol=1e-12)
        assert (got[~hidden] >= own[~hidden] - 1e-12).all()  # a verdict from it keeps the method's error rate
        # Whatever the hidden p-values are, the shown adjusted values are the same.
        other = np.where(hidden, rng.random(m), p)
        again = np.array(stats.p_adjust_published(other.tolist(), method, hidden.tolist()))
        np.testing.assert_array_equal(again[~hidden], got[~hidden])


@pytest.mark.parametrize("method", ["bonf", "none"])
def test_bonferroni_and_no_correction_are_unchanged(method):
    p = [0.01, 0.2, 0.03, 0.5]
    assert stats.p_adjust_published(p, method, [False, True, False, True]) == stats.p_adjust(p, method)


def _with_one_answer_changed(path, *, sector: str, question_prefix: str, old: str, new: str) -> None:
    """The sample with one respondent of ``sector`` answering ``new`` instead of ``old``."""
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"), newline="")))
    column = next(j for j, h in enumerate(rows[0]) if h.startswith(question_prefix))
    sector_column = rows[0].index("Which sector do you work in?")
    row = next(r for r in rows[2:] if r[sector_column] == sector and r[column] == old)
    row[column] = new
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _compare(path, method: str, *extra: str) -> pd.DataFrame:
    result = run_cli("compare", path, "-q", "q35", "--groups", "local_authority,criminal_justice,ngo,health",
                     "--padjust", method, "--format", "csv", *extra)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_compare_shows_nothing_that_moves_with_a_hidden_groups_answers(tmp_path, method):
    changed = tmp_path / "changed.csv"
    _with_one_answer_changed(changed, sector="Health", question_prefix="35.", old="Yes", new="No")
    before, after = _compare(SAMPLE, method), _compare(changed, method)
    hidden = before["p_value"] == MARKER
    assert hidden.any() and (~hidden).any()
    assert before.equals(after)  # every published cell, verdicts included
    # Without suppression the change is there to see: the hidden tests' p-values moved, and with them
    # the method's own adjusted values of the shown tests.
    raw_before, raw_after = _compare(SAMPLE, method, "--no-suppress"), _compare(changed, method, "--no-suppress")
    assert not raw_before["p_value"].equals(raw_after["p_value"])
    if method == "fdr_bh":
        assert not raw_before.loc[~hidden, "p_adjusted"].equals(raw_after.loc[~hidden, "p_adjusted"])
    # The shown values are the method's over the family with the hidden p-values taken as 1.
    p = pd.to_numeric(raw_before["p_value"]).to_numpy()
    expected = stats.p_adjust(np.where(hidden, 1.0, p).tolist(), method)
    np.testing.assert_allclose(pd.to_numeric(before.loc[~hidden, "p_adjusted"]), np.array(expected)[~hidden],
                               rtol=1e-12)


def test_the_library_banner_hides_its_tests_numbers_and_keeps_shown_ones_still(tmp_path):
    import surveykit as sk

    changed = tmp_path / "changed.csv"
    _with_one_answer_changed(changed, sector="Health", question_prefix="35.", old="Yes", new="No")
    results = [sk.banner(sk.read(path), question="q35", by="sector", padjust="fdr_bh", min_group_size=5)
               for path in (SAMPLE, changed)]
    tests = [r.tests for r in results]
    hidden = tests[0]["p_value"] == MARKER
    assert hidden.any() and (~hidden).any()
    health = (tests[0]["group_a"] == "health") | (tests[0]["group_b"] == "health")
    assert hidden[health].all()  # health's shares are hidden: so is every test of them
    assert (tests[0].loc[hidden, ["test_statistic", "p_adjusted"]] == MARKER).all().all()
    assert tests[0].equals(tests[1])
    # The groups' columns are as they were (the "all" column counts the changed answer).
    columns = [r.table[r.table["group"] != "all"] for r in results]
    assert columns[0].equals(columns[1])


def test_the_coded_answers_tests_adjust_the_shown_p_values_without_the_hidden_ones():
    from surveykit.coding.published import protect_tests

    tests = pd.DataFrame({"code_id": ["a", "b", "c", "d"], "n": [100] * 4, "n_coded": [40, 30, 3, 50],
                          "test": ["chi_square"] * 4, "statistic": [9.0, 5.0, 1.0, 0.5], "dof": [2] * 4,
                          "p_value": [0.011, 0.08, 0.02, 0.7], "effect_size": [0.3, 0.2, 0.1, 0.05],
                          "note": [""] * 4})
    for p_c in (0.02, 0.0001, 0.9):  # code c's count (3) is small: its p-value is hidden
        frame = tests.assign(p_value=[0.011, 0.08, p_c, 0.7])
        frame["p_adjusted"] = stats.p_adjust(frame["p_value"].tolist(), "fdr_bh")
        out = protect_tests(frame, hidden=set(), threshold=5, padjust="fdr_bh")
        assert out.loc[2, "p_adjusted"] == MARKER
        shown = out.loc[[0, 1, 3], "p_adjusted"].tolist()
        assert shown == stats.p_adjust([0.011, 0.08, 1.0, 0.7], "fdr_bh")[:2] + \
            stats.p_adjust([0.011, 0.08, 1.0, 0.7], "fdr_bh")[3:]


def test_code_tests_view_adjusts_the_shown_p_values_without_the_hidden_ones(tmp_path):
    """``code --view tests`` through the command: the sample's q7 answers in two sectors, where one
    code's test is hidden (a small count by sector) and the others are shown."""
    import surveykit as sk

    texts = [t for t in sk.read(SAMPLE).data["q7"].tolist() if isinstance(t, str) and t.strip()]
    answers = tmp_path / "q7.csv"
    pd.DataFrame({"respondent_id": [f"R{i}" for i in range(len(texts))], "answer": texts,
                  "sector": ["north" if i % 2 else "south" for i in range(len(texts))]}).to_csv(answers, index=False)

    def tests(*extra):
        result = run_cli("code", answers, "--text-column", "answer", "--sector-column", "sector", "--view", "tests",
                         "--padjust", "fdr_bh", "--format", "csv", *extra)
        assert result.returncode == 0, result.stderr
        return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)

    published, raw = tests(), tests("--no-suppress")
    hidden = (published["p_value"] == MARKER).to_numpy()
    assert hidden.any() and (~hidden).any()
    expected = stats.p_adjust(np.where(hidden, 1.0, pd.to_numeric(raw["p_value"]).to_numpy()).tolist(), "fdr_bh")
    np.testing.assert_allclose(pd.to_numeric(published.loc[~hidden, "p_adjusted"]), np.array(expected)[~hidden],
                               rtol=1e-12)
    own = pd.to_numeric(raw["p_adjusted"]).to_numpy()
    assert not np.allclose(own[~hidden], np.array(expected)[~hidden])  # the method's own would differ here
