"""The national figures of each wave (chapter 2 of the study), each with its basis.

Every table has ``wave`` and ``cohort`` columns, the figures, and ``n_authorities`` + ``basis``:
how many authorities the figure stands on and which (in words). Rules:

* a total counts the authorities that gave a number (reported or approximate, taken as stated);
  ranges and suppressed answers are left out of the total but bound it (``total_low`` ..
  ``total_high``, empty when some answer has no upper bound);
* a share (went missing / in care, episodes per child, still missing / went missing) is computed
  over the authorities that gave BOTH numbers. The same ratio over all responders (numerator and
  denominator from different sets of authorities) is shown beside it as ``..._unmatched``: that is
  how headline figures come to disagree with their own numbers;
* percentages are on a 0-100 scale (columns ending ``_pct``); intervals are Wilson 95%.

Small counts of children are suppressed by default (``suppress=True``, ``threshold=5``), and so is
anything they can be worked out from. The tables publish the same measure summed over different sets
of authorities (a total over every authority that gave it, a share's numerator over those that also
gave the other number, the largest authority, all cohorts together); ``Guard`` decides once per wave,
for every table alike, which of those sums is hidden, so that no difference between two published
sums and no total minus its published parts gives away a small count (``disclose.protect_aggregates``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from surveykit.errors import invalid_choice
from surveykit.foi.cells import NOT_HELD, RANGE, REFUSED, SUPPRESSED, BLANK, INVALID
from surveykit.foi.disclose import apply_mask, check_threshold, mask_rows, protect_aggregates, small
from surveykit.foi.intervals import wilson
from surveykit.foi.returns import AuthorityReturn, Returns
from surveykit.foi.schema import BASE_MEASURES, measure_label, over_a_week

if TYPE_CHECKING:
    import pandas as pd


# -- selection ----------------------------------------------------------------------------------

def select_waves(returns: Returns, wave: str | Sequence[str] | None) -> list[str]:
    if wave is None:
        return list(returns.waves)
    wanted = [str(wave)] if isinstance(wave, (str, int)) else [str(w) for w in wave]
    for w in wanted:
        if w not in returns.waves:
            raise invalid_choice("wave", w, returns.waves)
    return wanted


def select_cohorts(returns: Returns, cohort: str | Sequence[str] | None, *, allow_all: bool = False) -> list[str]:
    present = list(returns.cohorts)
    if cohort is None:
        return present
    wanted = [cohort] if isinstance(cohort, str) else list(cohort)
    allowed = present + (["all"] if allow_all else [])
    for c in wanted:
        if c not in allowed:
            raise invalid_choice("cohort", c, allowed)
    return wanted


def pct(x: float, n: float) -> float:
    return 100.0 * x / n if n else float("nan")


def wilson_pct(x: float, n: float, confidence: float) -> tuple[float, float]:
    if n <= 0 or x > n:
        return float("nan"), float("nan")
    lo, hi = wilson(x, n, confidence=confidence)
    return 100.0 * lo, 100.0 * hi


def _counted(recs: Iterable[AuthorityReturn], cohort: str, *measures: str) -> list[AuthorityReturn]:
    """Authorities that gave a number for every one of ``measures``."""
    return [r for r in recs if all(r.value(cohort, m) is not None for m in measures)]


def _sum(recs: Iterable[AuthorityReturn], cohort: str, measure: str) -> int:
    return sum(r.value(cohort, measure) or 0 for r in recs)


def both_text(n: int, a: str, b: str) -> str:
    return f"{n} authorities reporting both {measure_label(a)} and {measure_label(b)}"


# -- what may be published: one decision for every table ----------------------------------------

#: Sums published over the authorities giving two numbers: (the measure summed, the other measure).
MATCHED = (("went_missing", "in_care"), ("in_care", "went_missing"), ("episodes", "went_missing"),
           ("went_missing", "episodes"), ("still_missing", "went_missing"), ("went_missing", "still_missing"))
BANDED = "duration"  # the pseudo-measure of a cohort's banded episodes (the sum of its duration bands)


def _key(recs: Sequence[AuthorityReturn], cohorts: Sequence[str], measure: str, *also: str) -> tuple:
    """The aggregate ``measure`` summed over the (authority, cohort) cells where it and ``also`` were given."""
    return (measure, frozenset((i, c) for i, r in enumerate(recs) for c in cohorts
                               if r.value(c, measure) is not None and all(r.value(c, o) is not None for o in also)))


def _largest_key(recs: Sequence[AuthorityReturn], cohorts: Sequence[str], measure: str) -> tuple | None:
    """The aggregate behind ``largest``: the one authority with the most (summed over ``cohorts``)."""
    best, best_v = None, None
    for i, r in enumerate(recs):
        cs = [c for c in cohorts if r.value(c, measure) is not None]
        if cs:
            v = sum(r.value(c, measure) for c in cs)  # type: ignore[misc]
            if best_v is None or v > best_v:
                best, best_v = frozenset((i, c) for c in cs), v
    return None if best is None else (measure, best)


def _band_keys(recs: Sequence[AuthorityReturn], cohort: str, bands: Sequence[str]) -> tuple[tuple, list[tuple]]:
    """(banded total, one aggregate per band) over the authorities that gave every band."""
    basis = [i for i, r in enumerate(recs) if all(r.value(cohort, b) is not None for b in bands)]
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
                derived: dict[str, Sequence[str]] = {},
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
                for c in (col, *derived.get(col, ())):
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


# -- coverage (Figures 2-3) -----------------------------------------------------------------------

COVERAGE_COLUMNS = ["wave", "cohort", "asked", "provided", "provided_pct", "one_or_more", "one_or_more_pct",
                    "more_than_one", "more_than_one_pct", "largest", "not_held", "refused_s12", "suppressed",
                    "blank", "unreadable", "basis"]


def coverage(returns: Returns, *, wave: str | Sequence[str] | None = None, cohort: str | Sequence[str] | None = None,
             suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Which authorities could say how many children of a cohort they had in care (Figures 2-3).

    Columns: wave, cohort, asked (authorities with a row), provided (a number, approximate number or
    range for in care) and provided_pct (of asked), one_or_more and one_or_more_pct (of provided),
    more_than_one and more_than_one_pct (of one_or_more), largest (the most in one authority), then
    why the others gave no number: not_held, refused_s12, suppressed (the study counted a
    suppressed answer as no information), blank, unreadable; basis."""
    import pandas as pd

    threshold = check_threshold(threshold)
    rows, keys = [], []
    for w in select_waves(returns, wave):
        recs = returns.in_wave(w)
        for c in select_cohorts(returns, cohort):
            keys.append((w, {"largest": _largest_key(recs, [c], "in_care")}))
            cells = [r.cell(c, "in_care") for r in recs]
            provided = [x for x in cells if x.provided]
            one = sum(1 for x in provided if x.at_least(1))
            more = sum(1 for x in provided if x.at_least(2))
            values = [x.value for x in provided if x.value is not None]
            status = {s: sum(1 for x in cells if x.status == s) for s in (NOT_HELD, REFUSED, SUPPRESSED, BLANK, INVALID)}
            rows.append({"wave": w, "cohort": c, "asked": len(recs), "provided": len(provided),
                         "provided_pct": pct(len(provided), len(recs)), "one_or_more": one,
                         "one_or_more_pct": pct(one, len(provided)), "more_than_one": more,
                         "more_than_one_pct": pct(more, one), "largest": max(values) if values else None,
                         "not_held": status[NOT_HELD], "refused_s12": status[REFUSED],
                         "suppressed": status[SUPPRESSED], "blank": status[BLANK], "unreadable": status[INVALID],
                         "basis": f"{len(recs)} authorities asked; shares of those that provided a number"})
    frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    if not suppress:
        return frame
    guard = guard_for(returns, threshold)
    # one or more and more than one (with its share of one or more) bound a hidden largest
    covers = [_cover_columns(guard, w, r["cohort"], "in_care", {
        "authorities": ["one_or_more", "one_or_more_pct", "more_than_one_pct"],
        "more_than_one": ["more_than_one", "more_than_one_pct"], "note": ["largest"]})
        for (w, _), r in zip(keys, rows)]
    return _mask_keyed(frame, keys, guard, covers=covers)


