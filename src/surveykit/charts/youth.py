"""Charts of the youth ranking exercise: a slope chart of young people's vs professionals' order."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from surveykit.charts.base import footnote, listing, new_figure, plain_text, set_alt, stack_below, wrap
from surveykit.charts.palette import PaletteSpec, categorical

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from surveykit.voices import Voices


@plain_text
def slope_chart(voices: "Voices", *, group: str = "all", highlight: int = 4, palette: PaletteSpec = None) -> "Figure":
    """Young people's rank (left) against professionals' rank (right), one line per measure, each
    end labelled with the measure's name and its rank.

    The ``highlight`` measures with the largest divergence are drawn bold and coloured (blue: young
    people rank it higher; orange: professionals do); assumed measures (not published by the study)
    are dashed and starred. The title carries both n's.
    """
    import pandas as pd

    _YOUTH_HIGHER, _PRO_HIGHER, _AGREE = categorical(3, palette=palette)
    t = voices.group_table(group)
    fig = new_figure(11.0, 7.5)
    ax = fig.add_subplot(1, 1, 1)
    n_measures = len(t)
    top = set(voices.divergences(group, top=highlight))
    # measures whose respondents' rank is shown (a suppressed share hides its rank too)
    rated = t[[not isinstance(v, str) and not pd.isna(v) for v in t["pro_rank"]]].copy()
    rated["pro_rank"] = rated["pro_rank"].astype("int64")
    # Tied professional ranks get neighbouring slots (tie broken by the youth rank) so that no
    # label hides another; the label keeps the shared rank with "=".
    slot = {m: i for i, m in enumerate(rated.sort_values(["pro_rank", "youth_rank"], kind="stable")["measure_id"], 1)}
    tied = set(rated["pro_rank"][rated["pro_rank"].duplicated(keep=False)])
    for row in rated.itertuples(index=False):
        y0, y1 = float(row.youth_rank), float(slot[row.measure_id])
        bold = row.measure_id in top
        colour = _AGREE if not bold else (_YOUTH_HIGHER if row.youth_rank < row.pro_rank else _PRO_HIGHER)
        ax.plot([0, 1], [y0, y1], color=colour, linewidth=2.6 if bold else 1.0,
                linestyle="--" if row.assumed else "-", marker="o", markersize=4, zorder=3 if bold else 2)
        name = row.measure_label + (" *" if row.assumed else "")
        weight = "bold" if bold else "normal"
        ink = "#000000" if not bold else colour
        ax.text(-0.03, y0, wrap(f"{name} ({int(row.youth_rank)})", 42), ha="right", va="center", fontsize=7,
                fontweight=weight, color=ink, linespacing=0.95)
        shown = f"{int(row.pro_rank)}{'=' if row.pro_rank in tied else ''}"
        pct = row.pro_pct_effective if isinstance(row.pro_pct_effective, str) else f"{row.pro_pct_effective:.0f}%"
        n_valid = row.pro_n_valid if isinstance(row.pro_n_valid, str) else int(row.pro_n_valid)
        ax.text(1.03, y1, wrap(f"({shown}) {name}: {pct} effective, n={n_valid}", 48), ha="left", va="center",
                fontsize=7, fontweight=weight, color=ink, linespacing=0.95)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(n_measures + 0.7, 0.3)
    ax.set_xticks([0, 1])
    label = t["group_label"].iloc[0]
    n_pro = int(voices.correlations.set_index("group").loc[group, "n_respondents"])
    ax.set_xticklabels([f"Young people\n{voices.n_people} people, {voices.n_groups} groups",
                        f"Respondents: {label}\n{n_pro} rating the matched items"], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks([])
    for side in ("left", "right", "bottom", "top"):
        ax.spines[side].set_visible(False)
    rho = float(t["spearman_rho"].iloc[0])
    tag = "EXPLORATORY (few groups): " if voices.exploratory else ""
    ax.set_title(f"{tag}which measures would work? Rank 1 = most effective", fontsize=11, pad=34)
    left_out = len(t) - len(rated)
    hidden = (f" {left_out} measure{'s' if left_out != 1 else ''} with a suppressed share of respondents "
              "not drawn." if left_out else "")
    note = footnote(fig, f"{voices.spearman_text(group)}.{hidden} Bold: the largest "
                         "divergences (blue: young people rank the measure higher; orange: professionals do). "
                         "* assumed measure (not published by the study; dashed line).", width=120, fontsize=8)
    stack_below(fig, ax, [note])
    order = list(rated.sort_values("youth_rank", kind="stable")["measure_label"])
    labels = dict(zip(t["measure_id"], t["measure_label"]))
    apart = [labels[m] for m in voices.divergences(group, top=highlight)]
    rho_text = "Spearman rho not computed" if math.isnan(rho) else f"Spearman rho = {rho:.2f}"
    return set_alt(fig, f"Slope chart of {len(rated)} measures linking the young people's rank (left) to the "
                        f"professionals' rank (right, {label}); {rho_text}. Young people put "
                        f"{listing(order[:3])} first; the largest divergences are {listing(apart, limit=highlight)}.")
