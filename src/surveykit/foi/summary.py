"""The named headline figures of each wave, and every summary table at once.

``figures(returns)`` is one long table with a row per named figure (the names a claims file uses):

=================================  ===========================================================
figure                             what it is
=================================  ===========================================================
authorities_asked                  authorities with a row in the wave (cohort ``all``)
authorities_provided               gave a number for in care (share: of asked)
authorities_one_or_more            had one or more in care (share: of those that provided)
authorities_more_than_one          had more than one (share: of those with one or more)
largest_in_care                    the most children in care in one authority
in_care                            children in care (total over the authorities giving it)
went_missing                       children who went missing (total; share: of in care, over the
                                   authorities giving both)
share_missing                      went missing / in care (%), over the authorities giving both
share_missing_unmatched            the same ratio from every authority giving either number
authorities_with_missing           authorities whose answer shows one or more went missing (a number
                                   or a range; basis: the authorities giving a number or a range)
largest_went_missing               the most who went missing from one authority
mean_went_missing                  mean over the authorities that gave a number of one or more (a
                                   range has no number to average)
episodes                           missing episodes (total)
episodes_per_child                 episodes / children who went missing, authorities giving both
episodes_per_child_unmatched       the same ratio from every authority giving either number
still_missing                      still missing at the end of the period (also cohort ``all``)
authorities_reporting_still_missing  authorities that gave a still-missing number
largest_still_missing              the most still missing in one authority
mean_still_missing                 mean over the authorities that gave a number
share_over_a_week                  episodes lasting more than 7 days (%), of banded episodes
=================================  ===========================================================

Columns: figure, wave, cohort, value, numerator, denominator, share_pct, share_of, ci_low_pct,
ci_high_pct, n_authorities, basis. Percent figures have ``value`` in percent. ``n_authorities`` and
``basis`` are the authorities the figure is computed on.

With ``suppress=True`` every figure is taken from the suppressed tables (``surveykit.foi.figures``),
which hide the same counts everywhere. ``share_over_a_week`` is hidden with its numerator when the
duration bands hide counts on both sides of a week (the numerator would split the hidden bands
apart); the basis says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from surveykit.disclosure import MARKER
from surveykit.foi import figures as F
from surveykit.foi.disclose import small
from surveykit.foi.returns import Returns

if TYPE_CHECKING:
    import pandas as pd

FIGURE_NAMES = ("authorities_asked", "authorities_provided", "authorities_one_or_more", "authorities_more_than_one",
                "largest_in_care", "in_care", "went_missing", "share_missing", "share_missing_unmatched",
                "authorities_with_missing", "largest_went_missing", "mean_went_missing", "episodes",
                "episodes_per_child", "episodes_per_child_unmatched", "still_missing",
                "authorities_reporting_still_missing", "largest_still_missing", "mean_still_missing",
                "share_over_a_week")
#: Figures that count authorities (public bodies: hidden only where they would pin a hidden largest,
#: see ``guard._largest_covers``) and figures that are percentages.
AUTHORITY_FIGURES = {"authorities_asked", "authorities_provided", "authorities_one_or_more",
                     "authorities_more_than_one", "authorities_with_missing", "authorities_reporting_still_missing"}
PERCENT_FIGURES = {"share_missing", "share_missing_unmatched", "share_over_a_week"}
RATE_FIGURES = {"episodes_per_child", "episodes_per_child_unmatched", "mean_went_missing", "mean_still_missing"}
FIGURE_COLUMNS = ["figure", "wave", "cohort", "value", "numerator", "denominator", "share_pct", "share_of",
                  "ci_low_pct", "ci_high_pct", "n_authorities", "basis"]


def _row(figure: str, wave: str, cohort: str, value: Any, *, n: Any, basis: str, numerator: Any = None,
         denominator: Any = None, share: Any = None, share_of: str = "", ci: tuple = (None, None)) -> dict:
    return {"figure": figure, "wave": wave, "cohort": cohort, "value": value, "numerator": numerator,
            "denominator": denominator, "share_pct": share, "share_of": share_of, "ci_low_pct": ci[0],
            "ci_high_pct": ci[1], "n_authorities": n, "basis": basis}


def figures(returns: Returns, *, wave: str | Sequence[str] | None = None, cohort: str | Sequence[str] | None = None,
            confidence: float = 0.95, suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Every named headline figure of each wave and cohort (see the module docstring)."""
    import pandas as pd

    kw = dict(wave=wave, suppress=suppress, threshold=threshold)
    cohorts = F.select_cohorts(returns, cohort, allow_all=True)
    if cohort is None:
        cohorts = cohorts + ["all"]
    real = [c for c in cohorts if c != "all"]
    cov = F.coverage(returns, cohort=real, **kw)
    tot = F.totals(returns, cohort=real, measures=None, **kw)
    share = F.share_missing(returns, cohort=real, confidence=confidence, **kw)
    eps = F.episodes_per_child(returns, cohort=real, **kw)
    still = F.still_missing(returns, cohort=None, **kw)
    dur = F.durations(returns, cohort=real, **kw)
    rows: list[dict] = []
    for w in F.select_waves(returns, wave):
        if cohort is None or "all" in cohorts:
            rows.append(_row("authorities_asked", w, "all", returns.asked(w), n=returns.asked(w),
                             basis="authorities with a row in the wave"))
        for c in real:
            cv = cov[(cov["wave"] == w) & (cov["cohort"] == c)].iloc[0]
            asked = f"{cv['asked']} authorities asked"
            rows += [
                _row("authorities_provided", w, c, cv["provided"], share=cv["provided_pct"], share_of="asked",
                     n=cv["asked"], basis=asked),
                _row("authorities_one_or_more", w, c, cv["one_or_more"], share=cv["one_or_more_pct"],
                     share_of="authorities that provided a number", n=cv["provided"],
                     basis=f"{cv['provided']} authorities that provided a number for in care"),
                _row("authorities_more_than_one", w, c, cv["more_than_one"], share=cv["more_than_one_pct"],
                     share_of="authorities with one or more", n=cv["one_or_more"],
                     basis=f"{cv['one_or_more']} authorities with one or more in care"),
                _row("largest_in_care", w, c, cv["largest"], n=cv["provided"],
                     basis=f"{cv['provided']} authorities that provided a number for in care"),
            ]
            sh = share[(share["wave"] == w) & (share["cohort"] == c)].iloc[0]

            def tot_row(m: str):
                t = tot[(tot["wave"] == w) & (tot["cohort"] == c) & (tot["measure"] == m)]
                return None if t.empty else t.iloc[0]

            t = tot_row("in_care")
            if t is not None:
                rows.append(_row("in_care", w, c, t["total"], n=t["n_authorities"], basis=t["basis"]))
            t = tot_row("went_missing")
            if t is not None:
                provided = int(t["n_reported"] + t["n_approximate"] + t["n_range"])
                rows += [
                    _row("went_missing", w, c, t["total"], n=t["n_authorities"], basis=t["basis"],
                         share=sh["share_pct"], share_of=f"children in care, over the {sh['basis']}",
                         ci=(sh["ci_low_pct"], sh["ci_high_pct"])),
                    _row("share_missing", w, c, sh["share_pct"], numerator=sh["numerator"],
                         denominator=sh["denominator"], n=sh["n_authorities"], basis=sh["basis"],
                         ci=(sh["ci_low_pct"], sh["ci_high_pct"])),
                    _row("share_missing_unmatched", w, c, sh["share_unmatched_pct"], numerator=sh["numerator_all"],
                         denominator=sh["denominator_all"], n=max(sh["n_authorities_numerator"],
                                                                  sh["n_authorities_denominator"]),
                         basis=f"went missing from {sh['n_authorities_numerator']} authorities over in care from "
                               f"{sh['n_authorities_denominator']} (not the same authorities)"),
                    _row("authorities_with_missing", w, c, t["authorities_with_any"], n=provided,
                         basis=f"{provided} authorities giving a number or a range for went missing"),
                    _row("largest_went_missing", w, c, t["largest"], n=t["n_authorities"], basis=t["basis"]),
                    _row("mean_went_missing", w, c, t["mean_per_authority_with_any"], n=t["n_authorities_mean"],
                         basis=f"{t['n_authorities_mean']} authorities giving a number of one or more for went "
                               f"missing (ranges have no number to average)"),
                ]
            t = tot_row("episodes")
            if t is not None:
                ep = eps[(eps["wave"] == w) & (eps["cohort"] == c)].iloc[0]
                rows += [
                    _row("episodes", w, c, t["total"], n=t["n_authorities"], basis=t["basis"]),
                    _row("episodes_per_child", w, c, ep["per_child"], numerator=ep["numerator"],
                         denominator=ep["denominator"], n=ep["n_authorities"], basis=ep["basis"]),
                    _row("episodes_per_child_unmatched", w, c, ep["per_child_unmatched"], numerator=ep["numerator_all"],
                         denominator=ep["denominator_all"], n=max(ep["n_authorities_numerator"],
                                                                  ep["n_authorities_denominator"]),
                         basis=f"episodes from {ep['n_authorities_numerator']} authorities over children from "
                               f"{ep['n_authorities_denominator']} (not the same authorities)"),
                ]
            if returns.duration_bands(c):
                p, over, total, n = F.over_a_week_share(returns, w, c)
                basis = f"{n} authorities giving a number for every duration band"
                den: Any = total
                if suppress:
                    split = _splits_hidden_bands(dur, w, c)
                    if small(total, threshold):
                        p = over = den = MARKER
                    elif small(over, threshold) or small(total - over, threshold) or split:
                        p = over = MARKER
                    if split:
                        basis += ("; hidden with its numerator: the duration bands hide counts on both sides "
                                  "of a week, which the numerator would give away")
                rows.append(_row("share_over_a_week", w, c, p, numerator=over, denominator=den, n=n, basis=basis))
        for c in [x for x in list(returns.cohorts) + ["all"] if x in cohorts]:
            st = still[(still["wave"] == w) & (still["cohort"] == c)]
            if st.empty or ("still_missing" not in returns.measures(c) if c != "all" else not any(
                    "still_missing" in returns.measures(x) for x in returns.cohorts)):
                continue
            st = st.iloc[0]
            rows += [
                _row("still_missing", w, c, st["still_missing"], n=st["n_authorities"], basis=st["basis"],
                     share=st["still_missing_pct"], share_of=f"children who went missing, over the "
                                                             f"{st['n_authorities_matched']} authorities giving both"),
                _row("authorities_reporting_still_missing", w, c, st["n_authorities"], n=st["n_authorities"],
                     basis=st["basis"]),
                _row("largest_still_missing", w, c, st["largest"], n=st["n_authorities"], basis=st["basis"]),
                _row("mean_still_missing", w, c, st["mean_per_authority"], n=st["n_authorities"], basis=st["basis"]),
            ]
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    return frame.astype({"value": object, "numerator": object, "denominator": object, "share_pct": object})


