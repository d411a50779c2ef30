"""Breakdowns: by region and nation (Figures 4, 8-9), the largest authorities (Figures 6-7),
nationality and gender (Figures 12-13), and whether the share missing depends on the number in care.

Regions, nations, the largest authorities and a change between waves are suppressed together, with
the national totals, as one output: one plan per wave and cohort hides in each what could be worked
out from the others (``foi.linked``, used by ``surveykit.foi.change`` too)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

from surveykit.errors import UsageError, invalid_choice
from surveykit.foi.disclose import apply_mask, check_threshold, mask_column_with_total, small
from surveykit.foi.figures import both_text, pct, select_cohorts, select_waves, wilson_pct
from surveykit.foi.guard import _counted, _sum
from surveykit.foi.returns import Returns
from surveykit.foi.linked import LARGE_DEFAULTS, LEVELS, _protection, _region_groups, hide_cells
from surveykit.foi.schema import GENDERS, NOT_STATED

if TYPE_CHECKING:
    import pandas as pd

REGION_COLUMNS = ["wave", "cohort", "nation", "region", "authorities", "in_care", "n_authorities_in_care",
                  "went_missing", "n_authorities_went_missing", "share_pct", "n_authorities_both", "basis"]


def by_region(returns: Returns, *, level: str = "region", wave: str | Sequence[str] | None = None,
              cohort: str | Sequence[str] | None = None, suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Children in care and who went missing by region (or nation), Figures 4 and 8-9.

    Columns: wave, cohort, nation, region (equal to nation with ``level="nation"``), authorities
    (asked), in_care and went_missing (totals over the authorities that gave each number, with
    n_authorities_in_care, n_authorities_went_missing), share_pct (went missing / in care over the
    n_authorities_both that gave both), basis. Suppression protects the regions, the nations, the
    largest authorities, the national totals and both bases of a change as one output (see "small
    numbers across the tables of one output" below): a nation minus its shown regions, or a region
    minus its largest authorities, gives no hidden count; a row with [c] says so in its basis."""
    import pandas as pd

    if level not in LEVELS:
        raise invalid_choice("level", level, LEVELS)
    threshold = check_threshold(threshold)
    rows = []
    for w in select_waves(returns, wave):
        recs = returns.in_wave(w)
        for c in select_cohorts(returns, cohort):
            for (nation, region), members in _region_groups(recs, level).items():
                care = _counted(members, c, "in_care")
                gone = _counted(members, c, "went_missing")
                both = _counted(members, c, "went_missing", "in_care")
                x, n = _sum(both, c, "went_missing"), _sum(both, c, "in_care")
                rows.append({"wave": w, "cohort": c, "nation": nation, "region": region, "authorities": len(members),
                             "in_care": _sum(care, c, "in_care"), "n_authorities_in_care": len(care),
                             "went_missing": _sum(gone, c, "went_missing"), "n_authorities_went_missing": len(gone),
                             "share_pct": pct(x, n), "n_authorities_both": len(both),
                             "basis": "totals: authorities giving each number; share: " + both_text(
                                 len(both), "went_missing", "in_care")})
    frame = pd.DataFrame(rows, columns=REGION_COLUMNS)
    if not suppress or frame.empty:
        return frame
    # Regions, nations, the largest authorities, the totals and a change are published together:
    # one plan hides, in each of them, what could be worked out from the others.
    return _apply_protection(returns, frame, threshold,
                             lambda row: (level, row["nation"], row["region"]),
                             {"in_care": "in_care", "went_missing": "went_missing", "share_pct": "share_pct"})


def _apply_protection(returns: Returns, frame: "pd.DataFrame", threshold: int, key, columns: Mapping[str, str], *,
                      limits: Mapping[str, int] | None = None) -> "pd.DataFrame":
    """Hide the cells of ``frame`` that the linked plan hides; say so in the row's basis."""
    hide: dict[str, list[int]] = {}
    for i, row in enumerate(frame.to_dict("records")):
        plan = _protection(returns, row["wave"], row["cohort"], threshold=threshold, limits=limits)
        prefix = key(row)
        for col, part in columns.items():
            if prefix + (part,) in plan:
                hide.setdefault(col, []).append(i)
    return hide_cells(frame, hide, basis_column="basis", threshold=threshold)


LARGE_COLUMNS = ["wave", "cohort", "authority_id", "authority", "nation", "region", "in_care", "went_missing",
                 "share_pct", "more_than", "basis"]


