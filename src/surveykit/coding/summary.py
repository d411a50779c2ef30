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
    import pandas as pd

    from surveykit.compare import nominal_test
    from surveykit.stats import PADJUST_METHODS, p_adjust

    if padjust not in PADJUST_METHODS:
        raise invalid_choice("padjust", padjust, PADJUST_METHODS)
    sets = code_sets(coded)
    n = len(sets)
    ids = list(codebook.code_ids)
    has = {c: {rid for rid, s in sets.items() if c in s} for c in ids}
    uncoded = tuple(rid for rid, s in sets.items() if not s)

    def pct(k: int, base: int) -> float:
        return round(100.0 * k / base, 1) if base else float("nan")

    rows = []
    for t in codebook.themes:
        members = [c.id for c in codebook.codes if c.theme == t.id]
        k = sum(1 for s in sets.values() if s.intersection(members))
        rows.append({"level": "theme", "id": t.id, "label": t.label, "theme": t.id, "n": k, "pct": pct(k, n), "base": n})
    for c in codebook.codes:
        k = len(has[c.id])
        rows.append({"level": "code", "id": c.id, "label": c.label, "theme": c.theme, "n": k, "pct": pct(k, n),
                     "base": n})
    rows.append({"level": "none", "id": "", "label": "No code", "theme": "", "n": len(uncoded),
                 "pct": pct(len(uncoded), n), "base": n})
    frequency = pd.DataFrame(rows, columns=["level", "id", "label", "theme", "n", "pct", "base"])

    sector_rows, test_rows = [], []
    if sectors is not None:
        sec_of = {rid: (sectors.get(rid) or UNKNOWN_SECTOR) for rid in sets}
        present = set(sec_of.values())
        order = [s for s in sector_order if s in present] + sorted(present - set(sector_order) - {UNKNOWN_SECTOR})
        if UNKNOWN_SECTOR in present:
            order.append(UNKNOWN_SECTOR)
        base = {s: sum(1 for v in sec_of.values() if v == s) for s in order}
        known = [s for s in order if s != UNKNOWN_SECTOR]
        for c in ids:
            counts = {s: 0 for s in order}
            for rid in has[c]:
                counts[sec_of[rid]] += 1
            for s in order:
                sector_rows.append({"code_id": c, "sector": s, "n": counts[s], "base": base[s],
                                    "pct": pct(counts[s], base[s])})
            # rows = sectors, columns = (with the code, without it), as compare.nominal_test expects
            table = [[counts[s], base[s] - counts[s]] for s in known]
            res = nominal_test(table)
            test_rows.append({"code_id": c, "n": sum(base[s] for s in known), "n_coded": sum(counts[s] for s in known),
                              "test": res.test, "statistic": res.statistic, "dof": res.dof, "p_value": res.p_value,
                              "effect_size": res.effect_size, "note": res.note})
        adjusted = p_adjust([r["p_value"] for r in test_rows], padjust)
        for r, p in zip(test_rows, adjusted):
            r["p_adjusted"] = p
    sectors_frame = pd.DataFrame(sector_rows, columns=["code_id", "sector", "n", "base", "pct"])
    tests = pd.DataFrame(test_rows, columns=["code_id", "n", "n_coded", "test", "statistic", "dof", "p_value",
                                             "p_adjusted", "effect_size", "note"])

    co_rows = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            both = len(has[a] & has[b])
            if not both:
                continue
            union = len(has[a] | has[b])
            co_rows.append({"code_a": a, "code_b": b, "n_both": both, "n_a": len(has[a]), "n_b": len(has[b]),
                            "pct_of_a": pct(both, len(has[a])), "pct_of_b": pct(both, len(has[b])),
                            "jaccard": round(both / union, 3)})
    co = pd.DataFrame(co_rows, columns=["code_a", "code_b", "n_both", "n_a", "n_b", "pct_of_a", "pct_of_b",
                                        "jaccard"])
    co = co.sort_values(["n_both", "code_a", "code_b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    return CodingSummary(n_answers=n, n_coded=n - len(uncoded), uncoded_ids=uncoded, frequency=frequency,
                         sectors=sectors_frame, tests=tests, cooccurrence=co)
