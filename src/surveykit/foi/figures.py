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
gave the other number, the largest authority, all cohorts together); the guard of the returns
(``surveykit.foi.guard``) decides once per wave, for every table alike, which of those sums is hidden,
so that no difference between two published sums and no total minus its published parts gives away a
small count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from surveykit.errors import invalid_choice
from surveykit.foi.cells import NOT_HELD, REFUSED, SUPPRESSED, BLANK, INVALID
from surveykit.foi.disclose import check_threshold, mask_rows
from surveykit.foi.guard import _band_keys, _counted, _cover_columns, _key, _largest_key, _mask_keyed, _sum, guard_for
from surveykit.foi.intervals import wilson
from surveykit.foi.returns import Returns
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


def both_text(n: int, a: str, b: str) -> str:
    return f"{n} authorities reporting both {measure_label(a)} and {measure_label(b)}"


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
