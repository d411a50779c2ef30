"""Banner tables: shares, bases and significance letters recomputed independently with statsmodels."""

from __future__ import annotations

import itertools

import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

import importlib

banner = importlib.import_module("surveykit.banner")  # the module; sk.banner is the front door's function
from surveykit.errors import UsageError

from conftest import SAMPLE_SURVEY


@pytest.fixture(scope="module")
def sample(sample_responses_module):
    return sample_responses_module  # load_responses(SAMPLE_SURVEY), read once per session


def test_letters_match_an_independent_computation(sample):
    res = banner.banner(sample, question="q45", by="sector", alpha=0.05, padjust="holm", suppress=False)
    t = res.table
    d = sample.data
    letters = dict(res.letters)
    shown = [g for g in letters]
    assert "community_faith" not in shown  # 9 respondents < 10: left out, and said so
    assert any("community_faith" in n for n in res.notes)
    assert letters["local_authority"] == "A"
    items = [it.id for it in sample.instrument.question("q45").items]
    # every pair of columns on every row, one Holm family
    tests = []
    for item in items:
        valid = d[item].isin(list("12345"))
        top = d[item].isin(["4", "5"])
        for a, b in itertools.combinations(shown, 2):
            na, nb = int((valid & (d.sector == a)).sum()), int((valid & (d.sector == b)).sum())
            if na < 10 or nb < 10:
                continue
            xa, xb = int((top & (d.sector == a)).sum()), int((top & (d.sector == b)).sum())
            z, p = proportions_ztest([xa, xb], [na, nb])
            tests.append((item, a, b, z, p))
    assert len(tests) == len(res.tests)
    adj = multipletests([x[4] for x in tests], method="holm")[1]
    expect: dict = {}
    for (item, a, b, z, _), p in zip(tests, adj):
        if p < 0.05:
            winner, loser = (a, b) if z > 0 else (b, a)
            expect.setdefault((item, winner), []).append(letters[loser])
    for _, r in t.iterrows():
        assert r["higher_than"] == "".join(sorted(expect.get((r["item_id"], r["group"]), []))), (r["item_id"], r["group"])
        valid = sample.data[r["item_id"]].isin(list("12345"))
        mask = valid if r["group"] == "all" else valid & (d.sector == r["group"])
        assert r["n"] == int(mask.sum())
        if r["n"]:
            assert r["pct"] == pytest.approx(100 * (d.loc[mask, r["item_id"]].isin(["4", "5"])).mean())
    # the calibrated CJ > LA difference on secure accommodation shows as a letter
    cj = t[(t.item_id == "q45_secure_accommodation") & (t.group == "criminal_justice")].iloc[0]
    assert letters["local_authority"] in cj["higher_than"]
    assert "Holm" in res.footer and "z-test" in res.footer and "0.05" in res.footer


def test_wide_form_and_suppression(sample):
    res = banner.banner(sample, question="q45", by="sector", suppress=True)
    wide = res.wide()
    assert list(wide.columns[:3]) == ["item", "all", "local_authority (A)"]
    assert len(wide) == 20
    assert (res.table["pct"] == "[c]").any()
    # a suppressed cell carries no letters
    assert (res.table.loc[res.table["pct"] == "[c]", "higher_than"] == "").all()


def test_single_question_banner(sample):
    res = banner.banner(sample, question="q8", by="sector", groups="ngo,criminal_justice", suppress=False)
    assert list(res.table["group"]) == ["all", "ngo", "criminal_justice"]
    assert res.top_box_label == "% always or usually"


def test_bad_input(sample):
    with pytest.raises(UsageError, match="alpha must be strictly between 0 and 1"):
        banner.banner(sample, question="q45", by="sector", alpha=-0.1)
    with pytest.raises(UsageError, match="question must be one of 'q1'.*got 'q99'"):
        banner.banner(sample, question="q99", by="sector")
    with pytest.raises(UsageError, match="groups must be one of 'local_authority'.*got 'army'"):
        banner.banner(sample, question="q45", by="sector", groups="army")