def large_authorities(returns: Returns, *, more_than: int | Mapping[str, int] | None = None,
                      wave: str | Sequence[str] | None = None, cohort: str | Sequence[str] | None = None,
                      suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Authorities with more than ``more_than`` children of a cohort in care and the share of them
    who went missing (Figures 6-7; default: more than 20 trafficked, more than 100 unaccompanied).

    Columns: wave, cohort, authority_id, authority, nation, region, in_care, went_missing,
    share_pct, more_than, basis. A small number who went missing (or who did not) is suppressed with
    the share, and so is what would let the rest of the authority's region (or nation) be worked out
    from the regions table; the regions are hidden first."""
    import pandas as pd

    threshold = check_threshold(threshold)
    limits = dict(LARGE_DEFAULTS)
    if isinstance(more_than, Mapping):
        limits.update(more_than)
    elif more_than is not None:
        if isinstance(more_than, bool) or not isinstance(more_than, int) or more_than < 0:
            raise UsageError(f"more_than must be a whole number of at least 0; got {more_than!r}")
        limits = {c: more_than for c in limits}
    rows = []
    for w in select_waves(returns, wave):
        for c in select_cohorts(returns, cohort):
            limit = limits.get(c, 20)
            for r in returns.in_wave(w):
                care, gone = r.value(c, "in_care"), r.value(c, "went_missing")
                if care is None or care <= limit:
                    continue
                rows.append({"wave": w, "cohort": c, "authority_id": r.authority_id, "authority": r.authority,
                             "nation": r.nation, "region": r.region, "in_care": care, "went_missing": gone,
                             "share_pct": pct(gone, care) if gone is not None else None, "more_than": limit,
                             "basis": "the authority's own return"})
    frame = pd.DataFrame(rows, columns=LARGE_COLUMNS)
    frame = frame.sort_values(["wave", "cohort", "in_care", "authority_id"], ascending=[True, True, False, True],
                              kind="stable").reset_index(drop=True)
    frame["went_missing"] = frame["went_missing"].astype("Int64")
    if not suppress or frame.empty:
        return frame
    # an authority's own numbers sit inside its region's (and nation's) totals: the linked plan
    # hides what would let the rest of the region be worked out
    shown = _apply_protection(returns, frame, threshold, lambda row: ("large", row["authority_id"]),
                              {"in_care": "in_care", "went_missing": "went_missing", "share_pct": "share_pct"},
                              limits=limits)
    return _hidden_in_care_last(shown)


def _hidden_in_care_last(frame: "pd.DataFrame") -> "pd.DataFrame":
    """The large authorities of each wave and cohort in the order of the numbers in care shown, then those
    whose number is hidden, by authority id: in the order of the true numbers, a hidden one's place
    between two shown ones would bound it (between 44 and 42 it is 43)."""
    import pandas as pd

    from surveykit.disclosure import MARKER

    hidden = [isinstance(v, str) and v == MARKER for v in frame["in_care"]]
    if not any(hidden):
        return frame
    mask = pd.Series(hidden, index=frame.index)
    ordered = pd.concat([frame[~mask], frame[mask].sort_values("authority_id", kind="stable")])
    ordered = ordered.assign(_hidden=mask.loc[ordered.index])
    return (ordered.sort_values(["wave", "cohort", "_hidden"], kind="stable").drop(columns="_hidden")
            .reset_index(drop=True))


def _breakdown_counts(returns: Returns, wave: str, cohort: str, measure: str):
    counts: dict[str, dict[str, int]] = {}
    spelling: dict[str, str] = {}
    authorities = set()
    uncounted = 0
    for b in returns.breakdowns:
        if b.wave != wave or b.cohort != cohort or b.measure != measure:
            continue
        authorities.add(b.authority_id)
        if b.cell.value is None:
            uncounted += 1
            continue
        key = b.nationality.lower()
        spelling.setdefault(key, b.nationality)
        counts.setdefault(key, {g: 0 for g in GENDERS})
        counts[key][b.gender] += b.cell.value
    return {spelling[k]: v for k, v in counts.items()}, authorities, uncounted


NATIONALITY_COLUMNS = ["wave", "cohort", "nationality", "male", "female", "other", "not_stated", "total", "share_pct",
                       "n_authorities", "basis"]


def nationality_table(returns: Returns, *, measure: str = "went_missing", wave: str | Sequence[str] | None = None,
                      cohort: str | Sequence[str] | None = None, suppress: bool = True,
                      threshold: int = 5) -> "pd.DataFrame":
    """Children by nationality and gender (Figures 12-13: those who went missing), from the side table.

    Columns: wave, cohort, nationality ("Not stated" last), male, female, other, not_stated (gender),
    total, share_pct (of the cohort's total in the table), n_authorities (that gave a breakdown),
    basis. Rows are ordered by total, largest first. Suppression protects the table with its row
    and column totals published; the rows whose total it hides then follow the shown ones in name
    order (their place in the order of the totals would bound them)."""
    import pandas as pd

    threshold = check_threshold(threshold)
    rows = []
    for w in select_waves(returns, wave):
        for c in select_cohorts(returns, cohort):
            counts, auths, uncounted = _breakdown_counts(returns, w, c, measure)
            if not counts:
                continue
            grand = sum(sum(v.values()) for v in counts.values())
            order = sorted(counts, key=lambda k: (k == NOT_STATED, -sum(counts[k].values()), k.lower()))
            basis = f"{len(auths)} authorities giving a nationality/gender breakdown"
            if uncounted:
                basis += f" ({uncounted} suppressed or unclear lines left out)"
            for k in order:
                v = counts[k]
                total = sum(v.values())
                rows.append({"wave": w, "cohort": c, "nationality": k, **{g: v[g] for g in GENDERS}, "total": total,
                             "share_pct": pct(total, grand), "n_authorities": len(auths), "basis": basis})
    frame = pd.DataFrame(rows, columns=NATIONALITY_COLUMNS)
    if not suppress or frame.empty:
        return frame
    return _hidden_totals_last(_protect_two_way(frame, threshold))


def _hidden_totals_last(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Each wave and cohort's rows with the totals shown in their order (by total), then those whose
    total is hidden, by name, then "Not stated": in the order of the true totals, where a hidden row
    stands, and where the name order breaks among hidden rows, says which is larger; with the grand
    total that can leave one set of values."""
    from surveykit.disclosure import MARKER

    totals, names = frame["total"].tolist(), frame["nationality"].tolist()
    if not any(isinstance(v, str) and v == MARKER for v in totals):
        return frame
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(frame["wave"].tolist(), frame["cohort"].tolist())):
        groups.setdefault(key, []).append(i)

    def place(i: int) -> tuple:
        if names[i] == NOT_STATED:
            return (2, "", "")
        if isinstance(totals[i], str) and totals[i] == MARKER:
            return (1, names[i].lower(), names[i])
        return (0, "", "")  # shown: the stable sort keeps their order by total

    order = [i for idx in groups.values() for i in sorted(idx, key=place)]
    return frame.iloc[order].reset_index(drop=True)


def _protect_two_way(frame: "pd.DataFrame", threshold: int) -> "pd.DataFrame":
    import pandas as pd

    from surveykit.disclosure import MARKER, suppress as protect

    hide: dict[str, list[int]] = {}
    for _, idx in frame.groupby(["wave", "cohort"], sort=False).groups.items():
        idx = list(idx)
        genders = [g for g in GENDERS if frame.loc[idx, g].astype(float).sum() > 0]
        table = pd.DataFrame({g: frame.loc[idx, g].astype(float).tolist() for g in genders}, index=idx)
        # The row totals are published as "total", the column totals as the gender totals row.
        try:
            protected = protect(table, threshold=threshold, row_totals=True, column_totals=True)
        except RuntimeError:
            protected = table.astype(object).where(~table.map(lambda v: 0 < v < threshold), MARKER)
        for i in idx:
            for g in genders:
                if protected.loc[i, g] == MARKER:
                    hide.setdefault(g, []).append(i)
        # a total that is small is itself a count of children
        totals = pd.DataFrame({"n": frame.loc[idx, "total"].astype(float).tolist()}, index=idx)
        try:
            tp = protect(totals, threshold=threshold, row_totals=False, column_totals=True)
            hidden = [i for i in idx if tp.loc[i, "n"] == MARKER]
        except RuntimeError:
            hidden = [i for i in idx if small(frame.loc[i, "total"], threshold)]
        for i in hidden:
            hide.setdefault("total", []).append(i)
            hide.setdefault("share_pct", []).append(i)
    return apply_mask(frame, hide)


GENDER_COLUMNS = ["wave", "cohort", "gender", "children", "share_pct", "n_authorities", "basis"]


def gender_table(returns: Returns, *, measure: str = "went_missing", wave: str | Sequence[str] | None = None,
                 cohort: str | Sequence[str] | None = None, suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Children by gender from the side table (the totals row of Figures 12-13).

    Columns: wave, cohort, gender (male, female, other, not_stated), children, share_pct, n_authorities, basis."""
    import pandas as pd

    threshold = check_threshold(threshold)
    rows = []
    for w in select_waves(returns, wave):
        for c in select_cohorts(returns, cohort):
            counts, auths, _ = _breakdown_counts(returns, w, c, measure)
            if not counts:
                continue
            sums = {g: sum(v[g] for v in counts.values()) for g in GENDERS}
            grand = sum(sums.values())
            for g in GENDERS:
                if g in ("other", "not_stated") and not sums[g]:
                    continue
                rows.append({"wave": w, "cohort": c, "gender": g, "children": sums[g], "share_pct": pct(sums[g], grand),
                             "n_authorities": len(auths),
                             "basis": f"{len(auths)} authorities giving a nationality/gender breakdown"})
    frame = pd.DataFrame(rows, columns=GENDER_COLUMNS)
    if not suppress or frame.empty:
        return frame
    return mask_column_with_total(frame, "children", derived=["share_pct"], threshold=threshold,
                                  groups=["wave", "cohort"])


SIZE_COLUMNS = ["wave", "cohort", "test", "rho", "p_value", "n_authorities", "min_in_care", "alpha", "conclusion",
                "basis"]


def size_test(returns: Returns, *, wave: str | Sequence[str] | None = None, cohort: str | Sequence[str] | None = None,
              min_in_care: int = 1, alpha: float = 0.05) -> "pd.DataFrame":
    """Does the share who went missing depend on how many children an authority has in care?

    Spearman's rank correlation between an authority's number in care and its share missing, over
    the authorities with at least ``min_in_care`` in care that reported both numbers (the study found
    no relationship). Columns: wave, cohort, test ("spearman"), rho, p_value, n_authorities,
    min_in_care, alpha, conclusion, basis. Fewer than 3 authorities: rho and p are empty."""
    import pandas as pd

    from surveykit.stats import spearman
    from surveykit.validation import check_alpha

    alpha = check_alpha(alpha)
    rows = []
    for w in select_waves(returns, wave):
        for c in select_cohorts(returns, cohort):
            both = [r for r in _counted(returns.in_wave(w), c, "went_missing", "in_care")
                    if r.value(c, "in_care") >= min_in_care]
            care = [r.value(c, "in_care") for r in both]
            share = [min(r.value(c, "went_missing") / r.value(c, "in_care"), 1.0) for r in both]
            rho = p = float("nan")
            if len(both) >= 3 and len(set(care)) > 1 and len(set(share)) > 1:
                rho, p = spearman(care, share)
            if p != p:
                conclusion = "not enough authorities to test"
            elif p < alpha:
                conclusion = ("larger authorities lose a larger share" if rho > 0 else
                              "larger authorities lose a smaller share") + f" (p < {alpha:g})"
            else:
                conclusion = f"no evidence that the share depends on the number in care (p >= {alpha:g})"
            rows.append({"wave": w, "cohort": c, "test": "spearman", "rho": rho, "p_value": p, "n_authorities": len(both),
                         "min_in_care": min_in_care, "alpha": alpha, "conclusion": conclusion,
                         "basis": both_text(len(both), "went_missing", "in_care")
                                  + f" with at least {min_in_care} in care"})
    return pd.DataFrame(rows, columns=SIZE_COLUMNS)


# -- small numbers across the tables of one output ------------------------------------------------
#
# One command or one report publishes several tables made from the same authorities: regions and
# nations (a nation is the sum of its regions; Wales, Scotland and Northern Ireland are their own
# region), the largest authorities (one authority's own numbers, inside its region), the totals and
# matched shares of ``figures`` and both bases of a change (all responders minus the authorities of
# both waves is the authorities that answered one wave only). Suppressing each table alone leaves
# hidden counts that follow by subtraction between them. So every figure of those tables is a cell:
# a sum over a set of authorities of one measure (or a share: went missing - share x in care = 0),
# and the cells of one wave and cohort are protected together:
#
# * the unknowns are the sums over "atoms", the authorities that no published set tells apart, of
#   each measure; for in care the atom's children who did NOT go missing (in care - went missing) are
#   an unknown of their own, because that complement is a count of children as well;
# * a sum is worked out from the published cells when its vector lies in their span;
# * primary suppression hides every cell of 1 to threshold - 1 children (a share: when who went
#   missing or who did not is small); then, while some count of one kind (in care, went missing, did
#   not go missing, episodes, still missing) over a set of atoms adds up to 1 to threshold - 1 and
#   can be worked out (zeros included: "these two authorities had 3 between them" is a small count),
#   the published cell whose hiding stops it is hidden too: an aggregate before an authority's own
#   figure, a smaller before a larger one. The search tries every set when the span leaves few
#   choices; otherwise it takes zeros as known and tries sets of up to threshold - 1 atoms (bounded
#   work), which errs towards hiding more.
#
# The totals, matched numbers and largest authority of ``surveykit.foi.figures`` are published by
# other tables: they count as published, or as hidden where that module's guard hides them, and
# are never chosen here (an all-responders change is a total: it follows the totals table).
# ``_protection`` gives the keys of the hidden cells; every table of this module and ``change``
# read the same plan, so what one hides another does not show.


__all__ = ["by_region", "large_authorities", "nationality_table", "gender_table", "size_test", "wilson_pct"]
