"""Counting closed answers by group: the groupings of respondents (``by``), the option counts of each
closed column in every group, and the one disclosure protection of an item's counts, which every table
built from those counts publishes (scores, summaries, ranked grids, banners, comparisons).

Groups: ``by=None`` gives one group, ``"all"``. With ``by`` the first group is ``"all"`` (everyone)
and then one group per value in the instrument's order; respondents with no value form the group
``"missing"`` (so that every group total adds up to ``"all"``, which disclosure control relies on).
The tables themselves are made in ``scoring`` (and the modules that use these counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from surveykit.errors import UsageError, invalid_choice
from surveykit.reuse import reused
from surveykit.validation import id_list

if TYPE_CHECKING:
    import numpy as np

    from surveykit.clean import Responses
    from surveykit.instrument import Item, Question

ALL = "all"
MISSING = "missing"


@dataclass(frozen=True)
class Grouping:
    """Group ids in display order and, per respondent, the index of their group (without "all")."""

    by: str | None
    groups: tuple[str, ...]  # without "all"
    codes: "np.ndarray"  # int index into groups, one per respondent

    @property
    def labels(self) -> tuple[str, ...]:
        return (ALL,) + self.groups if self.by else (ALL,)


def _memo(kind: str, responses: "Responses", key: object, make):  # noqa: ANN001
    """``make()``, worked out once per ``Responses`` inside ``reuse.reusing()`` (a report counts the same
    columns for many tables). The data must not change inside the block; the arrays handed out are
    shared and must not be modified (they are made read-only, so a write raises)."""
    def made():
        value = make()
        shared = getattr(value, "codes", value)  # a Grouping's codes, or the array itself
        if hasattr(shared, "setflags"):
            shared.setflags(write=False)
        return responses, value  # holding responses keeps its id from being reused while kept

    found = reused(kind, (id(responses), key), made)
    return found[1] if found[0] is responses else make()


def grouping(responses: "Responses", by: str | None) -> Grouping:
    """Respondents' groups for ``by`` (validated: an unknown ``by`` names the allowed ones)."""
    return _memo("grouping", responses, by, lambda: _grouping(responses, by))


def _grouping(responses: "Responses", by: str | None) -> Grouping:
    import numpy as np

    if by is None:
        return Grouping(None, (), np.zeros(responses.n, dtype=np.int64))
    values = responses.groups(by)
    inst = responses.instrument
    non_answers = inst.group_non_answers(by)  # "Don't know" is no group: with the blanks, in "missing"
    present = [v for v in values.unique() if v is not None and not _isna(v) and v not in non_answers]
    order = inst.group_order(by)
    if order is None:
        order = sorted(str(v) for v in present)
    groups = [g for g in order if g in set(present)] + sorted(str(v) for v in present if v not in set(order))
    names = [str(g).lower() if isinstance(g, bool) else str(g) for g in groups]
    index = {g: i for i, g in enumerate(groups)}
    codes = np.array([index.get(v, -1) if v is not None and not _isna(v) and v not in non_answers else -1
                      for v in values], dtype=np.int64)
    if (codes < 0).any():
        names.append(MISSING)
        codes[codes < 0] = len(names) - 1
    return Grouping(by, tuple(names), codes)


def group_sizes(responses: "Responses", by: str) -> list[tuple[str, int, int]]:
    """(group, respondents, completed) of every group of ``by`` in the report's order: the declared
    groups (with 0 for a group nobody is in), then the groups found but not declared, then "missing"
    (blank or not recognised) when anyone is in it. What the report's "who responded" table shows."""
    import numpy as np

    grp = grouping(responses, by)
    done_all = responses.data["completed"].to_numpy(dtype=bool)
    declared = [str(g).lower() if isinstance(g, bool) else str(g) for g in (responses.instrument.group_order(by) or [])]
    order = declared + [g for g in grp.groups if g not in declared and g != MISSING]
    if MISSING in grp.groups:
        order.append(MISSING)
    out = []
    for g in order:
        mask = grp.codes == grp.groups.index(g) if g in grp.groups else np.zeros(responses.n, dtype=bool)
        out.append((g, int(mask.sum()), int(done_all[mask].sum())))
    return out


