"""The report section "What local authorities told us": the FOI returns, every figure with its basis.

``foi_section(returns)`` is pure: it takes returns already read and gives back a ``Section`` and
the method notes ``(topic, sentence)`` for the report's methods section. Small numbers are
suppressed unless ``suppress=False``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from surveykit.report.model import ChartRecipe, Section, SectionBuilder, Table, file_ids

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.foi.returns import Returns

SECTION_ID = "foi_returns"
SECTION_TITLE = "What local authorities told us"
COHORT_WORDS = {"trafficked": "children identified or suspected as trafficked", "unaccompanied": "unaccompanied children",
                "separated": "separated children"}


def _num(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _findings(shares: "pd.DataFrame", wave: str) -> list[str]:
    from surveykit.charts.foi import percent_text

    out = []
    for r in shares[shares["wave"] == wave].itertuples(index=False):
        x, n, p, lo, hi = (_num(v) for v in (r.numerator, r.denominator, r.share_pct, r.ci_low_pct, r.ci_high_pct))
        if r.cohort not in ("trafficked", "unaccompanied") or None in (x, n, p, lo, hi) or not n:
            continue
        out.append(f"{wave}: {int(x):,} of {int(n):,} {COHORT_WORDS[r.cohort]} in care went missing at least once "
                   f"({percent_text(p)}, 95% interval {percent_text(lo)} to {percent_text(hi)}), over the "
                   f"{int(r.n_authorities)} authorities that reported both numbers.")
    return out


def foi_section(returns: "Returns", *, suppress: bool = True, threshold: int = 5, reference_rate: object = None,
                confidence: float = 0.95) -> tuple[Section, list[tuple[str, str]]]:
    """The section and its method notes. ``reference_rate``: a reference for the rate ratio (e.g.
    "6110/99230" for looked-after children overall); None leaves the rate ratio out."""
    from surveykit.charts.foi import regional_chart, share_by_wave_chart
    from surveykit.foi.summary import summary_tables

    t = summary_tables(returns, suppress=suppress, threshold=threshold, confidence=confidence,
                       reference=reference_rate)
    waves = list(returns.waves)
    sb = SectionBuilder(SECTION_ID, SECTION_TITLE)
    asked = ", ".join(f"{returns.asked(w)} in {w}" for w in waves)
    sb.text(f"Freedom of Information requests asked local authorities how many trafficked, unaccompanied and "
            f"separated children they had in care, how many went missing, how often and for how long, and how many "
            f"were still missing (authorities asked: {asked}). Authorities answer what they can: every figure "
            f"below says which authorities it stands on (n_authorities and basis), and a share is computed only "
            f"over the authorities that reported both of its numbers.")
    for w in (waves[0], waves[-1]) if len(waves) > 1 else waves:
        for line in _findings(t["share_missing"], w):
            sb.text(line, "finding")

    pct = ("provided_pct", "one_or_more_pct", "more_than_one_pct")
    sb.table("foi_coverage", "Which authorities could answer (children in care)", t["coverage"],
             note="provided: a number, an approximate number or a range. Authorities that refused under section 12 "
                  "(cost limit), do not hold the data, suppressed the figure or left it blank did not provide one.",
             percent_columns=pct)
    share_cols = ("share_pct", "ci_low_pct", "ci_high_pct", "share_unmatched_pct")
    sb.table("foi_share_missing", "Children in care who went missing", t["share_missing"],
             note="share_pct: went missing / in care over the authorities reporting both (n_authorities), with a "
                  "95% Wilson interval. share_unmatched_pct divides totals taken from different sets of authorities "
                  "and is shown only to explain published figures that disagree with their own numbers.",
             percent_columns=share_cols, digits={c: 1 for c in share_cols})
    if len(waves) > 1:
        sb.chart("foi_share_by_wave", "Share who went missing, by wave",
                 ChartRecipe(share_by_wave_chart, t["share_missing"]),
                 alt="Share of children in care who went missing in each wave, with 95% intervals, per cohort.")
    base = t["totals"][t["totals"]["measure"].isin(["in_care", "went_missing", "episodes", "still_missing"])]
    sb.table("foi_totals", "Totals and the authorities behind them", base[[
        "wave", "cohort", "measure", "total", "n_authorities", "total_low", "total_high", "n_approximate", "n_range",
        "n_suppressed", "authorities_with_any", "largest", "mean_per_authority_with_any", "basis"]],
             note="total: the authorities that gave a number (approximate answers as stated). total_low-total_high: "
                  "the range once ranges and suppressed answers are added (empty high: unbounded).",
             digits={"mean_per_authority_with_any": 1})
    sb.table("foi_episodes", "Missing episodes per child", t["episodes"],
             note="per_child: episodes / children who went missing, over the authorities reporting both. "
                  "per_child_unmatched uses every authority's numbers and is not a rate of the same children.",
             digits={"per_child": 2, "per_child_unmatched": 2})
    sb.table("foi_still_missing", "Children still missing", t["still_missing"],
             note="cohort 'all': per authority, the sum over the cohorts it reported (a child in two cohorts is "
                  "counted twice).", percent_columns=("still_missing_pct",),
             digits={"mean_per_authority": 1, "still_missing_pct": 1})
    if len(t["durations"]):
        sb.table("foi_durations", "How long missing episodes lasted", t["durations"],
                 note="Over the authorities that gave a number for every duration band.", percent_columns=("share_pct",),
                 digits={"share_pct": 1})
    sb.table("foi_regions", "By region", t["regions"], percent_columns=("share_pct",), digits={"share_pct": 1},
             note="Totals over the authorities of the region that gave each number; the share over those that gave "
                  "both.")
    # A wave is the data's own value ("2016/17"): its chart's file name is a plain slug of it.
    for w, slug in zip(waves, file_ids(list(waves))):
        sb.chart(f"foi_regions_{slug}", f"Children who went missing by region, {w}",
                 ChartRecipe(regional_chart, t["regions"], wave=w),
                 alt=f"Bar chart of children who went missing by region in {w}, trafficked and unaccompanied.")
    sb.table("foi_nations", "By nation", t["nations"], percent_columns=("share_pct",), digits={"share_pct": 1})
    if len(t["large_authorities"]):
        sb.table("foi_large_authorities", "The authorities with the most children in care", t["large_authorities"],
                 note="More than 20 trafficked or more than 100 unaccompanied children in care (the study's "
                      "thresholds); the share missing is the authority's own.", percent_columns=("share_pct",),
                 digits={"share_pct": 1})
    if len(t["nationality"]):
        sb.table("foi_nationality", "Children who went missing, by nationality and gender", t["nationality"],
                 note="From the authorities that gave a breakdown (n_authorities); suppression protects the table "
                      "with its row and column totals.", percent_columns=("share_pct",), digits={"share_pct": 1})
        sb.table("foi_gender", "Children who went missing, by gender", t["gender"], percent_columns=("share_pct",),
                 digits={"share_pct": 1})
    sb.table("foi_size_test", "Does the share missing depend on the number in care?", t["size_test"],
             digits={"rho": 2, "p_value": 3})
    if "change" in t:
        sb.table("foi_change", "Change between waves", t["change"],
                 note="both_waves: only the authorities that gave the figure in both waves (like for like); "
                      "all_responders: whoever answered each wave. change is in percentage points for the share; "
                      "ci_low-ci_high is its 95% Newcombe interval and p_value the two-proportion z-test.",
                 digits={"value_from": 1, "value_to": 1, "change": 1, "relative_change_pct": 1, "statistic": 2,
                         "p_value": 3, "ci_low": 1, "ci_high": 1})
    if "reference" in t:
        sb.table("foi_reference", "Compared with the reference rate", t["reference"],
                 note="rate_ratio: share missing / reference rate, with its 95% interval (method column).",
                 percent_columns=("share_pct", "reference_pct"),
                 digits={"share_pct": 1, "reference_pct": 1, "rate_ratio": 2, "ci_low": 2, "ci_high": 2})
    # Its counts are of children: the footnote under a table with a suppressed cell says so.
    section = sb.build()
    section = replace(section, blocks=tuple(replace(b, counted="children") if isinstance(b, Table) else b
                                            for b in section.blocks))
    return section, method_notes(suppress=suppress, threshold=threshold, has_change="change" in t,
                                 has_reference="reference" in t)


def method_notes(*, suppress: bool, threshold: int, has_change: bool, has_reference: bool) -> list[tuple[str, str]]:
    notes = [
        ("FOI returns", "Each count an authority returned was read as a number or as a status (reported, "
                        "approximate, range, suppressed, not held, refused under section 12, blank); approximate "
                        "answers count as stated, ranges and suppressed answers only bound the totals."),
        ("FOI returns", "A share is computed over the authorities that reported both its numerator and its "
                        "denominator, and every figure states how many authorities it stands on."),
        ("FOI returns", "Intervals of shares are 95% Wilson score intervals; whether the share missing depends on an "
                        "authority's number in care is tested with Spearman's rank correlation."),
    ]
    if has_change:
        notes.append(("FOI returns", "Changes between waves are shown over the authorities that answered in both "
                                     "waves and over all responders; a change in the share missing is tested with a "
                                     "two-proportion z-test (waves treated as independent samples of children) with "
                                     "a Newcombe interval for the difference."))
    if has_reference:
        notes.append(("FOI returns", "The rate ratio divides the share missing by the reference rate; with the "
                                     "reference's counts its interval is Katz's log interval, otherwise the Wilson "
                                     "interval of the share divided by the rate."))
    if suppress and threshold <= 1:  # a threshold of 1 hides nothing: no count is from 1 to 0
        notes.append(("FOI returns", "No count is suppressed (threshold 1)."))
    elif suppress:
        notes.append(("FOI returns", f"Counts of children from 1 to {threshold - 1} are suppressed ([c]) with what "
                                     "they could be worked out from; counts of authorities are not."))
    else:
        notes.append(("FOI returns", "Small numbers were NOT suppressed (internal use only)."))
    return notes
