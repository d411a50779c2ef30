"""Audit of the national FOI tables: no hidden count of children can be worked out from what is published.

Each test redoes the recovery the auditor did (a total minus a matched sum, the "all" row minus a
cohort, the banded total minus the published bands and the over-a-week numerator) and checks that a
cell it needs is [c], through the library and through ``foi summary``; ``suppress=False`` still
shows every number. The returns are written here as text.
"""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from surveykit import foi
from surveykit.disclosure import MARKER

# Gamma gave went missing (3) but not in care: the matched numerator is the total less Gamma's 3.
SHARE_GAP = """\
wave,authority_id,authority,region,trafficked_in_care,trafficked_went_missing
2016,X1,Alpha,North East,20,10
2016,X2,Beta,North East,30,8
2016,X3,Gamma,North West,not held,3
2016,X4,Delta,North West,25,6
"""

# Trafficked still missing 2 + 1 + 0 = 3 (small); unaccompanied 12 + 8 + 0 = 20; all cohorts 23.
STILL = """\
wave,authority_id,authority,trafficked_in_care,trafficked_went_missing,trafficked_still_missing,unaccompanied_in_care,unaccompanied_went_missing,unaccompanied_still_missing
2016,E1,Alpha,20,8,2,100,30,12
2016,E2,Beta,25,9,1,80,20,8
2016,E3,Gamma,15,6,0,60,15,0
"""

# Bands: under 24 hours 3 (small), 1 to 7 days 20, over 7 days 10; 33 banded episodes.
DURATIONS = """\
wave,authority_id,authority,trafficked_in_care,trafficked_went_missing,trafficked_episodes,trafficked_duration_under_24h,trafficked_duration_1_to_7_days,trafficked_duration_over_7_days
2016,E1,Alpha,40,12,20,2,10,8
2016,E2,Beta,30,8,13,1,10,2
2016,E3,Gamma,25,6,10,0,0,0
"""

# Went missing: 10 and 20 as numbers, a range and a suppressed answer: the mean is 30 / 2.
MEAN = """\
wave,authority_id,authority,trafficked_in_care,trafficked_went_missing
2016,E1,Alpha,40,10
2016,E2,Beta,50,20
2016,E3,Gamma,30,5-10
2016,E4,Delta,30,<5
"""


