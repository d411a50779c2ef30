"""The youth workshops' ranking exercise: the measures codebook, checked rankings, and their scoring.

Each group of young people sorted every measure into an *effective* pile ("would work", rank 1 =
best) and a *not_effective* pile ("would not work", rank 1 = worst), and may have left a pile
unranked. From that, each group gets a **combined order** of all measures: the effective pile first
in its ranks, then the not-effective pile from best to worst. Measures left unranked in a pile
share the mid-rank of the positions left in that pile (so an unranked pile of 4 after 10 effective
measures puts each of the four at 12.5).

Everything here is a pure function over parsed values; ``read_rankings`` reads (through ``surveykit.io``)
the file from disk and ``load_measures`` reads the shipped codebook (as ``load_instrument`` does).

The sample is tiny (nine young people in four or five groups): every result carries the number of
groups and is flagged ``exploratory`` when there are fewer than ``EXPLORATORY_BELOW`` groups.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from surveykit.errors import AnalysisError, CodebookError, InputError, invalid_choice

if TYPE_CHECKING:
    import pandas as pd

VERDICTS = ("effective", "not_effective")
COLUMNS = ("workshop", "group", "group_size", "measure_id", "verdict", "rank_in_verdict")
EXPLORATORY_BELOW = 10
MODELS = ("none", "plackett-luce")
_PUBLISHED = re.compile(r"^(top|bottom)\s+(\d+)$")


# -- the measures codebook -----------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """One measure. ``published`` is ``("top", n)``, ``("bottom", n)`` (bottom 1 = the worst) or
    None when ``assumed`` (our reconstruction of a measure the study did not publish)."""

    id: str
    label: str
    item: str  # the grid item of the survey this measure matches (the instrument's youth grid)
    published: tuple[str, int] | None
    assumed: bool

    @property
    def published_text(self) -> str:
        if self.published is None:
            return "assumed"
        end, n = self.published
        return f"{end} {n}"


@dataclass(frozen=True)
class MeasureSet:
    measures: tuple[Measure, ...]
    path: str = "<measures>"
    title: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise invalid_choice("measure", measure_id, self.ids)

    def published_top(self) -> tuple[str, ...]:
        """Ids the study published as most effective, best first."""
        tops = sorted((m.published[1], m.id) for m in self.measures if m.published and m.published[0] == "top")
        return tuple(i for _, i in tops)

    def published_bottom(self) -> tuple[str, ...]:
        """Ids the study published as most ineffective, worst first."""
        bottoms = sorted((m.published[1], m.id) for m in self.measures if m.published and m.published[0] == "bottom")
        return tuple(i for _, i in bottoms)


def default_measures_path() -> Path:
    from surveykit.io.resources import codebooks_dir

    return codebooks_dir() / "youth_measures.yaml"


def load_measures(path: str | Path | None = None) -> MeasureSet:
    """Load and check the measures codebook (``codebooks/youth_measures.yaml`` by default)."""
    from surveykit.io.yaml_file import read_yaml

    p = Path(path) if path is not None else default_measures_path()
    return parse_measures(read_yaml(p, error=CodebookError, what="measures codebook"), path=str(p))


def parse_measures(doc: Any, *, path: str = "<measures>") -> MeasureSet:
    """Build a MeasureSet from parsed YAML; one clear CodebookError for the first problem."""
    if not isinstance(doc, dict) or not isinstance(doc.get("measures"), list) or not doc["measures"]:
        raise CodebookError("expected a mapping with a non-empty 'measures' list", path=path)
    out: list[Measure] = []
    seen: set[str] = set()
    for n, mdef in enumerate(doc["measures"], start=1):
        where = f"measure {n}"
        if not isinstance(mdef, dict):
            raise CodebookError(f"{where}: expected a mapping with id, label, item, published", path=path)
        for key in ("id", "label", "item", "published"):
            if not str(mdef.get(key) or "").strip():
                raise CodebookError(f"{where}: '{key}' is missing", path=path)
        mid = str(mdef["id"]).strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", mid):
            raise CodebookError(f"{where}: id {mid!r} must be snake_case (a-z, 0-9, _)", path=path)
        if mid in seen:
            raise CodebookError(f"measure {mid!r} is declared twice", path=path)
        seen.add(mid)
        pub = str(mdef["published"]).strip().lower()
        if pub == "assumed":
            published, assumed = None, True
        else:
            m = _PUBLISHED.match(pub)
            if not m or int(m.group(2)) < 1:
                raise CodebookError(f"measure {mid!r}: published must be 'top N', 'bottom N' or 'assumed'; "
                                    f"got {mdef['published']!r}", path=path)
            published, assumed = (m.group(1), int(m.group(2))), False
        out.append(Measure(id=mid, label=str(mdef["label"]).strip(), item=str(mdef["item"]).strip(),
                           published=published, assumed=assumed))
    for end in ("top", "bottom"):
        places = sorted(m.published[1] for m in out if m.published and m.published[0] == end)
        if places != list(range(1, len(places) + 1)):
            raise CodebookError(f"the '{end} N' places must run 1..{len(places)} once each; got {places}", path=path)
    return MeasureSet(measures=tuple(out), path=path, title=str(doc.get("title") or ""))


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


# -- scoring ----------------------------------------------------------------------------------

def score_measures(rankings: Rankings) -> "pd.DataFrame":
    """One row per measure, best first.

    Columns: ``measure_id, measure_label, assumed, n_groups, n_effective, pct_effective`` (0-100,
    of groups), ``mean_position`` (mean combined-order position, 1 = best), ``borda`` (sum over
    groups of ``n_measures - position``: the best measure of a group gets n-1 points, the worst 0),
    ``rank`` (1 = best, by mean position; equal mean positions share the lowest rank).
    """
    import pandas as pd

    pos = rankings.positions()
    eff = rankings.effective_matrix()
    n = len(rankings.measures)
    m = rankings.n_groups
    frame = pd.DataFrame({
        "measure_id": list(rankings.measures.ids),
        "measure_label": [x.label for x in rankings.measures.measures],
        "assumed": [x.assumed for x in rankings.measures.measures],
        "n_groups": m,
        "n_effective": [int(eff[c].sum()) for c in rankings.measures.ids],
    })
    frame["pct_effective"] = 100.0 * frame["n_effective"] / m
    frame["mean_position"] = [float(pos[c].mean()) for c in rankings.measures.ids]
    frame["borda"] = [float((n - pos[c]).sum()) for c in rankings.measures.ids]
    frame["rank"] = frame["mean_position"].rank(method="min").astype("int64")
    frame["_order"] = range(len(frame))
    frame = frame.sort_values(["rank", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return frame


def count_is_hidden(n_effective: int, n_groups: int, *, threshold: int = 5) -> bool:
    """Whether a measure's number of groups calling it effective is suppressed: it, or the number of
    groups that did not, is 1 to ``threshold - 1``."""
    from surveykit.disclosure import is_primary

    return is_primary(float(n_effective), threshold) or is_primary(float(n_groups - n_effective), threshold)


def protect_scores(scores: "pd.DataFrame", *, threshold: int = 5) -> "pd.DataFrame":
    """``score_measures`` as published: the number (and share) of groups calling a measure effective
    is hidden where it, or the rest of the groups, is 1 to ``threshold - 1`` groups of young people;
    mean positions and Borda scores are rounded (with few groups a full-precision mean times the
    number of groups gives the groups' positions away). Ranks and orders use the true values."""
    from surveykit.disclosure import MARKER

    out = scores.astype({"n_effective": object, "pct_effective": object}).copy()
    for i, (k, m) in enumerate(zip(scores["n_effective"], scores["n_groups"])):
        if count_is_hidden(int(k), int(m), threshold=threshold):
            out.iat[i, out.columns.get_loc("n_effective")] = MARKER
            out.iat[i, out.columns.get_loc("pct_effective")] = MARKER
        else:
            out.iat[i, out.columns.get_loc("pct_effective")] = round(float(scores["pct_effective"].iloc[i]), 1)
    out["mean_position"] = [round(float(v), 1) for v in scores["mean_position"]]
    out["borda"] = [round(float(v)) for v in scores["borda"]]
    return out


def extremes(scores: "pd.DataFrame", *, top: int = 6, bottom: int = 4) -> tuple[list[str], list[str]]:
    """(most effective best first, most ineffective worst first) measure ids from ``score_measures``."""
    if top < 0 or bottom < 0:
        raise invalid_choice("top/bottom", (top, bottom), ["whole numbers 0 or more"])
    ids = list(scores["measure_id"])
    return ids[:top], list(reversed(ids))[:bottom]


@dataclass(frozen=True)
class Agreement:
    """How far the groups agree. Every p-value belongs with ``n_groups`` (raters) and ``n_measures``.

    kendall_w: Kendall's coefficient of concordance, corrected for tied positions;
    kendall_chi2 = n_groups * (n_measures - 1) * W on ``df`` degrees of freedom (this is also the
    tie-corrected Friedman statistic); friedman_*: scipy's Friedman test on the positions (groups are
    blocks); cochran_*: Cochran's Q on the effective / not-effective sort. ``cochran_withheld``: Q and
    its p-value are NaN because Q is computed from the numbers of groups calling each measure
    effective and some of them are suppressed (see ``agreement``).
    """

    n_groups: int
    n_people: int
    n_measures: int
    df: int
    kendall_w: float
    kendall_chi2: float
    kendall_p: float
    friedman_chi2: float
    friedman_p: float
    cochran_q: float
    cochran_df: int
    cochran_p: float
    exploratory: bool
    cochran_withheld: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}

    def lines(self) -> list[str]:
        """Sentences for people; every p-value carries its n."""
        n = f"n = {self.n_groups} groups ({self.n_people} young people) x {self.n_measures} measures"
        label = "exploratory: " if self.exploratory else ""
        return [
            f"{label}Kendall's W = {_fmt(self.kendall_w, 3)} (tie-corrected), chi-square({self.df}) = "
            f"{_fmt(self.kendall_chi2, 2)}, p {_fmt_p(self.kendall_p)}, {n}",
            f"{label}Friedman test: chi-square({self.df}) = {_fmt(self.friedman_chi2, 2)}, "
            f"p {_fmt_p(self.friedman_p)}, {n}",
            f"{label}Cochran's Q on the effective / not-effective sort: " + (
                "not shown, because it is computed from the numbers of groups calling each measure effective, "
                f"and some of those are suppressed, {n}" if self.cochran_withheld else
                f"Q({self.cochran_df}) = {_fmt(self.cochran_q, 2)}, p {_fmt_p(self.cochran_p)}, {n}"),
        ]


