"""Which counts the FOI tables may publish: one decision per wave, for every table alike.

The national tables (``surveykit.foi.figures``) publish the same measure summed over different sets
of authorities: a total over every authority that gave it, a share's numerator over those that also
gave the other number, the largest authority, all cohorts together. ``Guard`` decides once per wave
which of those sums is hidden, so that no difference between two published sums and no total minus
its published parts gives away a small count (``disclose.protect_aggregates``), and what else must go
so that a hidden largest keeps two or more possible values (``_largest_covers``). The joint
protection of regions, nations and changes (``surveykit.foi.linked``) asks the same guard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from surveykit.foi.cells import RANGE
from surveykit.foi.disclose import apply_mask, protect_aggregates, small
from surveykit.foi.returns import AuthorityReturn, Returns

if TYPE_CHECKING:
    import pandas as pd


def _counted(recs: Iterable[AuthorityReturn], cohort: str, *measures: str) -> list[AuthorityReturn]:
    """Authorities that gave a number for every one of ``measures``."""
    needed = {(cohort, m) for m in measures}
    return [r for r in recs if needed <= r.counted.keys()]


def _sum(recs: Iterable[AuthorityReturn], cohort: str, measure: str) -> int:
    key = (cohort, measure)
    return sum(r.counted.get(key, 0) for r in recs)


# -- what may be published: one decision for every table ----------------------------------------

#: Sums published over the authorities giving two numbers: (the measure summed, the other measure).
MATCHED = (("went_missing", "in_care"), ("in_care", "went_missing"), ("episodes", "went_missing"),
           ("went_missing", "episodes"), ("still_missing", "went_missing"), ("went_missing", "still_missing"))
BANDED = "duration"  # the pseudo-measure of a cohort's banded episodes (the sum of its duration bands)


def _key(recs: Sequence[AuthorityReturn], cohorts: Sequence[str], measure: str, *also: str) -> tuple:
    """The aggregate ``measure`` summed over the (authority, cohort) cells where it and ``also`` were given."""
    # Per cohort, the (cohort, measure) numbers an authority must have given: one subset test each.
    needed = [(c, {(c, m) for m in (measure, *also)}) for c in cohorts]
    return (measure, frozenset((i, c) for i, r in enumerate(recs) for c, need in needed if need <= r.counted.keys()))


def _largest_key(recs: Sequence[AuthorityReturn], cohorts: Sequence[str], measure: str) -> tuple | None:
    """The aggregate behind ``largest``: the one authority with the most (summed over ``cohorts``)."""
    best, best_v = None, None
    keys = [(c, (c, measure)) for c in cohorts]
    for i, r in enumerate(recs):
        given = r.counted
        found = [(c, k) for c, k in keys if k in given]
        if found:
            v = sum(given[k] for _, k in found)
            if best_v is None or v > best_v:
                best, best_v = frozenset((i, c) for c, _ in found), v
    return None if best is None else (measure, best)


def _band_keys(recs: Sequence[AuthorityReturn], cohort: str, bands: Sequence[str]) -> tuple[tuple, list[tuple]]:
    """(banded total, one aggregate per band) over the authorities that gave every band."""
    needed = {(cohort, b) for b in bands}
    basis = [i for i, r in enumerate(recs) if needed <= r.counted.keys()]
    return ((BANDED, frozenset((i, cohort) for i in basis)),
            [(b, frozenset((i, cohort) for i in basis)) for b in bands])


class Guard:
    """Which published sums of a wave are hidden: the same answer for every table of an output.

    Every table asks ``hidden(wave, key)`` for each count cell it publishes (``key`` from ``_key``,
    ``_largest_key`` or ``_band_keys``). The decision covers every sum any FOI table publishes,
    whatever the table or the ``cohort`` filter, so two tables never disagree about a count."""

    def __init__(self, returns: Returns, threshold: int) -> None:
        self.returns, self.threshold = returns, threshold
        self._hidden: dict[str, dict[tuple, str]] = {}
        self._covers: dict[str, dict[tuple[str, str], frozenset[str]]] = {}

    def _wave(self, wave: str) -> dict[tuple, str]:
        if wave not in self._hidden:
            self._hidden[wave] = hidden = self._decide(wave)
            # decided with the sums, before any table asks: it may hide one more largest
            self._covers[wave] = _largest_covers(self.returns, wave, self.threshold, hidden)
        return self._hidden[wave]

    def reason(self, wave: str, key: tuple | None) -> str | None:
        """Why the aggregate is hidden (``small``, ``difference``, ``complement``, ``secondary``), or None."""
        if key is None or not key[1]:
            return None
        return self._wave(wave).get(key)

    def hidden(self, wave: str, key: tuple | None) -> bool:
        return self.reason(wave, key) is not None

    def cover(self, wave: str, cohort: str, measure: str) -> frozenset[str]:
        """What else the tables hide so that a hidden ``largest`` of ``measure`` (cohort "all" for still
        missing over every cohort) keeps two or more possible values (see ``_largest_covers``):
        ``authorities`` (how many authorities gave one or more), ``more_than_one`` (how many gave more
        than one: in care, coverage) and ``note`` (the largest's basis note, which then no longer tells
        that it is under the threshold)."""
        self._wave(wave)
        return self._covers[wave].get((cohort, measure), frozenset())

    def _decide(self, wave: str) -> dict[tuple, str]:
        recs = self.returns.in_wave(wave)
        cohorts = list(self.returns.cohorts)
        values: dict[tuple, float] = {}
        complements: list[tuple[tuple, tuple]] = []
        additive: list[tuple[tuple, list[tuple]]] = []

        def add(key: tuple | None, value: float | None = None) -> None:
            if key is not None and key[1]:
                values[key] = value if value is not None else sum(recs[i].value(c, key[0]) or 0 for i, c in key[1])

        for c in cohorts:
            measures = self.returns.measures(c)
            for m in measures:
                add(_key(recs, [c], m))
                add(_largest_key(recs, [c], m))
            for m, o in MATCHED:
                if m in measures and o in measures:
                    add(_key(recs, [c], m, o))
            if "went_missing" in measures and "in_care" in measures:
                complements += [(_key(recs, [c], "went_missing", "in_care"), _key(recs, [c], "in_care", "went_missing")),
                                (_key(recs, [c], "went_missing"), _key(recs, [c], "in_care"))]
            if "went_missing" in measures and "still_missing" in measures:
                complements.append((_key(recs, [c], "still_missing", "went_missing"),
                                    _key(recs, [c], "went_missing", "still_missing")))
            bands = self.returns.duration_bands(c)
            if bands:
                total, parts = _band_keys(recs, c, bands)
                for k in parts:
                    add(k)
                add(total, sum(values.get(k, 0) for k in parts))
                additive.append((total, parts))
        # cohort "all" of still missing: per authority, the sum over its cohorts
        if any("still_missing" in self.returns.measures(c) for c in cohorts):
            for measure, also in (("still_missing", ()), ("still_missing", ("went_missing",)),
                                  ("went_missing", ("still_missing",))):
                whole = _key(recs, cohorts, measure, *also)
                add(whole)
                additive.append((whole, [_key(recs, [c], measure, *also) for c in cohorts]))
            add(_largest_key(recs, cohorts, "still_missing"))
            complements.append((_key(recs, cohorts, "still_missing", "went_missing"),
                                _key(recs, cohorts, "went_missing", "still_missing")))
        return protect_aggregates(values, threshold=self.threshold, complements=complements, additive=additive)


# -- a hidden largest: the values it can still take ----------------------------------------------
#
# A hidden ``largest`` is still bounded by what is published beside it. The N authorities that gave a
# number add up to the total and k of them gave one or more (authorities_with_any, n_authorities_mean,
# the mean: total / k), m more than one (in care: coverage), so one of them has at least total / k and
# none more than total - (k - 1); a sum over fewer authorities (a matched numerator, a duration band,
# a region) has one at least its mean; and a hidden largest without a basis note is under the
# threshold (one with the note is not). When that leaves one value the number is disclosed, so
# ``_largest_covers`` takes away, in turn, what pins it: the counts of authorities with one or more,
# then (in care) with more than one, then the reading "under the threshold" (the largest gets the
# note), then, for a cohort's still missing, the largest over all cohorts (an upper bound).
# Authorities are public bodies, so these counts are published unless they pin a hidden count.


def _largest_choices(total: int | None, n: int, k: tuple[int, int], m2: tuple[int, int], low: int,
                     high: int | None) -> int:
    """How many values, up to 2, the largest of ``n`` whole numbers can take in ``low`` .. ``high``
    (None: no bound) when they add up to ``total`` (None: not known), ``k`` = (fewest, most) of them
    are one or more and ``m2`` two or more."""
    k_lo, k_hi = max(k[0], 1), min(k[1], n)
    m_lo, m_hi = max(m2[0], 0), min(m2[1], k_hi)
    if total is not None:
        k_hi = min(k_hi, total)
        high = total if high is None else min(high, total)
    cap = high  # an int below whenever the total is known
    found: set[int] = set()

    def take(a: int, b: int | None) -> bool:
        b = a + 1 if b is None else b
        found.update(range(a, min(b, a + 1) + 1))
        return len(found) >= 2

    # largest 1: every authority with any has exactly one
    if low <= 1 and (high is None or high >= 1) and m_lo == 0 and k_lo <= k_hi \
            and (total is None or k_lo <= total <= k_hi) and take(1, 1):
        return 2
    for m in range(max(m_lo, 1), m_hi + 1):
        if total is None:  # m authorities with 2 or more, any amount each
            a = max(low, 2)
            if (high is None or a <= high) and take(a, high):
                return 2
            continue
        for kk in range(max(k_lo, m), k_hi + 1):
            rest = total - (kk - m)  # what the m authorities with two or more share, one of them the largest
            a, b = max(low, 2, -(-rest // m)), min(cap or 0, rest - 2 * (m - 1))
            if a <= b and take(a, b):
                return 2
    return len(found)


def _largest_covers(returns: Returns, wave: str, threshold: int,
                    hidden: dict[tuple, str]) -> dict[tuple[str, str], frozenset[str]]:
    """Per (cohort, measure) with a hidden largest, what the tables must hide beside it so that it can
    still take two or more values (see the comment above); may add the largest over all cohorts to
    ``hidden``. Sums the tables of this module publish count as published unless ``hidden`` hides
    them; a region's sum counts as published unless it is small (errs towards hiding more)."""
    recs = returns.in_wave(wave)
    cohorts = list(returns.cohorts)
    t = threshold

    def value(key: tuple) -> int:
        return sum(recs[i].value(c, key[0]) or 0 for i, c in key[1])

    def shown(key: tuple | None) -> bool:
        return key is not None and bool(key[1]) and key not in hidden and not small(value(key), t)

    def mean_bound(key: tuple | None) -> int:
        """A published sum over a set of authorities: one of them has at least its mean."""
        if not shown(key):
            return 0
        return -(-value(key) // len({i for i, _ in key[1]}))

    def ladder(total: int | None, n: int, k_range, m2_range, reads_small: bool, lower: int, upper: int | None,
               steps: Sequence[str], acts: set[str]) -> None:
        """Add ``steps`` to ``acts`` one by one until the largest can take two values, then drop those
        it does not need after all."""
        if reads_small and t <= 2:
            return  # under 2 is 1: every small count's [c] says as much, the largest's too

        def pinned() -> bool:
            if reads_small and "note" not in acts:
                low, high = 1, t - 1
            else:
                low, high = (1 if reads_small else t), None
            if upper is not None and "largest_all" not in acts:
                high = upper if high is None else min(high, upper)
            return _largest_choices(total, n, k_range(acts), m2_range(acts), max(low, lower), high) < 2

        taken = []
        for step in steps:
            if not pinned():
                break
            acts.add(step)
            taken.append(step)
        if pinned():
            return  # nothing more this table can take away: keep it all
        for step in taken[:-1]:
            acts.discard(step)
            if pinned():
                acts.add(step)

    covers: dict[tuple[str, str], set[str]] = {}
    lowest: dict[str, int] = {}  # per cohort: what its published largest of still missing says (all cohorts)
    k_of: dict[str, int] = {}
    everyone_still = _largest_key(recs, cohorts, "still_missing")
    for c in cohorts:
        measures = returns.measures(c)
        bands = returns.duration_bands(c)
        for m in measures:
            cells = [r.cell(c, m) for r in recs]
            vals = [x.value for x in cells if x.value is not None]
            if not vals:
                continue
            largest, key = max(vals), _largest_key(recs, [c], m)
            k = sum(1 for v in vals if v >= 1)
            if m == "still_missing":
                k_of[c] = k
            if key not in hidden and not small(largest, t):
                if m == "still_missing":
                    lowest[c] = largest
                continue
            reads_small = small(largest, t)
            total_key = _key(recs, [c], m)
            total = value(total_key) if shown(total_key) else None
            lower = max([mean_bound(total_key)] + [mean_bound(_key(recs, [c], m, o)) for mm, o in MATCHED
                                                  if mm == m and o in measures])
            if m in bands:
                lower = max(lower, mean_bound(next(k2 for k2 in _band_keys(recs, c, bands)[1] if k2[0] == m)))
            if m in ("in_care", "went_missing"):  # the regions and nations of surveykit.foi.tables
                for place in (lambda r: (r.nation, r.region), lambda r: r.nation):
                    groups: dict[Any, list[int]] = {}
                    for r in recs:
                        v = r.value(c, m)
                        if v is not None:
                            groups.setdefault(place(r), []).append(v)
                    for got in groups.values():
                        if not small(sum(got), t):
                            lower = max(lower, -(-sum(got) // len(got)))
            upper = None
            if m == "still_missing" and everyone_still is not None and shown(everyone_still):
                upper = value(everyone_still)  # one cohort's largest is at most the largest over all
            n_vals = len(vals)
            with_any = sum(1 for x in cells if x.provided and x.at_least(1))
            more = sum(1 for x in cells if x.provided and x.at_least(2))
            ranges = sum(1 for x in cells if x.status == RANGE)

            def k_range(acts: set[str], k: int = k, n: int = n_vals) -> tuple[int, int]:
                return (1, n) if "authorities" in acts else (k, k)

            def m2_range(acts: set[str], k: int = k, n: int = n_vals, m: str = m, with_any: int = with_any,
                         more: int = more, ranges: int = ranges) -> tuple[int, int]:
                if m != "in_care" or "more_than_one" in acts:
                    return (0, n)
                # coverage counts a range from 2 upwards as more than one: at most the ranges counted as any
                spare = ranges if "authorities" in acts else with_any - k
                return (max(0, more - spare), more)

            acts = covers.setdefault((c, m), set())
            steps = ["authorities"] + (["more_than_one"] if m == "in_care" else []) + \
                (["note"] if reads_small else []) + (["largest_all"] if upper is not None else [])
            ladder(total, len(vals), k_range, m2_range, reads_small, lower, upper, steps, acts)
            if "largest_all" in acts and everyone_still is not None:
                hidden[everyone_still] = "secondary"
            if m == "still_missing":
                lowest[c] = 1 if reads_small else t
    # still missing over all cohorts: per authority the sum over its cohorts (``still_missing``)
    still = [c for c in cohorts if "still_missing" in returns.measures(c)]
    if still and everyone_still is not None:
        per_auth = [sum(v for v in vs if v is not None) for vs in
                    ([r.value(c, "still_missing") for c in still] for r in recs) if any(v is not None for v in vs)]
        largest = max(per_auth)
        if everyone_still in hidden or small(largest, t):
            reads_small = small(largest, t)
            total_key = _key(recs, cohorts, "still_missing")
            total = value(total_key) if shown(total_key) else None
            lower = max([mean_bound(total_key), mean_bound(_key(recs, cohorts, "still_missing", "went_missing"))]
                        + [mean_bound(_key(recs, [c], "still_missing", *o)) for c in still
                           for o in ((), ("went_missing",))] + [lowest.get(c, 0) for c in still])

            n_auth = len(per_auth)

            def k_all(acts: set[str], n: int = n_auth) -> tuple[int, int]:
                # each cohort's count of authorities with one or more (totals) bounds it, where shown
                counts = [None if "authorities" in acts or "authorities" in covers.get((c, "still_missing"), ())
                          else k_of.get(c, 0) for c in still]
                known = [x for x in counts if x is not None]
                return (max(known, default=1), n if len(known) < len(counts) else min(n, sum(known)))

            acts = covers.setdefault(("all", "still_missing"), set())
            ladder(total, n_auth, k_all, lambda acts, n=n_auth: (0, n), reads_small, lower, None,
                   ["authorities"] + (["note"] if reads_small else []), acts)
            if "authorities" in acts:
                for c in still:
                    covers.setdefault((c, "still_missing"), set()).add("authorities")
    return {key: frozenset(a) for key, a in covers.items() if a}


def secondary_note(columns: Sequence[str], threshold: int) -> str:
    """The basis note for counts hidden although not small themselves (never says what they are)."""
    return (f"; {', '.join(columns)} hidden ([c]) so that no count below {threshold} can be "
            f"worked out from the published figures")


_GUARDS: dict[int, tuple[Any, dict[int, Guard]]] = {}


def guard_for(returns: Returns, threshold: int) -> Guard:
    """The guard of these returns at this threshold, built once while the returns are alive (every
    table of an output asks the same one)."""
    import weakref

    entry = _GUARDS.get(id(returns))
    if entry is None or entry[0]() is not returns:
        key = id(returns)
        entry = (weakref.ref(returns, lambda _ref: _GUARDS.pop(key, None)), {})
        _GUARDS[key] = entry
    guards = entry[1]
    if threshold not in guards:
        guards[threshold] = Guard(weakref.proxy(returns), threshold)  # the cache keeps no returns alive
    return guards[threshold]


def _mask_keyed(frame: "pd.DataFrame", keys: Sequence[tuple[str, dict[str, tuple | None]]], guard: Guard, *,
                derived: dict[str, Sequence[str]] | None = None,
                covers: Sequence[Sequence[str]] | None = None) -> "pd.DataFrame":
    """Hide, row by row, every count cell whose aggregate the guard hides (or that is itself small),
    with the cells worked out from it; the basis of a row says which counts were hidden only to
    protect another. ``keys[i]``: (wave, {column: aggregate}) for row i; ``covers[i]``: more columns
    of row i hidden (and named in the note) so that a hidden largest is not pinned (``Guard.cover``)."""
    hide: dict[str, list[int]] = {}
    notes: dict[int, list[str]] = {}
    for i, (w, cols) in enumerate(keys):
        for col, key in cols.items():
            value = frame[col].iloc[i]
            why = guard.reason(w, key)
            if why is not None or small(value, guard.threshold):
                for c in (col, *(derived or {}).get(col, ())):
                    hide.setdefault(c, []).append(i)
                if why not in (None, "small") and not small(value, guard.threshold):
                    notes.setdefault(i, []).append(col)
        for col in (covers[i] if covers else ()):
            hide.setdefault(col, []).append(i)
            if col not in notes.get(i, []):
                notes.setdefault(i, []).append(col)
    out = apply_mask(frame, hide)
    if notes and "basis" in out.columns:
        basis = out["basis"].tolist()
        for i, cols in notes.items():
            basis[i] = f"{basis[i]}{secondary_note(cols, guard.threshold)}"
        out["basis"] = basis
    return out


def _cover_columns(guard: Guard, wave: str, cohort: str, measure: str,
                   columns: dict[str, Sequence[str]]) -> list[str]:
    """The columns of a table's row that ``Guard.cover`` hides (``columns``: per cover, the table's own)."""
    return list(dict.fromkeys(col for act in sorted(guard.cover(wave, cohort, measure)) for col in columns.get(act, ())))
