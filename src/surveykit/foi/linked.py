"""The joint protection of the FOI tables one output publishes together.

Regions, nations, the largest authorities, both bases of a change between waves and the national
totals are all sums of one count over sets of authorities. ``_protection`` plans, per wave and
cohort, which published cells to hide so that no count of 1 to threshold - 1 children (nor of the
children who did not go missing) follows from the others by subtraction; ``surveykit.foi.tables``
and ``surveykit.foi.change`` apply the plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from surveykit.foi.disclose import apply_mask, small
from surveykit.foi.guard import Guard, _counted, _key, _largest_key, guard_for
from surveykit.foi.returns import Returns, authority_key
from surveykit.foi.schema import NATIONS

if TYPE_CHECKING:
    import pandas as pd

LEVELS = ("region", "nation")
LARGE_DEFAULTS = {"trafficked": 20, "unaccompanied": 100, "separated": 20}


def hide_cells(frame: "pd.DataFrame", hide: Mapping[str, list[int]], *, basis_column: str,
               threshold: int) -> "pd.DataFrame":
    """``frame`` with the cells of ``hide`` (column -> row positions) shown as [c], and each such row's
    basis saying why (``PROTECTION_NOTE``)."""
    out = apply_mask(frame, hide)
    marked = sorted({i for rows in hide.values() for i in rows})
    if marked:
        labels = out[basis_column].astype(object).tolist()
        for i in marked:
            labels[i] = f"{labels[i]}; {PROTECTION_NOTE.format(t=threshold)}"
        out[basis_column] = labels
    return out


def _nation_order(nation: str) -> int:
    return NATIONS.index(nation) if nation in NATIONS else len(NATIONS)


_LINKED_MEASURES = ("in_care", "went_missing", "episodes", "still_missing")
_MATCHED = (("went_missing", "in_care"), ("episodes", "went_missing"), ("still_missing", "went_missing"))
_TOL = 1e-7
PROTECTION_NOTE = ("[c]: a count of fewer than {t} children, or a figure hidden so that no such count can be "
                   "worked out from the other figures published with it (totals, regions, nations, the largest "
                   "authorities, both bases of a change)")


@dataclass
class _Cell:
    key: tuple
    measure: str  # a measure, or "ratio" (went missing - share x in care = 0)
    ids: frozenset
    value: float
    forced: bool = False  # published by another table (figures): never chosen for secondary suppression
    forced_hidden: bool = False  # ... which hides it
    share: float = 0.0
    denominator: float = 0.0


_PLANS: dict[tuple, dict] = {}


def _forget(key_id: int) -> None:
    for k in [k for k in _PLANS if k[0] == key_id]:
        _PLANS.pop(k, None)


def _protection(returns: Returns, wave: str, cohort: str, *, threshold: int,
                pairs: Sequence[tuple[str, str]] | None = None,
                limits: Mapping[str, int] | None = None) -> frozenset:
    """The keys of the cells to hide in ``wave`` and ``cohort`` when the regions, nations, largest
    authorities and change tables (over ``pairs``, default: consecutive waves) are published together
    with the totals and matched shares of ``figures``."""
    import weakref

    # every pair of waves, whatever a run asks for: two runs comparing different pairs publish
    # both-waves sums over nested sets of authorities, which must be protected in one plan
    import itertools

    from surveykit.foi.returns import wave_key

    ordered = sorted(returns.waves, key=wave_key)
    pairs = list(dict.fromkeys([*itertools.combinations(ordered, 2), *(tuple(p) for p in (pairs or ()))]))
    lim = dict(LARGE_DEFAULTS)
    lim.update(limits or {})
    rid = id(returns)
    key = (rid, wave, cohort, threshold, tuple(pairs), tuple(sorted(lim.items())))
    if key not in _PLANS:
        if not any(k[0] == rid for k in _PLANS):
            weakref.finalize(returns, _forget, rid)
        from surveykit.blas import one_blas_thread

        cells, values = _linked_cells(returns, wave, cohort, pairs, lim, threshold)
        # many small matrices: one BLAS thread is faster than waking several for each
        with one_blas_thread():
            _PLANS[key] = {"hidden": _plan(cells, values, threshold)}
    return _PLANS[key]["hidden"]


def _guard_hides(guard: Guard, wave: str, figure_key) -> bool:
    # No fallback when the guard fails: a plan made without it could show what the national tables
    # hide (an error stops the output instead).
    return guard.hidden(wave, figure_key())


def _linked_cells(returns: Returns, w: str, c: str, pairs, limits, threshold: int) -> tuple[list[_Cell], dict]:
    recs = returns.in_wave(w)
    present = returns.measures(c)
    ms = [m for m in _LINKED_MEASURES if m in present]
    val = {m: {r.authority_id: r.value(c, m) for r in recs if r.value(c, m) is not None} for m in ms}
    cells: list[_Cell] = []

    def add(key, m, ids, forced=False):
        if m in val:
            ids = frozenset(i for i in ids if i in val[m])
            cells.append(_Cell(key, m, ids, sum(val[m][i] for i in ids), forced))

    def add_share(key, ids):
        if "went_missing" in val and "in_care" in val:
            ids = frozenset(i for i in ids if i in val["went_missing"] and i in val["in_care"])
            x, n = sum(val["went_missing"][i] for i in ids), sum(val["in_care"][i] for i in ids)
            if n:
                cells.append(_Cell(key, "ratio", ids, x, share=x / n, denominator=n))

    everyone = [r.authority_id for r in recs]
    guard = guard_for(returns, threshold)

    def add_forced(key, m, ids, figure_key):
        add(key, m, ids, forced=True)
        # what the national tables (surveykit.foi.guard) decided for the same sum holds here too
        cells[-1].forced_hidden = _guard_hides(guard, w, figure_key)

    for m in ms:
        add_forced(("totals", m), m, everyone, lambda m=m: _key(recs, [c], m))
        largest = _largest_key(recs, [c], m)
        if largest:
            ids = [recs[i].authority_id for i, _ in largest[1]]
            add_forced(("largest", m), m, ids, lambda largest=largest: largest)
    for num, den in _MATCHED:
        if num in val and den in val:
            both = set(val[num]) & set(val[den])
            add_forced(("matched", num, den, "numerator"), num, both, lambda num=num, den=den: _key(recs, [c], num, den))
            add_forced(("matched", num, den, "denominator"), den, both,
                       lambda num=num, den=den: _key(recs, [c], den, num))
    for level in LEVELS:
        for (nation, region), members in _region_groups(recs, level).items():
            ids = [r.authority_id for r in members]
            for m in ("in_care", "went_missing"):
                add((level, nation, region, m), m, ids)
            add_share((level, nation, region, "share_pct"), ids)
    limit = limits.get(c, 20)
    for r in recs:
        care = val.get("in_care", {}).get(r.authority_id)
        if care is None or care <= limit:
            continue
        for m in ("in_care", "went_missing"):
            add(("large", r.authority_id, m), m, [r.authority_id])
        add_share(("large", r.authority_id, "share_pct"), [r.authority_id])
    for a, b in pairs:
        if w not in (a, b):
            continue
        side, other = ("from", b) if w == a else ("to", a)
        other_recs = returns.in_wave(other)
        for f in CHANGE_FIGURES_LINKED:
            measures = ("went_missing", "in_care") if f == "share_missing" else (f,)
            if any(m not in val for m in measures):
                continue
            mine = {r.authority_id for r in _counted(recs, c, *measures)}
            theirs = {authority_key(r.authority_id) for r in _counted(other_recs, c, *measures)}
            common = {i for i in mine if authority_key(i) in theirs}  # as foi.change matches them
            if f == "share_missing":
                for col, m in (("numerator", "went_missing"), ("denominator", "in_care")):
                    add(("change", a, b, f, "both_waves", side, col), m, common)
                    add(("change", a, b, f, "all_responders", side, col), m, mine)
            else:
                add(("change", a, b, f, "both_waves", side, "value"), f, common)
                add(("change", a, b, f, "all_responders", side, "value"), f, mine)
    return cells, val


CHANGE_FIGURES_LINKED = ("in_care", "went_missing", "episodes", "still_missing", "share_missing")


def _region_groups(recs, level: str) -> dict:
    groups: dict[tuple[str, str], list] = {}
    for r in recs:
        groups.setdefault((r.nation, r.nation if level == "nation" else r.region), []).append(r)
    return dict(sorted(groups.items(), key=lambda kv: (_nation_order(kv[0][0]), kv[0][0], kv[0][1])))


def _plan(cells: list[_Cell], per_measure: Mapping[str, Mapping[str, int]], threshold: int) -> frozenset:
    """Primary and secondary suppression over the linked cells of one wave and cohort (see above)."""
    import numpy as np

    # cells with the same set and measure are one figure, wherever they are shown
    groups: dict[tuple, list[_Cell]] = {}
    for cell in cells:
        if not cell.ids:
            continue
        ident = (cell.measure, cell.ids, round(cell.share, 12) if cell.measure == "ratio" else None)
        groups.setdefault(ident, []).append(cell)
    glist = list(groups.values())
    if not glist:
        return frozenset()
    first = [g[0] for g in glist]

    def small_cell(cell: _Cell) -> bool:
        if cell.measure == "ratio":
            return small(cell.value, threshold) or small(cell.denominator - cell.value, threshold)
        return small(cell.value, threshold)

    hidden = {i for i, g in enumerate(glist) if small_cell(g[0]) or any(x.forced_hidden for x in g)}
    forced = {i for i, g in enumerate(glist) if any(x.forced for x in g)}
    # a share shown beside its own counts goes with them: hidden when either is hidden
    key_group = {x.key: i for i, g in enumerate(glist) for x in g}
    links: dict[int, set[int]] = {}
    for x in cells:
        if x.measure == "ratio" and x.key in key_group:
            for m in ("in_care", "went_missing"):
                k = x.key[:-1] + (m,)
                if k in key_group:
                    links.setdefault(key_group[k], set()).add(key_group[x.key])

    def close(h: set[int]) -> set[int]:
        h = set(h)
        for i in list(h):
            h |= links.get(i, set())
        return h

    hidden = close(hidden)

    # the unknowns: per atom, each measure it gives (in care as the complement when went missing is given)
    members: dict[str, list[int]] = {}
    for i, cell in enumerate(first):
        # ids in sorted order: the atoms are the unknowns' columns, and the search below breaks ties by
        # column order, so an order that followed the set's (which changes with every process's string
        # hashing) gave different protections from run to run
        for a in sorted(cell.ids):
            members.setdefault(a, []).append(i)
    atoms: dict[tuple, list[str]] = {}
    for a, gs in members.items():
        atoms.setdefault(tuple(sorted(gs)), []).append(a)
    per_auth: dict[str, dict[str, int]] = {}
    for m, by_id in per_measure.items():
        for a, v in by_id.items():
            per_auth.setdefault(a, {})[m] = v
    coords: dict[tuple, int] = {}
    coord_value: list[float] = []
    atom_of: dict[str, int] = {}
    for n, (sig, auths) in enumerate(atoms.items()):
        for a in auths:
            atom_of[a] = n
        gives = set.intersection(*(set(per_auth.get(a, {})) for a in auths))
        for m in sorted(gives):
            if m == "in_care" and "went_missing" in gives:
                v = sum(per_auth[a]["in_care"] - per_auth[a]["went_missing"] for a in auths)
                name = "stay"
            else:
                v = sum(per_auth[a][m] for a in auths)
                name = m
            coords[(n, name)] = len(coord_value)
            coord_value.append(v)
    k = len(coord_value)
    rows = np.zeros((len(glist), k))
    for i, cell in enumerate(first):
        for n in {atom_of[a] for a in cell.ids}:
            def put(m: str, coef: float) -> None:
                if m == "in_care" and (n, "stay") in coords:
                    rows[i, coords[(n, "went_missing")]] += coef
                    rows[i, coords[(n, "stay")]] += coef
                elif (n, m) in coords:
                    rows[i, coords[(n, m)]] += coef
            if cell.measure == "ratio":
                put("went_missing", 1.0)
                put("in_care", -cell.share)
            else:
                put(cell.measure, 1.0)
    vals = np.array(coord_value, dtype=float)
    if not any(small(v, threshold) for v in vals):
        return _keys(glist, hidden)
    # the counts of children an attacker could be after: per atom, one kind of count
    kinds = []
    for name in ("went_missing", "stay", "episodes", "still_missing"):
        cols = [(j,) for (n, m), j in coords.items() if m == name]
        kinds.append((cols, [vals[c[0]] for c in cols]))
    care_cols, care_vals = [], []
    for (n, m), j in coords.items():
        if m == "stay":
            care_cols.append((coords[(n, "went_missing")], j))
            care_vals.append(vals[coords[(n, "went_missing")]] + vals[j])
        elif m == "in_care":
            care_cols.append((j,))
            care_vals.append(vals[j])
    kinds.append((care_cols, care_vals))
    # hide aggregates before an authority's own figures (the study's Figures 6-7), and small before large
    cost = [(any(x.key[0] == "large" for x in glist[i]), float(abs(c.denominator if c.measure == "ratio" else c.value)))
            for i, c in enumerate(first)]
    order = sorted(range(len(glist)), key=lambda i: (cost[i], repr(first[i].key)))
    given_up: set[frozenset] = set()
    while True:
        found = _disclosed(rows, sorted(set(range(len(glist))) - hidden), kinds, threshold, given_up)
        if found is None:
            break
        candidates = [i for i in order if i not in hidden and i not in forced]
        breaks = _breakers(rows, sorted(set(range(len(glist))) - hidden), found)
        choice = next((i for i in candidates if i in breaks), None)
        if choice is None:
            if not _determined(rows, sorted(forced - hidden), found) and candidates:
                touching = [i for i in candidates if np.abs(rows[i, sorted(found)]).sum() > _TOL]
                choice = (touching or candidates)[0]
            else:  # follows from figures published elsewhere: nothing here can hide it
                given_up.add(frozenset(found))
                continue
        hidden = close(hidden | {choice})
    return _keys(glist, hidden)


def _keys(glist, hidden) -> frozenset:
    return frozenset(x.key for i in hidden for x in glist[i])


def _svd(matrix):
    """The left vectors, singular values and right vectors of ``matrix`` over its rank (by the
    eigenvectors of matrix @ matrix.T: the matrices are small and wide)."""
    import numpy as np

    w, v = np.linalg.eigh(matrix @ matrix.T)
    keep = w > max(float(w.max()), 0.0) * 1e-12 if len(w) else w > 0
    if not keep.any():
        return np.zeros((matrix.shape[0], 0)), np.zeros(0), np.zeros((0, matrix.shape[1]))
    sing = np.sqrt(w[keep])
    left = v[:, keep]
    return left, sing, (left.T @ matrix) / sing[:, None]


def _rowspace(rows, published):
    """An orthonormal basis (as rows) of what the published cells span."""
    import numpy as np

    if not published:
        return np.zeros((0, rows.shape[1]))
    return _svd(rows[published])[2]


def _determined(rows, published, found) -> bool:
    import numpy as np

    u = np.zeros(rows.shape[1])
    u[sorted(found)] = 1.0
    q = _rowspace(rows, published)
    return float(np.abs(u - q.T @ (q @ u)).max()) < _TOL


def _breakers(rows, published, found) -> set[int]:
    """The published rows whose hiding alone stops the sum over ``found`` being worked out: a row
    that no other row spans (leverage 1) and that the sum needs (its weight in the sum is not 0)."""
    import numpy as np

    if not published:
        return set()
    u = np.zeros(rows.shape[1])
    u[sorted(found)] = 1.0
    left, sing, right = _svd(rows[published])
    if not len(sing):
        return set()
    leverage = (left ** 2).sum(axis=1)
    weight = (left / sing) @ (right @ u)
    return {published[j] for j in range(len(published)) if leverage[j] > 1 - 1e-8 and abs(weight[j]) > 1e-8}


def _disclosed(rows, published, kinds, threshold, given_up):
    """A count of children of one kind (in care, went missing, did not go missing, episodes, still
    missing) over a set of atoms that is 1 to threshold - 1 and can be worked out from the published
    cells; as the set of unknowns it adds up (zeros included: "these two authorities had 3 between
    them" is a small count too)."""
    import itertools
    import math

    import numpy as np

    q = _rowspace(rows, published)
    for columns, values in kinds:
        keep = [n for n, v in enumerate(values) if 0 <= v < threshold]
        if not any(values[n] > 0 for n in keep):
            continue
        vmat = np.zeros((rows.shape[1], len(keep)))
        for p, n in enumerate(keep):
            vmat[list(columns[n]), p] = 1.0
        lowvals = np.array([values[n] for n in keep], dtype=float)
        # V a is worked out when it lies in the span: (I - Q'Q) V a = 0
        m = vmat - q.T @ (q @ vmat)
        w, v = np.linalg.eigh(m.T @ m)
        basis = v[:, w < 1e-9]
        if basis.shape[1] == 0:
            continue
        support = [p for p in range(len(keep)) if np.abs(basis[p]).max() > _TOL]
        basis, lowvals, vmat = basis[support], lowvals[support], vmat[:, support]
        if basis.shape[1] <= 14:
            # a vector of the subspace is fixed by its values at the pivots: try every 0/1 choice there
            pivots, reduced = _rref(basis.T)
            choices = _zero_one_choices(len(pivots))
            vectors = choices @ reduced
            ok = ((np.abs(vectors) < 1e-6) | (np.abs(vectors - 1) < 1e-6)).all(axis=1)
            totals = np.rint(vectors) @ lowvals
            ok &= (totals > 0) & (totals < threshold)
            picks = [np.flatnonzero(np.rint(vectors[n])) for n in np.flatnonzero(ok)]
        else:
            # too many ways to combine: take the zeros as known and try the others (errs towards hiding)
            known = vmat[:, lowvals == 0].T
            known_space = _rowspace(np.vstack([rows[published], known]), list(range(len(published) + len(known))))
            nonzero = np.flatnonzero(lowvals > 0)
            m2 = vmat[:, nonzero] - known_space.T @ (known_space @ vmat[:, nonzero])
            picks = []
            for size in range(1, min(threshold - 1, len(nonzero)) + 1):
                if math.comb(len(nonzero), size) > 200_000:  # bounded work: the smaller sets were tried
                    break
                combos = np.array(list(itertools.combinations(range(len(nonzero)), size)), dtype=int).reshape(-1, size)
                sums = lowvals[nonzero][combos].sum(axis=1)
                combos = combos[(sums > 0) & (sums < threshold)]
                if len(combos):
                    worked = np.abs(m2[:, combos].sum(axis=2)).max(axis=0) < _TOL
                    picks += [nonzero[c] for c in combos[worked]]
        for pick in sorted(picks, key=len):
            found = frozenset(j for p in pick for j in np.flatnonzero(vmat[:, p]))
            if found not in given_up:
                return found
    return None


def _zero_one_choices(size: int):
    """Every 0/1 vector of ``size`` values but the zero one, as rows of floats, in the order of
    ``itertools.product((0.0, 1.0), repeat=size)`` (the first value changes slowest): row ``i`` is the
    binary digits of ``i + 1``. Built with numpy, as the tuples cost a third of the search's time."""
    import numpy as np

    numbers = np.arange(1, 2 ** size, dtype=np.int64)[:, None]
    return ((numbers >> np.arange(size - 1, -1, -1, dtype=np.int64)) & 1).astype(float)


def _rref(matrix):
    """Pivot columns and the reduced row echelon form of a full-row-rank ``matrix``."""
    import numpy as np

    m = np.array(matrix, dtype=float)
    pivots = []
    row = 0
    for col in range(m.shape[1]):
        if row == m.shape[0]:
            break
        best = row + int(np.argmax(np.abs(m[row:, col])))
        if abs(m[best, col]) < 1e-9:
            continue
        m[[row, best]] = m[[best, row]]
        m[row] /= m[row, col]
        others = [r for r in range(m.shape[0]) if r != row]
        m[others] -= np.outer(m[others, col], m[row])
        pivots.append(col)
        row += 1
    return pivots, m[:row]
