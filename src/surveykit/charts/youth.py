"""Charts of the youth ranking exercise: a slope chart of young people's vs professionals' order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from surveykit.voices import Voices

_AGREE = "#8a8a8a"
_YOUTH_HIGHER = "#1b6ca8"   # young people rank it higher than professionals do
_PRO_HIGHER = "#c0392b"     # professionals rank it higher than young people do


def slope_chart(voices: "Voices", *, group: str = "all", highlight: int = 4) -> "Figure":
    """Young people's rank (left) against professionals' rank (right), one line per measure.

    The ``highlight`` measures with the largest divergence are drawn bold and coloured; assumed
    measures (not published by the study) are dashed and starred. The title carries both n's.
    """
    from surveykit.charts.base import new_figure

    t = voices.group_table(group)
    fig = new_figure(9.0, 7.0)
    ax = fig.add_subplot(1, 1, 1)
    n_measures = len(t)
    top = set(t.sort_values("divergence_order")["measure_id"][:highlight])
    rated = t[t["pro_pct_effective"].notna()]
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
        ax.text(-0.03, y0, f"{name} ({int(row.youth_rank)})", ha="right", va="center", fontsize=7.5,
                fontweight=weight, color=colour if bold else "#333333")
        shown = f"{int(row.pro_rank)}{'=' if row.pro_rank in tied else ''}"
        pct = row.pro_pct_effective if isinstance(row.pro_pct_effective, str) else f"{row.pro_pct_effective:.0f}%"
        n_valid = row.pro_n_valid if isinstance(row.pro_n_valid, str) else int(row.pro_n_valid)
        ax.text(1.03, y1, f"({shown}) {pct} effective, n={n_valid}",
                ha="left", va="center", fontsize=7.5, fontweight=weight, color=colour if bold else "#333333")
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
    rho, p, n = (t[c].iloc[0] for c in ("spearman_rho", "spearman_p", "spearman_n"))
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    tag = "EXPLORATORY (few groups): " if voices.exploratory else ""
    fig.suptitle(f"{tag}which measures would work? Rank 1 = most effective", fontsize=11)
    fig.text(0.5, 0.01, f"Spearman rho = {rho:.2f}, {p_text}, n = {int(n)} measures. "
             "Bold: the largest divergences. * assumed measure (not published by the study; dashed).",
             ha="center", fontsize=8)
    return fig