def _path(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _returns(tmp_path, name, text):
    return foi.read_returns(_path(tmp_path, name, text))


def one(frame, **where):
    rows = frame
    for k, v in where.items():
        rows = rows[rows[k].astype(str) == str(v)]
    assert len(rows) == 1, where
    return rows.iloc[0]


def _csv(cli, path, table, *extra):
    r = cli("foi", "summary", path, "--table", table, "--format", "csv", *extra)
    assert r.returncode == 0, r.stderr
    return list(csv.DictReader(io.StringIO(r.stdout)))


def _row(rows, **where):
    found = [r for r in rows if all(r[k] == str(v) for k, v in where.items())]
    assert len(found) == 1, where
    return found[0]


def _num(x):
    """A published number, or None for [c] / empty."""
    if x is None or x == MARKER or x == "":
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def _published_sums(tables) -> dict[tuple[str, str, str], set[float]]:
    """Every published sum of a count of children, by (wave, cohort, measure), from every table of
    one output (what a reader can line up against each other)."""
    out: dict[tuple[str, str, str], set[float]] = {}

    def put(w, c, m, v):
        v = _num(v)
        if v is not None:
            out.setdefault((str(w), str(c), m), set()).add(v)

    for r in tables["totals"].to_dict("records"):
        put(r["wave"], r["cohort"], r["measure"], r["total"])
        if _num(r["mean_per_authority_with_any"]) is not None:
            put(r["wave"], r["cohort"], r["measure"], r["mean_per_authority_with_any"] * r["n_authorities_mean"])
    for r in tables["share_missing"].to_dict("records"):
        for col, m in (("numerator", "went_missing"), ("denominator", "in_care"),
                       ("numerator_all", "went_missing"), ("denominator_all", "in_care")):
            put(r["wave"], r["cohort"], m, r[col])
        if _num(r["share_pct"]) is not None and _num(r["denominator"]) is not None:
            put(r["wave"], r["cohort"], "went_missing", round(r["share_pct"] * r["denominator"] / 100))
    for r in tables["episodes"].to_dict("records"):
        for col, m in (("numerator", "episodes"), ("denominator", "went_missing"),
                       ("numerator_all", "episodes"), ("denominator_all", "went_missing")):
            put(r["wave"], r["cohort"], m, r[col])
    for r in tables["still_missing"].to_dict("records"):
        put(r["wave"], r["cohort"], "still_missing", r["still_missing"])
        put(r["wave"], r["cohort"], "still_missing", r["still_missing_matched"])
        put(r["wave"], r["cohort"], "went_missing", r["went_missing_matched"])
        if _num(r["mean_per_authority"]) is not None:
            put(r["wave"], r["cohort"], "still_missing", r["mean_per_authority"] * r["n_authorities"])
        if _num(r["still_missing_pct"]) is not None and _num(r["went_missing_matched"]) is not None:
            put(r["wave"], r["cohort"], "still_missing", round(r["still_missing_pct"] * r["went_missing_matched"] / 100))
    for r in tables["durations"].to_dict("records"):
        put(r["wave"], r["cohort"], "duration_" + r["band"], r["episodes"])
    names = {"in_care": "in_care", "went_missing": "went_missing", "episodes": "episodes",
             "still_missing": "still_missing"}
    for r in tables["figures"].to_dict("records"):
        if r["figure"] in names:
            put(r["wave"], r["cohort"], names[r["figure"]], r["value"])
        if r["figure"] in ("share_missing", "share_missing_unmatched"):
            put(r["wave"], r["cohort"], "went_missing", r["numerator"])
            put(r["wave"], r["cohort"], "in_care", r["denominator"])
        if r["figure"] in ("mean_went_missing", "mean_still_missing") and _num(r["value"]) is not None:
            m = r["figure"][len("mean_"):]
            put(r["wave"], r["cohort"], m, r["value"] * r["n_authorities"])
    return out


def _no_small_differences(tables, threshold=5):
    """No two published sums of the same measure differ by a small count (1 .. threshold - 1)."""
    for key, values in _published_sums(tables).items():
        for a, b in itertools.combinations(sorted(values), 2):
            assert not (0 < b - a < threshold), (key, "two published sums differ by a small count")


# -- 1. share_missing: the total less the matched numerator --------------------------------------

def test_share_numerator_cannot_be_worked_out_from_the_total(tmp_path):
    returns = _returns(tmp_path, "t1.csv", SHARE_GAP)
    tables = foi.summary_tables(returns)
    s = one(tables["share_missing"], cohort="trafficked")
    assert s["numerator_all"] == 27  # every authority's went missing: published
    # the auditor's recovery: numerator_all - numerator (27 - 24); the numerator and what gives it are hidden
    assert s["numerator"] == MARKER
    assert s["share_pct"] == MARKER and s["ci_low_pct"] == MARKER and s["ci_high_pct"] == MARKER
    assert s["denominator"] == 75  # in care: nothing small there
    assert "numerator hidden" in s["basis"] and "Gamma" not in s["basis"]
    f = tables["figures"]
    sh = one(f, figure="share_missing", cohort="trafficked")
    assert sh["numerator"] == MARKER and sh["value"] == MARKER
    gone = one(f, figure="went_missing", cohort="trafficked")
    assert gone["value"] == 27 and gone["share_pct"] == MARKER
    assert one(tables["totals"], measure="went_missing")["total"] == 27
    _no_small_differences(tables)
    # the library function on its own hides it too
    assert one(foi.share_missing(returns), cohort="trafficked")["numerator"] == MARKER
    # unsuppressed (internal use): every number
    raw = one(foi.share_missing(returns, suppress=False), cohort="trafficked")
    assert (raw["numerator"], raw["numerator_all"]) == (24, 27)


def test_share_numerator_hidden_in_the_cli(cli, tmp_path):
    path = _path(tmp_path, "t1.csv", SHARE_GAP)
    s = _row(_csv(cli, path, "share_missing"), cohort="trafficked")
    assert s["numerator_all"] == "27" and s["numerator"] == "[c]" and s["share_pct"] == "[c]"
    f = _csv(cli, path, "figures")
    assert _row(f, figure="share_missing", cohort="trafficked")["numerator"] == "[c]"
    assert _row(f, figure="went_missing", cohort="trafficked")["value"] == "27"
    assert _row(_csv(cli, path, "totals"), measure="went_missing")["total"] == "27"
    raw = _row(_csv(cli, path, "share_missing", "--no-suppress"), cohort="trafficked")
    assert raw["numerator"] == "24"


# -- 5. still missing: the "all" row less a cohort, in any table ------------------------------------

def test_still_missing_cohort_cannot_be_worked_out_from_all(tmp_path):
    returns = _returns(tmp_path, "still.csv", STILL)
    tables = foi.summary_tables(returns)
    st = tables["still_missing"]
    al, tr, un = one(st, cohort="all"), one(st, cohort="trafficked"), one(st, cohort="unaccompanied")
    assert al["still_missing"] == 23
    assert tr["still_missing"] == MARKER  # 3: primary
    # the auditor's recoveries: all - unaccompanied, in every column and every table that shows them
    assert un["still_missing"] == MARKER and un["mean_per_authority"] == MARKER
    assert un["still_missing_matched"] == MARKER and un["still_missing_pct"] == MARKER
    assert un["largest"] == MARKER  # all's largest (one authority, both cohorts) less its unaccompanied
    assert "hidden" in un["basis"]
    t = one(tables["totals"], cohort="unaccompanied", measure="still_missing")
    assert t["total"] == MARKER and t["total_low"] == MARKER and t["total_high"] == MARKER
    assert t["mean_per_authority_with_any"] == MARKER and t["largest"] == MARKER
    f = tables["figures"]
    for fig in ("still_missing", "largest_still_missing", "mean_still_missing"):
        assert one(f, figure=fig, cohort="unaccompanied")["value"] == MARKER, fig
    assert one(f, figure="still_missing", cohort="unaccompanied")["share_pct"] == MARKER
    assert one(f, figure="still_missing", cohort="all")["value"] == 23
    _no_small_differences(tables)
    raw = foi.still_missing(returns, suppress=False)
    assert one(raw, cohort="unaccompanied")["still_missing"] == 20 and one(raw, cohort="trafficked")["still_missing"] == 3


def test_still_missing_hidden_in_the_cli(cli, tmp_path):
    path = _path(tmp_path, "still.csv", STILL)
    st = _csv(cli, path, "still_missing")
    assert _row(st, cohort="all")["still_missing"] == "23"
    un = _row(st, cohort="unaccompanied")
    assert (un["still_missing"], un["still_missing_matched"], un["still_missing_pct"]) == ("[c]", "[c]", "[c]")
    t = _row(_csv(cli, path, "totals"), cohort="unaccompanied", measure="still_missing")
    assert (t["total"], t["total_low"], t["mean_per_authority_with_any"]) == ("[c]", "[c]", "[c]")
    assert _row(_csv(cli, path, "figures"), figure="still_missing", cohort="unaccompanied")["value"] == "[c]"
    raw = _row(_csv(cli, path, "still_missing", "--no-suppress"), cohort="unaccompanied")
    assert raw["still_missing"] == "20"


# -- 6. durations: the over-a-week numerator undoes the hidden bands --------------------------------

def test_share_over_a_week_does_not_undo_hidden_bands(tmp_path):
    returns = _returns(tmp_path, "dur.csv", DURATIONS)
    tables = foi.summary_tables(returns)
    d = tables["durations"]
    assert one(d, band="under_24h")["episodes"] == MARKER and one(d, band="1_to_7_days")["episodes"] == 20
    assert one(d, band="over_7_days")["episodes"] == MARKER
    w = one(tables["figures"], figure="share_over_a_week", cohort="trafficked")
    # the auditor's recovery: denominator - 1_to_7_days - numerator (33 - 20 - 10)
    assert w["numerator"] == MARKER and w["value"] == MARKER
    assert "hidden" in w["basis"]
    # the bands' totals over the same authorities are hidden in the totals table as well
    tot = tables["totals"]
    assert one(tot, measure="duration_under_24h")["total"] == MARKER
    assert one(tot, measure="duration_over_7_days")["total"] == MARKER
    _no_small_differences(tables)
    raw = one(foi.figures(returns, suppress=False), figure="share_over_a_week", cohort="trafficked")
    assert (raw["numerator"], raw["denominator"]) == (10, 33)


def test_share_over_a_week_hidden_in_the_cli(cli, tmp_path):
    path = _path(tmp_path, "dur.csv", DURATIONS)
    w = _row(_csv(cli, path, "figures"), figure="share_over_a_week", cohort="trafficked")
    assert w["numerator"] == "[c]" and w["value"] == "[c]"
    d = _csv(cli, path, "durations")
    assert [r["episodes"] for r in d] == ["[c]", "20", "[c]"]
    raw = _row(_csv(cli, path, "figures", "--no-suppress"), figure="share_over_a_week", cohort="trafficked")
    assert raw["numerator"] in ("10", "10.0")


def test_sample_band_totals_agree_with_hidden_bands():
    """The sample's 2016 unaccompanied bands: two authorities gave some bands but not all, so the
    totals table's band totals (every authority giving the band) and the durations table's bands
    (authorities giving every band) differ by a few episodes: one of each pair is hidden."""
    from foi_data import SAMPLE_XLSX

    returns = foi.read_returns(SAMPLE_XLSX)
    tot = foi.totals(returns, wave="2016")
    d = foi.durations(returns, wave="2016")
    for c in ("trafficked", "unaccompanied"):
        for band in ("under_24h", "1_to_7_days", "over_7_days"):
            a = _num(one(tot, cohort=c, measure="duration_" + band)["total"])
            b = _num(one(d, cohort=c, band=band)["episodes"])
            if a is not None and b is not None:
                assert not (0 < abs(a - b) < 5), (c, band)


# -- 12. the mean's and the count's basis are the authorities they are computed on ------------------

def test_mean_went_missing_basis_is_its_authorities(tmp_path):
    returns = _returns(tmp_path, "mean.csv", MEAN)
    f = foi.figures(returns)
    mean = one(f, figure="mean_went_missing", cohort="trafficked")
    total = one(f, figure="went_missing", cohort="trafficked")["value"]
    assert mean["value"] == 15 and mean["n_authorities"] == 2
    assert mean["value"] * mean["n_authorities"] == total  # the mean is over the authorities stated
    assert mean["basis"].startswith("2 authorities")
    anyone = one(f, figure="authorities_with_missing", cohort="trafficked")
    # Alpha, Beta and Gamma's range show one or more; the basis is the 3 that gave a number or a range
    assert anyone["value"] == 3 and anyone["n_authorities"] == 3 and anyone["basis"].startswith("3 authorities")
    t = one(foi.totals(returns), measure="went_missing")
    assert (t["authorities_with_any"], t["n_authorities_mean"], t["mean_per_authority_with_any"]) == (3, 2, 15)


def test_mean_went_missing_basis_in_the_cli(cli, tmp_path):
    path = _path(tmp_path, "mean.csv", MEAN)
    f = _csv(cli, path, "figures")
    mean = _row(f, figure="mean_went_missing", cohort="trafficked")
    assert float(mean["value"]) == 15 and mean["n_authorities"] == "2"
    anyone = _row(f, figure="authorities_with_missing", cohort="trafficked")
    assert float(anyone["value"]) == 3 and anyone["n_authorities"] == "3"


@pytest.mark.parametrize("text", [SHARE_GAP, STILL, DURATIONS, MEAN])
def test_no_suppress_shows_every_count(tmp_path, text):
    returns = _returns(tmp_path, "r.csv", text)
    for name, frame in foi.summary_tables(returns, suppress=False).items():
        assert not (frame.astype(str) == MARKER).any().any(), name