def _splits_hidden_bands(dur: "pd.DataFrame", wave: str, cohort: str) -> bool:
    """True when the durations table hides bands both under and over a week: the number of episodes
    over a week, with the published total and bands, would then give the hidden ones away."""
    rows = dur[(dur["wave"] == wave) & (dur["cohort"] == cohort)]
    hidden = rows[rows["episodes"].astype(object) == MARKER]
    flags = set(hidden["over_a_week"].tolist())
    return True in flags and False in flags


def summary_tables(returns: Returns, *, names: "str | Iterable[str] | None" = None, suppress: bool = True,
                   threshold: int = 5, confidence: float = 0.95, reference: object = None,
                   alpha: float = 0.05) -> dict[str, "pd.DataFrame"]:
    """Every summary table, by name (what ``foi summary`` prints and the report section shows).

    ``names``: only these tables (of ``TABLE_NAMES``; e.g. ``"totals"``). Each table is worked out on
    its own, protection included, so it is the same table either way; "change" needs two waves and
    "reference" a ``reference``, and without them it is not in the result."""
    from surveykit.foi.change import change, parse_reference, reference_ratio
    from surveykit.foi.disclose import check_threshold
    from surveykit.foi.intervals import check_confidence
    from surveykit.foi.tables import by_region, gender_table, large_authorities, nationality_table, size_test
    from surveykit.validation import check_alpha, check_choice, id_list

    wanted = id_list(names, parameter="names")
    for name in wanted or ():
        check_choice(name, TABLE_NAMES, parameter="names")
    # Every option is checked whichever tables are asked for, as the tables that use them check it.
    check_confidence(confidence)
    check_threshold(threshold)
    check_alpha(alpha)
    if reference is not None:
        parse_reference(reference)
    kw = dict(suppress=suppress, threshold=threshold)
    builders = {
        "figures": lambda: figures(returns, confidence=confidence, **kw),
        "coverage": lambda: F.coverage(returns, **kw),
        "totals": lambda: F.totals(returns, **kw),
        "share_missing": lambda: F.share_missing(returns, confidence=confidence, **kw),
        "episodes": lambda: F.episodes_per_child(returns, **kw),
        "still_missing": lambda: F.still_missing(returns, **kw),
        "durations": lambda: F.durations(returns, **kw),
        "regions": lambda: by_region(returns, level="region", **kw),
        "nations": lambda: by_region(returns, level="nation", **kw),
        "large_authorities": lambda: large_authorities(returns, **kw),
        "nationality": lambda: nationality_table(returns, **kw),
        "gender": lambda: gender_table(returns, **kw),
        "size_test": lambda: size_test(returns, alpha=alpha),
    }
    if len(returns.waves) > 1:
        builders["change"] = lambda: change(returns, confidence=confidence, **kw)
    if reference is not None:
        builders["reference"] = lambda: reference_ratio(returns, reference=reference, confidence=confidence, **kw)
    return {name: build() for name, build in builders.items() if wanted is None or name in wanted}


TABLE_NAMES = ("figures", "coverage", "totals", "share_missing", "episodes", "still_missing", "durations", "regions",
               "nations", "large_authorities", "nationality", "gender", "size_test", "change", "reference")
