"""``disclosure.forced_zeros`` repeats its all-at-once linear programme over the candidates it leaves
at 0 before trying any one alone (issue 14: a real export's report ran 1,921 programmes, now 216).
The zeros it finds are those of maximising every candidate on its own, on random tables."""

from __future__ import annotations

import itertools
import random

import numpy as np


def _zeros_one_by_one(truth, equations, suppressed):
    """Every hidden count with true value 0 whose largest value over the non-negative tables fitting
    the shown equations is 0: one linear programme per count (the definition)."""
    from scipy.optimize import linprog

    unknown = sorted({k for eq in equations for k, _ in eq.terms if k in suppressed}, key=repr)
    col = {k: i for i, k in enumerate(unknown)}
    # Each equation with its published terms moved to the right-hand side (they sum to 0 in all).
    a = np.zeros((len(equations), len(unknown)))
    b = np.zeros(len(equations))
    for r, eq in enumerate(equations):
        for k, c in eq.terms:
            if k in col:
                a[r, col[k]] += c
            else:
                b[r] -= c * truth[k]
    used = a.any(axis=1)
    a, b = a[used], b[used]
    zeros = set()
    for k in unknown:
        if truth[k] != 0 or not len(a):
            continue
        goal = np.zeros(len(unknown))
        goal[col[k]] = -1.0
        best = linprog(goal, A_eq=a, b_eq=b, bounds=[(0, None)] * len(unknown))
        if best.status == 0 and -best.fun <= 1e-7:
            zeros.add(k)
    return frozenset(zeros)


def _table(rng, n_rows, n_cols):
    """A two-way table with row and column totals and a grand total, many zeros, and its equations."""
    from surveykit.disclosure import Equation

    truth = {}
    for r, c in itertools.product(range(n_rows), range(n_cols)):
        truth[(r, c)] = rng.choice([0, 0, 0, 1, 2, 3, 6, 9])
    for r in range(n_rows):
        truth[("row", r)] = sum(truth[(r, c)] for c in range(n_cols))
    for c in range(n_cols):
        truth[("col", c)] = sum(truth[(r, c)] for r in range(n_rows))
    truth["all"] = sum(truth[("row", r)] for r in range(n_rows))
    eqs = [Equation(tuple(((r, c), 1.0) for c in range(n_cols)) + ((("row", r), -1.0),)) for r in range(n_rows)]
    eqs += [Equation(tuple(((r, c), 1.0) for r in range(n_rows)) + ((("col", c), -1.0),)) for c in range(n_cols)]
    eqs.append(Equation(tuple((("row", r), 1.0) for r in range(n_rows)) + (("all", -1.0),)))
    return truth, eqs


def test_the_zeros_are_those_of_maximising_each_count_alone():
    from surveykit.disclosure import forced_zeros

    rng = random.Random(20261207)
    found_some = 0
    for _ in range(150):
        truth, eqs = _table(rng, rng.randint(2, 5), rng.randint(2, 5))
        keys = list(truth)
        suppressed = frozenset(k for k in keys if rng.random() < 0.55)
        want = _zeros_one_by_one(truth, eqs, suppressed)
        assert forced_zeros(truth, eqs, suppressed) == want, (truth, sorted(suppressed, key=repr))
        found_some += bool(want)
    assert found_some > 10  # the tables exercise the case, not only its absence


def test_one_round_certifies_every_count_that_can_be_above_0(monkeypatch):
    """A shown total of 1 over one count of 1 and twelve hidden counts of 0: each of the twelve can be
    1 on its own, and never two at once. With each candidate capped at 1 a round's solution puts one
    at 1 and certified one candidate per round (12 programmes); capped at 1/12, the average of the
    twelve solutions has all of them at 1/12, so one programme certifies them all."""
    import scipy.optimize

    from surveykit.disclosure import Equation, forced_zeros

    keys = [("c", i) for i in range(13)]
    truth = {k: 0.0 for k in keys} | {("c", 0): 1.0, "total": 1.0}
    eqs = [Equation(tuple((k, 1.0) for k in keys) + (("total", -1.0),))]
    calls = []
    real = scipy.optimize.linprog
    monkeypatch.setattr(scipy.optimize, "linprog", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert forced_zeros(truth, eqs, frozenset(keys)) == frozenset()
    assert len(calls) == 1
    # and with the count of 1 shown, all twelve are known zeros: one programme proves it
    calls.clear()
    assert forced_zeros(truth, eqs, frozenset(keys[1:])) == frozenset(keys[1:])
    assert len(calls) == 1
