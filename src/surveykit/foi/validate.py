"""Checking returns: every unreadable cell and every inconsistency, by authority and column.

Inconsistencies are judged on what each answer allows (a suppressed "<5" may be anything from 0
to 4), so only contradictions that no reading of the answers removes are reported:

* ``missing_exceeds_in_care``: more children went missing than were in care;
* ``still_missing_exceeds_missing``: more still missing than went missing;
* ``episodes_below_missing``: fewer missing episodes than children who went missing;
* ``durations_exceed_episodes``: the duration bands hold more episodes than were reported;
* ``breakdown_exceeds_total``: a nationality/gender table counts more children than the return;
* ``different_period``: the return covers a different period from most returns of its wave.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from surveykit.foi.returns import ReturnIssue, Returns, read_returns

if TYPE_CHECKING:
    import pandas as pd

_PAIRS = (
    ("went_missing", "in_care", "missing_exceeds_in_care", "more children went missing than were in care"),
    ("still_missing", "went_missing", "still_missing_exceeds_missing",
     "more children are still missing than went missing"),
)


def consistency_issues(returns: Returns) -> list[ReturnIssue]:
    """Every inconsistency between the numbers of each return (see the module docstring)."""
    issues: list[ReturnIssue] = []
    for rec in returns.records:
        where = {"file": rec.file, "row": rec.row, "wave": rec.wave, "authority_id": rec.authority_id,
                 "authority": rec.authority}
        for cohort in returns.cohorts:
            for part, whole, code, text in _PAIRS:
                lo, _ = rec.cell(cohort, part).bounds()
                _, hi = rec.cell(cohort, whole).bounds()
                if rec.cell(cohort, part).status in ("reported", "approximate", "range", "suppressed") \
                        and rec.cell(cohort, whole).provided and hi is not None and lo > hi:
                    issues.append(ReturnIssue(code, f"{cohort}: {text}", "inconsistency",
                                              column=rec.headers.get((cohort, part), ""), **where))
            ep, gm = rec.cell(cohort, "episodes"), rec.cell(cohort, "went_missing")
            if ep.provided and gm.provided:
                _, ep_hi = ep.bounds()
                gm_lo, _ = gm.bounds()
                if ep_hi is not None and ep_hi < gm_lo:
                    issues.append(ReturnIssue("episodes_below_missing", f"{cohort}: fewer missing episodes than "
                                              "children who went missing", "inconsistency",
                                              column=rec.headers.get((cohort, "episodes"), ""), **where))
            bands = returns.duration_bands(cohort)
            if bands and ep.provided:
                _, ep_hi = ep.bounds()
                band_lo = sum(rec.cell(cohort, b).bounds()[0] for b in bands if rec.cell(cohort, b).provided
                              or rec.cell(cohort, b).status == "suppressed")
                if ep_hi is not None and band_lo > ep_hi:
                    issues.append(ReturnIssue("durations_exceed_episodes", f"{cohort}: the duration bands hold more "
                                              "episodes than the number of episodes reported", "inconsistency",
                                              column=rec.headers.get((cohort, bands[0]), ""), **where))
    issues.extend(_period_issues(returns))
    issues.extend(_breakdown_issues(returns))
    return issues


def _period_issues(returns: Returns) -> list[ReturnIssue]:
    out = []
    for wave in returns.waves:
        recs = [r for r in returns.in_wave(wave) if r.period]
        if not recs:
            continue
        counts = Counter(_norm_period(r.period) for r in recs)
        usual, n = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if n < 2:
            continue
        for r in recs:
            if _norm_period(r.period) != usual:
                out.append(ReturnIssue("different_period", f"this return covers a different period from the "
                                       f"{n} other returns of wave {wave}", "inconsistency", file=r.file, row=r.row,
                                       wave=wave, authority_id=r.authority_id, authority=r.authority,
                                       column="period"))
    return out


def _norm_period(text: str) -> str:
    return " ".join(text.lower().replace("–", "-").replace(" to ", "-").replace(" - ", "-").split())


def _breakdown_issues(returns: Returns) -> list[ReturnIssue]:
    totals: dict[tuple[str, str, str, str], int] = {}
    first: dict[tuple[str, str, str, str], object] = {}
    for b in returns.breakdowns:
        key = (b.wave, b.authority_id, b.cohort, b.measure)
        totals[key] = totals.get(key, 0) + b.cell.bounds()[0]
        first.setdefault(key, b)
    records = {(r.wave, r.authority_id): r for r in returns.records}
    out = []
    for key, low in totals.items():
        rec = records.get(key[:2])
        if rec is None:
            continue
        cell = rec.cell(key[2], key[3])
        hi = cell.bounds()[1] if cell.provided else None
        if hi is not None and low > hi:
            b = first[key]
            out.append(ReturnIssue("breakdown_exceeds_total", f"{key[2]}: the nationality/gender table counts more "
                                   f"children than the return's {key[3].replace('_', ' ')} figure", "inconsistency",
                                   file=b.file, row=b.row, wave=key[0], authority_id=key[1],  # type: ignore[attr-defined]
                                   authority=rec.authority, column="count"))
    return out


@dataclass(frozen=True)
class Validation:
    """What ``foi validate`` found: the returns as read (None when nothing could be read) and every
    issue, reading problems first."""

    returns: Returns
    issues: tuple[ReturnIssue, ...]

    @property
    def n_problems(self) -> int:
        return sum(1 for i in self.issues if i.severity != "warning")

    def frame(self, *, raw: bool = False) -> "pd.DataFrame":
        """One row per issue: severity, code, file, row, wave, authority_id, authority, column, message
        (and raw, the cell as written, only when asked: it may hold an authority's free text)."""
        import pandas as pd

        cols = ["severity", "code", "file", "row", "wave", "authority_id", "authority", "column", "message"]
        if raw:
            cols.append("raw")
        frame = pd.DataFrame([i.as_dict(raw=raw) for i in self.issues], columns=cols)
        frame["row"] = frame["row"].astype("Int64")
        return frame


def validate_returns(paths: str | Path | Sequence[str | Path], *, wave: str | None = None,
                     encoding: str | None = None) -> Validation:
    """Read returns without stopping at the first problem and list every problem found."""
    returns = read_returns(paths, wave=wave, encoding=encoding, strict=False)
    order = {s: i for i, s in enumerate(("error", "inconsistency", "warning"))}
    issues = list(returns.issues) + consistency_issues(returns)
    issues.sort(key=lambda i: (order.get(i.severity, 3), i.file, i.row or 0))
    return Validation(returns, tuple(issues))