def kendall_w(positions: "pd.DataFrame") -> tuple[float, float, int, float]:
    """Kendall's W with the tie correction, for a raters x items table of ranks (mid-ranks for ties).

    W = 12 S / (m^2 (n^3 - n) - m sum T), S = sum over items of (R_i - mean R)^2, T = sum over each
    rater's tie groups of (t^3 - t). Returns (W, chi-square = m (n-1) W, df = n-1, p).
    """
    from scipy import stats

    values = positions.to_numpy(dtype="float64")
    m, n = values.shape
    if m < 2 or n < 2:
        raise AnalysisError(f"Kendall's W needs at least 2 groups and 2 measures; got {m} and {n}")
    totals = values.sum(axis=0)
    s = float(((totals - totals.mean()) ** 2).sum())
    ties = 0.0
    for row in values:
        _, counts = _unique_counts(row)
        ties += float(sum(t ** 3 - t for t in counts if t > 1))
    denom = m ** 2 * (n ** 3 - n) - m * ties
    w = 12.0 * s / denom if denom > 0 else float("nan")
    chi2 = m * (n - 1) * w
    p = float(stats.chi2.sf(chi2, n - 1)) if not math.isnan(chi2) else float("nan")
    return w, chi2, n - 1, p


def cochran_q(binary: "pd.DataFrame") -> tuple[float, int, float]:
    """Cochran's Q for a blocks x treatments 0/1 table: (Q, df = k-1, p).

    Q = (k-1) (k sum C_j^2 - N^2) / (k N - sum R_i^2), C_j treatment totals, R_i block totals.
    NaN when every block gives every treatment the same answer (the test is undefined).
    """
    from scipy import stats

    x = binary.to_numpy(dtype="float64")
    k = x.shape[1]
    cols, rows, total = x.sum(axis=0), x.sum(axis=1), x.sum()
    denom = k * total - float((rows ** 2).sum())
    if denom <= 0:
        return float("nan"), k - 1, float("nan")
    q = (k - 1) * (k * float((cols ** 2).sum()) - total ** 2) / denom
    return float(q), k - 1, float(stats.chi2.sf(q, k - 1))


