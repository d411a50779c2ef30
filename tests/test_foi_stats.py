"""FOI statistics against independent references: statsmodels, and a published worked example."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from surveykit.errors import UsageError
from surveykit.foi.change import parse_reference
from surveykit.foi.intervals import newcombe_difference, ratio_to_rate, risk_ratio, two_proportions, wilson


@pytest.mark.parametrize("x,n", [(167, 590), (593, 4744), (0, 12), (12, 12), (1, 3), (378, 1231), (15, 60)])
@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.99])
def test_wilson_matches_statsmodels(x, n, confidence):
    lo, hi = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert wilson(x, n, confidence=confidence) == pytest.approx((lo, hi), abs=1e-12)


@pytest.mark.parametrize("x1,n1,x2,n2", [(378, 1231, 167, 590), (864, 2638, 378, 1231), (9, 30, 4, 28), (3, 40, 0, 35)])
def test_two_proportion_test_matches_statsmodels(x1, n1, x2, n2):
    t = two_proportions(x1, n1, x2, n2)
    z, p = proportions_ztest([x1, x2], [n1, n2])  # pooled variance, two-sided
    assert t.statistic == pytest.approx(z)
    assert t.p_value == pytest.approx(p)
    lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert (t.ci_low, t.ci_high) == pytest.approx((lo, hi), abs=1e-10)
    assert newcombe_difference(x1, n1, x2, n2) == pytest.approx((lo, hi), abs=1e-10)


def test_risk_ratio_against_a_published_worked_example():
    """Sahai H. & Khurshid A. (1996) Statistics in Epidemiology, CRC Press, Example 3.1 (the Evans
    County study: coronary heart disease by catecholamine level): 27 of 122 high-CAT and 44 of 487
    low-CAT men had CHD. Published: relative risk 2.4495, 95% interval 1.5837 to 3.7887 (the log
    method of Katz et al. 1978); the same numbers are SciPy's relative_risk documentation example."""
    rr, lo, hi = risk_ratio(27, 122, 44, 487)
    assert round(rr, 4) == 2.4495
    assert round(lo, 4) == 1.5837
    assert round(hi, 4) == 3.7887


def test_ratio_to_a_bare_rate_uses_the_wilson_interval_of_the_share():
    rr, lo, hi = ratio_to_rate(167, 590, 0.06)
    wl, wh = wilson(167, 590)
    assert (rr, lo, hi) == pytest.approx((167 / 590 / 0.06, wl / 0.06, wh / 0.06))


def test_undefined_cases_give_nan_not_errors():
    assert all(math.isnan(v) for v in wilson(0, 0))
    assert all(math.isnan(v) for v in risk_ratio(3, 10, 0, 10))
    rr, lo, hi = risk_ratio(0, 10, 3, 10)
    assert rr == 0 and math.isnan(lo)
    assert math.isnan(two_proportions(1, 0, 1, 2).p_value)
    with pytest.raises(UsageError, match="confidence must be between 0 and 1"):
        wilson(1, 2, confidence=95)


@pytest.mark.parametrize("text,rate,events,total", [
    ("6110/99230", 6110 / 99230, 6110, 99230), ("6,110 of 99,230", 6110 / 99230, 6110, 99230),
    ("6%", 0.06, None, None), ("0.06", 0.06, None, None), (0.06, 0.06, None, None)])
def test_reference_rates(text, rate, events, total):
    ref = parse_reference(text)
    assert (ref.rate, ref.events, ref.total) == (pytest.approx(rate), events, total)


@pytest.mark.parametrize("bad", ["lots", "0", "150%", "7/5", 6])
def test_bad_reference_rates_name_the_parameter(bad):
    with pytest.raises(UsageError, match="reference"):
        parse_reference(bad)
