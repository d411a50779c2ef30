"""Small numbers in FOI tables: counts of children from 1 to threshold - 1 are suppressed.

A count of children below the threshold (default 5) is replaced by ``[c]`` and so is everything
worked out from it (its share, interval, mean). A share also gives away its complement (children in
care who did not go missing), so a small complement suppresses the share and its numerator. Where a
table publishes a total beside its rows, ``surveykit.disclosure`` adds secondary suppression so no
hidden count can be recovered by subtraction. Zero is shown; counts of authorities are shown too
(they are public bodies, not children) unless, beside a total, they would pin the hidden number of
the largest authority to one value (``guard._largest_covers``).

The national tables publish the same measure summed over different sets of authorities (every
authority that gave it, those that also gave a second number, the largest one authority, all cohorts
together). ``protect_aggregates`` decides once, for every table of an output, which of those sums
must be hidden so that no difference between two of them gives away a small count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Hashable, Iterable, Mapping, Sequence

from surveykit.disclosure import DEFAULT_THRESHOLD, MARKER

if TYPE_CHECKING:
    import pandas as pd


def small(value: object, threshold: int) -> bool:
    """True for a count of children that must not be published (1 .. threshold - 1)."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return v == v and 0 < v < threshold


def check_threshold(threshold: int | None) -> int:
    from surveykit.errors import UsageError

    if threshold is None:
        return DEFAULT_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise UsageError(f"threshold must be a whole number of at least 1; got {threshold!r}")
    return threshold


def mask_rows(frame: "pd.DataFrame", *, counts: Sequence[str], derived: Mapping[str, Sequence[str]] = {},
              complements: Sequence[tuple[str, str, Sequence[str]]] = (), threshold: int) -> "pd.DataFrame":
    """Primary suppression row by row.

    counts: columns holding counts of children; derived: for a count column, the columns worked out
    from it (suppressed with it); complements: (part, whole, columns) - when 0 < whole - part <
    threshold, the part and ``columns`` are suppressed (the whole stays: it is published elsewhere).
    """
    hide: dict[str, list[int]] = {}
    cols = {c: frame[c].tolist() for c in set(counts) | {x for p, w, _ in complements for x in (p, w)}
            if c in frame.columns}
    for i in range(len(frame)):
        for col in counts:
            if col in cols and small(cols[col][i], threshold):
                for c in (col, *derived.get(col, ())):
                    hide.setdefault(c, []).append(i)
        for part, whole, cs in complements:
            try:
                gap = float(cols[whole][i]) - float(cols[part][i])
            except (TypeError, ValueError, KeyError):
                continue
            if gap == gap and 0 < gap < threshold:
                for c in (part, *cs, *derived.get(part, ())):
                    hide.setdefault(c, []).append(i)
    return apply_mask(frame, hide)


def apply_mask(frame: "pd.DataFrame", hide: Mapping[str, Sequence[int]]) -> "pd.DataFrame":
    """A copy of ``frame`` with the cells at (column, row position) replaced by the marker."""
    out = frame.reset_index(drop=True).copy()
    for col, rows in hide.items():
        if col not in out.columns or not rows:
            continue
        values = out[col].astype(object).tolist()
        for i in set(rows):
            values[i] = MARKER
        out[col] = values
    return out


def mask_column_with_total(frame: "pd.DataFrame", column: str, *, derived: Sequence[str] = (),
                           threshold: int, groups: Sequence[str] = ()) -> "pd.DataFrame":
    """Suppress small counts in ``column`` when the column's total is published: primary suppression,
    then secondary (``surveykit.disclosure.suppress``) so no hidden count follows by subtraction.
    ``groups``: columns splitting the frame into tables with their own totals (e.g. wave, cohort)."""
    import pandas as pd

    from surveykit.disclosure import suppress

    hide: dict[str, list[int]] = {}
    group_values = [frame[g].tolist() for g in groups]
    keys = list(zip(*group_values)) if groups else [()] * len(frame)
    column_values = frame[column].tolist()
    for key in dict.fromkeys(keys):
        idx = [i for i, k in enumerate(keys) if k == key]
        values = []
        for i in idx:
            try:
                values.append(float(column_values[i]))
            except (TypeError, ValueError):
                values.append(float("nan"))
        known = [(i, v) for i, v in zip(idx, values) if v == v]
        if not known:
            continue
        table = pd.DataFrame({"n": [v for _, v in known]}, index=[i for i, _ in known])
        try:
            protected = suppress(table, threshold=threshold, row_totals=False, column_totals=True)
            hidden = [i for i in protected.index if protected.loc[i, "n"] == MARKER]
        except RuntimeError:  # a lone small count equals its total: nothing can hide it but itself
            hidden = [i for i, v in known if v > 0]
        for i in hidden:
            for c in (column, *derived):
                hide.setdefault(c, []).append(int(i))
    return apply_mask(frame, hide)


#: An aggregate: (measure, the cells summed) - a cell is any hashable (authority, cohort) pair.
Aggregate = tuple[str, frozenset]


def protect_aggregates(values: Mapping[Aggregate, float], *, threshold: int,
                       complements: Iterable[tuple[Aggregate, Aggregate]] = (),
                       additive: Iterable[tuple[Aggregate, Sequence[Aggregate]]] = ()) -> dict[Aggregate, str]:
    """The aggregates (sums of one measure over a set of cells) that must not be published.

    * primary: a sum of 1 .. threshold - 1;
    * nested: two sums of the same measure, one over a subset of the other's cells, that differ by
      1 .. threshold - 1: the smaller one is hidden (the difference is a small count of children);
    * ``complements`` (part, whole): sums of two measures over the same cells (went missing and in
      care) whose difference is small: the part is hidden;
    * ``additive`` (total, parts): the total is the sum of the parts; when exactly one of them is
      hidden another is hidden too (the smallest non-zero part, else the total), so it cannot be
      recovered by subtraction.

    Repeated until nothing changes. Zero is never hidden for itself. Returns each hidden aggregate
    with why: ``small``, ``difference``, ``complement`` or ``secondary``."""
    complements, additive = list(complements), list(additive)
    hidden = {k: "small" for k, v in values.items() if small(v, threshold)}
    by_measure: dict[Hashable, list[Aggregate]] = {}
    for k in values:
        by_measure.setdefault(k[0], []).append(k)
    changed = True
    while changed:
        changed = False
        for keys in by_measure.values():
            for a in keys:
                if a in hidden:
                    continue
                if any(a[1] < b[1] and small(values[b] - values[a], threshold) for b in keys):
                    hidden[a] = "difference"
                    changed = True
        for part, whole in complements:
            if part in values and whole in values and part not in hidden \
                    and small(values[whole] - values[part], threshold):
                hidden[part] = "complement"
                changed = True
        for total, parts in additive:
            members = [k for k in dict.fromkeys([total, *parts]) if k in values]
            if total not in values or len(members) < 2 or sum(k in hidden for k in members) != 1:
                continue
            shown = [k for k in members if k != total and k not in hidden and values[k] > 0]
            pick = min(shown, key=lambda k: values[k]) if shown else (total if total not in hidden else None)
            if pick is not None:
                hidden[pick] = "secondary"
                changed = True
    return hidden
