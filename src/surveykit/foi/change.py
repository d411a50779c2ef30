"""Change between waves, and comparison with a reference rate.

A change is computed twice, and each row says which:

* ``both_waves``: over the authorities that gave the figure in BOTH waves (for a share: both
  numbers in both waves). This is the honest like-for-like change.
* ``all_responders``: each wave over every authority that gave the figure in that wave. Headline
  figures are usually these; they mix real change with changes in who answered.

The two bases differ by the authorities that answered one wave only, so small numbers are hidden
across them (and across the regions, nations and totals of each wave) by the plan of
``surveykit.foi.tables``. A both-waves change over no authority is "not computable", with the reason.

The change in the share missing is tested with a two-proportion z-test (pooled), with Newcombe's
interval for the difference. The test treats the two waves as independent samples of children:
reasonable when the waves are years apart (few children are in care in both), and said in the notes.

``reference_ratio`` compares the share missing with a reference rate given by the user (for
example looked-after children overall: 6,110 of 99,230 in England in 2014-15 went missing, DfE 2015)
as a risk ratio: with the reference's counts, Katz's log interval; with a bare rate, the Wilson
interval of the share divided by the rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from surveykit.errors import UsageError, invalid_choice
from surveykit.foi.disclose import check_threshold, mask_rows
from surveykit.foi.figures import pct, select_cohorts, select_waves, wilson_pct
from surveykit.foi.guard import _counted, _sum
from surveykit.foi.intervals import ratio_to_rate, risk_ratio, two_proportions
from surveykit.foi.returns import Returns, authority_key, wave_key
from surveykit.foi.schema import measure_label

if TYPE_CHECKING:
    import pandas as pd

BASES = ("both_waves", "all_responders")
CHANGE_FIGURES = ("in_care", "went_missing", "episodes", "still_missing", "share_missing")
CHANGE_COLUMNS = ["wave_from", "wave_to", "cohort", "figure", "basis", "value_from", "value_to", "change",
                  "relative_change_pct", "numerator_from", "denominator_from", "numerator_to", "denominator_to",
                  "n_authorities_from", "n_authorities_to", "test", "statistic", "p_value", "ci_low", "ci_high",
                  "basis_label"]


def wave_pairs(returns: Returns, waves: Sequence[str] | None, pairs: str = "consecutive") -> list[tuple[str, str]]:
    """The pairs of waves to compare: the two given, or every consecutive pair ("consecutive"), or
    the first against each later one ("first")."""
    if waves is not None:
        waves = [str(w) for w in waves]
        if len(waves) != 2:
            raise UsageError(f"waves must name two waves (from, to); got {len(waves)}")
        select_waves(returns, waves)
        return [(waves[0], waves[1])]
    ordered = sorted(returns.waves, key=wave_key)
    if pairs == "consecutive":
        return list(zip(ordered, ordered[1:]))
    if pairs == "first":
        return [(ordered[0], w) for w in ordered[1:]]
    raise invalid_choice("pairs", pairs, ("consecutive", "first"))


def change(returns: Returns, *, waves: Sequence[str] | None = None, pairs: str = "consecutive",
           cohort: str | Sequence[str] | None = None, figures: Sequence[str] = CHANGE_FIGURES,
           confidence: float = 0.95, suppress: bool = True, threshold: int = 5) -> "pd.DataFrame":
    """Change of counts and of the share missing between waves, over both-wave authorities and over
    all responders (each row names its ``basis``).

    Columns: wave_from, wave_to, cohort, figure (in_care, went_missing, episodes, still_missing,
    share_missing), basis (both_waves | all_responders), value_from, value_to (a total, or a share in
    percent), change (to - from; percentage points for a share), relative_change_pct, numerator_from,
    denominator_from, numerator_to, denominator_to (shares only), n_authorities_from,
    n_authorities_to, test / statistic / p_value (two_proportion_z, shares only), ci_low / ci_high
    (interval of the change in percentage points, shares only), basis_label.

    With no authority in both waves the ``both_waves`` rows are empty and ``basis_label`` says the
    change is not computable and why (e.g. the waves identify authorities differently). Suppression
    treats the two bases, the totals and the regional tables of each wave as published together: a
    both-waves figure is hidden when all responders minus it would be a small count."""
    import pandas as pd

    threshold = check_threshold(threshold)
    for f in figures:
        if f not in CHANGE_FIGURES:
            raise invalid_choice("figures", f, CHANGE_FIGURES)
    rows = []
    keys = []
    compared = wave_pairs(returns, waves, pairs)
    for a, b in compared:
        recs_a, recs_b = returns.in_wave(a), returns.in_wave(b)
        for c in select_cohorts(returns, cohort):
            for f in figures:
                measures = ("went_missing", "in_care") if f == "share_missing" else (f,)
                if any(m not in returns.measures(c) for m in measures):
                    continue
                # One authority in two waves: its code as written may differ in case or spacing ("E1", "e1").
                ids_a = {authority_key(r.authority_id) for r in _counted(recs_a, c, *measures)}
                ids_b = {authority_key(r.authority_id) for r in _counted(recs_b, c, *measures)}
                common = ids_a & ids_b
                for basis in BASES:
                    sa = [r for r in _counted(recs_a, c, *measures)
                          if basis == "all_responders" or authority_key(r.authority_id) in common]
                    sb = [r for r in _counted(recs_b, c, *measures)
                          if basis == "all_responders" or authority_key(r.authority_id) in common]
                    label = (f"{len(common)} authorities giving {_what(f)} in both {a} and {b}" if basis == "both_waves"
                             else f"all authorities giving {_what(f)}: {len(sa)} in {a}, {len(sb)} in {b}")
                    row = {"wave_from": a, "wave_to": b, "cohort": c, "figure": f, "basis": basis,
                           "n_authorities_from": len(sa), "n_authorities_to": len(sb), "basis_label": label}
                    keys.append(("change", a, b, f, basis))
                    if basis == "both_waves" and not common:
                        # no like-for-like change exists: say so instead of a change of 0 over nobody
                        row.update({"value_from": float("nan"), "value_to": float("nan"), "change": float("nan"),
                                    "relative_change_pct": float("nan"), "test": "",
                                    "basis_label": _not_computable(returns, a, b, f, ids_a, ids_b)})
                        rows.append(row)
                        continue
                    if f == "share_missing":
                        xa, na = _sum(sa, c, "went_missing"), _sum(sa, c, "in_care")
                        xb, nb = _sum(sb, c, "went_missing"), _sum(sb, c, "in_care")
                        va, vb = pct(xa, na), pct(xb, nb)
                        t = two_proportions(xb, nb, xa, na, confidence=confidence) if na and nb and xa <= na \
                            and xb <= nb else None
                        row.update({"value_from": va, "value_to": vb, "change": vb - va,
                                    "relative_change_pct": pct(vb - va, va) if va else float("nan"),
                                    "numerator_from": xa, "denominator_from": na, "numerator_to": xb,
                                    "denominator_to": nb, "test": "two_proportion_z" if t else "",
                                    "statistic": t.statistic if t else float("nan"),
                                    "p_value": t.p_value if t else float("nan"),
                                    "ci_low": 100 * t.ci_low if t else float("nan"),
                                    "ci_high": 100 * t.ci_high if t else float("nan")})
                    else:
                        va, vb = _sum(sa, c, f), _sum(sb, c, f)
                        row.update({"value_from": va, "value_to": vb, "change": vb - va,
                                    "relative_change_pct": pct(vb - va, va) if va else float("nan"), "test": ""})
                    rows.append(row)
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    for col in ("numerator_from", "denominator_from", "numerator_to", "denominator_to"):
        frame[col] = frame[col].astype("Int64")
    if not suppress or frame.empty:
        return frame
    return _protect(returns, frame, keys, compared, threshold)


SHARE_COLUMNS = ["value_from", "value_to", "change", "relative_change_pct", "statistic", "p_value", "ci_low",
                 "ci_high"]


def _protect(returns: Returns, frame: "pd.DataFrame", keys: list[tuple], compared: list[tuple[str, str]],
             threshold: int) -> "pd.DataFrame":
    """Small numbers in a change table. The two bases of one change differ by the authorities that
    answered one wave only, and the all-responders figures are the totals published everywhere; so
    the cells are hidden by the plan that links them with the totals, regions, nations and largest
    authorities of each wave (``surveykit.foi.tables``), not row by row."""
    from surveykit.foi.linked import _protection, hide_cells

    hide: dict[str, list[int]] = {}
    records = frame.to_dict("records")
    for i, (row, key) in enumerate(zip(records, keys)):
        a, b, c = row["wave_from"], row["wave_to"], row["cohort"]
        plans = {"from": _protection(returns, a, c, threshold=threshold, pairs=compared),
                 "to": _protection(returns, b, c, threshold=threshold, pairs=compared)}
        if row["figure"] == "share_missing":
            parts = {f"{col}_{side}": (side, col) for side in ("from", "to") for col in ("numerator", "denominator")}
            derived = SHARE_COLUMNS
        else:
            parts = {f"value_{side}": (side, "value") for side in ("from", "to")}
            derived = ["change", "relative_change_pct"]
        hidden = [col for col, (side, part) in parts.items() if key + (side, part) in plans[side]]
        for col in hidden + (derived if hidden else []):
            hide.setdefault(col, []).append(i)
    return hide_cells(frame, hide, basis_column="basis_label", threshold=threshold)


def _not_computable(returns: Returns, a: str, b: str, figure: str, ids_a: set, ids_b: set) -> str:
    """Why a like-for-like change has no authority to stand on (names counts of authorities only)."""
    text = f"not computable: no authority gave {_what(figure)} in both {a} and {b}"
    all_a = {authority_key(r.authority_id) for r in returns.in_wave(a)}
    all_b = {authority_key(r.authority_id) for r in returns.in_wave(b)}
    if not all_a & all_b:
        names_a = {authority_key(r.authority) for r in returns.in_wave(a) if r.authority}
        names_b = {authority_key(r.authority) for r in returns.in_wave(b) if r.authority}
        same = len(names_a & names_b)
        if same:
            return (f"{text}: the two waves share no authority id, although {same} authority names appear in "
                    f"both (one wave may identify authorities by code and the other by name; give both the same "
                    f"authority_id column)")
        return f"{text}: the two waves share no authority id"
    if not ids_a or not ids_b:
        return f"{text}: {len(ids_a)} authorities gave it in {a} and {len(ids_b)} in {b}"
    return f"{text}: {len(ids_a)} authorities gave it in {a} and {len(ids_b)} in {b}, none of them in both"


def _what(figure: str) -> str:
    return "both went missing and in care" if figure == "share_missing" else measure_label(figure)


# -- the reference rate ------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """A reference rate: ``rate`` (0-1), with its ``events`` and ``total`` when known."""

    rate: float
    events: int | None = None
    total: int | None = None
    label: str = "reference"

    @property
    def text(self) -> str:
        if self.events is not None and self.total is not None:
            return f"{self.events:,} of {self.total:,} ({100 * self.rate:.1f}%)"
        return f"{100 * self.rate:g}%"


_COUNTS = re.compile(r"^\s*(\d[\d,]*)\s*(?:/|of|out of)\s*(\d[\d,]*)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def parse_reference(value: object, *, label: str = "reference") -> Reference:
    """A reference rate from "6110/99230", "6,110 of 99,230", "6%", 0.06 or a Reference."""
    if isinstance(value, Reference):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 0 < float(value) < 1:
            raise UsageError(f"reference rate must be between 0 and 1 (or written like '6%' or '6110/99230'); "
                             f"got {value!r}")
        return Reference(float(value), label=label)
    text = str(value)
    m = _COUNTS.match(text)
    if m:
        events, total = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
        if total <= 0 or events <= 0 or events > total:
            raise UsageError(f"reference must be 'events/total' with 0 < events <= total; got {text!r}")
        return Reference(events / total, events, total, label)
    m = _PERCENT.match(text)
    if m and 0 < float(m.group(1)) < 100:
        return Reference(float(m.group(1)) / 100, label=label)
    try:
        return parse_reference(float(text), label=label)
    except ValueError:
        raise UsageError(f"reference must be a rate such as '6%', '0.06' or counts such as '6110/99230'; "
                         f"got {text!r}") from None


REFERENCE_COLUMNS = ["wave", "cohort", "went_missing", "in_care", "share_pct", "reference", "reference_pct",
                     "reference_events", "reference_total", "rate_ratio", "ci_low", "ci_high", "method",
                     "n_authorities", "basis"]


def reference_ratio(returns: Returns, *, reference: object, wave: str | Sequence[str] | None = None,
                    cohort: str | Sequence[str] | None = None, confidence: float = 0.95, suppress: bool = True,
                    threshold: int = 5) -> "pd.DataFrame":
    """How many times more likely to go missing than the reference: share missing / reference rate.

    Columns: wave, cohort, went_missing, in_care (over the authorities reporting both), share_pct,
    reference (as given), reference_pct, reference_events, reference_total, rate_ratio, ci_low,
    ci_high, method (``katz_log`` with the reference's counts, ``wilson_over_rate`` without),
    n_authorities, basis."""
    import pandas as pd

    threshold = check_threshold(threshold)
    ref = parse_reference(reference)
    rows = []
    for w in select_waves(returns, wave):
        for c in select_cohorts(returns, cohort):
            both = _counted(returns.in_wave(w), c, "went_missing", "in_care")
            x, n = _sum(both, c, "went_missing"), _sum(both, c, "in_care")
            if ref.events is not None and ref.total is not None:
                rr, lo, hi = risk_ratio(x, n, ref.events, ref.total, confidence=confidence)
                method = "katz_log"
            else:
                rr, lo, hi = ratio_to_rate(x, n, ref.rate, confidence=confidence)
                method = "wilson_over_rate"
            rows.append({"wave": w, "cohort": c, "went_missing": x, "in_care": n, "share_pct": pct(x, n),
                         "reference": ref.text, "reference_pct": 100 * ref.rate, "reference_events": ref.events,
                         "reference_total": ref.total, "rate_ratio": rr, "ci_low": lo, "ci_high": hi,
                         "method": method, "n_authorities": len(both),
                         "basis": f"{len(both)} authorities reporting both went missing and in care"})
    frame = pd.DataFrame(rows, columns=REFERENCE_COLUMNS)
    for col in ("reference_events", "reference_total"):
        frame[col] = frame[col].astype("Int64")
    if not suppress:
        return frame
    derived = ["share_pct", "rate_ratio", "ci_low", "ci_high"]
    out = mask_rows(frame, counts=["went_missing", "in_care"], derived={"went_missing": derived, "in_care": derived},
                    complements=(("went_missing", "in_care", derived),), threshold=threshold)
    return _hide_as_share_missing(returns, out, derived, threshold)


def _hide_as_share_missing(returns: Returns, frame: "pd.DataFrame", derived: Sequence[str],
                           threshold: int) -> "pd.DataFrame":
    """The counts of the rate ratio are the matched share's (went missing and in care over the
    authorities giving both): hide them where the linked plan hides that share's numerator or
    denominator. Row by row they may look safe while the totals, regions or changes published with
    them give a small count by subtraction; and the share, the ratio and its interval give the
    hidden count back (share x in care), so they go too."""
    from surveykit.disclosure import MARKER
    from surveykit.foi.linked import _protection, hide_cells

    hide: dict[str, list[int]] = {}
    for i, row in enumerate(frame.to_dict("records")):
        plan = _protection(returns, row["wave"], row["cohort"], threshold=threshold)
        parts = [col for col, part in (("went_missing", "numerator"), ("in_care", "denominator"))
                 if ("matched", "went_missing", "in_care", part) in plan]
        if parts and any(row[col] != MARKER for col in (*parts, *derived)):
            for col in (*parts, *derived):
                hide.setdefault(col, []).append(i)
    return hide_cells(frame, hide, basis_column="basis", threshold=threshold) if hide else frame


__all__ = ["change", "wave_pairs", "reference_ratio", "parse_reference", "Reference", "BASES", "CHANGE_FIGURES",
           "wilson_pct"]