def agreement(rankings: Rankings, *, suppress: bool = True, threshold: int = 5) -> Agreement:
    """Kendall's W, the Friedman test and Cochran's Q for a set of rankings (see ``Agreement``).

    ``suppress`` (the default): where any measure's number of groups calling it effective is hidden
    (``count_is_hidden``), Cochran's Q and its p-value are withheld (NaN, ``cochran_withheld``). Q is a
    function of those numbers and of the sizes of the groups' piles, so beside the numbers that are shown
    it often gives a hidden one away: with one hidden number among 12 to 20 groups, Q as the text prints
    it (two decimals) leaves a single possible value in about half of the cases. Kendall's W and the
    Friedman test depend only on the positions, which are published anyway.
    """
    import warnings

    from scipy import stats

    from surveykit.validation import check_bool, check_threshold

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)

    pos = rankings.positions()
    if rankings.n_groups < 2:
        raise AnalysisError(f"agreement between groups needs at least 2 groups; the file has {rankings.n_groups}")
    w, chi2, df, p = kendall_w(pos)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fr = stats.friedmanchisquare(*[pos[c].to_numpy() for c in pos.columns])
            f_chi2, f_p = float(fr.statistic), float(fr.pvalue)
        except ValueError:
            f_chi2, f_p = float("nan"), float("nan")
    effective = rankings.effective_matrix()
    q, q_df, q_p = cochran_q(effective)
    withheld = suppress and any(count_is_hidden(int(k), rankings.n_groups, threshold=threshold)
                                for k in effective.sum(axis=0))
    if withheld:
        q, q_p = float("nan"), float("nan")
    return Agreement(n_groups=rankings.n_groups, n_people=rankings.n_people, n_measures=len(rankings.measures),
                     df=df, kendall_w=w, kendall_chi2=chi2, kendall_p=p, friedman_chi2=f_chi2, friedman_p=f_p,
                     cochran_q=q, cochran_df=q_df, cochran_p=q_p, exploratory=rankings.exploratory,
                     cochran_withheld=withheld)


