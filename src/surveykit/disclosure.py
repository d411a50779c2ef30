"""Statistical disclosure control for published tables.

Rule (primary suppression): a count of respondents from 1 to ``threshold - 1`` (default: fewer than
5) is replaced by ``MARKER``, and so is every percentage built on it. Zero is shown.

Secondary suppression: a published table also publishes *relations* between its numbers: a group's
valid base is the sum of its option counts, the "all" column is the sum of the group columns, a
percentage times its base is a count, a mean times the base is a weighted sum of counts (and a SD
another one). A suppressed count is recoverable exactly when it is determined by those linear
equations with the shown numbers known, i.e. when its unit vector lies in the row space of the
equations restricted to the suppressed unknowns (equivalently: every vector of the null space is zero
there). ``find_suppressed`` adds suppressions greedily (derived statistics first, then the smallest
counts in the same equations) until no suppressed value is determined.

Blank (no answer) counts are shown and not suppressed (they are not answers). Protection holds
for each table on its own: numbers published in other tables are not part of the equations.
Medians are not modelled as equations; they are suppressed with the mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Hashable, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MARKER = "[c]"
DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class Equation:
    """``sum(coef * value) == constant`` over published quantities (the constant is known).

    ``guard``: the equation is published only while this key (a derived statistic such as a mean)
    is shown; suppressing the guard removes the equation."""

    terms: tuple[tuple[Hashable, float], ...]
    guard: Hashable | None = None


@dataclass(frozen=True)
class Protection:
    suppressed: frozenset = field(default_factory=frozenset)
    primary: frozenset = field(default_factory=frozenset)


def is_primary(value: float, threshold: int) -> bool:
    return 0 < value < threshold


def determined(suppressed: Sequence[Hashable], equations: Iterable[Equation],
               hidden: Iterable[Hashable] = ()) -> list[Hashable]:
    """The suppressed keys whose value the active equations fix uniquely (given every other key
    known, except ``hidden`` ones: quantities that are never published)."""
    import numpy as np

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
        return []  # no equation touches the unknowns: nothing is determined
    return _det(rows, suppressed)


def _det(rows: list, suppressed: Sequence[Hashable]) -> list[Hashable]:
    import numpy as np

    a = np.array(rows)
    _, s, vt = np.linalg.svd(a)
    tol = max(a.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0) * 10
    rank = int(np.sum(s > tol))
    null = vt[rank:].T  # ncols x nullity
    out = []
    for i, k in enumerate(suppressed):
        if null.shape[1] == 0 or np.linalg.norm(null[i]) < 1e-9:
            out.append(k)
    return out


def find_suppressed(values: Mapping[Hashable, float], equations: Sequence[Equation], *,
                    threshold: int = DEFAULT_THRESHOLD, counts: Iterable[Hashable],
                    fixed: Iterable[Hashable] = (), hidden: Iterable[Hashable] = ()) -> Protection:
    """Primary and secondary suppression over linked quantities.

    values: every published quantity (counts and derived statistics) by key.
    counts: the keys that are counts of respondents (primary suppression applies to them).
    fixed: keys known to every reader (never suppressed, e.g. group sizes).
    hidden: unknowns that are never published (e.g. groups left out of a table)."""
    fixed = set(fixed)
    counts = [k for k in counts if k not in fixed]
    primary = {k for k in counts if is_primary(values[k], threshold)}
    suppressed = set(primary)
    guards = {eq.guard for eq in equations if eq.guard is not None}
    hidden = list(hidden)
    while True:
        order = sorted(suppressed, key=repr)
        bad = determined(order, equations, hidden)
        if not bad:
            break
        j = bad[0]
        involved = [eq for eq in equations if (eq.guard is None or eq.guard not in suppressed)
                    and any(k == j for k, _ in eq.terms)]
        guard_cands = sorted({eq.guard for eq in involved if eq.guard is not None}, key=repr)
        count_cands = sorted({k for eq in involved for k, c in eq.terms
                              if c and k not in suppressed and k not in fixed and k not in hidden and k in values
                              and k not in guards},
                             key=lambda k: (values[k] == 0, values[k], repr(k)))
        if not guard_cands and not count_cands:
            # j is pinned through a chain of equations: widen to every active equation.
            active = [eq for eq in equations if eq.guard is None or eq.guard not in suppressed]
            guard_cands = sorted({eq.guard for eq in active if eq.guard is not None}, key=repr)
            count_cands = sorted({k for eq in active for k, c in eq.terms
                                  if c and k not in suppressed and k not in fixed and k not in hidden
                                  and k in values and k not in guards},
                                 key=lambda k: (values[k] == 0, values[k], repr(k)))
        active = [eq for eq in equations if eq.guard is None or eq.guard not in suppressed]

        def partners(k: Hashable) -> int:
            # equations holding k and another hidden value besides j: suppressing k there closes a
            # cycle (a rectangle in a two-way table) instead of opening a new chain
            return -sum(1 for eq in active if any(t == k for t, _ in eq.terms)
                        and any(t != j and t in suppressed for t, _ in eq.terms))

        count_cands.sort(key=lambda k: (values[k] == 0, partners(k), values[k], repr(k)))
        choice = None
        for k in count_cands + guard_cands:  # one that frees j by itself, smallest count first
            trial = sorted(suppressed | {k}, key=repr)
            if j not in determined(trial, equations, hidden):
                choice = k
                break
        if choice is None:
            # No single cell frees j. Hide a partner of j in an equation where j is the only hidden
            # term (j's row when its total is shown): each such step gives an equation two unknowns,
            # instead of spreading suppression along the chains that pass through j.
            pinning = [eq for eq in active if any(t == j for t, _ in eq.terms)
                       and not any(t != j and t in suppressed for t, _ in eq.terms)]
            in_pinning = {t for eq in pinning for t, _ in eq.terms}
            pool = ([k for k in count_cands if k in in_pinning]
                    + [k for k in guard_cands + count_cands if k not in in_pinning])
            if not pool:  # nothing left to hide: j is recoverable whatever we do
                raise RuntimeError(f"cannot protect {j!r}")
            choice = pool[0]
        suppressed.add(choice)
    return Protection(frozenset(suppressed), frozenset(primary))


# -- a plain two-way table ---------------------------------------------------------------------

def suppress(table: "pd.DataFrame", *, threshold: int = DEFAULT_THRESHOLD, marker: str = MARKER,
             row_totals: bool = True, column_totals: bool = True) -> "pd.DataFrame":
    """Protect a two-way table of counts (index = rows, columns = columns, no margins in it) whose
    row and column totals are published beside it. Returns the table with suppressed cells replaced
    by ``marker`` (object dtype). Totals themselves are not suppressed here."""
    values: dict = {}
    for r in table.index:
        for c in table.columns:
            values[(r, c)] = float(table.loc[r, c])
    eqs = []
    if row_totals:
        eqs += [Equation(tuple(((r, c), 1.0) for c in table.columns)) for r in table.index]
    if column_totals:
        eqs += [Equation(tuple(((r, c), 1.0) for r in table.index)) for c in table.columns]
    prot = find_suppressed(values, eqs, threshold=threshold, counts=list(values))
    out = table.astype(object).copy()
    for (r, c) in prot.suppressed:
        out.loc[r, c] = marker
    return out


# -- the tables surveykit publishes -------------------------------------------------------------

def protect_item(counts: "np.ndarray", values: Sequence[float | None], dk: Sequence[bool],
                     top: Sequence[bool], groups: Sequence[str], *, threshold: int,
                     stats: Sequence[str] = ("mean", "sd", "top"), cells_shown: bool = True) -> Protection:
    """Protection of one item's table: ``counts[option, group]`` over the valid options and DK rows,
    group 0 being "all" (the sum of the others) when there are several groups; per group the valid
    base and the statistics named in ``stats`` (mean, sd, top-box share) are published.

    Keys of the result: ``("c", option_index, group_index)`` a count, ``("n", g)`` a valid base,
    ``("mean", g)``, ``("sd", g)``, ``("top", g)`` statistics. A suppressed mean takes the median
    with it (medians are not modelled as equations). ``cells_shown=False``: the option counts are
    not published (a summary table); small ones must still not be recoverable from what is."""
    import numpy as np

    vals: dict = {}
    eqs: list[Equation] = []
    cnt: list = []
    n_opt, n_grp = counts.shape
    valid = [i for i in range(n_opt) if not dk[i]]
    for g in range(n_grp):
        for i in range(n_opt):
            vals[("c", i, g)] = float(counts[i, g])
            cnt.append(("c", i, g))
        nv = float(counts[valid, g].sum())
        vals[("n", g)] = nv
        cnt.append(("n", g))
        eqs.append(Equation(tuple((("c", i, g), 1.0) for i in valid) + ((("n", g), -1.0),)))
        ordinal = all(values[i] is not None for i in valid)
        mean = float((np.array([values[i] for i in valid]) * counts[valid, g]).sum() / nv) if nv and ordinal else 0.0
        if "mean" in stats and ordinal:
            vals[("mean", g)] = mean
            # sum(v * c) - mean * n = 0, linear in the counts once mean is shown
            eqs.append(Equation(tuple((("c", i, g), float(values[i])) for i in valid) + ((("n", g), -mean),),
                                guard=("mean", g)))
        if "sd" in stats and ordinal:
            vals[("sd", g)] = 0.0
            v = np.array([values[i] for i in valid], dtype=float)
            var = float(((v - mean) ** 2 * counts[valid, g]).sum() / (nv - 1)) if nv > 1 else 0.0
            # sum(v^2 c) = (n - 1) sd^2 + n mean^2: linear in the counts and the base once sd, mean shown
            eqs.append(Equation(tuple((("c", i, g), float(values[i]) ** 2) for i in valid)
                                + ((("n", g), -(var + mean ** 2)),), guard=("sd", g)))
        if "top" in stats and any(top):
            vals[("top", g)] = 0.0
            share = float(counts[[i for i in valid if top[i]], g].sum() / nv) if nv else 0.0
            eqs.append(Equation(tuple((("c", i, g), 1.0) for i in valid if top[i]) + ((("n", g), -share),),
                                guard=("top", g)))
    if n_grp > 1:  # column 0 is "all" = the sum of the other groups
        for i in range(n_opt):
            eqs.append(Equation(((("c", i, 0), -1.0),) + tuple((("c", i, g), 1.0) for g in range(1, n_grp))))
        eqs.append(Equation(((("n", 0), -1.0),) + tuple((("n", g), 1.0) for g in range(1, n_grp))))
    if cells_shown:
        return find_suppressed(vals, eqs, threshold=threshold, counts=cnt)
    cells = [k for k in cnt if k[0] == "c"]
    small = [k for k in cells if is_primary(vals[k], threshold)]
    prot = find_suppressed(vals, eqs, threshold=threshold, counts=small + [k for k in cnt if k[0] != "c"],
                           hidden=[k for k in cells if k not in set(small)])
    return Protection(frozenset(k for k in prot.suppressed if k[0] != "c" or k in set(small)),
                      frozenset(k for k in prot.primary if k[0] != "c"))
