"""The youth workshops' rankings file checked against the measures codebook (``read_rankings``,
``parse_rankings``), and each group's combined order of the measures (``Rankings``,
``combined_positions``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from surveykit.errors import InputError
from surveykit.ranking.measures import MeasureSet, load_measures

if TYPE_CHECKING:
    import pandas as pd

VERDICTS = ("effective", "not_effective")
COLUMNS = ("workshop", "group", "group_size", "measure_id", "verdict", "rank_in_verdict")
EXPLORATORY_BELOW = 10


# -- the rankings file -----------------------------------------------------------------------

def read_rankings(path: str | Path, *, measures: "MeasureSet | str | Path | None" = None,
                  encoding: str | None = None) -> "Rankings":
    """Read ``path`` (through ``surveykit.io``) and check it against the measures codebook (the
    shipped one by default). Raises InputError (exit 2) naming the group and the measure for any
    broken row; see ``parse_rankings`` for the checks."""
    from surveykit.io.rankings import read_rankings_rows

    mset = measures if isinstance(measures, MeasureSet) else load_measures(measures)
    rows, sha256 = read_rankings_rows(path, encoding=encoding)
    return parse_rankings(rows, measures=mset, path=path, sha256=sha256)


@dataclass(frozen=True)
class GroupRanking:
    """One group's sort. ``verdicts[m]`` is effective/not_effective; ``ranks[m]`` an int or None."""

    workshop: str
    group: str
    group_size: int
    verdicts: Mapping[str, str]
    ranks: Mapping[str, int | None]

    @property
    def key(self) -> str:
        return f"{self.workshop}/{self.group}"

    def positions(self, measure_ids: Sequence[str]) -> dict[str, float]:
        return combined_positions(self.verdicts, self.ranks, order=measure_ids)


@dataclass(frozen=True)
class Rankings:
    """A checked rankings file: every group has sorted every measure of ``measures`` exactly once."""

    measures: MeasureSet
    groups: tuple[GroupRanking, ...]
    path: str = "<rankings>"
    sha256: str = ""

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    @property
    def n_people(self) -> int:
        return sum(g.group_size for g in self.groups)

    @property
    def n_workshops(self) -> int:
        return len({g.workshop for g in self.groups})

    @property
    def exploratory(self) -> bool:
        return self.n_groups < EXPLORATORY_BELOW

    def positions(self) -> "pd.DataFrame":
        """Combined-order positions: one row per group, one column per measure (codebook order)."""
        import pandas as pd

        ids = self.measures.ids
        return pd.DataFrame([[g.positions(ids)[m] for m in ids] for g in self.groups],
                            index=pd.Index([g.key for g in self.groups], name="group"),
                            columns=list(ids), dtype="float64")

    def effective_matrix(self) -> "pd.DataFrame":
        """1 where a group put the measure in its effective pile, else 0 (groups x measures)."""
        import pandas as pd

        ids = self.measures.ids
        return pd.DataFrame([[int(g.verdicts[m] == "effective") for m in ids] for g in self.groups],
                            index=pd.Index([g.key for g in self.groups], name="group"),
                            columns=list(ids), dtype="int64")

    def sample_note(self) -> str:
        """The plain statement of how small this sample is, for every output."""
        text = (f"{self.n_people} young people in {self.n_groups} groups "
                f"({self.n_workshops} workshop{'s' if self.n_workshops != 1 else ''})")
        if self.exploratory:
            text += (f"; EXPLORATORY: fewer than {EXPLORATORY_BELOW} groups, so tests have little power and "
                     "the order can change with one group")
        return text


def combined_positions(verdicts: Mapping[str, str], ranks: Mapping[str, int | None], *,
                       order: Sequence[str] | None = None) -> dict[str, float]:
    """Positions 1..n in one group's combined order (effective pile first, then the not-effective
    pile from best to worst); unranked measures of a pile share the mid-rank of its positions left.

    The not-effective pile is ranked 1 = worst, so its rank r out of k sits at ``e + k - r + 1``.
    """
    ids = list(order) if order is not None else list(verdicts)
    eff = [m for m in ids if verdicts[m] == "effective"]
    not_eff = [m for m in ids if verdicts[m] == "not_effective"]
    out: dict[str, float] = {}
    e = len(eff)
    # Effective pile: positions 1..e; ranked ones first, unranked share the rest.
    ranked = [m for m in eff if ranks.get(m) is not None]
    unranked = [m for m in eff if ranks.get(m) is None]
    for m in ranked:
        out[m] = float(ranks[m])  # type: ignore[arg-type]
    for m in unranked:
        out[m] = len(ranked) + (len(unranked) + 1) / 2
    # Not-effective pile: positions e+1..e+k; the ranked ones are the worst (at the bottom).
    k = len(not_eff)
    ranked = [m for m in not_eff if ranks.get(m) is not None]
    unranked = [m for m in not_eff if ranks.get(m) is None]
    for m in ranked:
        out[m] = float(e + k - int(ranks[m]) + 1)  # type: ignore[arg-type]
    for m in unranked:
        out[m] = e + (len(unranked) + 1) / 2
    return out


