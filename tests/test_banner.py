"""Banner tables: shares, means, bases and significance letters recomputed independently.

References: the column-proportion z-test with statsmodels ``proportions_ztest`` (pooled), the means
test with scipy ``ttest_ind(..., equal_var=False)`` (Welch) on the raw answers, the Holm correction
with statsmodels ``multipletests``. The letters are worked out here from those p-values alone.
"""

from __future__ import annotations

import itertools

import pytest
from scipy.stats import ttest_ind
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

import importlib

from surveykit.errors import UsageError

from conftest import SAMPLE_SURVEY

banner = importlib.import_module("surveykit.banner")  # the module; sk.banner is the front door's function


@pytest.fixture(scope="module")
def sample(sample_responses_module):
    return sample_responses_module  # load_responses(SAMPLE_SURVEY), read once per session


@pytest.fixture(scope="module")
def q45(sample):
    return banner.banner(sample, question="q45", by="sector", alpha=0.05, second_alpha=0.10, padjust="holm",
                         suppress=False)


def _reference(sample, shown, letters, statistic, alpha, second):
    """Expected letters per (item, group) from scipy/statsmodels on the raw answers."""
    d = sample.data
    items = [it.id for it in sample.instrument.question("q45").items]
    tests = []
    for item in items:
        valid = d[item].isin(list("12345"))
        for a, b in itertools.combinations(shown, 2):
            xa = d.loc[valid & (d.sector == a), item].astype(int)
            xb = d.loc[valid & (d.sector == b), item].astype(int)
            if len(xa) < 10 or len(xb) < 10:
                continue
            if statistic == "proportion":
                z, p = proportions_ztest([int((xa >= 4).sum()), int((xb >= 4).sum())], [len(xa), len(xb)])
            else:
                z, p = ttest_ind(xa, xb, equal_var=False)
            tests.append((item, a, b, z, p))
    adj = multipletests([x[4] for x in tests], method="holm")[1]
    expect: dict = {}
    for (item, a, b, z, _), p in zip(tests, adj):
        if p < second:
            winner, loser = (a, b) if z > 0 else (b, a)
            mark = letters[loser] if p < alpha else letters[loser].lower()
            expect.setdefault((item, winner), []).append(mark)
    return tests, {k: "".join(sorted(v, key=lambda m: (m.lower(), m.islower()))) for k, v in expect.items()}


def test_proportion_letters_match_an_independent_computation(sample, q45):
    res = q45
    t = res.table
    d = sample.data
    letters = dict(res.letters)
    shown = list(letters)
    # every sector is a column with a letter, small ones included (and marked untested)
    assert shown == [s.id for s in sample.instrument.sectors if (d.sector == s.id).any()]
    assert letters["local_authority"] == "A"
    assert "community_faith" in res.untested()
    assert not t[t.group == "community_faith"]["tested"].any()
    tests, expect = _reference(sample, shown, letters, "proportion", 0.05, 0.10)
    assert len(tests) == len(res.proportion_tests())
    for _, r in t.iterrows():
        assert r["higher_than"] == expect.get((r["item_id"], r["group"]), ""), (r["item_id"], r["group"])
        valid = d[r["item_id"]].isin(list("12345"))
        mask = valid if r["group"] == "all" else valid & (d.sector == r["group"])
        assert r["n"] == int(mask.sum())
        if r["n"]:
            assert r["pct"] == pytest.approx(100 * (d.loc[mask, r["item_id"]].isin(["4", "5"])).mean())
            assert r["mean"] == pytest.approx(d.loc[mask, r["item_id"]].astype(int).mean())
        assert r["tested"] == (r["group"] != "all" and r["n"] >= 10)
    # the calibrated CJ > LA difference on secure accommodation shows as an upper-case letter
    cj = t[(t.item_id == "q45_secure_accommodation") & (t.group == "criminal_justice")].iloc[0]
    assert "A" in cj["higher_than"] and "A" in cj["mean_higher_than"]
    assert "Holm" in res.footer and "z-test" in res.footer and "Welch" in res.footer and "0.05" in res.footer
    assert "lower-case letters: adjusted p < 0.1" in res.footer