# -- Plackett-Luce --------------------------------------------------------------------------

@dataclass(frozen=True)
class PlackettLuce:
    """Plackett-Luce worths (summing to 1: the chance each measure is picked first) with
    percentile bootstrap intervals over groups. ``table`` columns: ``measure_id, measure_label,
    assumed, pl_worth, pl_worth_low, pl_worth_high, pl_rank``. ``withheld``: the worths, intervals and
    ranks are missing (NaN) because a number of groups calling a measure effective is suppressed
    (see ``plackett_luce``); ``line()`` says so."""

    table: "pd.DataFrame" = field(repr=False, compare=False)
    n_boot: int = 0
    seed: int = 0
    level: float = 0.95
    alpha: float = 0.0
    n_groups: int = 0
    withheld: bool = False

    def line(self) -> str:
        """The sentence for people under the table."""
        if self.withheld:
            return ("Plackett-Luce worths: not shown, because they are worked out from each group's whole order, "
                    "which beside the numbers shown can give a suppressed number of groups away.")
        return (f"Plackett-Luce worths (sum to 1), {int(self.level * 100)}% percentile intervals from "
                f"{self.n_boot} bootstrap resamples of the {self.n_groups} groups (seed {self.seed}).")


def choice_data(rankings: Rankings) -> list[tuple[int, list[int]]]:
    """Each group's combined order as a sequence of first choices (winner, losers) for choix.

    A strict order a1 > a2 > ... gives (a1, {a2..}), (a2, {a3..}), ...: the Plackett-Luce likelihood.
    Tied measures (an unranked pile) are not chosen among themselves; each is chosen over the
    measures below the tie (Breslow's approximation), and an unranked bottom pile adds nothing.
    """
    ids = rankings.measures.ids
    index = {m: i for i, m in enumerate(ids)}
    data: list[tuple[int, list[int]]] = []
    for g in rankings.groups:
        pos = g.positions(ids)
        for m in ids:
            below = [index[o] for o in ids if pos[o] > pos[m]]
            if below:
                data.append((index[m], below))
    return data


def _pl_params(n_items: int, data: list[tuple[int, list[int]]], alpha: float):
    """choix's MAP estimate (``opt_top1``), as worths summing to 1."""
    import choix
    import numpy as np

    params = choix.opt_top1(n_items, data, alpha=alpha)
    worth = np.exp(params - params.max())
    return worth / worth.sum()


