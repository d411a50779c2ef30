"""The secondary search's screen (``disclosure_algebra._System.cannot_free``, issue 14: a report of 2,000
respondents by region asked the exact check 9,589 times, most of them about candidates that could
not free the count in question).

Two checks against the exact question the search asks of each candidate (``determined``, an SVD of
the unknowns' equations): every candidate the screen rules out leaves the count determined when it is
hidden too; and the whole search, with the screen and with a system that rules nothing out, hides the
same cells, on random tables with the equations the report publishes (group bases, an "all" column,
guarded means and standard deviations, blank counts never published).
"""

from __future__ import annotations

import random

import pytest

from surveykit import disclosure
from surveykit.disclosure import Equation, determined, find_suppressed


def _table(rng: random.Random):
    """An item over groups as ``protect_item`` sees it: counts c[i, g] with group 0 the "all" column,
    valid bases, guarded mean and SD equations (non-integer coefficients), blank counts."""
    n_opt, n_grp = rng.randint(2, 6), rng.randint(2, 7)
    values, eqs = {}, []
    for g in range(1, n_grp):
        for i in range(n_opt):
            values[("c", i, g)] = float(rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 30]))
    for i in range(n_opt):
        values[("c", i, 0)] = sum(values[("c", i, g)] for g in range(1, n_grp))
        eqs.append(Equation(tuple((("c", i, g), 1.0) for g in range(1, n_grp)) + ((("c", i, 0), -1.0),)))
    for g in range(n_grp):
        n = sum(values[("c", i, g)] for i in range(n_opt - 1))  # the last option is Don't know
        values[("n", g)] = n
        eqs.append(Equation(tuple((("c", i, g), 1.0) for i in range(n_opt - 1)) + ((("n", g), -1.0),)))
        eqs.append(Equation(((("n", g), 1.0), (("b", g), 1.0), (("c", n_opt - 1, g), 1.0))))
        mean = sum((i + 1) * values[("c", i, g)] for i in range(n_opt - 1)) / n if n else 0.0
        values[("mean", g)] = mean
        eqs.append(Equation(tuple((("c", i, g), float(i + 1)) for i in range(n_opt - 1)) + ((("n", g), -mean),),
                            guard=("mean", g)))
        var = rng.uniform(0.2, 3.0)
        values[("sd", g)] = var
        eqs.append(Equation(tuple((("c", i, g), float(i + 1) ** 2) for i in range(n_opt - 1))
                            + ((("n", g), -(var + mean ** 2)),), guard=("sd", g)))
    counts = [k for k in values if k[0] in ("c", "n")]
    hidden = [("b", g) for g in range(n_grp)]
    return values, eqs, counts, hidden


class _AskEveryCandidate(disclosure._System):
    def cannot_free(self, suppressed, hidden, j, candidates):
        return [False] * len(candidates)


@pytest.mark.parametrize("seed", range(40))
def test_the_search_hides_the_same_cells_with_and_without_the_screen(seed, monkeypatch):
    rng = random.Random(seed)
    for _ in range(5):
        values, eqs, counts, hidden = _table(rng)
        screened = find_suppressed(values, eqs, threshold=5, counts=counts, hidden=hidden)
        with monkeypatch.context() as m:
            m.setattr(disclosure, "_System", _AskEveryCandidate)
            asked = find_suppressed(values, eqs, threshold=5, counts=counts, hidden=hidden)
        assert screened == asked


def test_a_candidate_ruled_out_leaves_the_count_determined():
    rng = random.Random(1000)
    ruled_out = freed_after_all = 0
    for _ in range(200):
        values, eqs, counts, hidden = _table(rng)
        system = disclosure._System(eqs)
        guards = {eq.guard for eq in eqs if eq.guard is not None}
        suppressed = sorted(rng.sample(counts, rng.randint(1, max(1, len(counts) // 3))), key=repr)
        for j in determined(suppressed, eqs, hidden):
            candidates = [k for k in counts if k not in suppressed and k not in guards]
            for k, sure in zip(candidates, system.cannot_free(suppressed, hidden, j, candidates)):
                freed = j not in determined(sorted([*suppressed, k], key=repr), eqs, hidden)
                if sure:
                    ruled_out += 1
                    assert not freed, (j, k)
                elif freed:
                    freed_after_all += 1
    # the check is not empty: many candidates are ruled out, and others do free the count
    assert ruled_out > 1000 and freed_after_all > 100, (ruled_out, freed_after_all)


def test_a_candidate_in_no_equation_or_in_another_equation_cannot_free():
    eqs = [Equation(((("a",), 1.0), (("b",), 1.0))), Equation(((("a",), 1.0),)),
           Equation(((("x",), 1.0), (("y",), 1.0), (("z",), -1.0)))]
    system = disclosure._System(eqs)
    assert determined([("a",)], eqs) == [("a",)]
    # b shares a's first equation but a's second pins a alone; x and y share no equation with a
    assert system.cannot_free([("a",)], [], ("a",), [("b",), ("x",), ("nowhere",)]) == [True, True, True]
    # a + b and a + c shown, a and c hidden: a is b's total less b; hiding b too frees a, and the
    # screen does not rule b out
    chain = [Equation(((("a",), 1.0), (("b",), 1.0))), Equation(((("a",), 1.0), (("c",), 1.0)))]
    assert determined([("a",), ("c",)], chain) == [("a",), ("c",)]
    assert disclosure._System(chain).cannot_free([("a",), ("c",)], [], ("a",), [("b",)]) == [False]
    assert ("a",) not in determined([("a",), ("b",), ("c",)], chain)
