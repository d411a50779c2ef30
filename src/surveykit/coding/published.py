"""A coding summary as it may be published: small counts, and what they can be worked out from, hidden.

``protect_summary`` is the one disclosure pass over every table of a ``CodingSummary`` (the report and
the ``surveykit code`` views use it unless suppression is turned off). Codes are multi-label, so a
code's count has no total to be recovered from, but its complement (the answers without the code)
does: both must be 0 or at least the threshold. The codes-by-group table is protected as a two-way
table whose code totals are published (``disclosure.suppress``); a test's statistic and p-values are
hidden when any of its cells is, because the statistic and the published margins pin the cells down.
Percentages are hidden with the count they are a share of.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.coding.summary import CodingSummary


def _small(count: float, base: float, threshold: int) -> bool:
    from surveykit.disclosure import is_primary

    return is_primary(count, threshold) or is_primary(base - count, threshold)


def protect_frequency(frequency: "pd.DataFrame", *, threshold: int) -> "pd.DataFrame":
    """``n`` and ``pct`` hidden where the count or its complement in the base is 1 to threshold - 1; the
    ``base`` (the answers) too where it is (every count or its complement is then hidden as well)."""
    from surveykit.disclosure import MARKER, is_primary

    out = frequency.astype({"n": object, "pct": object, "base": object}).copy()
    for i, r in frequency.iterrows():
        if _small(float(r["n"]), float(r["base"]), threshold):
            out.at[i, "n"] = out.at[i, "pct"] = MARKER
        if is_primary(float(r["base"]), threshold):
            out.at[i, "base"] = MARKER
    return out


def protect_sectors(sectors: "pd.DataFrame", *, threshold: int) -> "pd.DataFrame":
    """Codes x groups (long: code_id, sector, n, base, pct) with small counts hidden.

    A group's ``base`` (its answers) is a count: hidden at 1 to threshold - 1. A cell is small when its
    count or its complement in the group (answers without the code, ``base - n``) is. Then secondary
    suppression over what the tables publish: each code's total over the groups (the frequency
    table) and the groups' bases summing to the answers. A share is shown only with both its count
    and its base (it gives away either from the other)."""
    from surveykit import disclosure

    if sectors.empty:
        return sectors.copy()
    values: dict = {}
    rows: dict = {}
    for code, group, n, base in zip(sectors["code_id"], sectors["sector"], sectors["n"], sectors["base"]):
        values[("n", code, group)] = float(n)
        values[("base", group)] = float(base)
        rows.setdefault(code, []).append(("n", code, group))
    bases = [k for k in values if k[0] == "base"]
    equations = [disclosure.Equation(tuple((k, 1.0) for k in cells)) for cells in rows.values()]
    equations.append(disclosure.Equation(tuple((k, 1.0) for k in bases)))
    # A group's answers without a code are a count too (never published): no code has more answers
    # in a group than the group has, which a reader knows as surely as that no count is negative.
    without = {("without",) + k[1:]: values[("base", k[2])] - values[k] for k in values if k[0] == "n"}
    at_most = [disclosure.Equation(((("n",) + k[1:], 1.0), (k, 1.0), (("base", k[2]), -1.0))) for k in without]
    complement_small = [k for k in values if k[0] == "n"
                        and disclosure.is_primary(values[("base", k[2])] - values[k], threshold)]
    try:
        hidden = disclosure.find_suppressed_nonnegative(values, equations, threshold=threshold, counts=list(values),
                                                        presuppressed=complement_small, truth=without,
                                                        bounds=at_most, slacks=list(without)).suppressed
    except RuntimeError:
        # A small count no other cell can cover (one group, whose base is all the answers): the
        # table is hidden whole rather than published or not written at all.
        hidden = set(values)
    out = sectors.astype({"n": object, "base": object, "pct": object}).copy()
    for i, code, group in zip(sectors.index, sectors["code_id"], sectors["sector"]):
        base_hidden = ("base", group) in hidden
        if base_hidden:
            out.at[i, "base"] = disclosure.MARKER
        if ("n", code, group) in hidden:
            out.at[i, "n"] = disclosure.MARKER
        if base_hidden or ("n", code, group) in hidden:
            out.at[i, "pct"] = disclosure.MARKER
    return out


def hidden_codes(protected_sectors: "pd.DataFrame") -> set[str]:
    """Codes with at least one hidden cell in the protected codes-by-group table."""
    from surveykit.disclosure import MARKER

    return {str(c) for c, n in zip(protected_sectors["code_id"], protected_sectors["n"]) if n == MARKER}


def protect_tests(tests: "pd.DataFrame", *, hidden: set[str], threshold: int,
                  bases_hidden: bool = False, padjust: str | None = None) -> "pd.DataFrame":
    """A code's ``n_coded`` hidden when it or its complement is small; its statistic, p-values and
    effect size hidden when that count is, or when the code has a hidden cell by group (``hidden``).
    ``bases_hidden``: a group's base is hidden in the codes-by-group table, so the tests' ``n`` (the
    answers of the groups tested, a sum of bases) is hidden too. ``padjust``: the adjustment the
    ``p_adjusted`` column was made with; where a p-value is hidden, the shown adjusted values are made
    again as if it were 1 (``stats.p_adjust_published``: Holm's and Benjamini-Hochberg's would otherwise
    depend on where the hidden one ranks)."""
    from surveykit.disclosure import MARKER
    from surveykit.stats import p_adjust_published

    derived = [c for c in ("statistic", "p_value", "p_adjusted", "effect_size") if c in tests.columns]
    out = tests.astype({c: object for c in ["n", "n_coded", *derived] if c in tests.columns}).copy()
    if bases_hidden and "n" in out.columns:
        out["n"] = MARKER
    hidden_tests = []
    for i, r in tests.iterrows():
        small = _small(float(r["n_coded"]), float(r["n"]), threshold)
        if small:
            out.at[i, "n_coded"] = MARKER
        hide = small or str(r["code_id"]) in hidden
        hidden_tests.append(hide)
        if hide:
            for c in derived:
                out.at[i, c] = MARKER
    if padjust is not None and "p_adjusted" in out.columns and any(hidden_tests):
        adjusted = p_adjust_published(tests["p_value"].astype(float).tolist(), padjust, hidden_tests)
        for i, a, hide in zip(out.index, adjusted, hidden_tests):
            if not hide:
                out.at[i, "p_adjusted"] = a
    return out


def protect_cooccurrence(co: "pd.DataFrame", *, n_answers: int, threshold: int) -> "pd.DataFrame":
    """A pair seen together in 1 to threshold - 1 answers (or whose codes are that rare) is hidden whole:
    n_both, n_a, n_b and the shares and Jaccard index computed from them. The hidden pairs come after the
    shown ones, in the order of their codes: in the order of how often they occur together, their places
    would tell their sizes apart."""
    from surveykit.disclosure import MARKER

    cols = ["n_both", "n_a", "n_b", "pct_of_a", "pct_of_b", "jaccard"]
    out = co.astype({c: object for c in cols}).copy()
    hidden = []
    for i, r in co.iterrows():
        hide = any(_small(float(r[c]), float(n_answers), threshold) for c in ("n_both", "n_a", "n_b"))
        hidden.append(hide)
        if hide:
            for c in cols:
                out.at[i, c] = MARKER
    if not any(hidden):
        return out
    shown_n = [0.0 if h else -float(n) for h, n in zip(hidden, co["n_both"])]
    return (out.assign(_hidden=hidden, _n=shown_n)
            .sort_values(["_hidden", "_n", "code_a", "code_b"], kind="stable")
            .drop(columns=["_hidden", "_n"]).reset_index(drop=True))


def protect_summary(summary: "CodingSummary", *, threshold: int = 5) -> "CodingSummary":
    """The summary with every table protected (see the module docstring). ``n_answers``, ``n_coded`` and
    the uncoded ids are unchanged: callers publish the uncoded count only when it is not small."""
    from surveykit.disclosure import MARKER
    from surveykit.validation import check_threshold

    check_threshold(threshold)
    sectors = protect_sectors(summary.sectors, threshold=threshold)
    return replace(summary,
                   frequency=protect_frequency(summary.frequency, threshold=threshold),
                   sectors=sectors,
                   tests=protect_tests(summary.tests, hidden=hidden_codes(sectors), threshold=threshold,
                                       bases_hidden=bool(len(sectors)) and (sectors["base"] == MARKER).any(),
                                       padjust=summary.padjust),
                   cooccurrence=protect_cooccurrence(summary.cooccurrence, n_answers=summary.n_answers,
                                                     threshold=threshold))


def published_answers(n_answers: int, n_blank: int, protect: int | None) -> tuple["int | str", "int | str"]:
    """The answers to a free-text field and the blank ones, as the commands say them: with ``protect``
    (the threshold), both are [c] where the answers are 1 to threshold - 1 (the blank ones are the
    respondents, published elsewhere, less the answers)."""
    from surveykit.disclosure import MARKER, is_primary

    if protect is not None and is_primary(n_answers, protect):
        return MARKER, MARKER
    return n_answers, n_blank


def published_coded_counts(n_coded: int, uncoded_ids, protect: int | None) -> tuple["int | str", "int | str", str]:
    """The answers with a code and without one, and the ids of (up to 20 of) the uncoded, as the
    command says them: with ``protect`` (the threshold), both counts are [c] where either is 1 to
    threshold - 1 (each is the other's complement), and no id is listed then (their number is the count)."""
    from surveykit.disclosure import MARKER, is_primary

    n_uncoded = len(uncoded_ids)
    if protect is not None and (is_primary(n_coded, protect) or is_primary(n_uncoded, protect)):
        return MARKER, MARKER, ""
    ids = ", ".join(str(r) for r in list(uncoded_ids)[:20]) + (" ..." if n_uncoded > 20 else "")
    return n_coded, n_uncoded, ids if n_uncoded else ""


__all__ = ["published_answers", "published_coded_counts", "protect_summary", "protect_frequency", "protect_sectors", "protect_tests", "protect_cooccurrence",
           "hidden_codes"]