def _pl_params_fast(n_items: int, data: list[tuple[int, list[int]]], alpha: float, *, tol: float = 1e-10):
    """The same objective as ``choix.opt_top1`` (alpha * |theta|^2 minus the top-1 log-likelihood),
    minimised by vectorised Newton steps: choix loops in Python, far too slow for 1000 bootstrap fits.
    Tests check both give the same worths."""
    import numpy as np

    mask = np.zeros((len(data), n_items), dtype=bool)
    win = np.zeros((len(data), n_items))
    for c, (w, losers) in enumerate(data):
        mask[c, w] = True
        mask[c, losers] = True
        win[c, w] = 1.0
    wins = win.sum(axis=0)

    def objective(t):
        z = np.where(mask, t, -np.inf)
        top = z.max(axis=1)
        return float(alpha * (t ** 2).sum() + (top + np.log(np.exp(z - top[:, None]).sum(axis=1))).sum()
                     - (win * t).sum())

    theta = np.zeros(n_items)
    value = objective(theta)
    for _ in range(200):
        z = np.where(mask, theta, -np.inf)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        prob = z / z.sum(axis=1, keepdims=True)
        grad = 2 * alpha * theta + prob.sum(axis=0) - wins
        hess = 2 * alpha * np.eye(n_items) + np.diag(prob.sum(axis=0)) - prob.T @ prob
        step = np.linalg.solve(hess, grad)
        # Backtracking: a full Newton step can overshoot when one measure nearly always wins.
        size = 1.0
        while size > 1e-8:
            candidate = theta - size * step
            new_value = objective(candidate)
            if new_value <= value - 1e-4 * size * float(grad @ step):
                break
            size /= 2
        theta, value = candidate, new_value
        if np.abs(size * step).max() < tol:
            break
    worth = np.exp(theta - theta.max())
    return worth / worth.sum()


def plackett_luce(rankings: Rankings, *, n_boot: int = 1000, seed: int = 2016, level: float = 0.95,
                  alpha: float = 0.1, suppress: bool = True, threshold: int = 5) -> PlackettLuce:
    """Fit Plackett-Luce worths with choix (``opt_top1``, an L2 penalty ``alpha`` on the log-worths
    keeps a measure that no group ever chose first finite) and bootstrap groups ``n_boot`` times
    with a seeded generator for percentile intervals at ``level``.

    ``suppress`` (the default): where any measure's number of groups calling it effective is hidden
    (``count_is_hidden``), nothing is fitted and the worths, intervals and ranks are NaN
    (``withheld``). The worths come from every group's whole order, and the bootstrap, whose seed is
    published, replays them resample by resample: that can tell apart files whose other published
    numbers are all the same, and each group's order, beside the numbers that are shown, can leave a
    hidden number one possible value (the sample's rights_info)."""
    import numpy as np
    import pandas as pd

    from surveykit.validation import check_bool, check_threshold

    if n_boot < 0:
        raise invalid_choice("n_boot", n_boot, ["a whole number 0 or more"])
    if not 0 < level < 1:
        raise invalid_choice("level", level, ["a number between 0 and 1"])
    if alpha <= 0:
        raise invalid_choice("alpha", alpha, ["a positive number"])
    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    ids = rankings.measures.ids
    n = len(ids)
    if suppress and any(count_is_hidden(int(k), rankings.n_groups, threshold=threshold)
                        for k in rankings.effective_matrix().sum(axis=0)):
        missing = [float("nan")] * n
        table = pd.DataFrame({
            "measure_id": list(ids),
            "measure_label": [x.label for x in rankings.measures.measures],
            "assumed": [x.assumed for x in rankings.measures.measures],
            "pl_worth": missing, "pl_worth_low": missing, "pl_worth_high": missing,
            "pl_rank": pd.array([pd.NA] * n, dtype="Int64"),
        })
        return PlackettLuce(table=table, n_boot=n_boot, seed=seed, level=level, alpha=alpha,
                            n_groups=rankings.n_groups, withheld=True)
    worth = _pl_params(n, choice_data(rankings), alpha)
    rng = np.random.default_rng(seed)
    boots = np.empty((n_boot, n))
    groups = rankings.groups
    for b in range(n_boot):
        pick = rng.integers(0, len(groups), size=len(groups))
        sample = Rankings(measures=rankings.measures, groups=tuple(groups[i] for i in pick))
        boots[b] = _pl_params_fast(n, choice_data(sample), alpha)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    table = pd.DataFrame({
        "measure_id": list(ids),
        "measure_label": [x.label for x in rankings.measures.measures],
        "assumed": [x.assumed for x in rankings.measures.measures],
        "pl_worth": worth,
        "pl_worth_low": np.quantile(boots, lo_q, axis=0) if n_boot else np.nan,
        "pl_worth_high": np.quantile(boots, hi_q, axis=0) if n_boot else np.nan,
    })
    table["pl_rank"] = table["pl_worth"].rank(method="min", ascending=False).astype("int64")
    return PlackettLuce(table=table, n_boot=n_boot, seed=seed, level=level, alpha=alpha,
                        n_groups=rankings.n_groups)


# -- helpers ----------------------------------------------------------------------------------

def _unique_counts(row) -> tuple[list[float], list[int]]:
    counts: dict[float, int] = {}
    for v in row:
        counts[float(v)] = counts.get(float(v), 0) + 1
    return list(counts), list(counts.values())


def _fmt(value: float, digits: int) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _fmt_p(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


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
