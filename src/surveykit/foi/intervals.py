"""Intervals and tests for shares of children: Wilson, Newcombe, two proportions, risk ratios.

* ``wilson(x, n)``: the Wilson score interval (Wilson 1927), good for small n and shares near 0 or 1.
* ``newcombe_difference(x1, n1, x2, n2)``: the interval of p1 - p2 from the two Wilson intervals
  (Newcombe 1998, method 10).
* ``two_proportions(...)``: the pooled z-test of p1 = p2 (``surveykit.stats.two_proportion_z``) with
  the Newcombe interval of the difference.
* ``risk_ratio(x1, n1, x2, n2)``: p1 / p2 with the log interval of Katz et al. (1978):
  exp(log RR +- z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)).
* ``ratio_to_rate(x, n, rate)``: p / rate for a reference rate known without its counts; the
  interval is the Wilson interval of p divided by the rate (the reference taken as exact).

Every function returns NaN (not an error) when its numbers leave it undefined (n = 0, x = 0 for a
log interval): tables show the gap, the caller decides what to say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def check_confidence(confidence: float) -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        from surveykit.errors import UsageError

        raise UsageError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence!r}")
    return confidence


def _z(confidence: float) -> float:
    from statistics import NormalDist  # the standard library's: no scipy import for an interval

    return NormalDist().inv_cdf(0.5 + check_confidence(confidence) / 2)


def wilson(x: float, n: float, *, confidence: float = 0.95) -> tuple[float, float]:
    """(low, high) of the Wilson score interval for x successes out of n."""
    if n <= 0:
        return float("nan"), float("nan")
    z = _z(confidence)
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(x1: float, n1: float, x2: float, n2: float, *,
                        confidence: float = 0.95) -> tuple[float, float]:
    """(low, high) of p1 - p2 by Newcombe's hybrid score method (from the two Wilson intervals)."""
    if n1 <= 0 or n2 <= 0:
        return float("nan"), float("nan")
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, confidence=confidence)
    l2, u2 = wilson(x2, n2, confidence=confidence)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


@dataclass(frozen=True)
class ProportionTest:
    """Two shares compared: z and p of the pooled z-test, and the interval of their difference."""

    p1: float
    p2: float
    difference: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    test: str = "two_proportion_z"


def two_proportions(x1: float, n1: float, x2: float, n2: float, *, confidence: float = 0.95) -> ProportionTest:
    """Is share 1 different from share 2? (independent samples; pooled z-test, Newcombe interval)."""
    from surveykit.stats import two_proportion_z

    nan = float("nan")
    if n1 <= 0 or n2 <= 0:
        return ProportionTest(nan, nan, nan, nan, nan, nan, nan)
    z, p = two_proportion_z(int(x1), int(n1), int(x2), int(n2))
    lo, hi = newcombe_difference(x1, n1, x2, n2, confidence=confidence)
    return ProportionTest(x1 / n1, x2 / n2, x1 / n1 - x2 / n2, lo, hi, float(z), float(p))


def risk_ratio(x1: float, n1: float, x2: float, n2: float, *,
               confidence: float = 0.95) -> tuple[float, float, float]:
    """(ratio, low, high): (x1/n1) / (x2/n2) with the Katz log interval."""
    nan = float("nan")
    if n1 <= 0 or n2 <= 0 or x2 <= 0:
        return nan, nan, nan
    rr = (x1 / n1) / (x2 / n2)
    if x1 <= 0:
        return rr, nan, nan
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    z = _z(confidence)
    return rr, math.exp(math.log(rr) - z * se), math.exp(math.log(rr) + z * se)


def ratio_to_rate(x: float, n: float, rate: float, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """(ratio, low, high): (x/n) / rate, the interval from the Wilson interval of x/n."""
    nan = float("nan")
    if n <= 0 or rate <= 0:
        return nan, nan, nan
    lo, hi = wilson(x, n, confidence=confidence)
    return (x / n) / rate, lo / rate, hi / rate