def hidden_group_sizes(responses: "Responses", by: str | None, threshold: int) -> frozenset[str]:
    """The groups of ``by`` whose size the "who responded" table hides (``disclosure.protect_group_sizes``):
    every table by ``by`` hides them whole too (``disclosure.protect_item``'s ``hidden_groups``), so that
    no two tables of a run are protected differently (a size hidden in one and a base equal to it shown
    in another gave a small group away)."""
    if by is None:
        return frozenset()

    def make() -> frozenset[str]:
        from surveykit import disclosure

        rows = group_sizes(responses, by)
        hidden = disclosure.protect_group_sizes([g for g, _, _ in rows], [n for _, n, _ in rows],
                                                [d for _, _, d in rows], threshold=threshold)
        return frozenset(g for g, _, _ in rows if ("size", g) in hidden)

    return _memo("hidden_group_sizes", responses, (by, threshold), make)


def _isna(v: object) -> bool:
    try:
        return v != v  # NaN
    except Exception:
        return False


def closed_targets(responses: "Responses", questions: Iterable[str] | None = None, *,
                   parameter: str = "questions") -> list[tuple["Question", "Item | None"]]:
    """(question, item) pairs of the closed questions asked for (all closed questions by default).

    ``questions`` is an id, a comma-separated string or a list of ids; a question id may also name
    one grid item. Ids are matched without regard to case. Free-text questions are refused."""
    inst = responses.instrument
    questions = id_list(questions, parameter=parameter)
    if not questions:
        return list(inst.closed_columns())
    out: list[tuple[Question, Item | None]] = []
    closed_ids = [q.id for q in inst.closed_questions()]
    for raw in questions:
        for qid in [p.strip() for p in str(raw).split(",") if p.strip()]:
            key = qid.lower()
            if inst.has_question(key):
                q = inst.question(key)
                if not q.is_closed:
                    raise UsageError(f"{parameter}: {qid!r} is a free-text question; closed questions are: "
                                     + ", ".join(closed_ids))
                out.extend((q, it) for it in q.items) if q.is_grid else out.append((q, None))
                continue
            try:
                q, it = inst.column_owner(key)
            except UsageError:
                raise invalid_choice(parameter, qid, closed_ids) from None
            if it is None:  # an "other" free-text column
                raise UsageError(f"{parameter}: {qid!r} is a free-text column; closed questions are: "
                                 + ", ".join(closed_ids))
            out.append((q, it))
    seen: set[str] = set()
    unique = []
    for q, it in out:
        cid = it.id if it else q.id
        if cid not in seen:
            seen.add(cid)
            unique.append((q, it))
    return unique


def count_matrix(responses: "Responses", column_id: str, grp: Grouping) -> "np.ndarray":
    """Counts of one closed column: rows = scale options in order, then blank; columns = groups
    (without "all"). Vectorised with ``np.bincount``."""
    import numpy as np
    import pandas as pd

    question, _ = responses.instrument.column_owner(column_id)
    codes = [o.code for o in question.scale.options]

    def option_index() -> "np.ndarray":
        cat = pd.Categorical(responses.data[column_id], categories=codes).codes.astype(np.int64)
        cat[cat < 0] = len(codes)  # blank (or an unknown code, already reported by prepare) -> last row
        return cat

    cat = _memo("options", responses, (column_id, tuple(codes)), option_index)
    k, g = len(codes) + 1, max(len(grp.groups), 1)
    flat = np.bincount(cat * g + grp.codes, minlength=k * g)
    return flat.reshape(k, g)


@dataclass(frozen=True)
class _ItemCounts:
    question: "Question"
    item: "Item | None"
    groups: tuple[str, ...]  # including "all"
    counts: "np.ndarray"  # options x groups (valid options and DK), "all" first
    blank: "np.ndarray"  # per group

    @property
    def column_id(self) -> str:
        return self.item.id if self.item else self.question.id

    @property
    def label(self) -> str:
        return self.item.label if self.item else self.question.short