def test_mean_letters_match_welch_t_tests(sample, q45):
    letters = dict(q45.letters)
    tests, expect = _reference(sample, list(letters), letters, "mean", 0.05, 0.10)
    assert len(tests) == len(q45.mean_tests())
    ref_p = sorted(round(p, 10) for *_, p in tests)
    assert ref_p == sorted(round(p, 10) for p in q45.mean_tests()["p_value"])
    for _, r in q45.table.iterrows():
        assert r["mean_higher_than"] == expect.get((r["item_id"], r["group"]), ""), (r["item_id"], r["group"])


def test_welch_t_against_a_published_example():
    """Welch's test from summary statistics, on the data of worked example 1 of Wikipedia's article
    "Welch's t-test" (published result: t = -2.46, p = 0.021), against its definition and scipy."""
    import math

    from surveykit.stats import welch_t

    x = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
    y = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]
    m1, m2 = sum(x) / len(x), sum(y) / len(y)
    s1 = math.sqrt(sum((v - m1) ** 2 for v in x) / (len(x) - 1))
    s2 = math.sqrt(sum((v - m2) ** 2 for v in y) / (len(y) - 1))
    t, p = welch_t(m1, s1, len(x), m2, s2, len(y))
    assert t == pytest.approx((m1 - m2) / math.sqrt(s1 ** 2 / len(x) + s2 ** 2 / len(y)))
    ref = ttest_ind(x, y, equal_var=False)
    assert t == pytest.approx(ref.statistic) and p == pytest.approx(ref.pvalue)
    # Wikipedia's "Welch's t-test" worked example 1 (these data): t = -2.46, p about 0.021
    assert t == pytest.approx(-2.46, abs=0.01) and p == pytest.approx(0.021, abs=0.001)


def test_second_level_letters_are_lower_case(sample):
    one = banner.banner(sample, question="q45", by="sector", alpha=0.05, suppress=False)
    two = banner.banner(sample, question="q45", by="sector", alpha=0.05, second_alpha=0.5, suppress=False)
    upper = "".join(one.table["higher_than"]) + "".join(one.table["mean_higher_than"])
    both = "".join(two.table["higher_than"]) + "".join(two.table["mean_higher_than"])
    assert upper and upper.isupper() and any(c.islower() for c in both)
    # upper-case letters are the same at both settings
    assert sorted(c for c in both if c.isupper()) == sorted(upper)
    with pytest.raises(UsageError, match="second_alpha must be larger than alpha"):
        banner.banner(sample, question="q45", by="sector", alpha=0.1, second_alpha=0.05)


def test_people_frame_rows_bases_and_untested(sample):
    res = banner.banner(sample, question="q45", by="sector", suppress=True)
    frame, headers, letters = res.people_frame()
    assert len(frame) == 20 * 3  # share, mean, base per item
    assert list(frame["statistic"][:3]) == ["% effective", "Mean", "Base"]
    assert headers["local_authority"] == "Local authority / children's services (A)"
    assert headers["community_faith"].endswith("not tested")
    assert headers["all"] == "All respondents"
    assert letters["criminal_justice"] == "criminal_justice__sig"
    assert (res.table["pct"] == "[c]").any()
    # a suppressed cell carries no letters; bases are numbers unless suppressed
    assert (res.table.loc[res.table["pct"] == "[c]", "higher_than"] == "").all()
    bases = frame[frame["statistic"] == "Base"]
    assert all(isinstance(v, (int, float)) or v == "[c]" for g in letters for v in bases[g])


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


@pytest.mark.parametrize("width", [60, 100, 160])
def test_cli_banner_fits_the_width(cli, width):
    # q8 has the same columns as q45 and one row: the width is the point here
    proc = cli("banner", SAMPLE_SURVEY, "--question", "q8", "--width", str(width))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(l) for l in lines) <= width
    out = proc.stdout
    for name in ("Local authority", "Police and", "Other (I)", "Welch t-test", "not tested"):
        assert name in out.replace("\n", " ") or name in " ".join(out.split()), name
    if width == 60:
        assert "columns 1 of" in out


def test_cli_banner_csv_long_form(cli):
    proc = cli("banner", SAMPLE_SURVEY, "--question", "q8", "--format", "csv", "--second-alpha", "0.1")
    assert proc.returncode == 0, proc.stderr
    head = proc.stdout.splitlines()[0]
    assert head == ",".join(banner.BANNER_COLUMNS)
    bad = cli("banner", SAMPLE_SURVEY, "--question", "q8", "--second-alpha", "0.01")
    assert bad.returncode == 2 and "second_alpha must be larger than alpha" in bad.stderr
    assert len([l for l in bad.stderr.splitlines() if l.strip()]) == 1
