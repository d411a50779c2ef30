"""Charts of the FOI returns: children who went missing by region, and the share missing by wave.

Colours are from the Okabe-Ito palette (safe for the common colour-vision deficiencies); cohorts
are also told apart by position (one panel each) or marker, never by colour alone. A suppressed
count is drawn as an empty, hatched bar labelled [c].
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from surveykit.charts.base import plain_text

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

COHORT_COLOURS = {"trafficked": "#0072B2", "unaccompanied": "#D55E00", "separated": "#009E73"}
COHORT_MARKERS = {"trafficked": "o", "unaccompanied": "s", "separated": "^"}
COHORT_TITLES = {"trafficked": "Identified or suspected as trafficked", "unaccompanied": "Unaccompanied",
                 "separated": "Separated"}


def _number(value: object) -> float | None:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if v == v else None


def percent_text(value: float) -> str:
    """A whole percentage rounded half up (12.5 -> "13%"), as published tables round."""
    import math

    return f"{math.floor(value + 0.5 + 1e-9):.0f}%"


@plain_text
def regional_chart(regions: "pd.DataFrame", *, wave: str, cohorts: Sequence[str] = ("trafficked", "unaccompanied"),
                   value: str = "went_missing") -> "Figure":
    """Horizontal bars of ``value`` (default: children who went missing) by region, one panel per
    cohort, for one wave of ``foi.by_region`` (suppressed cells as hatched [c] bars)."""
    from surveykit.charts.base import new_figure

    data = regions[regions["wave"] == wave]
    cohorts = [c for c in cohorts if (data["cohort"] == c).any()]
    regions_order = list(dict.fromkeys(data["region"]))
    fig = new_figure(10.0, 0.38 * len(regions_order) + 1.8)
    axes = fig.subplots(1, max(1, len(cohorts)), sharey=True, squeeze=False)[0]
    y = list(range(len(regions_order)))[::-1]
    for ax, cohort in zip(axes, cohorts):
        rows = data[data["cohort"] == cohort].set_index("region")
        values = [_number(rows.loc[r, value]) if r in rows.index else None for r in regions_order]
        top = max([v for v in values if v is not None] + [1.0])
        colour = COHORT_COLOURS.get(cohort, "#555555")
        for yi, region, v in zip(y, regions_order, values):
            if v is None:
                ax.barh(yi, top * 0.04, color="white", edgecolor=colour, hatch="///", linewidth=0.8)
                ax.text(top * 0.05, yi, " [c]", va="center", fontsize=8, color="#333333")
            else:
                ax.barh(yi, v, color=colour)
                ax.text(v + top * 0.01, yi, f" {int(v):,}", va="center", fontsize=8, color="#333333")
        ax.set_title(COHORT_TITLES.get(cohort, cohort), fontsize=10)
        ax.set_xlim(0, top * 1.18)
        ax.set_yticks(y)
        ax.set_yticklabels(regions_order, fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    what = "Children who went missing" if value == "went_missing" else "Children in care"
    fig.suptitle(f"{what} by region, {wave} (authorities' FOI returns)", fontsize=11)
    fig.text(0.5, 0.005, "Totals over the authorities that gave a number; [c] = suppressed small number.",
             ha="center", fontsize=8)
    return fig


@plain_text
def share_by_wave_chart(shares: "pd.DataFrame", *, cohorts: Sequence[str] = ("trafficked", "unaccompanied")) -> "Figure":
    """The share of children in care who went missing in each wave (``foi.share_missing``), with
    its Wilson interval and the number of authorities it stands on."""
    from surveykit.charts.base import new_figure

    fig = new_figure(8.0, 4.5)
    ax = fig.add_subplot(1, 1, 1)
    waves = list(dict.fromkeys(shares["wave"]))
    x = {w: i for i, w in enumerate(waves)}
    for k, cohort in enumerate(c for c in cohorts if (shares["cohort"] == c).any()):
        rows = shares[shares["cohort"] == cohort]
        offset = (k - 0.5) * 0.08
        xs, ys, lo, hi, ns = [], [], [], [], []
        for r in rows.itertuples(index=False):
            p, a, b = _number(r.share_pct), _number(r.ci_low_pct), _number(r.ci_high_pct)
            if p is None or a is None or b is None:
                continue
            xs.append(x[r.wave] + offset)
            ys.append(p)
            lo.append(p - a)
            hi.append(b - p)
            ns.append(int(r.n_authorities))
        colour = COHORT_COLOURS.get(cohort, "#555555")
        ax.errorbar(xs, ys, yerr=[lo, hi], color=colour, marker=COHORT_MARKERS.get(cohort, "o"), capsize=3,
                    linewidth=1.5, label=COHORT_TITLES.get(cohort, cohort))
        for xi, yi, n in zip(xs, ys, ns):
            ax.annotate(f"{percent_text(yi)}\n{n} LAs", (xi, yi), textcoords="offset points", xytext=(8, -4), fontsize=7,
                        color="#333333")
    ax.set_xticks(range(len(waves)))
    ax.set_xticklabels(waves)
    ax.set_ylabel("went missing, % of children in care")
    ax.set_ylim(bottom=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    fig.suptitle("Share of children in care who went missing, by wave (95% Wilson intervals)", fontsize=11, y=1.02)
    fig.text(0.5, 0.005, "Each point stands on the authorities (LAs) that reported both numbers in that wave.",
             ha="center", fontsize=8)
    return fig
