"""The disclosure search built once per search (``disclosure_algebra._System``, issue 14: the report runs it
hundreds of times) answers exactly as the row-by-row construction it replaced, kept here as the
reference: the same matrix goes to the same SVD, so every decision is the same."""

from __future__ import annotations

import random

import numpy as np
import pytest

from surveykit import disclosure, disclosure_algebra
from surveykit.disclosure import Equation, determined, find_suppressed


def _reference_determined(suppressed, equations, hidden=()):
    unknown = list(suppressed) + [h for h in hidden if h not in set(suppressed)]
    index = {k: i for i, k in enumerate(unknown)}
    rows = []
    for eq in equations:
        if eq.guard is not None and eq.guard in index:
            continue
        row = np.zeros(len(unknown))
        for k, c in eq.terms:
            if k in index:
                row[index[k]] += c
        if np.any(row):
            rows.append(row)
    if not rows or not suppressed:
        return []
    a = np.array(rows)
    _, s, vt = np.linalg.svd(a)
    tol = max(a.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0) * 10
    rank = int(np.sum(s > tol))
    null = vt[rank:].T
    return [k for i, k in enumerate(suppressed) if null.shape[1] == 0 or np.linalg.norm(null[i]) < 1e-9]


def _random_system(rng: random.Random):
    n_rows, n_cols = rng.randint(1, 5), rng.randint(1, 5)
    keys = [("c", r, c) for r in range(n_rows) for c in range(n_cols)]
    eqs = [Equation(tuple((("c", r, c), 1.0) for c in range(n_cols)) + ((("n", r), -1.0),)) for r in range(n_rows)]
    eqs += [Equation(tuple((("c", r, c), 1.0) for r in range(n_rows))) for c in range(n_cols)]
    # a mean-like equation with a guard, and a term named twice (its coefficients add up)
    for r in range(n_rows):
        mean = rng.uniform(1, 5)
        eqs.append(Equation(tuple((("c", r, c), float(c + 1)) for c in range(n_cols)) + ((("n", r), -mean),),
                            guard=("mean", r)))
    eqs.append(Equation(((keys[0], 0.5), (keys[0], 0.25), (keys[-1], -1.0))))
    return keys, eqs


@pytest.mark.parametrize("seed", range(60))
def test_determined_equals_the_row_by_row_reference(seed):
    rng = random.Random(seed)
    keys, eqs = _random_system(rng)
    extra = [("mean", r) for r in range(3)] + [("n", r) for r in range(3)] + [("nowhere", 1)]
    pool = keys + extra
    for _ in range(20):
        suppressed = sorted(rng.sample(pool, rng.randint(0, len(pool))), key=repr)
        hidden = rng.sample(pool, rng.randint(0, 3))
        hidden = hidden + hidden[:1]  # a key listed twice
        assert determined(suppressed, eqs, hidden) == _reference_determined(suppressed, eqs, hidden)
        assert determined(suppressed, iter(eqs), hidden) == _reference_determined(suppressed, eqs, hidden)


def test_no_equation_determines_nothing():
    assert determined([("c", 0, 0)], []) == []
    assert determined([], [Equation(((("c", 0, 0), 1.0),))]) == []
    # an equation with the unknown alone fixes it
    assert determined([("c", 0, 0)], [Equation(((("c", 0, 0), 1.0),))]) == [("c", 0, 0)]


def test_find_suppressed_matches_the_reference_search(monkeypatch):
    """The whole greedy search, run once with the matrix built once and once through the reference
    ``determined`` for every question: the same cells are hidden."""
    rng = random.Random(7)
    for _ in range(25):
        n_rows, n_cols = rng.randint(2, 5), rng.randint(2, 5)
        values = {(r, c): float(rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30])) for r in range(n_rows) for c in range(n_cols)}
        eqs = [Equation(tuple(((r, c), 1.0) for c in range(n_cols))) for r in range(n_rows)]
        eqs += [Equation(tuple(((r, c), 1.0) for r in range(n_rows))) for c in range(n_cols)]
        fast = find_suppressed(values, eqs, threshold=5, counts=list(values))

        class Reference:
            def __init__(self, equations):
                self.equations = list(equations)

            def determined(self, suppressed, hidden=()):
                return _reference_determined(suppressed, self.equations, hidden)

            def cannot_free(self, suppressed, hidden, j, candidates):
                return [False] * len(candidates)  # rules nothing out: every candidate is asked

        with monkeypatch.context() as m:
            m.setattr(disclosure, "_System", Reference)
            slow = find_suppressed(values, eqs, threshold=5, counts=list(values))
        assert fast == slow
        # and the protection holds: no hidden cell can be worked out
        assert _reference_determined(sorted(fast.suppressed, key=repr), eqs) == []


def test_a_system_asked_again_is_answered_from_the_memo(monkeypatch):
    """``_det`` keeps each matrix's answer (the items of a report share scales and groups, so the same
    systems come back): a repeat makes no new SVD, answers with the keys of the repeat (the same
    places, other names), and the memo stays within its bound."""
    monkeypatch.setattr(disclosure_algebra, "_DET_MEMO", {})
    monkeypatch.setattr(disclosure_algebra, "_DET_MEMO_SIZE", 3)
    calls = []
    real = disclosure_algebra._determined_places
    monkeypatch.setattr(disclosure_algebra, "_determined_places", lambda a, n: calls.append(n) or real(a, n))
    eqs = [Equation(((("a",), 1.0), (("b",), 1.0))), Equation(((("a",), 1.0),))]
    other = [Equation(((("x",), 1.0), (("y",), 1.0))), Equation(((("x",), 1.0),))]
    assert determined([("a",), ("b",)], eqs) == [("a",), ("b",)]
    assert determined([("x",), ("y",)], other) == [("x",), ("y",)]  # the same matrix: no new SVD
    assert len(calls) == 1
    for k in range(5):  # distinct systems push the oldest answers out
        keys = [("k", j) for j in range(k + 2)]
        system = [Equation(tuple((key, 1.0) for key in keys))]
        assert determined(keys, system) == _reference_determined(keys, system)
    assert len(disclosure_algebra._DET_MEMO) <= 3
