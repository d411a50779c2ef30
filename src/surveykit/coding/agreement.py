"""Agreement between coders: percent agreement, Cohen's kappa and Krippendorff's alpha.

A *unit* is one answer: (respondent_id, question_id). Each coder contributes the set of codes they
gave each answer they coded; an answer a coder did not code is **missing** for that coder, never
"no code applies" (a reliability sample coded by a second coder compares only the answers both
coded). For one code, a coder's value on a unit is 1 (code given) or 0 (not given), so every code
is a binary nominal variable. Krippendorff's alpha is computed with the coincidence-matrix method
(Krippendorff 2011, "Computing Krippendorff's alpha-reliability"), which allows any number of coders
and missing data.

Two summary figures, each named in the table:

* ``ALL``, **pooled decisions**: every (answer, code) pair is one binary unit, and one alpha is
  computed over all of them (frequent codes weigh more);
* ``MEAN``, **mean of per-code alpha**: the unweighted mean of the codes' alphas (codes whose alpha
  is undefined, e.g. never used by anyone, are left out; the row says how many were averaged).

Thresholds (Krippendorff 2004): alpha >= 0.800 reliable; 0.667 <= alpha < 0.800 tentative (draw only
tentative conclusions); below 0.667 unreliable. A figure resting on fewer than ``min_shared``
answers (10 by default) coded by two or more coders is flagged ``too_few`` whatever its value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Hashable, Sequence

from surveykit.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

RELIABLE = 0.800
TENTATIVE = 0.667
MIN_SHARED = 10


def krippendorff_alpha_nominal(data: Sequence[Sequence[Any]]) -> float:
    """Krippendorff's alpha for nominal data; ``data[coder][unit]``, None/NaN = missing.

    Units with fewer than two values are not pairable and are left out. Returns NaN when there is
    no pairable unit or when every pairable value is the same (no variation: alpha is undefined).
    """
    columns = list(zip(*data)) if data else []
    return _alpha_from_units([[v for v in col if not _missing(v)] for col in columns])


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _alpha_from_units(units: Sequence[Sequence[Hashable]]) -> float:
    # Coincidence matrix: each pairable unit with m values adds, for every ordered pair of values
    # from different coders, 1/(m-1) to o[c, k].
    from collections import Counter

    observed: dict[tuple[Hashable, Hashable], float] = {}
    for values in units:
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    observed[(c, k)] = observed.get((c, k), 0.0) + pairs / (m - 1)
    return _alpha_from_coincidences(observed)


def _alpha_from_coincidences(observed: dict[tuple[Hashable, Hashable], float]) -> float:
    totals: dict[Hashable, float] = {}
    for (c, _k), v in observed.items():
        totals[c] = totals.get(c, 0.0) + v
    n = sum(totals.values())
    if n <= 1:
        return math.nan
    disagree_obs = sum(v for (c, k), v in observed.items() if c != k)
    disagree_exp = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if disagree_exp == 0:
        return math.nan
    return 1.0 - (n - 1) * disagree_obs / disagree_exp


def _binary_alpha(present: "Any", seen: "Any") -> float:
    """Alpha for a binary variable: present/seen are (coders x units) boolean arrays."""
    import numpy as np

    m = seen.sum(axis=0)
    ones = (present & seen).sum(axis=0)
    zeros = m - ones
    ok = m >= 2
    m, ones, zeros = m[ok].astype(float), ones[ok].astype(float), zeros[ok].astype(float)
    if not len(m):
        return math.nan
    observed = {
        (1, 1): float(np.sum(ones * (ones - 1) / (m - 1))),
        (0, 0): float(np.sum(zeros * (zeros - 1) / (m - 1))),
        (0, 1): float(np.sum(ones * zeros / (m - 1))),
        (1, 0): float(np.sum(ones * zeros / (m - 1))),
    }
    return _alpha_from_coincidences({k: v for k, v in observed.items() if v})


def flag(alpha: float, *, shared: int | None = None, min_shared: int = MIN_SHARED) -> str:
    """The reliability verdict for an alpha (or kappa) value resting on ``shared`` answers."""
    if shared is not None and shared < min_shared:
        return "too_few"
    if alpha is None or math.isnan(alpha):
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "unreliable"


@dataclass(frozen=True)
class Agreement:
    """The result of comparing coders.

    per_code: one row per code, then ``MEAN`` (mean of per-code alpha) and ``ALL`` (pooled
    decisions, last). Columns: ``code_id``, ``measure`` (what the row is), ``units`` (answers coded by at
    least two coders: the shared answers), ``prevalence_<coder>`` (share of the answers that coder
    coded which got the code; on the ALL row, the share with at least one code),
    ``percent_agreement`` (mean share of agreeing coder pairs per unit, 0-1), ``kappa`` (Cohen's
    kappa; two coders only, else NaN), ``alpha`` (Krippendorff's alpha, nominal), ``flag``
    (reliable >= 0.800, tentative >= 0.667, unreliable, undefined; ``too_few`` when fewer than
    ``min_shared`` shared answers), ``exact_set_match`` (ALL row only: share of shared answers where
    every coder gave exactly the same set of codes). The MEAN row holds the means of the codes'
    percent_agreement, kappa and alpha, over the codes with a defined alpha. With ``suppress`` (the
    default) a hidden figure is "[c]" (see ``agreement``).
    disagreements: one row per (unit, code) where the coders who coded the unit differ. Columns:
    ``respondent_id, question_id, code_id, applied_by, not_applied_by``, one 1/0/blank column per
    coder, and an empty ``decision`` column for the adjudicator.
    overall: pooled_alpha, pooled_flag, mean_alpha, mean_alpha_codes, mean_flag, exact_set_match,
    units (shared answers), answers_per_coder ({coder: answers coded}), coders, codes,
    disagreements, min_shared; with ``suppress``, suppressed_codes (codes whose figures are hidden).
    """

    coders: tuple[str, ...]
    per_code: "pd.DataFrame"
    disagreements: "pd.DataFrame"
    overall: dict[str, Any] = field(default_factory=dict)


def coder_labels(names: Sequence[str], stems: Sequence[str]) -> list[str]:
    """Distinct coder labels: the coder names, else the file stems (a name used twice, or names
    taken from file stems, lose the stems' common prefix: ``x_Q8_primary`` -> ``primary``)."""
    labels = list(names)
    if len(set(labels)) != len(labels) or labels == list(stems):
        labels = _strip_common_prefix(list(stems))
    if len(set(labels)) != len(labels):
        labels = [f"{s}_{i + 1}" for i, s in enumerate(stems)]
    return labels


def agreement(frames: Sequence["pd.DataFrame"], coders: Sequence[str], *,
              codes: Sequence[str] | None = None, min_shared: int = MIN_SHARED, suppress: bool = True,
              threshold: int = 5) -> Agreement:
    """Compare coded files (long form, columns respondent_id, question_id, code_id).

    frames[i] holds coder ``coders[i]``'s codes; a row with an empty code_id marks an answer coded
    with nothing ("no code applies"); an answer absent from a frame is missing for that coder.
    codes: the code list to report (e.g. the codebook's, in its order); by default every code used
    by any coder, sorted. min_shared: fewer shared answers than this -> flag ``too_few``.

    ``suppress`` (default True): a share times the answers a coder coded is a count of answers given
    a code, so a code whose count for any coder, or its complement, is below ``threshold`` shows
    "[c]" for its prevalences, percent agreement, kappa, alpha and flag; the MEAN and ALL
    rows hide theirs too when the hidden codes could be worked out from them (one code hidden, or
    the hidden codes' counts adding up to a small count), and ALL's prevalences when the answers with
    a code, or without one, are a small count. With any code hidden, ALL's ``exact_set_match`` is hidden
    too. ``overall`` then holds "[c]" in place of what is hidden (``pooled_alpha`` and ``pooled_flag``,
    ``mean_alpha`` and ``mean_flag``, ``exact_set_match`` and ``disagreements``). False only for internal
    use.
    """
    import numpy as np
    import pandas as pd

    from surveykit.validation import check_bool, check_threshold

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    if len(frames) < 2:
        raise UsageError(f"agreement needs at least two coded files; got {len(frames)}")
    if len(set(coders)) != len(coders):
        raise UsageError(f"coder names must be distinct; got {list(coders)}")
    if min_shared < 1:
        raise UsageError(f"min_shared must be at least 1; got {min_shared}")
    units: dict[tuple[str, str], int] = {}
    for f in frames:
        for key in zip(f["respondent_id"], f["question_id"]):
            units.setdefault((str(key[0]), str(key[1])), len(units))
    used = sorted({str(c) for f in frames for c in f["code_id"] if not pd.isna(c)})
    code_list = list(codes) if codes is not None else used
    code_list += [c for c in used if c not in code_list]
    code_index = {c: i for i, c in enumerate(code_list)}
    n_c, n_u, n_k = len(frames), len(units), len(code_list)
    seen = np.zeros((n_c, n_u), dtype=bool)
    present = np.zeros((n_c, n_u, n_k), dtype=bool)
    for i, f in enumerate(frames):
        for rid, qid, code in zip(f["respondent_id"], f["question_id"], f["code_id"]):
            u = units[(str(rid), str(qid))]
            seen[i, u] = True
            if not pd.isna(code):
                present[i, u, code_index[str(code)]] = True

    pair_units = seen.sum(axis=0) >= 2
    shared = int(pair_units.sum())
    rows = []
    for k, code in enumerate(code_list):
        row = _code_row(code, present[:, :, k], seen, pair_units, coders)
        row["measure"] = "code"
        row["flag"] = flag(row["alpha"], shared=shared, min_shared=min_shared)
        rows.append(row)
    # Pooled decisions: every (unit, code) pair is one binary unit.
    pooled_present = present.transpose(0, 2, 1).reshape(n_c, n_k * n_u)
    pooled_seen = np.repeat(seen[:, None, :], n_k, axis=1).reshape(n_c, n_k * n_u)
    pooled = _code_row("ALL", pooled_present, pooled_seen, np.tile(pair_units, n_k), coders)
    pooled["units"] = shared
    pooled["measure"] = "pooled decisions (every answer-code pair one unit)"
    pooled["flag"] = flag(pooled["alpha"], shared=shared, min_shared=min_shared)
    for j, c in enumerate(coders):
        vis = seen[j]
        pooled[f"prevalence_{_slug(c)}"] = (float(present[j][vis].any(axis=1).mean()) if vis.any() else math.nan)
    exact = _exact_set_match(present, seen, pair_units)
    pooled["exact_set_match"] = exact
    defined = [r for r in rows if not math.isnan(r["alpha"])]
    mean_alpha = float(np.mean([r["alpha"] for r in defined])) if defined else math.nan
    mean_row: dict[str, Any] = {
        "code_id": "MEAN", "measure": f"mean of per-code alpha ({len(defined)} of {n_k} codes defined)",
        "units": shared, "percent_agreement": _mean(r["percent_agreement"] for r in defined),
        "kappa": _mean(r["kappa"] for r in defined), "alpha": mean_alpha,
        "flag": flag(mean_alpha, shared=shared, min_shared=min_shared), "exact_set_match": math.nan}
    rows += [mean_row, pooled]  # ALL stays the last row, as before
    per_code = pd.DataFrame(rows)
    cols = ["code_id", "measure", "units"] + [f"prevalence_{_slug(c)}" for c in coders] + [
        "percent_agreement", "kappa", "alpha", "flag", "exact_set_match"]
    per_code = per_code.reindex(columns=cols)

    keys = list(units)
    dis_rows = []
    for u in np.flatnonzero(pair_units):
        who = np.flatnonzero(seen[:, u])
        for k in range(n_k):
            vals = present[who, u, k]
            if vals.any() and not vals.all():
                row = {"respondent_id": keys[u][0], "question_id": keys[u][1], "code_id": code_list[k],
                       "applied_by": ";".join(coders[j] for j in who if present[j, u, k]),
                       "not_applied_by": ";".join(coders[j] for j in who if not present[j, u, k])}
                for j, c in enumerate(coders):
                    row[c] = (str(int(present[j, u, k])) if seen[j, u] else "")
                row["decision"] = ""
                dis_rows.append(row)
    dis_cols = ["respondent_id", "question_id", "code_id", "applied_by", "not_applied_by", *coders, "decision"]
    disagreements = pd.DataFrame(dis_rows, columns=dis_cols)
    overall = {"pooled_alpha": pooled["alpha"], "pooled_flag": pooled["flag"],
               "mean_alpha": mean_alpha, "mean_alpha_codes": len(defined), "mean_flag": mean_row["flag"],
               "exact_set_match": exact, "units": shared,
               "answers_per_coder": {c: int(seen[j].sum()) for j, c in enumerate(coders)},
               "coders": list(coders), "codes": n_k, "disagreements": len(disagreements),
               "min_shared": min_shared}
    if suppress:
        per_code, overall = _protected(per_code, overall, present, seen, coders, threshold)
    return Agreement(coders=tuple(coders), per_code=per_code, disagreements=disagreements, overall=overall)


def _protected(per_code: "pd.DataFrame", overall: dict[str, Any], present: "Any", seen: "Any",
               coders: Sequence[str], threshold: int) -> "tuple[pd.DataFrame, dict[str, Any]]":
    """``agreement``'s table with what gives away a small count shown as "[c]" (see ``agreement``)."""
    import numpy as np

    from surveykit.disclosure import MARKER, is_primary

    coded = seen.sum(axis=1)  # answers each coder coded
    given = np.stack([present[j][seen[j]].sum(axis=0) for j in range(len(coders))])  # coders x codes
    n_k = given.shape[1]
    hidden = [k for k in range(n_k)
              if any(is_primary(float(given[j, k]), threshold) or is_primary(float(coded[j] - given[j, k]), threshold)
                     for j in range(len(coders)))]
    # The summary rows pool every code: with one code hidden, or hidden codes adding up to a small
    # count, the pooled figures less the published codes' would give the hidden ones back.
    summed = given[:, hidden].sum(axis=1) if hidden else np.zeros(len(coders))
    summary_hidden = len(hidden) == 1 or any(is_primary(float(v), threshold) for v in summed)
    defined = [k for k in range(n_k) if not math.isnan(per_code.at[k, "alpha"])]
    mean_hidden = len(set(hidden) & set(defined)) == 1 or (summary_hidden and bool(set(hidden) & set(defined)))
    any_code = np.array([present[j][seen[j]].any(axis=1).sum() for j in range(len(coders))])
    prevalence = [f"prevalence_{_slug(c)}" for c in coders]
    # A flag is a band of its alpha: with the answers and disagreements known it can pin the counts too.
    stats_cols = ["percent_agreement", "kappa", "alpha", "flag"]
    out = per_code.astype({c: object for c in (*prevalence, *stats_cols, "exact_set_match")})
    for k in hidden:
        out.loc[k, [*prevalence, *stats_cols]] = MARKER
    mean_at, all_at = n_k, n_k + 1
    if mean_hidden:
        out.loc[mean_at, stats_cols] = MARKER
    if summary_hidden:
        out.loc[all_at, stats_cols] = MARKER
    if hidden:
        # The answers whose code sets differ, less what the shown codes' agreement accounts for, are the
        # hidden codes' disagreements: with a hidden code's flag or alpha band, they can pin its counts.
        out.loc[all_at, "exact_set_match"] = MARKER
    if any(is_primary(float(v), threshold) or is_primary(float(n - v), threshold) for v, n in zip(any_code, coded)):
        out.loc[all_at, prevalence] = MARKER
    overall = dict(overall)
    if summary_hidden:
        overall["pooled_alpha"] = overall["pooled_flag"] = MARKER
    if mean_hidden:
        overall["mean_alpha"] = overall["mean_flag"] = MARKER
    if hidden:
        overall["exact_set_match"] = overall["disagreements"] = MARKER
    overall["suppressed_codes"] = len(hidden)
    return out, overall


def alpha_text(value: Any) -> str:
    """An alpha of ``overall`` for a sentence: three decimals, or "[c]" when it is hidden."""
    return value if isinstance(value, str) else f"{value:.3f}"


def share_text(value: Any) -> str:
    """A share of ``overall`` (``exact_set_match``) for a sentence: a percentage, or "[c]" when hidden."""
    return value if isinstance(value, str) else f"{value:.1%}"


def _mean(values) -> float:
    vals = [v for v in values if not math.isnan(v)]
    return float(sum(vals) / len(vals)) if vals else math.nan


def coverage_sentence(overall: dict[str, Any]) -> str:
    """How many answers each coder coded and how many were shared, in one sentence."""
    per = overall["answers_per_coder"]
    parts = ", ".join(f"{c} {n}" for c, n in per.items())
    both = "both" if len(per) == 2 else "two or more coders"
    return (f"answers coded: {parts}; coded by {both}: {overall['units']} (the figures rest on these; an answer "
            "a coder did not code is missing for that coder, not 'no code')")


def _strip_common_prefix(stems: list[str]) -> list[str]:
    import os

    prefix = os.path.commonprefix(stems)
    cut = prefix.rfind("_") + 1 if "_" in prefix else 0
    short = [s[cut:] for s in stems]
    return short if all(short) and len(set(short)) == len(short) else stems


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower() or "coder"


def _code_row(code: str, present: "Any", seen: "Any", pair_units: "Any", coders: Sequence[str]) -> dict:
    import numpy as np

    row: dict[str, Any] = {"code_id": code, "units": int(pair_units.sum())}
    for j, c in enumerate(coders):
        vis = seen[j]
        row[f"prevalence_{_slug(c)}"] = float(present[j][vis].mean()) if vis.any() else math.nan
    if pair_units.any():
        s = seen[:, pair_units]
        p = present[:, pair_units] & s
        m = s.sum(axis=0).astype(float)
        ones = p.sum(axis=0).astype(float)
        zeros = m - ones
        agreeing_pairs = ones * (ones - 1) / 2 + zeros * (zeros - 1) / 2
        row["percent_agreement"] = float(np.mean(agreeing_pairs / (m * (m - 1) / 2)))
    else:
        row["percent_agreement"] = math.nan
    row["kappa"] = _kappa(present, seen) if len(coders) == 2 else math.nan
    row["alpha"] = _binary_alpha(present, seen)
    row["flag"] = flag(row["alpha"])
    row["exact_set_match"] = math.nan
    return row


def _kappa(present: "Any", seen: "Any") -> float:
    """Cohen's kappa for two coders on the units both saw (binary)."""
    both = seen[0] & seen[1]
    a, b = present[0][both], present[1][both]
    n = len(a)
    if not n:
        return math.nan
    po = float((a == b).mean())
    pa, pb = float(a.mean()), float(b.mean())
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe == 1:
        return math.nan
    return (po - pe) / (1 - pe)


def _exact_set_match(present: "Any", seen: "Any", pair_units: "Any") -> float:
    import numpy as np

    if not pair_units.any():
        return math.nan
    matches = []
    for u in np.flatnonzero(pair_units):
        who = np.flatnonzero(seen[:, u])
        sets = present[who, u, :]
        matches.append(bool((sets == sets[0]).all()))
    return float(np.mean(matches))
