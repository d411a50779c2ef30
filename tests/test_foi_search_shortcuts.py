"""Two shortcuts of the FOI tables' protection, each against the plain definition it replaces.

- ``AuthorityReturn.value`` reads a table of the counted values made once per return; it must give
  what the return's parsed cell gives (``cell(...).value``) for every cohort and measure, asked or not.
- ``linked._zero_one_choices`` builds with numpy the 0/1 vectors the search tries; it must be the
  array ``itertools.product`` gave, row for row (the search takes the first pick in that order).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from foi_data import HAND_2020, SAMPLE_CSV, SAMPLE_XLSX, write

from surveykit import foi
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
