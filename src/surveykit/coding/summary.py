"""Summaries of a coded question: code and theme frequencies, codes by sector with a test per code,
code co-occurrence, and the uncoded answers.

The input is a coded frame as written by ``surveykit code`` (one row per respondent and code; an
answer with no code has one row with an empty ``code_id``). The base of every percentage is the
number of answers (respondents with a non-blank answer), overall or in the sector.

Per code, the sector comparison is a k x 2 table (answers with / without the code, by sector)
tested with ``surveykit.compare.nominal_test`` (Pearson chi-square; Fisher's exact test or a seeded
Monte Carlo p-value when an expected count is below 5), the comparison machinery of
``surveykit compare``; p-values are adjusted over the codes (Holm by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from surveykit.coding.codebook import Codebook
from surveykit.errors import invalid_choice

if TYPE_CHECKING:
    import pandas as pd

UNKNOWN_SECTOR = "(unknown)"


@dataclass(frozen=True)
class CodingSummary:
    n_answers: int
    n_coded: int
    uncoded_ids: tuple[str, ...]
    frequency: "pd.DataFrame" = field(repr=False, compare=False)
    sectors: "pd.DataFrame" = field(repr=False, compare=False)
    tests: "pd.DataFrame" = field(repr=False, compare=False)
    cooccurrence: "pd.DataFrame" = field(repr=False, compare=False)
    padjust: str = "holm"  # the adjustment of ``tests``' p-values (``stats.PADJUST_METHODS``)

    @property
    def n_uncoded(self) -> int:
        return len(self.uncoded_ids)


def code_sets(coded: "pd.DataFrame") -> dict[str, frozenset[str]]:
    """respondent_id -> the set of codes of its answer (empty set: coded as nothing), input order."""
    import pandas as pd

    out: dict[str, set[str]] = {}
    # plain lists: iterating pandas' string arrays cell by cell costs more than the loop itself
    for rid, code in zip(coded["respondent_id"].astype(str).tolist(), coded["code_id"].tolist()):
        s = out.setdefault(rid, set())
        if isinstance(code, str):
            if code != "":
                s.add(code)
        elif not pd.isna(code) and str(code) != "":
            s.add(str(code))
    return {k: frozenset(v) for k, v in out.items()}


def summarise(coded: "pd.DataFrame", codebook: Codebook, *, sectors: Mapping[str, str | None] | None = None,
              sector_order: tuple[str, ...] = (), padjust: str = "holm") -> CodingSummary:
    """Summarise a coded question.

    ``sectors`` maps respondent_id -> sector id (None: unknown); without it there is no sector table.

    Tables (stable columns):

    * ``frequency``: ``level`` (theme | code | none), ``id``, ``label``, ``theme``, ``n`` (answers),
      ``pct`` (of all answers), ``base``. Themes count answers with at least one of their codes;
      ``none`` is the row of uncoded answers.
    * ``sectors``: ``code_id``, ``sector``, ``n``, ``base`` (answers in the sector), ``pct``.
    * ``tests``: ``code_id``, ``n`` (answers with a known sector), ``n_coded``, ``test``, ``statistic``,
      ``dof``, ``p_value``, ``p_adjusted``, ``effect_size`` (Cramér's V), ``note``.
    * ``cooccurrence``: ``code_a``, ``code_b`` (codebook order, a before b), ``n_both``, ``n_a``,
      ``n_b``, ``pct_of_a``, ``pct_of_b``, ``jaccard``; only pairs seen together.
    """
    from collections import Counter

    sets = code_sets(coded)
    ids = list(codebook.code_ids)
    has = {c: {rid for rid, s in sets.items() if c in s} for c in ids}
    members = {t.id: [c.id for c in codebook.codes if c.theme == t.id] for t in codebook.themes}
    theme_n = {t: sum(1 for s in sets.values() if s.intersection(m)) for t, m in members.items()}
    group_base: Counter | None = None
    code_group: Counter = Counter()
    if sectors is not None:
        sec_of = {rid: (sectors.get(rid) or UNKNOWN_SECTOR) for rid in sets}
        group_base = Counter(sec_of.values())
        code_group = Counter((c, sec_of[rid]) for c in ids for rid in has[c])
    pairs = {(a, b): len(has[a] & has[b]) for i, a in enumerate(ids) for b in ids[i + 1:]}
    return summary_from_tallies(codebook, n=len(sets), theme_n=theme_n, code_n={c: len(has[c]) for c in ids},
                                uncoded_ids=tuple(rid for rid, s in sets.items() if not s), group_base=group_base,
                                code_group=code_group, pairs=pairs, sector_order=sector_order, padjust=padjust)


def summary_from_tallies(codebook: Codebook, *, n: int, theme_n: Mapping[str, int], code_n: Mapping[str, int],
                         uncoded_ids: tuple[str, ...], group_base: Mapping[str, int] | None,
                         code_group: Mapping[tuple[str, str], int], pairs: Mapping[tuple[str, str], int],
                         sector_order: tuple[str, ...] = (), padjust: str = "holm") -> CodingSummary:
    """The ``CodingSummary`` tables (see ``summarise``) from tallies of the coded answers: ``n`` answers,
    answers per theme and per code, the uncoded ids, and with groups (``group_base`` not None) answers
    per group and per (code, group); ``pairs``: answers with both codes, keyed in codebook order. Shared
    by ``summarise`` and the streamed path's running counts (``coding.stream.summary_from_counts``)."""
    import pandas as pd

    from surveykit.compare import nominal_test
    from surveykit.stats import PADJUST_METHODS, p_adjust

    if padjust not in PADJUST_METHODS:
        raise invalid_choice("padjust", padjust, PADJUST_METHODS)
    ids = list(codebook.code_ids)
    n_uncoded = len(uncoded_ids)

    def pct(k: int, base: int) -> float:
        return round(100.0 * k / base, 1) if base else float("nan")

    rows = []
    for t in codebook.themes:
        k = theme_n[t.id]
        rows.append({"level": "theme", "id": t.id, "label": t.label, "theme": t.id, "n": k, "pct": pct(k, n), "base": n})
    for c in codebook.codes:
        k = code_n[c.id]
        rows.append({"level": "code", "id": c.id, "label": c.label, "theme": c.theme, "n": k, "pct": pct(k, n),
                     "base": n})
    rows.append({"level": "none", "id": "", "label": "No code", "theme": "", "n": n_uncoded,
                 "pct": pct(n_uncoded, n), "base": n})
    frequency = pd.DataFrame(rows, columns=["level", "id", "label", "theme", "n", "pct", "base"])

    sector_rows, test_rows = [], []
    if group_base is not None:
        present = {s for s, k in group_base.items() if k}
        order = [s for s in sector_order if s in present] + sorted(present - set(sector_order) - {UNKNOWN_SECTOR})
        if UNKNOWN_SECTOR in present:
            order.append(UNKNOWN_SECTOR)
        base = {s: group_base[s] for s in order}
        known = [s for s in order if s != UNKNOWN_SECTOR]
        for c in ids:
            per = {s: code_group.get((c, s), 0) for s in order}
            for s in order:
                sector_rows.append({"code_id": c, "sector": s, "n": per[s], "base": base[s], "pct": pct(per[s], base[s])})
            # rows = sectors, columns = (with the code, without it), as compare.nominal_test expects
            res = nominal_test([[per[s], base[s] - per[s]] for s in known])
            test_rows.append({"code_id": c, "n": sum(base[s] for s in known), "n_coded": sum(per[s] for s in known),
                              "test": res.test, "statistic": res.statistic, "dof": res.dof, "p_value": res.p_value,
                              "effect_size": res.effect_size, "note": res.note})
        for r, p in zip(test_rows, p_adjust([r["p_value"] for r in test_rows], padjust)):
            r["p_adjusted"] = p
    sectors_frame = pd.DataFrame(sector_rows, columns=["code_id", "sector", "n", "base", "pct"])
    tests = pd.DataFrame(test_rows, columns=["code_id", "n", "n_coded", "test", "statistic", "dof", "p_value",
                                             "p_adjusted", "effect_size", "note"])
    co_rows = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            both = pairs.get((a, b), 0)
            if not both:
                continue
            n_a, n_b = code_n[a], code_n[b]
            co_rows.append({"code_a": a, "code_b": b, "n_both": both, "n_a": n_a, "n_b": n_b,
                            "pct_of_a": pct(both, n_a), "pct_of_b": pct(both, n_b),
                            "jaccard": round(both / (n_a + n_b - both), 3)})
    co = pd.DataFrame(co_rows, columns=["code_a", "code_b", "n_both", "n_a", "n_b", "pct_of_a", "pct_of_b", "jaccard"])
    co = co.sort_values(["n_both", "code_a", "code_b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    return CodingSummary(n_answers=n, n_coded=n - n_uncoded, uncoded_ids=uncoded_ids, frequency=frequency,
                         sectors=sectors_frame, tests=tests, cooccurrence=co, padjust=padjust)