def parse_rankings(rows: Sequence[Sequence[str]], *, measures: MeasureSet, path: object = None,
                   sha256: str = "") -> Rankings:
    """Check and type a rankings table (header row first, then one row per group x measure).

    Refuses, with one InputError naming the group and the measure: a measure not in the codebook,
    a measure twice in one group, a group missing measures, ranks that are not 1..k within a pile
    (k = the number of ranked measures in it), a verdict other than effective / not_effective.
    """
    where = None if path is None else str(path)
    if not rows:
        raise InputError("the rankings file is empty", path=where)
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"the rankings file lacks column(s) {', '.join(missing)}; "
                         f"expected columns: {', '.join(COLUMNS)}", path=where)
    col = {c: header.index(c) for c in COLUMNS}
    known = set(measures.ids)
    order: list[tuple[str, str]] = []
    seen: dict[tuple[str, str], dict[str, Any]] = {}

    def cell(row: Sequence[str], name: str) -> str:
        j = col[name]
        return row[j].strip() if j < len(row) else ""

    for i, row in enumerate(rows[1:], start=1):
        if not any(str(c).strip() for c in row):
            continue
        workshop, group = cell(row, "workshop"), cell(row, "group")
        measure = cell(row, "measure_id")
        if not workshop or not group:
            raise InputError("workshop and group must not be blank", path=where, row=i)
        # Named only for a message: checking the names for personal data costs more than the row.
        gname = functools.partial(_group_name, workshop, group, i)
        key = (workshop, group)
        if not measure:
            raise InputError(f"{gname()}: measure_id is blank", path=where, row=i)
        if measure not in known:
            # The cell is quoted only when it looks like an id: what was typed there may be personal data.
            from surveykit.coding.redact import redact_text
            from surveykit.errors import looks_like_id

            shown = (f"measure {measure!r}" if looks_like_id(measure) and not redact_text(measure).spans
                     else "the measure_id")
            raise InputError(f"{gname()}, {shown}: not in the measures codebook; allowed: "
                             f"{', '.join(measures.ids)}", path=where, row=i, column="measure_id")
        size_text = cell(row, "group_size")
        if not size_text.isdigit() or int(size_text) < 1:
            raise InputError(f"{gname()}, measure {measure!r}: group_size must be a whole number of people "
                             f"(1 or more)", path=where, row=i, column="group_size")
        size = int(size_text)
        verdict = cell(row, "verdict").lower()
        if verdict not in VERDICTS:
            raise InputError(f"{gname()}, measure {measure!r}: verdict must be one of 'effective', "
                             "'not_effective'", path=where, row=i,
                             column="verdict")
        rank_text = cell(row, "rank_in_verdict")
        rank: int | None = None
        if rank_text:
            try:
                value = float(rank_text)
                if not value.is_integer() or value < 1:
                    raise ValueError
                rank = int(value)
            except ValueError:
                raise InputError(f"{gname()}, measure {measure!r}: rank_in_verdict must be a whole number from 1 "
                                 "(or blank when the pile was left unranked)",
                                 path=where, row=i, column="rank_in_verdict") from None
        if key not in seen:
            seen[key] = {"size": size, "verdicts": {}, "ranks": {}, "rows": {}, "first": i}
            order.append(key)
        g = seen[key]
        if g["size"] != size:
            raise InputError(f"{gname()}, measure {measure!r}: group_size {size} differs from the group's earlier "
                             f"rows ({g['size']})", path=where, row=i, column="group_size")
        if measure in g["verdicts"]:
            raise InputError(f"{gname()}, measure {measure!r}: sorted twice in this group (also row "
                             f"{g['rows'][measure]})", path=where, row=i, column="measure_id")
        g["verdicts"][measure] = verdict
        g["ranks"][measure] = rank
        g["rows"][measure] = i

    if not order:
        raise InputError("the rankings file has a header but no rows", path=where)
    groups: list[GroupRanking] = []
    for key in order:
        g = seen[key]
        gname = _group_name(key[0], key[1], g["first"])
        absent = [m for m in measures.ids if m not in g["verdicts"]]
        if absent:
            raise InputError(f"{gname}: missing measure(s) {', '.join(absent)}; every group must sort all "
                             f"{len(measures)} measures", path=where)
        for verdict in VERDICTS:
            pile = [m for m in measures.ids if g["verdicts"][m] == verdict]
            ranked = sorted((g["rows"][m], g["ranks"][m], m) for m in pile if g["ranks"][m] is not None)
            k, used = len(ranked), {}
            # k ranks, none above k and none repeated, are exactly 1..k; name the first row that breaks it.
            for row, rank, m in ranked:
                if rank > k or rank in used:
                    why = f"also given to {used[rank]!r}" if rank in used else f"the pile has {k} ranked measure(s)"
                    raise InputError(f"{gname}, measure {m!r}: rank {rank} in the {verdict} pile ({why}); the "
                                     f"ranks there must run 1..{k} with no gaps or repeats", path=where,
                                     row=row, column="rank_in_verdict")
                used[rank] = m
        groups.append(GroupRanking(workshop=key[0], group=key[1], group_size=g["size"],
                                   verdicts=dict(g["verdicts"]), ranks=dict(g["ranks"])))
    return Rankings(measures=measures, groups=tuple(groups), path="<rankings>" if path is None else str(path),
                    sha256=sha256)


# -- helpers ----------------------------------------------------------------------------------

def _group_name(workshop: str, group: str, row: int) -> str:
    """A group for a message: by its names when they look like ids ("1", "g2"), else by its first row
    (what was typed there may be personal data)."""
    from surveykit.coding.redact import redact_text
    from surveykit.errors import looks_like_id

    def plain(v: str) -> bool:  # an id, or too short to be anything else ("A", "12")
        return (looks_like_id(v) or (v.isalnum() and len(v) <= 3) or (v.isdigit() and len(v) < 6)) \
            and not redact_text(v).spans

    if plain(group) and plain(workshop):
        return f"group {group!r} (workshop {workshop!r})"
    return f"the group first seen on row {row}"
