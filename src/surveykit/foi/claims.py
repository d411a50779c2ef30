"""Checking published claims against the returns, before a press release goes out.

A claims file (YAML, read by ``foi.claim_file``) lists claims; each names a figure, the cohort, the
wave (or two waves for a change) and the claimed value as a press release would write it ("28%",
"167 (28%)", "one in three", "around a third", "2.4", "eight", "more than four times", "+3 points",
"doubled"). ``check_claims`` recomputes each figure from the returns and says ``agree``, ``differ``
or ``not_computable``, with the basis the figure stands on. The format is documented in docs/foi.md.

Default tolerances follow the claim's own precision: a percentage or a decimal agrees within half a
unit of its last digit ("28%": 27.5-28.5; "2.4": 2.35-2.45), a whole count of children or
authorities must be exact, "about N" allows 5%, and "one in N" (also "a third", "a quarter") agrees
when the share rounds to one in N. ``tolerance:`` overrides: a number in the figure's own units
(percentage points for shares) or a percentage of the claimed value ("5%").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.errors import InputError
from surveykit.foi.change import change, reference_ratio
# The claims file is read in foi.claim_file; its names are importable from here as before.
from surveykit.foi.claim_file import (CHANGE_CLAIMS, CLAIM_FIGURES, Claim, Claimed, _tolerance_value, load_claims,
                                      parse_claimed, parse_claims)
from surveykit.foi.returns import Returns
from surveykit.foi.summary import AUTHORITY_FIGURES, PERCENT_FIGURES, RATE_FIGURES, figures

if TYPE_CHECKING:
    import pandas as pd

VERDICTS = ("agree", "differ", "not_computable")


# -- checking ------------------------------------------------------------------------------------

CHECK_COLUMNS = ["claim", "text", "figure", "cohort", "wave", "basis", "claimed", "computed", "computed_value",
                 "difference", "tolerance", "verdict", "n_authorities", "figure_basis", "note"]


def _half_unit(decimals: int) -> float:
    return 0.5 * 10 ** (-decimals)


def _judge(computed: float, claimed: Claimed, tolerance: str | None, *, exact_counts: bool) -> tuple[bool, str]:
    """(agrees, the rule used in words) for one numeric comparison."""
    v = claimed.value
    if claimed.kind == "one_in" and tolerance is None:
        n = claimed.denominator or round(100 / v)
        lo, hi = 100 / (n + 0.5), 100 / (n - 0.5) if n > 1 else 100.0
        rule = f"one in {n} when rounded ({lo:.1f}%-{hi:.1f}%)"
    else:
        if tolerance is not None:
            tol = _tolerance_value(tolerance, v)
        elif claimed.kind == "fraction":
            tol = min(5.0, 50.0 / (claimed.denominator or 10))
        elif claimed.kind == "number" and exact_counts and claimed.decimals == 0:
            tol = max(0.5, 0.05 * abs(v)) if claimed.qualifier in ("about", "nearly") else 0.0
        else:
            tol = _half_unit(claimed.decimals)
            if claimed.qualifier == "about":
                tol = max(tol, 0.05 * abs(v))
        lo, hi = v - tol, v + tol
        rule = "exact" if tol == 0 else f"±{tol:g}"
    q = claimed.qualifier
    eps = 1e-9
    if q == "more_than":
        return computed > v + eps, f"more than {v:g}"
    if q == "at_least":
        return computed >= v - eps, f"at least {v:g}"
    if q == "less_than":
        return computed < v - eps, f"less than {v:g}"
    if q == "at_most":
        return computed <= v + eps, f"at most {v:g}"
    if q == "nearly":
        below = min(lo, v - max(v - lo, 0.1 * abs(v)))
        return below - eps <= computed <= v + eps, f"nearly {v:g} ({below:g} to {v:g})"
    return lo - eps <= computed <= hi + eps, rule


def _fmt(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if kind == "percent":
        return f"{value:.1f}%"
    if kind == "relative":
        return f"{value:+.1f}%"
    if kind == "points":
        return f"{value:+.1f} points"
    if kind == "count":
        return f"{int(round(value)):,}"
    return f"{value:.2f}"


def check_claims(returns: Returns, claims: Sequence[Claim], *, suppress: bool = True, threshold: int = 5,
                 confidence: float = 0.95) -> "pd.DataFrame":
    """Recompute each claimed figure from the returns and compare.

    Columns: claim (id), text, figure, cohort, wave ("2016" or "2016->2020"), basis (for a change:
    both_waves or all_responders), claimed (as written), computed (as text, with the share for
    "N (P%)"), computed_value, difference (computed - claimed, in the figure's units), tolerance (the
    rule applied), verdict (agree | differ | not_computable), n_authorities, figure_basis (what the
    figure stands on), note. When ``suppress``, a small count of children (1 to ``threshold`` - 1)
    is shown as [c], and so is every number it could be worked out from: the computed value, the
    difference, a share and its interval, the parts of a ratio in the note, the two ends of a
    change (the verdict is still given)."""
    import pandas as pd

    from surveykit.disclosure import MARKER
    from surveykit.foi.disclose import check_threshold

    threshold = check_threshold(threshold)
    for claim in claims:
        for w in ([claim.wave] if claim.wave else list(claim.waves or ())):
            if w not in returns.waves:
                raise InputError(f"claim {claim.index} ({claim.id}), 'wave': wave {w!r} is not in the returns "
                                 f"(waves: {', '.join(returns.waves)})", path=claim.source or None)
    table = figures(returns, suppress=False, confidence=confidence)
    shown = figures(returns, suppress=True, threshold=threshold, confidence=confidence) if suppress else None
    guard = _Guard(suppress, threshold)
    rows = []
    for claim in claims:
        row = {"claim": claim.id, "text": claim.text, "figure": claim.figure, "cohort": claim.cohort,
               "wave": claim.wave or "->".join(claim.waves or ()), "basis": claim.basis if claim.waves else "",
               "claimed": claim.claimed.text, "computed": "", "computed_value": float("nan"),
               "difference": float("nan"), "tolerance": "", "verdict": "not_computable", "n_authorities": None,
               "figure_basis": "", "note": ""}
        try:
            res = _compute(returns, table, shown, claim, confidence, guard)
        except _NotComputable as exc:
            row["note"] = str(exc)
            rows.append(row)
            continue
        value, share, kind, extra = res.value, res.share, res.kind, res.note
        row.update({"n_authorities": res.n_authorities, "figure_basis": res.basis})
        count_figure = kind == "count"
        c = claim.claimed
        if c.kind == "count_and_percent":
            if share is None or (isinstance(share, float) and math.isnan(share)):
                row["note"] = f"{claim.figure} has no share to compare the percentage with"
                rows.append(row)
                continue
            ok_n, rule_n = _judge(value, Claimed(c.text, "number", c.count or 0.0, c.qualifier), None,
                                  exact_counts=True)
            ok_p, rule_p = _judge(share, Claimed(c.text, "percent", c.value, decimals=c.decimals), claim.tolerance,
                                  exact_counts=False)
            count_text = MARKER if res.hide_value else _fmt(value, "count")
            share_text = MARKER if res.hide_share else f"{share:.1f}%"
            if not ok_n or ok_p:
                difference = float("nan") if res.hide_value else value - (c.count or 0)
            else:
                difference = float("nan") if res.hide_share else share - c.value
            row.update({"computed": f"{count_text} ({share_text})",
                        "computed_value": float("nan") if res.hide_value else value,
                        "difference": difference,
                        "tolerance": f"count {rule_n}; share {rule_p} points",
                        "verdict": "agree" if ok_n and ok_p else "differ"})
            notes = []
            if not ok_n:
                notes.append("count differs" if res.hide_value else f"count differs by {value - (c.count or 0):+g}")
            if not ok_p:
                notes.append(f"share differs from {c.value:g}%" if res.hide_share
                             else f"share is {share:.1f}%, not {c.value:g}%")
            row["note"] = "; ".join(notes + ([extra] if extra else []))
            rows.append(row)
            continue
        compare, hidden = value, res.hide_value
        if claim.figure in CHANGE_CLAIMS and c.kind in ("percent", "relative"):
            compare, hidden = share, res.hide_share  # a relative change, in percent of the earlier value
            c = Claimed(c.text, "percent", c.value, c.qualifier, decimals=c.decimals)
            kind = "relative"
        elif c.kind in ("one_in", "fraction", "percent") and kind == "count" and share is not None:
            # "80% provided": the figure's own share (share_of says of what)
            compare, kind, hidden = share, "percent", res.hide_share
        elif c.kind in ("one_in", "fraction", "percent") and kind != "percent":
            row["note"] = f"{claim.figure} has no share; claim a number instead"
            rows.append(row)
            continue
        elif c.kind == "times" and claim.figure != "rate_ratio":
            row["note"] = "'times' claims are for the rate_ratio figure"
            rows.append(row)
            continue
        elif c.kind in ("points", "relative") and claim.figure not in CHANGE_CLAIMS:
            row["note"] = "'points' and 'doubled'-style claims are for change figures"
            rows.append(row)
            continue
        if compare is None or (isinstance(compare, float) and math.isnan(compare)):
            row["note"] = (row["note"] + "; " if row["note"] else "") + "the figure cannot be computed from these returns"
            rows.append(row)
            continue
        ok, rule = _judge(compare, c, claim.tolerance, exact_counts=count_figure)
        row.update({"computed": MARKER if hidden else _fmt(compare, kind), "computed_value": float("nan") if hidden
                    else float(compare), "difference": float("nan") if hidden else float(compare) - c.value,
                    "tolerance": rule, "verdict": "agree" if ok else "differ", "note": extra})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    frame["n_authorities"] = frame["n_authorities"].astype("Int64")
    return frame


class _NotComputable(Exception):
    pass


@dataclass(frozen=True)
class _Computed:
    """A recomputed figure: its value, its share (or a change's relative change), n_authorities,
    basis, kind (count | percent | rate | points), the note (hidden parts already [c]) and whether
    the value and the share must be hidden."""

    value: float
    share: float | None
    n_authorities: int | None
    basis: str
    kind: str
    note: str
    hide_value: bool = False
    hide_share: bool = False


def _known(x: Any) -> float | None:
    """A number, or None for None, NaN, pandas' NA, [c] and anything else that is not one."""
    if x is None or isinstance(x, (str, bool)):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _is_marker(x: Any) -> bool:
    from surveykit.disclosure import MARKER

    return isinstance(x, str) and x == MARKER


@dataclass(frozen=True)
class _Guard:
    """Disclosure control for the check: which numbers would show (or give away) a small count."""

    suppress: bool
    threshold: int

    def small(self, x: Any) -> bool:
        from surveykit.foi.disclose import small

        v = _known(x)
        return self.suppress and v is not None and small(round(v), self.threshold)

    def part(self, x: Any) -> bool:
        """A part of a share (its numerator) gives away the complement too: hidden when either is small."""
        return self.small(x)

    def share(self, numerator: Any, denominator: Any) -> bool:
        """A share is hidden when its numerator, its denominator or its complement is small."""
        n, d = _known(numerator), _known(denominator)
        return self.small(n) or self.small(d) or (n is not None and d is not None and self.small(d - n))

    def numerator(self, numerator: Any, denominator: Any) -> bool:
        n, d = _known(numerator), _known(denominator)
        return self.small(n) or (n is not None and d is not None and self.small(d - n))

    def text(self, x: Any, hidden: bool) -> str:
        from surveykit.disclosure import MARKER

        v = _known(x)
        return MARKER if hidden else "" if v is None else f"{int(round(v)):,}"


def _shown_row(shown: "pd.DataFrame | None", claim: Claim) -> Any:
    if shown is None:
        return None
    t = shown[(shown["figure"] == claim.figure) & (shown["wave"] == claim.wave) & (shown["cohort"] == claim.cohort)]
    return None if t.empty else t.iloc[0]


def _compute(returns: Returns, table: "pd.DataFrame", shown: "pd.DataFrame | None", claim: Claim, confidence: float,
             guard: _Guard) -> _Computed:
    """The claimed figure recomputed, with what must be hidden (see ``_Computed``). ``table`` holds
    the figures unsuppressed; ``shown`` as published (None when nothing is suppressed): a number the
    published tables hide is hidden here too, whatever the reason."""
    from surveykit.disclosure import MARKER

    if claim.figure == "rate_ratio":
        t = reference_ratio(returns, reference=claim.reference, wave=claim.wave, cohort=claim.cohort,
                            confidence=confidence, suppress=False).iloc[0]
        if _known(t["rate_ratio"]) is None:
            raise _NotComputable("no share to compare with the reference")
        hidden = guard.share(t["went_missing"], t["in_care"])
        shown = t
        if guard.suppress:
            # the note quotes the table as published: what it hides (by the linked plan too) stays hidden
            shown = reference_ratio(returns, reference=claim.reference, wave=claim.wave, cohort=claim.cohort,
                                    confidence=confidence, suppress=True, threshold=guard.threshold).iloc[0]
            hidden = hidden or any(_is_marker(shown[k]) for k in ("share_pct", "rate_ratio", "went_missing", "in_care",
                                                                  "ci_low", "ci_high"))
        if hidden:
            note = f"{MARKER} vs reference {t['reference']} ({t['method']})"
        else:
            note = (f"{shown['share_pct']:.1f}% vs reference {shown['reference']}; 95% CI {shown['ci_low']:.2f}-"
                    f"{shown['ci_high']:.2f} ({shown['method']})")
        return _Computed(float(t["rate_ratio"]), None, int(t["n_authorities"]), t["basis"], "rate", note, hidden)
    if claim.figure in CHANGE_CLAIMS:
        base = claim.figure[len("change_"):]
        if base not in returns.measures(claim.cohort) and base != "share_missing":
            raise _NotComputable(f"the returns have no {base} column for {claim.cohort}")
        t = change(returns, waves=claim.waves, cohort=claim.cohort, figures=[base], confidence=confidence,
                   suppress=False)
        keep = (t["basis"] == claim.basis).tolist()
        t = t[keep]
        if t.empty:
            raise _NotComputable("no change could be computed")
        r = t.iloc[0]
        if base == "share_missing":
            hide_from = guard.share(r["numerator_from"], r["denominator_from"])
            hide_to = guard.share(r["numerator_to"], r["denominator_to"])
        else:
            hide_from, hide_to = guard.small(r["value_from"]), guard.small(r["value_to"])
        if guard.suppress:
            s = change(returns, waves=claim.waves, cohort=claim.cohort, figures=[base], confidence=confidence,
                       suppress=True, threshold=guard.threshold)[keep].iloc[0]
            hide_from = hide_from or _is_marker(s["value_from"])
            hide_to = hide_to or _is_marker(s["value_to"])
            hidden = hide_from or hide_to or _is_marker(s["change"]) or _is_marker(s["relative_change_pct"])
        else:
            hidden = False
        hidden = hidden or hide_from or hide_to
        kind = "percent" if base == "share_missing" else "count"
        note = (f"{MARKER if hide_from else _fmt(r['value_from'], kind)} -> "
                f"{MARKER if hide_to else _fmt(r['value_to'], kind)}")
        if base == "share_missing" and _known(r["p_value"]) is not None and not hidden:
            note += f"; two-proportion z = {r['statistic']:.2f}, p = {r['p_value']:.3g}"
        return _Computed(float(r["change"]), float(r["relative_change_pct"]),
                         int(min(r["n_authorities_from"], r["n_authorities_to"])), r["basis_label"],
                         "points" if base == "share_missing" else "count", note, hidden, hidden)
    t = table[(table["figure"] == claim.figure) & (table["wave"] == claim.wave) & (table["cohort"] == claim.cohort)]
    if t.empty:
        raise _NotComputable(f"the returns do not give {claim.figure} for {claim.cohort} in {claim.wave}")
    r = t.iloc[0]
    value = _known(r["value"])
    if value is None:
        raise _NotComputable(f"no authority gave the numbers for {claim.figure}")
    s = _shown_row(shown, claim)
    marked = set() if s is None else {k for k in ("value", "numerator", "denominator", "share_pct") if _is_marker(s[k])}
    kind = "percent" if claim.figure in PERCENT_FIGURES else "rate" if claim.figure in RATE_FIGURES else "count"
    share = _known(r["share_pct"])
    num, den = _known(r["numerator"]), _known(r["denominator"])
    children = claim.figure not in AUTHORITY_FIGURES
    hide_value = hide_share = False
    note = ""
    if kind == "percent":
        hide_value = guard.share(num, den) or bool(marked & {"value", "numerator", "denominator"})
        if num is not None and den is not None:
            hide_num = guard.numerator(num, den) or "numerator" in marked
            hide_den = guard.small(den) or "denominator" in marked
            note = f"{guard.text(num, hide_num)} of {guard.text(den, hide_den)}"
            if not hide_value and _known(r["ci_low_pct"]) is not None:
                note += f"; 95% CI {r['ci_low_pct']:.1f}%-{r['ci_high_pct']:.1f}%"
    elif kind == "rate":
        if num is not None and den is not None:  # a ratio: episodes over children
            hide_num = guard.small(num) or "numerator" in marked
            hide_den = guard.small(den) or "denominator" in marked
            hide_value = hide_num or hide_den or "value" in marked
            note = f"{guard.text(num, hide_num)} over {guard.text(den, hide_den)}"
        else:  # a mean over authorities: mean x authorities is the total it was worked out from
            n = _known(r["n_authorities"]) or 0
            hide_value = guard.small(value * n) or "value" in marked
    elif children:
        hide_value = guard.small(value) or "value" in marked
        hide_share = hide_value or "share_pct" in marked
        if share is not None and claim.figure == "went_missing":  # the share is share_missing's
            sm = table[(table["figure"] == "share_missing") & (table["wave"] == claim.wave)
                       & (table["cohort"] == claim.cohort)]
            if not sm.empty:
                hide_share = hide_share or guard.share(sm.iloc[0]["numerator"], sm.iloc[0]["denominator"])
    else:  # a count of authorities: hidden only where it would pin a hidden largest (foi.figures)
        hide_value = "value" in marked
        hide_share = hide_value or "share_pct" in marked
    if hide_value and kind == "percent":
        hide_share = True
    if r["share_of"]:
        note = (note + "; " if note else "") + f"share of {r['share_of']}"
    n_authorities: int | None = int(r["n_authorities"])
    basis = r["basis"]
    if s is not None and _is_marker(s["n_authorities"]):  # e.g. the authorities a mean is over: as published
        n_authorities, basis = None, s["basis"]
    return _Computed(value, share, n_authorities, basis, kind, note, hide_value, hide_share)


__all__ = ["Claim", "Claimed", "CLAIM_FIGURES", "VERDICTS", "load_claims", "parse_claims", "parse_claimed",
           "check_claims"]
