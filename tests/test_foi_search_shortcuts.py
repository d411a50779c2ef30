"""Three shortcuts of the FOI tables' protection, each against the plain definition it replaces.

- ``AuthorityReturn.value`` reads a table of the counted values made once per return; it must give
  what the return's parsed cell gives (``cell(...).value``) for every cohort and measure, asked or not.
- ``linked._zero_one_choices`` builds with numpy the 0/1 vectors the search tries; it must be the
  array ``itertools.product`` gave, row for row (the search takes the first pick in that order).
- ``AuthorityReturn.counted`` holds the counted values only, and the guard's helpers test it once per
  authority (``_counted``, ``_sum``, ``_key``, ``_largest_key``, ``_band_keys``); each must give what
  asking ``value`` for every measure gives, in the same order.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from foi_data import HAND_2020, SAMPLE_CSV, SAMPLE_XLSX, write

from surveykit import foi
from surveykit.foi.guard import _band_keys, _counted, _key, _largest_key, _sum
from surveykit.foi.linked import _zero_one_choices
from surveykit.foi.schema import BASE_MEASURES, COHORTS


@pytest.mark.parametrize("source", ["sample csv", "sample xlsx", "hand-made"])
def test_value_is_the_cells_value_for_every_cohort_and_measure(source, tmp_path):
    path = {"sample csv": SAMPLE_CSV, "sample xlsx": SAMPLE_XLSX}.get(source) or write(tmp_path / "2020.csv", HAND_2020)
    returns = foi.read_returns([path])
    asked = 0
    for wave in returns.waves:
        for r in returns.in_wave(wave):
            keys = set(r.cells) | {(c, m) for c in (*COHORTS, "no such cohort") for m in (*BASE_MEASURES, "no such measure")}
            for cohort, measure in keys:
                assert r.value(cohort, measure) == r.cell(cohort, measure).value, (cohort, measure)
                asked += 1
    assert asked > 100
    # the hand-made file's cells, as its comment in foi_data works them out
    if source == "hand-made":
        by_id = {r.authority_id: r for r in returns.in_wave("2020")}
        assert by_id["A4"].value("trafficked", "in_care") == 30  # "approx. 30" is counted
        assert by_id["A6"].value("trafficked", "in_care") is None  # "<5" is not
        assert by_id["A3"].value("trafficked", "went_missing") is None  # "n/a"
        assert by_id["A6"].value("trafficked", "went_missing") == 0


@pytest.mark.parametrize("size", range(1, 15))
def test_zero_one_choices_are_itertools_products_order(size):
    expected = np.array(list(itertools.product((0.0, 1.0), repeat=size))[1:])
    got = _zero_one_choices(size)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("source", ["sample xlsx", "hand-made"])
def test_the_guards_helpers_give_what_asking_value_for_each_measure_gives(source, tmp_path):
    path = SAMPLE_XLSX if source == "sample xlsx" else write(tmp_path / "2020.csv", HAND_2020)
    returns = foi.read_returns([path])
    measures = [*BASE_MEASURES, "no such measure"]
    cohorts = [*COHORTS, "no such cohort"]
    checked = 0
    for wave in returns.waves:
        recs = returns.in_wave(wave)
        for r in recs:
            assert dict(r.counted) == {(c, m): r.value(c, m) for c in cohorts for m in measures
                                       if r.value(c, m) is not None} | \
                {k: r.value(*k) for k in r.cells if r.value(*k) is not None}
        for c in cohorts:
            for size in (0, 1, 2, 3):
                for ms in itertools.combinations(measures, size):
                    given = [r for r in recs if all(r.value(c, m) is not None for m in ms)]
                    assert _counted(recs, c, *ms) == given, (c, ms)
                    checked += len(given)
            for m in measures:
                assert _sum(recs, c, m) == sum(r.value(c, m) or 0 for r in recs)
                for also in ((), ("in_care",), ("went_missing", "episodes")):
                    want = frozenset((i, k) for i, r in enumerate(recs) for k in (c, "trafficked")
                                     if r.value(k, m) is not None and all(r.value(k, o) is not None for o in also))
                    assert _key(recs, [c, "trafficked"], m, *also) == (m, want)
                best, best_v = None, None
                for i, r in enumerate(recs):
                    cs = [k for k in (c, "unaccompanied") if r.value(k, m) is not None]
                    if cs and (best_v is None or sum(r.value(k, m) for k in cs) > best_v):
                        best, best_v = frozenset((i, k) for k in cs), sum(r.value(k, m) for k in cs)
                assert _largest_key(recs, [c, "unaccompanied"], m) == (None if best is None else (m, best))
            bands = [m for m in measures if m != "in_care"][:3]
            basis = [i for i, r in enumerate(recs) if all(r.value(c, b) is not None for b in bands)]
            total, parts = _band_keys(recs, c, bands)
            assert total[1] == frozenset((i, c) for i in basis)
            assert [p[1] for p in parts] == [frozenset((i, c) for i in basis)] * len(bands)
    assert checked > (1000 if source == "sample xlsx" else 20)
