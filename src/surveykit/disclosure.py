"""Statistical disclosure control for published tables.

Rule (primary suppression): a count of respondents from 1 to ``threshold - 1`` (default: fewer than
5) is replaced by ``MARKER``, and so is every percentage built on it. Zero is shown. Counts that a
published share gives away count too: a top-box share or a net is hidden when the respondents it
counts, or the rest of its base (the complement), number 1 to ``threshold - 1``; a mean, median or SD
is published only for a group whose every answer count is published (each is a function of them).

Secondary suppression: a published table also publishes *relations* between its numbers: a group's
valid base is the sum of its option counts, the "all" column is the sum of the group columns, a
percentage times its base is a count, a mean times the base is a weighted sum of counts (and a SD
another one). A suppressed count is recoverable exactly when it is determined by those linear
equations with the shown numbers known, i.e. when its unit vector lies in the row space of the
equations restricted to the suppressed unknowns (equivalently: every vector of the null space is zero
there). ``find_suppressed`` adds suppressions greedily (derived statistics first, then the smallest
counts in the same equations) until no suppressed value is determined.

Blank (no answer) counts are never suppressed for themselves (they are not answers), but they may be
hidden to protect a Don't know count: group sizes are taken as known (the respondents table publishes
those of ``threshold`` or more; taking them all as known is the cautious side), so valid base + Don't
know + blank = group size is one of the equations. Consistency across the tables of a run comes from
protecting each item once, over the run's grouping, with every statistic any table shows
(``protect_item``): every table then hides the same numbers. Medians are not modelled as equations;
they follow the mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Hashable, Iterable, Mapping, Sequence

from surveykit.blas import one_blas_thread
from surveykit.disclosure_algebra import _System

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


@one_blas_thread()  # small matrices: see surveykit.blas
def determined(suppressed: Sequence[Hashable], equations: Iterable[Equation],
               hidden: Iterable[Hashable] = ()) -> list[Hashable]:
    """The suppressed keys whose value the active equations fix uniquely (given every other key
    known, except ``hidden`` ones: quantities that are never published)."""
    return _System(equations).determined(suppressed, hidden)


@one_blas_thread()  # small matrices: see surveykit.blas
def find_suppressed(values: Mapping[Hashable, float], equations: Sequence[Equation], *,
                    threshold: int = DEFAULT_THRESHOLD, counts: Iterable[Hashable],
                    fixed: Iterable[Hashable] = (), hidden: Iterable[Hashable] = (),
                    presuppressed: Iterable[Hashable] = ()) -> Protection:
    """Primary and secondary suppression over linked quantities.

    values: every published quantity (counts and derived statistics) by key.
    counts: the keys that are counts of respondents (primary suppression applies to them); other keys
    of ``values`` may still be hidden to protect them (secondary suppression).
    fixed: keys known to every reader (never suppressed, e.g. group sizes).
    hidden: unknowns that are never published (e.g. groups left out of a table).
    presuppressed: keys hidden by another rule before the search (derived shares, statistics)."""
    fixed = set(fixed)
    counts = [k for k in counts if k not in fixed]
    primary = {k for k in counts if is_primary(values[k], threshold)}
    suppressed = set(primary) | set(presuppressed)
    guards = {eq.guard for eq in equations if eq.guard is not None}
    hidden = list(hidden)
    system = _System(equations)
    while True:
        order = sorted(suppressed, key=repr)
        bad = system.determined(order, hidden)
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

        # the terms of each active equation holding another hidden value besides j
        closing = [{t for t, _ in eq.terms} for eq in active
                   if any(t != j and t in suppressed for t, _ in eq.terms)]

        def partners(k: Hashable) -> int:
            # equations holding k and another hidden value besides j: suppressing k there closes a
            # cycle (a rectangle in a two-way table) instead of opening a new chain
            return -sum(1 for terms in closing if k in terms)

        count_cands.sort(key=lambda k: (values[k] == 0, partners(k), values[k], repr(k)))
        choice = None
        sure_not: list[bool] = []
        for n, k in enumerate(count_cands + guard_cands):  # one that frees j by itself, smallest count first
            if n == 1 and len(count_cands) > 2:
                # The first did not: rule out at once the counts that surely cannot either.
                sure_not = system.cannot_free(order, hidden, j, count_cands)
            if n < len(sure_not) and sure_not[n]:
                continue
            trial = sorted(suppressed | {k}, key=repr)
            if j not in system.determined(trial, hidden):
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

@one_blas_thread()  # small matrices: see surveykit.blas
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
    prot = find_suppressed_nonnegative(values, eqs, threshold=threshold, counts=list(values))
    out = table.astype(object).copy()
    for (r, c) in prot.suppressed:
        out.loc[r, c] = marker
    return out


# -- the tables surveykit publishes -------------------------------------------------------------

@one_blas_thread()  # small matrices: see surveykit.blas
def protect_group_sizes(groups: Sequence[str], sizes: Sequence[float], completed: Sequence[float], *,
                        threshold: int) -> frozenset:
    """Disclosure control of the groups' sizes with their completion (the report's "who responded"):
    each size and its two parts (completed, not completed) are counts; the sizes add up to the total,
    each size is its two parts, and the parts add up to their totals, all published. A margin of 0
    makes every cell in it 0 (known to any reader). Keys: ``("size", g)``, ``("done", g)``,
    ``("open", g)``. Every table by the grouping hides the bases of the groups whose size is hidden
    here (``counting.hidden_group_sizes``), so that no two tables of a run are protected differently."""
    values: dict = {}
    for g, n, done in zip(groups, sizes, completed):
        values[("size", g)] = float(n)
        values[("done", g)] = float(done)
        values[("open", g)] = float(n - done)
    eqs = [Equation(((("done", g), 1.0), (("open", g), 1.0), (("size", g), -1.0))) for g in groups]
    for kind in ("size", "done", "open"):
        eqs.append(Equation(tuple(((kind, g), 1.0) for g in groups)))
    fixed = [k for k in values if k[0] != "size" and sum(values[(k[0], g)] for g in groups) == 0]
    try:
        return find_suppressed_nonnegative(values, eqs, threshold=threshold, counts=list(values), fixed=fixed).suppressed
    except RuntimeError:
        # One group holds every respondent (a survey of a few people, or every answer pooled as
        # "other"): its size and completion are the published totals, public whatever is hidden. They
        # are taken as known and the rest protected as before; failing that, every group's are hidden.
        pinned = determined(sorted((k for k in values if k not in fixed), key=repr), eqs)
        try:
            return find_suppressed_nonnegative(values, eqs, threshold=threshold, counts=list(values),
                                               fixed=[*fixed, *pinned]).suppressed
        except RuntimeError:
            return frozenset(k for k in values if k not in fixed)


def forced_zeros(truth: Mapping[Hashable, float], equations: Sequence[Equation], suppressed: Iterable[Hashable], *,
                 hidden: Iterable[Hashable] = (), fixed: Iterable[Hashable] = ()) -> frozenset:
    """The unknowns (suppressed counts and never-published ``hidden`` ones) that every non-negative
    solution of the shown equations puts at 0: a reader knows them, as surely as a published 0.

    ``truth``: every key's true value (the equations' constants come from it). Only an unknown whose
    true value is 0 can be one. Keys in ``fixed`` are known; guarded equations count while their
    guard is shown. Solved as linear programmes (scipy's HiGHS): first one that lets every candidate
    be above 0 at once where it can, repeated over the candidates it leaves at 0 until one certifies
    none; then one per candidate still left, maximising it alone (a round whose best total is 0 proves
    every candidate it covers is 0, so those need no programme of their own)."""
    import numpy as np

    hidden_set, fixed_set, sup = set(hidden), set(fixed), set(suppressed)
    active = [eq for eq in equations if eq.guard is None or eq.guard not in sup]
    unknown = sorted({k for eq in active for k, c in eq.terms if c and (k in sup or k in hidden_set)
                      and k not in fixed_set and k in truth}, key=repr)
    candidates = [k for k in unknown if truth[k] == 0]
    if not candidates:
        return frozenset()
    place = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for eq in active:
        row = np.zeros(len(unknown))
        for k, c in eq.terms:
            if k in place:
                row[place[k]] += c
        if row.any():
            rows.append(row)
            rhs.append(float(sum(c * truth[k] for k, c in eq.terms if k in place)))
    if not rows:
        return frozenset()
    from scipy.optimize import linprog

    a, b = np.array(rows), np.array(rhs)
    n = len(unknown)
    left = candidates
    rounds = 0
    while left:
        # max sum(t) with t_j <= x_j and t_j <= 1/m for each of the m candidates: a candidate with
        # t_j > 0 can be above 0, and a best sum of 0 means no candidate can be. The cap of 1/m rather
        # than 1: where each of them can be 1 or more on its own, the average of those solutions has
        # every one at 1/m or more, so one round certifies them all (with a cap of 1 a solution
        # trading one candidate against another certified one of the two per round).
        m = len(left)
        cost = np.concatenate([np.zeros(n), -np.ones(m)])
        a_eq = np.hstack([a, np.zeros((len(a), m))])
        a_ub = np.zeros((m, n + m))
        for j, k in enumerate(left):
            a_ub[j, place[k]], a_ub[j, n + j] = -1.0, 1.0
        best_sum = linprog(cost, A_ub=a_ub, b_ub=np.zeros(m), A_eq=a_eq, b_eq=b,
                           bounds=[(0, None)] * n + [(0, 1.0 / m)] * m, method="highs")
        rounds += 1
        if best_sum.status != 0:
            if rounds == 1:  # no solution found: claim nothing (the linear checks still hold)
                return frozenset()
            break  # the candidates left are tried one by one below
        if -best_sum.fun <= 1e-7:
            return frozenset(left)  # none of them can be above 0
        still = [k for j, k in enumerate(left) if best_sum.x[n + j] <= 1e-7]
        if len(still) == len(left):
            break  # a positive best spread too thinly to certify any one: one by one below
        left = still
    zeros = set()
    for k in left:
        goal = np.zeros(n)
        goal[place[k]] = -1.0
        best = linprog(goal, A_eq=a, b_eq=b, bounds=[(0, None)] * n, method="highs")
        if best.status == 0 and -best.fun <= 1e-7:
            zeros.add(k)
    return frozenset(zeros)


@one_blas_thread()  # small matrices: see surveykit.blas
def find_suppressed_nonnegative(values: Mapping[Hashable, float], equations: Sequence[Equation], *,
                                threshold: int = DEFAULT_THRESHOLD, counts: Iterable[Hashable],
                                fixed: Iterable[Hashable] = (), hidden: Iterable[Hashable] = (),
                                presuppressed: Iterable[Hashable] = (),
                                truth: Mapping[Hashable, float] | None = None,
                                bounds: Sequence[Equation] = (), slacks: Sequence[Hashable] = ()) -> Protection:
    """``find_suppressed``, then no hidden value may follow from counts being non-negative either
    (``forced_zeros``). ``truth``: the true values of the ``hidden`` and ``slacks`` unknowns (those of
    ``values`` are taken from there); every unknown is a count, 0 or more. ``bounds``: one equation per
    slack unknown, ``a + slack = b`` for "a is at most b" (a code's answers in a group and the group's
    answers), known to every reader but no equation of the search."""
    counts, fixed, hidden, pre = list(counts), list(fixed), list(hidden), set(presuppressed)
    prot = find_suppressed(values, equations, threshold=threshold, counts=counts, fixed=fixed, hidden=hidden,
                           presuppressed=pre)
    return _without_forced_zeros(prot, values, {**values, **(truth or {})}, equations, threshold=threshold,
                                 counts=counts, pre=pre, hidden=hidden, fixed=fixed, bounds=bounds,
                                 slacks=list(slacks))


#: Shown counts tried, smallest first, as the one more cell that leaves no unknown forced to 0.
_FORCED_ZERO_TRIALS = 24


def _without_forced_zeros(prot: Protection, vals: Mapping[Hashable, float], truth: Mapping[Hashable, float],
                          eqs: Sequence[Equation], *, threshold: int, counts: Sequence[Hashable], pre: set,
                          hidden: Sequence[Hashable], fixed: Sequence[Hashable],
                          bounds: Sequence[Equation] = (), slacks: Sequence[Hashable] = ()) -> Protection:
    """``prot``, or a protection under which no unknown is a known zero (``forced_zeros``).

    ``bounds``: equations with a never-published ``slacks`` unknown each (``a + slack = b`` says a is
    at most b), used by this check only, so that the search's own choices stay as they were.
    First, one more shown count (smallest first) hidden with the search run again: it usually gives the
    blanks' accounting the slack it lacked. Failing that, the forced zeros are taken as known and the
    search is run again until none is left (more is hidden, never less protected)."""
    every_eq, every_hidden = [*eqs, *bounds], [*hidden, *slacks]

    def exposing_zeros(p: Protection) -> frozenset:
        zeros = forced_zeros(truth, every_eq, p.suppressed, hidden=every_hidden, fixed=fixed)
        return zeros if zeros and _exposed_by(zeros, p, every_eq, every_hidden) else frozenset()

    zeros = exposing_zeros(prot)
    if not zeros:
        return prot
    shown = sorted((k for k in counts if k not in prot.suppressed and k not in fixed and vals[k] > 0),
                   key=lambda k: (vals[k], repr(k)))
    for k in shown[:_FORCED_ZERO_TRIALS]:
        try:
            trial = find_suppressed(vals, eqs, threshold=threshold, counts=counts, presuppressed=pre | {k},
                                    hidden=hidden, fixed=fixed)
        except RuntimeError:  # hiding k leaves a count nothing can protect: try the next one
            continue
        if not exposing_zeros(trial):
            return Protection(trial.suppressed, prot.primary)
    search_eqs, fixed, hidden = list(eqs), list(fixed), list(hidden)
    for _ in range(8):
        fixed += sorted((k for k in zeros if k in vals), key=repr)
        hidden = [b for b in hidden if b not in zeros]
        # a slack known to be 0 makes its bound an equation the search must respect
        search_eqs += [eq for eq in bounds if any(t in zeros for t, _ in eq.terms) and eq not in search_eqs]
        try:
            prot = find_suppressed(vals, search_eqs, threshold=threshold, counts=counts, presuppressed=pre,
                                   hidden=hidden, fixed=fixed)
        except RuntimeError:  # a count those zeros pin whatever is hidden: keep the last protection
            break
        zeros = exposing_zeros(prot)
        if not zeros:
            break
    return prot


def _exposed_by(zeros: frozenset, prot: Protection, eqs: Sequence[Equation], hidden: Sequence[Hashable]) -> bool:
    """Whether knowing ``zeros`` gives a reader a hidden value through the equations (a hidden count
    that is itself a known 0 protects nothing, but gives nothing away either)."""
    suppressed = sorted((k for k in prot.suppressed if k not in zeros), key=repr)
    return bool(determined(suppressed, eqs, [h for h in hidden if h not in zeros]))


@one_blas_thread()  # small matrices: see surveykit.blas
def protect_item(counts: "np.ndarray", values: Sequence[float | None], dk: Sequence[bool],
                 top: Sequence[bool], groups: Sequence[str], *, threshold: int,
                 nets: Sequence[Sequence[int]] = (), blank: "np.ndarray | None" = None,
                 hidden_groups: frozenset[str] = frozenset()) -> Protection:
    """Protection of one item over a grouping, with every statistic any table of a run may show.

    ``counts[option, group]`` over the scale's options (valid and Don't know), group 0 being "all" (the
    sum of the others) when there are several groups; ``blank[group]`` the respondents who left the
    item blank (the group size is then valid + Don't know + blank, and group sizes are taken as known);
    ``top``: the options of the top box; ``nets``: option indexes of each net. Every table built from
    these counts (options by group, summaries, ranked grids, banners) reads this one protection, so
    all of them hide the same numbers.

    Keys of the result: ``("c", option_index, group_index)`` a count, ``("n", g)`` a valid base,
    ``("b", g)`` a blank count (hidden where the base or Don't know count is), ``("mean", g)`` (and with it the median), ``("sd", g)``, ``("top", g)``
    the top-box share, ``("net", j, g)`` a net's share. ``hidden_groups``: groups (by name) whose size
    another table of the run hides (``protect_group_sizes``): they are hidden whole here too."""
    import numpy as np

    vals: dict = {}
    eqs: list[Equation] = []
    cnt: list = []
    pre: set = set()
    blanks: list = []
    n_opt, n_grp = counts.shape
    valid = [i for i in range(n_opt) if not dk[i]]
    dk_rows = [i for i in range(n_opt) if dk[i]]
    ordinal = all(values[i] is not None for i in valid)
    top_rows = [i for i in valid if top[i]]
    for g in range(n_grp):
        for i in range(n_opt):
            vals[("c", i, g)] = float(counts[i, g])
            cnt.append(("c", i, g))
        nv = float(counts[valid, g].sum())
        vals[("n", g)] = nv
        cnt.append(("n", g))
        eqs.append(Equation(tuple((("c", i, g), 1.0) for i in valid) + ((("n", g), -1.0),)))
        if blank is not None:
            # valid + Don't know + blank = the group's size, which is published. The blank count is
            # never published on its own: tables show it only where the valid base and the Don't
            # know count are shown (it follows from them then), so it is an unknown here.
            blanks.append(("b", g))
            if not (g > 0 and groups[g] in hidden_groups):  # a size another table hides is no known total
                eqs.append(Equation(((("n", g), 1.0), (("b", g), 1.0)) + tuple((("c", i, g), 1.0) for i in dk_rows)))
        small_cell = any(is_primary(float(counts[i, g]), threshold) for i in valid)
        if ordinal:
            v = np.array([values[i] for i in valid], dtype=float)
            mean = float((v * counts[valid, g]).sum() / nv) if nv else 0.0
            var = float(((v - mean) ** 2 * counts[valid, g]).sum() / (nv - 1)) if nv > 1 else 0.0
            vals[("mean", g)] = mean
            vals[("sd", g)] = 0.0
            # sum(v * c) - mean * n = 0 and sum(v^2 c) = (n - 1) sd^2 + n mean^2: linear in the counts
            eqs.append(Equation(tuple((("c", i, g), float(values[i])) for i in valid) + ((("n", g), -mean),),
                                guard=("mean", g)))
            eqs.append(Equation(tuple((("c", i, g), float(values[i]) ** 2) for i in valid)
                                + ((("n", g), -(var + mean ** 2)),), guard=("sd", g)))
            if small_cell:  # a statistic of a group with a hidden count is a function of it
                pre.update({("mean", g), ("sd", g)})
        shares = ([(("top", g), top_rows)] if top_rows else []) + [(("net", j, g), list(rows))
                                                                    for j, rows in enumerate(nets)]
        for key, rows in shares:
            inside = float(counts[rows, g].sum())
            vals[key] = 0.0
            eqs.append(Equation(tuple((("c", i, g), 1.0) for i in rows) + ((("n", g), -(inside / nv if nv else 0.0)),),
                                guard=key))
            # the respondents a share counts, and the rest of its base, are counts too
            if is_primary(inside, threshold) or is_primary(nv - inside, threshold):
                pre.add(key)
    if n_grp > 1:  # column 0 is "all" = the sum of the other groups
        for i in range(n_opt):
            eqs.append(Equation(((("c", i, 0), -1.0),) + tuple((("c", i, g), 1.0) for g in range(1, n_grp))))
        eqs.append(Equation(((("n", 0), -1.0),) + tuple((("n", g), 1.0) for g in range(1, n_grp))))
        if blank is not None:
            eqs.append(Equation(((("b", 0), -1.0),) + tuple((("b", g), 1.0) for g in range(1, n_grp))))
    # A group whose size is hidden is hidden whole (its counts, base and statistics): hiding only its base
    # left the counts that add up to it for the search to break one by one (slow, and no more useful).
    # The size protection hides at least two groups, so every row's "all" count keeps two unknowns.
    for g, name in enumerate(groups):
        if g > 0 and name in hidden_groups:
            pre.add(("n", g))
            pre.update(("c", i, g) for i in range(n_opt))
    fixed: list = []
    known_blanks = blanks
    if n_grp > 1:
        # Counts cannot be negative: a margin of 0 makes every cell in it 0, known to any reader whatever
        # is hidden (an option nobody chose; nobody leaving the item blank, when each group's base is its
        # size less its Don't know count). A zero cell hidden as a second cell would protect nothing.
        fixed = [("c", i, g) for i in range(n_opt) if counts[i, 0] == 0 for g in range(n_grp)]
        if blank is not None and float(blank[0]) == 0:
            known_blanks = []  # every blank count is a known 0
    try:
        prot = find_suppressed(vals, eqs, threshold=threshold, counts=cnt, presuppressed=pre, hidden=known_blanks,
                               fixed=fixed)
        # Counts cannot be negative, and that can pin more than a published 0: when the blanks of the
        # groups whose bases and Don't know counts are shown already make up the total's blanks, every
        # other group has none, and its hidden Don't know count is its size less its base. Where such
        # known zeros would give a value away, one more cell is hidden (``_without_forced_zeros``).
        if n_grp > 1:
            truth = {**vals, **({("b", g): float(blank[g]) for g in range(n_grp)} if blank is not None else {})}
            prot = _without_forced_zeros(prot, vals, truth, eqs, threshold=threshold, counts=cnt, pre=pre,
                                         hidden=known_blanks, fixed=fixed)
    except RuntimeError:
        # A small count that those facts pin down whatever is hidden (a survey of fewer than 5, whose
        # "all" base is its published size): it is public already; protect the rest as before.
        prot = find_suppressed(vals, eqs, threshold=threshold, counts=cnt, presuppressed=pre, hidden=blanks)
    hide = set(prot.suppressed)
    for g in range(n_grp):  # a hidden count or base hides its group's statistics and shares
        if blank is not None and (("n", g) in hide or any(("c", i, g) in hide for i in dk_rows)):
            hide.add(("b", g))
        if ("n", g) in hide:
            hide.update({("mean", g), ("sd", g), ("top", g)} | {("net", j, g) for j in range(len(nets))})
        elif ordinal and any(("c", i, g) in hide for i in valid):
            hide.update({("mean", g), ("sd", g)})
    return Protection(frozenset(hide), prot.primary)


def round_published(frame: "pd.DataFrame", *, percents: Sequence[str] = (), stats: Sequence[str] = (),
                    pct_digits: int = 1, stat_digits: int = 2) -> "pd.DataFrame":
    """Published numbers rounded for people: percentages to ``pct_digits`` and means, medians and
    SDs to ``stat_digits`` decimals (a full-precision mean times its base would give a sum of scores
    exactly). Markers and text stay as they are."""
    out = frame.copy()

    def rnd(v, d):
        return round(float(v), d) if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v else v

    for col in percents:
        if col in out.columns:
            out[col] = [rnd(v, pct_digits) for v in out[col]]
    for col in stats:
        if col in out.columns:
            out[col] = [rnd(v, stat_digits) for v in out[col]]
    return out