def item_counts(responses: "Responses", targets: Sequence[tuple["Question", "Item | None"]],
                by: str | None) -> list[_ItemCounts]:
    import numpy as np

    grp = grouping(responses, by)
    out = []
    for q, it in targets:
        m = count_matrix(responses, it.id if it else q.id, grp)
        if by:
            m = np.column_stack([m.sum(axis=1), m])
        out.append(_ItemCounts(q, it, grp.labels, m[:-1], m[-1]))
    return out


#: Protections already found, by everything they depend on (a report protects each item once per
#: table it shows; the search is the same every time). Bounded: cleared when full.
_PROTECTIONS: dict = {}
_PROTECTIONS_MAX = 4096


def _protect(ic: "_ItemCounts", threshold: int, hidden_groups: frozenset[str] = frozenset()):
    """The one protection of an item over its grouping (``disclosure.protect_item``), with every
    statistic any table shows: all tables built from the same counts hide the same numbers.

    ``protect_item`` is a pure function of the counts, the scale and the threshold, so its result is
    remembered by their value: the tables of a report that show the same item reuse it."""
    from surveykit import disclosure

    scale = ic.question.scale
    codes = [o.code for o in scale.options]
    nets = [[codes.index(c) for c in net.codes] for net in ic.question.all_nets]
    counts, blank = ic.counts.astype(float), ic.blank.astype(float)
    values = [o.value for o in scale.options]
    dk = [o.dk for o in scale.options]
    top = [o.code in scale.top_box for o in scale.options]
    key = (counts.shape, counts.tobytes(), blank.tobytes(), tuple(values), tuple(dk), tuple(top), tuple(ic.groups),
           threshold, tuple(tuple(n) for n in nets), hidden_groups)
    found = _PROTECTIONS.get(key)
    if found is None:
        found = disclosure.protect_item(counts, values, dk, top, ic.groups, threshold=threshold, nets=nets,
                                        blank=blank, hidden_groups=hidden_groups)
        if len(_PROTECTIONS) >= _PROTECTIONS_MAX:
            _PROTECTIONS.clear()
        _PROTECTIONS[key] = found
    return found


def protections(responses: "Responses", targets, by: str, threshold: int) -> list[tuple[tuple[str, ...], frozenset]]:
    """Per target, the protection the tables by ``by`` publish it with (``disclosure.protect_item``):
    (the groups as its keys number them, "all" first; the keys hidden). For tables of other statistics
    of the same counts (``compare``) to hide what these hide."""
    sizes = hidden_group_sizes(responses, by, threshold)
    return [(tuple(ic.groups), _protect(ic, threshold, sizes).suppressed) for ic in item_counts(responses, targets, by)]


def hidden_sets(responses: "Responses", targets, by: str | None, protect_by: str | None,
                threshold: int) -> list[frozenset]:
    """Per target, the keys ``disclosure.protect_item`` hides, in the group order of ``by``.

    Tables of all respondents (``by=None``) published beside tables by a grouping are protected over
    that grouping (``protect_by``) and show its "all" column's pattern, so that the two tables cannot
    be combined to undo a suppression."""
    if by is not None and protect_by is not None and protect_by != by:
        raise UsageError(f"protect_by must be None or the same grouping as by ({by!r}); got {protect_by!r}")
    grouping_used = by if by is not None else protect_by
    sizes = hidden_group_sizes(responses, grouping_used, threshold)
    prots = [_protect(ic, threshold, sizes).suppressed for ic in item_counts(responses, targets, grouping_used)]
    if by is None and protect_by is not None:
        return [frozenset(k for k in hide if k[-1] == 0) for hide in prots]
    return prots


__all__ = ["ALL", "MISSING", "Grouping", "closed_targets", "count_matrix", "group_sizes", "grouping",
           "hidden_group_sizes", "hidden_sets", "item_counts", "protections"]