# -- totals ------------------------------------------------------------------------------------------

TOTAL_COLUMNS = ["wave", "cohort", "measure", "total", "n_authorities", "total_low", "total_high",
                 "n_reported", "n_approximate", "n_range", "n_suppressed", "n_not_held", "n_refused_s12", "n_blank",
                 "authorities_with_any", "largest", "mean_per_authority_with_any", "n_authorities_mean", "basis"]


def totals(returns: Returns, *, wave: str | Sequence[str] | None = None, cohort: str | Sequence[str] | None = None,
           measures: Sequence[str] | None = None, suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """The total of each measure over the authorities that gave a number.

    Columns: wave, cohort, measure, total (reported + approximate answers, taken as stated),
    n_authorities (how many gave a number), total_low/total_high (bounds once ranges and suppressed
    answers are added: empty high = unbounded), n_reported, n_approximate, n_range, n_suppressed,
    n_not_held, n_refused_s12, n_blank, authorities_with_any (authorities whose answer shows one or
    more: a number or a range), largest, mean_per_authority_with_any (the study's "mean average across
    the authorities who reported") and n_authorities_mean, the authorities that mean is over (those
    that gave a number of one or more: a range has no number to average), basis."""
    import pandas as pd

    threshold = check_threshold(threshold)
    rows, keys = [], []
    for w in select_waves(returns, wave):
        recs = returns.in_wave(w)
        for c in select_cohorts(returns, cohort):
            for m in (measures or returns.measures(c)):
                keys.append((w, {"total": _key(recs, [c], m), "largest": _largest_key(recs, [c], m)}))
                cells = [r.cell(c, m) for r in recs]
                counted = [x.value for x in cells if x.value is not None]
                bounded = [x for x in cells if x.status in ("reported", "approximate", "range", "suppressed")]
                lows = [x.bounds()[0] for x in bounded]
                highs = [x.bounds()[1] for x in bounded]
                any_n = sum(1 for x in cells if x.provided and x.at_least(1))
                n_status = {s: sum(1 for x in cells if x.status == s)
                            for s in ("reported", "approximate", "range", "suppressed", NOT_HELD, REFUSED, BLANK)}
                with_any = [v for v in counted if v >= 1]
                rows.append({"wave": w, "cohort": c, "measure": m, "total": sum(counted),
                             "n_authorities": len(counted), "total_low": sum(lows),
                             "total_high": None if any(h is None for h in highs) else sum(highs),
                             "n_reported": n_status["reported"], "n_approximate": n_status["approximate"],
                             "n_range": n_status["range"], "n_suppressed": n_status["suppressed"],
                             "n_not_held": n_status[NOT_HELD], "n_refused_s12": n_status[REFUSED],
                             "n_blank": n_status[BLANK], "authorities_with_any": any_n,
                             "largest": max(counted) if counted else None,
                             "mean_per_authority_with_any": (sum(with_any) / len(with_any)) if with_any else None,
                             "n_authorities_mean": len(with_any),
                             "basis": f"{len(counted)} authorities giving a number for {measure_label(m)}"})
    frame = pd.DataFrame(rows, columns=TOTAL_COLUMNS)
    for col in ("total_high", "largest"):
        frame[col] = frame[col].astype("Int64")
    if not suppress:
        return frame
    guard = guard_for(returns, threshold)
    # the authorities with one or more (and the mean, the total over them) bound a hidden largest
    covers = [_cover_columns(guard, r["wave"], r["cohort"], r["measure"], {
        "authorities": ["authorities_with_any", "n_authorities_mean", "mean_per_authority_with_any"],
        "note": ["largest"]}) for r in rows]
    # the bounds equal the total when nothing is a range, and the mean times its authorities is the total
    frame = _mask_keyed(frame, keys, guard, covers=covers,
                        derived={"total": ["mean_per_authority_with_any", "total_low", "total_high"]})
    return mask_rows(frame, counts=["total_low", "total_high"], threshold=threshold)


# -- ratios with their basis --------------------------------------------------------------------

SHARE_COLUMNS = ["wave", "cohort", "numerator", "denominator", "share_pct", "ci_low_pct", "ci_high_pct",
                 "n_authorities", "numerator_all", "denominator_all", "share_unmatched_pct",
                 "n_authorities_numerator", "n_authorities_denominator", "basis"]


def _ratio_rows(returns: Returns, waves: list[str], cohorts: list[str], num: str, den: str,
                confidence: float, interval: bool) -> list[dict]:
    rows = []
    for w in waves:
        recs = returns.in_wave(w)
        for c in cohorts:
            both = _counted(recs, c, num, den)
            x, n = _sum(both, c, num), _sum(both, c, den)
            num_all, den_all = _counted(recs, c, num), _counted(recs, c, den)
            xa, na = _sum(num_all, c, num), _sum(den_all, c, den)
            lo, hi = wilson_pct(x, n, confidence) if interval else (float("nan"), float("nan"))
            rows.append({"_keys": (w, {"numerator": _key(recs, [c], num, den), "denominator": _key(recs, [c], den, num),
                                       "numerator_all": _key(recs, [c], num), "denominator_all": _key(recs, [c], den)}),
                         "wave": w, "cohort": c, "numerator": x, "denominator": n,
                         "share_pct": pct(x, n), "ci_low_pct": lo, "ci_high_pct": hi, "n_authorities": len(both),
                         "numerator_all": xa, "denominator_all": na,
                         "share_unmatched_pct": pct(xa, na) if num_all and den_all else float("nan"),
                         "n_authorities_numerator": len(num_all), "n_authorities_denominator": len(den_all),
                         "basis": both_text(len(both), num, den)})
    return rows


def _share_frame(returns: Returns, rows: list[dict], *, suppress: bool, threshold: int) -> "pd.DataFrame":
    """The share table; suppressed through the guard: a count hidden here is hidden in every table
    (the totals, the figures), and a matched numerator that differs from the total by a small count
    (an authority that gave went missing but not in care) is hidden with its share."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=SHARE_COLUMNS)
    if not suppress:
        return frame
    share = ["share_pct", "ci_low_pct", "ci_high_pct"]
    derived = {"numerator": share, "denominator": share, "numerator_all": ["share_unmatched_pct"],
               "denominator_all": ["share_unmatched_pct"]}
    return _mask_keyed(frame, [r["_keys"] for r in rows], guard_for(returns, threshold), derived=derived)


def share_missing(returns: Returns, *, wave: str | Sequence[str] | None = None,
                  cohort: str | Sequence[str] | None = None, confidence: float = 0.95, suppress: bool = True,
                  threshold: int = 5) -> "pd.DataFrame":
    """The share of children in care who went missing, over the authorities that reported both.

    Columns: wave, cohort, numerator (went missing) and denominator (in care) summed over those
    authorities, share_pct with its Wilson interval (ci_low_pct, ci_high_pct), n_authorities; then
    the unmatched figure: numerator_all (went missing, every authority that gave it) over
    denominator_all (in care, every authority that gave it) = share_unmatched_pct, with the number
    of authorities behind each (n_authorities_numerator, n_authorities_denominator); basis."""
    threshold = check_threshold(threshold)
    rows = _ratio_rows(returns, select_waves(returns, wave), select_cohorts(returns, cohort), "went_missing",
                       "in_care", confidence, True)
    return _share_frame(returns, rows, suppress=suppress, threshold=threshold)


def episodes_per_child(returns: Returns, *, wave: str | Sequence[str] | None = None,
                       cohort: str | Sequence[str] | None = None, suppress: bool = True,
                       threshold: int = 5) -> "pd.DataFrame":
    """Missing episodes per child who went missing, over the authorities that reported both.

    Same columns as ``share_missing`` (numerator = episodes, denominator = children who went
    missing) plus ``per_child`` (matched) and ``per_child_unmatched``; no interval (episodes of one
    child are not independent) and the share columns are left empty."""
    threshold = check_threshold(threshold)
    rows = _ratio_rows(returns, select_waves(returns, wave), select_cohorts(returns, cohort), "episodes",
                       "went_missing", 0.95, False)
    for r in rows:
        r["per_child"] = r["numerator"] / r["denominator"] if r["denominator"] else float("nan")
        r["per_child_unmatched"] = (r["numerator_all"] / r["denominator_all"]
                                    if r["denominator_all"] and r["n_authorities_numerator"] else float("nan"))
        r["share_pct"] = r["share_unmatched_pct"] = float("nan")
    import pandas as pd

    cols = ["wave", "cohort", "numerator", "denominator", "per_child", "n_authorities", "numerator_all",
            "denominator_all", "per_child_unmatched", "n_authorities_numerator", "n_authorities_denominator", "basis"]
    frame = pd.DataFrame(rows, columns=cols)
    if not suppress:
        return frame
    return _mask_keyed(frame, [r["_keys"] for r in rows], guard_for(returns, threshold),
                       derived={"numerator": ["per_child"], "denominator": ["per_child"],
                                "numerator_all": ["per_child_unmatched"], "denominator_all": ["per_child_unmatched"]})


STILL_COLUMNS = ["wave", "cohort", "still_missing", "n_authorities", "largest", "mean_per_authority",
                 "went_missing_matched", "still_missing_matched", "still_missing_pct", "n_authorities_matched",
                 "basis"]


def still_missing(returns: Returns, *, wave: str | Sequence[str] | None = None,
                  cohort: str | Sequence[str] | None = None, suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Children still missing at the end of the period, per cohort and for all cohorts together
    (``cohort == "all"``: per authority the sum over the cohorts it reported; a child counted in two
    cohorts is counted twice).

    Columns: wave, cohort, still_missing (total), n_authorities (that gave a number), largest (one
    authority), mean_per_authority, then over the authorities that reported both still missing and
    went missing: went_missing_matched, still_missing_matched, still_missing_pct, n_authorities_matched; basis."""
    import pandas as pd

    threshold = check_threshold(threshold)
    rows, keys = [], []
    cohorts = select_cohorts(returns, cohort, allow_all=True)
    if cohort is None:
        cohorts = cohorts + ["all"]
    for w in select_waves(returns, wave):
        recs = returns.in_wave(w)
        for c in cohorts:
            parts = list(returns.cohorts) if c == "all" else [c]
            keys.append((w, {"still_missing": _key(recs, parts, "still_missing"),
                             "largest": _largest_key(recs, parts, "still_missing"),
                             "went_missing_matched": _key(recs, parts, "went_missing", "still_missing"),
                             "still_missing_matched": _key(recs, parts, "still_missing", "went_missing")}))
            per_auth = []
            matched_still = matched_gone = matched_n = 0
            for r in recs:
                vals = [r.value(p, "still_missing") for p in parts]
                if any(v is not None for v in vals):
                    per_auth.append(sum(v for v in vals if v is not None))
                pairs = [(r.value(p, "still_missing"), r.value(p, "went_missing")) for p in parts]
                pairs = [(s, g) for s, g in pairs if s is not None and g is not None]
                if pairs:
                    matched_n += 1
                    matched_still += sum(s for s, _ in pairs)
                    matched_gone += sum(g for _, g in pairs)
            rows.append({"wave": w, "cohort": c, "still_missing": sum(per_auth), "n_authorities": len(per_auth),
                         "largest": max(per_auth) if per_auth else None,
                         "mean_per_authority": sum(per_auth) / len(per_auth) if per_auth else None,
                         "went_missing_matched": matched_gone, "still_missing_matched": matched_still,
                         "still_missing_pct": pct(matched_still, matched_gone), "n_authorities_matched": matched_n,
                         "basis": f"{len(per_auth)} authorities giving a number for still missing"
                                  + (" (any cohort)" if c == "all" else "")})
    frame = pd.DataFrame(rows, columns=STILL_COLUMNS)
    frame["largest"] = frame["largest"].astype("Int64")
    if not suppress:
        return frame
    # the "all" row is the sum of the cohort rows, the matched columns are sums over fewer
    # authorities than still_missing, and the totals table shows the same sums: the guard hides
    # whatever would let one be worked out from the others
    guard = guard_for(returns, threshold)
    return _mask_keyed(frame, keys, guard,
                       covers=[_cover_columns(guard, r["wave"], r["cohort"], "still_missing", {"note": ["largest"]})
                               for r in rows],
                       derived={"still_missing": ["mean_per_authority"],
                                "still_missing_matched": ["still_missing_pct"],
                                "went_missing_matched": ["still_missing_pct"]})


DURATION_COLUMNS = ["wave", "cohort", "band", "over_a_week", "episodes", "share_pct", "n_authorities", "basis"]


def durations(returns: Returns, *, wave: str | Sequence[str] | None = None,
              cohort: str | Sequence[str] | None = None, suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Missing episodes by length (Figures 10-11), over the authorities that gave a number for
    every band of the cohort.

    Columns: wave, cohort, band (the column's band name, e.g. ``over_7_days``), over_a_week (True /
    False / empty when the band's name does not split at 7 days), episodes, share_pct (of the banded
    episodes), n_authorities, basis."""
    import pandas as pd

    threshold = check_threshold(threshold)
    rows, keys = [], []
    for w in select_waves(returns, wave):
        recs = returns.in_wave(w)
        for c in select_cohorts(returns, cohort):
            bands = returns.duration_bands(c)
            if not bands:
                continue
            keys += [(w, {"episodes": k}) for k in _band_keys(recs, c, bands)[1]]
            basis = _counted(recs, c, *bands)
            total = sum(_sum(basis, c, b) for b in bands)
            for b in bands:
                n = _sum(basis, c, b)
                rows.append({"wave": w, "cohort": c, "band": b[len("duration_"):], "over_a_week": over_a_week(b),
                             "episodes": n, "share_pct": pct(n, total), "n_authorities": len(basis),
                             "basis": f"{len(basis)} authorities giving a number for every duration band"})
    frame = pd.DataFrame(rows, columns=DURATION_COLUMNS)
    if not suppress or frame.empty:
        return frame
    # the bands add up to a published total (the shares give it away): a second band is hidden
    return _mask_keyed(frame, keys, guard_for(returns, threshold), derived={"episodes": ["share_pct"]})


def over_a_week_share(returns: Returns, wave: str, cohort: str) -> tuple[float, int, int, int]:
    """(share_pct, episodes over a week, banded episodes, authorities) — NaN share when the bands
    do not split at 7 days."""
    bands = returns.duration_bands(cohort)
    if not bands:
        return float("nan"), 0, 0, 0
    basis = _counted(returns.in_wave(wave), cohort, *bands)
    flags = [over_a_week(b) for b in bands]
    total = sum(_sum(basis, cohort, b) for b in bands)
    if any(f is None for f in flags):
        return float("nan"), 0, total, len(basis)
    over = sum(_sum(basis, cohort, b) for b, f in zip(bands, flags) if f)
    return pct(over, total), over, total, len(basis)


__all__ = ["coverage", "totals", "share_missing", "episodes_per_child", "still_missing", "durations",
           "over_a_week_share", "select_waves", "select_cohorts", "BASE_MEASURES"]
