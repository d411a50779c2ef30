"""Counts cannot be negative, and a reader knows it.

An audit recovered a hidden "Don't know" count of 1 from a report: everyone answered the item (the
"all" column's base and Don't know count add up to everyone), so nobody in any group left it blank, and
a group's Don't know count was its size less its shown base. The protection treated blank counts as
free unknowns. Now a margin of 0 (nobody chose an option; nobody left the item blank) makes every cell
in it a known 0, and a group whose size another table hides is no known total.

The check is independent of the protection's own algebra: every table of counts consistent with what
is published (the shown cells, the shown group sizes, the total, and counts >= 0) is enumerated, and
each hidden small count must take at least two values among them."""

from __future__ import annotations

import itertools

import numpy as np

# Three groups of 8, 9 and 7 people (every size published); yes / no / Don't know; nobody left the item
# blank. One person in the group of 9 said Don't know: a small count, whose group's base was shown.
GROUPS = ["all", "north", "south", "east"]
SIZES = {"north": 8, "south": 9, "east": 7}
COUNTS = np.array([  # rows yes, no, dk; columns all, then the groups
    [15, 5, 6, 4],
    [7, 3, 2, 2],
    [2, 0, 1, 1],
])


def _compositions(total: int, parts: int):
    for cut in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *cut, total + parts - 1)
        yield tuple(edges[k + 1] - edges[k] - 1 for k in range(parts))


def _published(prot, counts):
    shown = {}
    for g in range(1, len(GROUPS)):
        for i in range(counts.shape[0]):
            if ("c", i, g) not in prot.suppressed:
                shown[("c", i, g)] = counts[i, g]
        if ("n", g) not in prot.suppressed:
            shown[("n", g)] = counts[:2, g].sum()
    for i in range(counts.shape[0]):
        if ("c", i, 0) not in prot.suppressed:
            shown[("c", i, 0)] = counts[i, 0]
    if ("n", 0) not in prot.suppressed:
        shown[("n", 0)] = counts[:2, 0].sum()
    return shown


def _values_left(prot, hidden_sizes):
    """For each hidden count, the values it takes over every table a reader cannot rule out."""
    shown = _published(prot, COUNTS)
    total = sum(SIZES.values())
    known = {g: n for g, n in SIZES.items() if g not in hidden_sizes}
    free = [g for g in SIZES if g in hidden_sizes]
    seen: dict = {}

    def fits(col, g):  # a group's column (yes, no, dk, blank) against its own shown cells
        return all(shown.get(("c", i, g), col[i]) == col[i] for i in range(3)) and \
            shown.get(("n", g), col[0] + col[1]) == col[0] + col[1]

    for split in _compositions(total - sum(known.values()), len(free)) if free else [()]:
        sizes = {**known, **dict(zip(free, split))}
        # every column (yes, no, dk, blank) with blank 0: the strongest reader knows nobody left it blank
        # (the "all" column's n_blank is 0 in the score table, or its base and Don't know add up to everyone)
        columns = [[(*c, 0) for c in _compositions(sizes[name], 3) if fits((*c, 0), g)]
                   for g, name in enumerate(GROUPS[1:], 1)]
        for cols in itertools.product(*columns):
            all_col = [sum(col[i] for col in cols) for i in range(3)]
            if any(shown.get(("c", i, 0), all_col[i]) != all_col[i] for i in range(3)):
                continue
            if shown.get(("n", 0), all_col[0] + all_col[1]) != all_col[0] + all_col[1]:
                continue
            table = np.array([[all_col[i], *(col[i] for col in cols)] for i in range(3)])
            for key in prot.primary:
                value = table[key[1], key[2]] if key[0] == "c" else table[:2, key[1]].sum()
                seen.setdefault(key, set()).add(int(value))
    return seen


def test_no_hidden_small_count_follows_from_counts_being_non_negative():
    from surveykit.disclosure import protect_group_sizes, protect_item

    names = list(SIZES)
    size_prot = protect_group_sizes(names, [SIZES[g] for g in names], [SIZES[g] for g in names], threshold=5)
    hidden_sizes = frozenset(g for g in names if ("size", g) in size_prot)
    assert not hidden_sizes  # no group is small: every size is published
    prot = protect_item(COUNTS, [1.0, 0.0, None], [False, False, True], [True, False, False], GROUPS,
                        threshold=5, blank=np.zeros(len(GROUPS)), hidden_groups=hidden_sizes)
    assert ("c", 2, 2) in prot.primary  # one Don't know in the group of 9: a small count
    left = _values_left(prot, hidden_sizes)
    pinned = {k: v for k, v in left.items() if len(v) < 2}
    assert not pinned, f"recoverable hidden counts: {pinned}"
