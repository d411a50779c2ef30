"""Comparing groups (sectors by default) with significance tests.

Per item:

* ordinal scales (effectiveness, agreement, frequency, yes/sometimes/no): with two groups a
  two-sided Mann-Whitney U test; with three or more a Kruskal-Wallis test (epsilon-squared) followed
  by pairwise Mann-Whitney U tests between every pair of groups (rank-biserial correlation; we use
  Mann-Whitney, not Dunn's test, so each pairwise comparison uses only the two groups' answers);
* nominal scales (yes/no/don't know, risk category): a test of independence of group x answer
  (``stats.nominal_test``): Pearson chi-square with Cramér's V, or, where an expected count is below 5,
  Fisher's exact test (2x2) or a seeded Monte Carlo p-value; the ``test`` column says which.

Don't know and blank answers are left out of every test. Groups with fewer than ``min_group_size``
valid answers on an item are *left out* of that item's tests (never pooled), and the ``note``
column names them. All p-values of one run form one family for the multiple-comparison correction
(``padjust``, default Holm); ``CompareResult.scope`` states it.

Published by default (``suppress=True``), a test hides what the item's tables by the same grouping
hide (``counting.protections``): its ``n`` (the sum of its groups' valid answers) when one of those
bases is hidden, and its statistic, p-values and effect size when any answer count of its groups
is (with the other counts published, a statistic or an exact p-value is one more equation that can
pin a hidden count down). The verdict (``significant``) stays, and for a significant two-group test
the ``note`` names the group that rates higher: an inequality, like a banner's letters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from surveykit import stats
from surveykit.errors import UsageError, invalid_choice

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses

COMPARE_COLUMNS = ["question_id", "item_id", "test", "groups", "n", "statistic", "dof", "p_value", "p_adjusted",
                   "effect_size", "effect_measure", "significant", "note"]
PAIR_SEPARATOR = " vs "
GROUP_SEPARATOR = ";"


@dataclass(frozen=True)
class CompareResult:
    """``table``: one row per test (``COMPARE_COLUMNS``); ``notes``: sentences for the reader
    (tests used, groups left out); ``scope``: the multiple-comparison family."""

    table: "pd.DataFrame" = field(repr=False)
    notes: tuple[str, ...]
    scope: str
    by: str
    groups: tuple[str, ...]
    alpha: float
    padjust: str
    excluded_groups: tuple[str, ...] = ()


def check_alpha(alpha: float) -> float:
    """``validation.check_alpha`` (kept here for callers that import it from compare)."""
    from surveykit.validation import check_alpha as _check

    return _check(alpha)


def parse_groups(groups: str | Sequence[str] | None) -> list[str] | None:
    """The groups asked for: a comma-separated string (``--groups a,b``) or a list of group names, each
    taken whole (a region named "Yorkshire, Humber" is one group)."""
    if groups is None:
        return None
    parts = groups.split(",") if isinstance(groups, str) else [str(g) for g in groups]
    out = [p.strip() for p in parts if p.strip()]
    return out or None


def select_groups(present: Sequence[str], groups: str | Sequence[str] | None, *,
                  known: Sequence[str] | None = None) -> list[str] | None:
    """The groups asked for (``--groups``), each checked against those present, in the order given
    without repeats; None when none were asked for.

    ``known``: the groups the instrument defines. An error lists only those: a group that is a value
    of the data as it stands (a region typed in) is never shown in a message, only counted."""
    wanted = parse_groups(groups)
    if not wanted:
        return None
    for w in wanted:
        if w not in present:
            if known is None:
                raise invalid_choice("groups", w, list(present))
            listed = [g for g in present if g in set(known)]
            others = len(present) - len(listed)
            extra = f" (and {others} other value(s) of the data, not shown)" if others else ""
            raise UsageError(f"groups must be one of {', '.join(repr(g) for g in listed) or 'the groups present'}"
                             f"{extra}; got {w!r}")
    return list(dict.fromkeys(wanted))


def chi_square_by(responses: "Responses", *, column: str, by: str = "sector", groups: Sequence[str] | None = None,
                  seed: int = stats.DEFAULT_SEED) -> stats.TestResult:
    """Test whether the answers of one closed column differ by group (nominal test of the group x
    answer table, Don't know and blank left out). A convenience over ``stats.nominal_test``."""
    import pandas as pd

    g = responses.groups(by)
    codes = responses.codes(column)
    q, _ = responses.instrument.column_owner(column)
    valid = [o.code for o in q.scale.valid_options]
    keep = codes.isin(valid) & g.notna()
    if groups:
        keep &= g.isin(list(groups))
    return nominal_test(pd.crosstab(g[keep], codes[keep]).to_numpy(), seed=seed)


def nominal_test(contingency_table, *, seed: int = stats.DEFAULT_SEED) -> stats.TestResult:
    """Independence test of a contingency table (rows = groups, columns = categories, counts).

    Reusable for any cross-tabulation (e.g. code frequencies by sector): Pearson chi-square with
    Cramér's V when every expected count is at least 5; otherwise Fisher's exact test for a 2x2
    table or a Monte Carlo p-value (seeded: deterministic) for larger ones. Empty rows and columns
    are dropped. ``result.test`` names the test used and ``result.note`` says why."""
    return stats.nominal_test(contingency_table, seed=seed)


def compare(responses: "Responses", *, by: str, questions: Iterable[str] | str | None = None,
            groups: Sequence[str] | str | None = None, alpha: float = 0.05, padjust: str = "holm",
            min_group_size: int = 10, pairwise: bool = True, seed: int = stats.DEFAULT_SEED,
            suppress: bool = True, threshold: int = 5) -> CompareResult:
    """Compare groups of ``by`` on closed items (all closed questions by default).

    Table columns: ``question_id, item_id, test, groups, n, statistic, dof, p_value, p_adjusted,
    effect_size, effect_measure, significant, note``. ``groups`` is ``a vs b`` for a two-group test
    (rank-biserial > 0 when ``a`` rates higher) and ``a;b;c`` for an omnibus test. ``test`` is one of
    mann_whitney_u, kruskal_wallis, chi_square, fisher_exact, chi_square_monte_carlo, not_tested.
    ``suppress`` (default True): small counts and what gives them away hidden as "[c]" (module
    docstring), with ``threshold`` the smallest count published; False only for internal use.
    """
    import numpy as np
    import pandas as pd

    from surveykit.counting import MISSING, closed_targets, grouping
    from surveykit.validation import check_bool, check_threshold

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    alpha = check_alpha(alpha)
    if padjust not in stats.PADJUST_METHODS:
        raise invalid_choice("padjust", padjust, stats.PADJUST_METHODS)
    if int(min_group_size) < 1:
        raise UsageError(f"min_group_size must be a whole number of at least 1; got {min_group_size!r}")
    # The grouping question itself is no item to compare its groups on (a test of it against itself
    # is "significant" by construction).
    targets = [(q, it) for q, it in closed_targets(responses, questions)
               if (it.id if it else q.id).casefold() != str(by).casefold()]
    grp = grouping(responses, by)
    present = [g for g in grp.groups if g != MISSING]
    wanted = select_groups(present, groups, known=responses.instrument.group_order(by) or ())
    if wanted:
        if len(wanted) < 2:
            raise UsageError(f"groups needs at least two different groups of {by!r}; got {','.join(wanted)!r}")
        chosen = wanted
    else:
        chosen = present
    gidx = [grp.groups.index(g) for g in chosen]
    codes = grp.codes

    rows: list[dict] = []
    left_out: dict[str, int] = {}
    for q, it in targets:
        col = it.id if it else q.id
        scale = q.scale
        series = responses.data[col]
        if scale.is_ordinal:
            mapping = {o.code: o.value for o in scale.valid_options}
            values = series.map(mapping).to_numpy(dtype=float, na_value=np.nan)
        else:
            cats = [o.code for o in scale.valid_options]
            values = series.map({c: float(i) for i, c in enumerate(cats)}).to_numpy(dtype=float, na_value=np.nan)
        samples = {g: values[(codes == i) & ~np.isnan(values)] for g, i in zip(chosen, gidx)}
        small = [g for g in chosen if samples[g].size < min_group_size]
        for g in small:
            left_out[g] = left_out.get(g, 0) + 1
        used = [g for g in chosen if g not in small]
        note = f"left out (fewer than {min_group_size} valid answers): {', '.join(small)}" if small else ""
        base = {"question_id": q.id, "item_id": col}
        if len(used) < 2:
            rows.append({**base, "test": "not_tested", "groups": GROUP_SEPARATOR.join(chosen),
                         "n": int(sum(samples[g].size for g in chosen)), "statistic": np.nan, "dof": np.nan,
                         "p_value": np.nan, "effect_size": np.nan, "effect_measure": "",
                         "note": _join("fewer than two groups with enough answers", note)})
            continue
        if scale.is_ordinal:
            if len(used) == 2:
                rows.append(_row(base, stats.mann_whitney(samples[used[0]], samples[used[1]]),
                                 PAIR_SEPARATOR.join(used), _join(_direction(used), note)))
            else:
                rows.append(_row(base, stats.kruskal([samples[g] for g in used]), GROUP_SEPARATOR.join(used), note))
                if pairwise:
                    for a_i, a in enumerate(used):
                        for b in used[a_i + 1:]:
                            rows.append(_row(base, stats.mann_whitney(samples[a], samples[b]),
                                             PAIR_SEPARATOR.join((a, b)), _join("pairwise", _direction((a, b)))))
        else:
            k = len(scale.valid_options)
            table = np.array([np.bincount(samples[g].astype(np.int64), minlength=k) for g in used])
            res = stats.nominal_test(table, seed=seed)
            rows.append(_row(base, res, (PAIR_SEPARATOR if len(used) == 2 else GROUP_SEPARATOR).join(used),
                             _join(res.note, note)))

    frame = pd.DataFrame(rows, columns=[c for c in COMPARE_COLUMNS if c not in ("p_adjusted", "significant")])
    frame["p_adjusted"] = stats.p_adjust(frame["p_value"].tolist(), padjust) if len(frame) else []
    frame["significant"] = frame["p_adjusted"] < alpha
    frame = frame[COMPARE_COLUMNS]
    n_tests = int(frame["p_value"].notna().sum())
    kinds = frame.loc[frame["p_value"].notna(), "test"].value_counts()
    scope = (f"{_padjust_name(padjust)} correction across all {n_tests} tests of this run "
             f"({', '.join(f'{v} {k}' for k, v in kinds.sort_index().items())}); significant: p_adjusted < {alpha:g}"
             if n_tests else "no test could be run (no item had two groups with enough valid answers); nothing "
                             "was corrected for multiple comparisons")
    notes = [scope,
             "ordinal items: Mann-Whitney U (two groups) or Kruskal-Wallis with epsilon-squared, then pairwise "
             "Mann-Whitney U (not Dunn) with rank-biserial correlation (> 0: the first group rates higher)"
             if pairwise else "ordinal items: Mann-Whitney U (two groups) or Kruskal-Wallis with epsilon-squared",
             "nominal items: chi-square with Cramer's V; Fisher's exact (2x2) or a Monte Carlo p-value "
             f"(seed {seed}) where an expected count is below 5",
             "Don't know and blank answers are left out of every test",
             f"groups with fewer than {min_group_size} valid answers on an item are left out of that item's tests "
             "(not pooled)"]
    if suppress:
        p_values = frame["p_value"].tolist()
        frame, hidden_tests = _protected(frame, responses, by, targets, threshold)
        if any(hidden_tests) and padjust in ("holm", "fdr_bh"):
            # A shown adjusted p-value must not depend on where a hidden one ranks (stats.p_adjust_published);
            # the verdict of a shown test follows the value shown beside it.
            adjusted = stats.p_adjust_published(p_values, padjust, hidden_tests)
            shown = [not h for h in hidden_tests]
            if any(shown):
                frame.loc[shown, "p_adjusted"] = [a for a, s in zip(adjusted, shown) if s]
                frame.loc[shown, "significant"] = [a < alpha for a, s in zip(adjusted, shown) if s]
            notes.append("where a test's p-value is hidden, the adjusted p-values shown are computed as if it were 1: "
                         f"never below the {_padjust_name(padjust)} value, and they give nothing of it away")
    all_small = [g for g in chosen if left_out.get(g, 0) == len(targets)]
    if all_small:
        notes.append(f"left out of every test (too few answers): {', '.join(all_small)}")
    if MISSING in grp.groups and not wanted:
        notes.append(f"respondents with no {by} are left out")
    return CompareResult(table=frame.reset_index(drop=True), notes=tuple(notes), scope=scope, by=by,
                         groups=tuple(chosen), alpha=alpha, padjust=padjust, excluded_groups=tuple(all_small))


def _protected(frame: "pd.DataFrame", responses: "Responses", by: str, targets, threshold: int,
               ) -> "tuple[pd.DataFrame, list[bool]]":
    """The tests with what the item's tables by ``by`` hide hidden here too (module docstring), and
    whether each test's p-value is hidden."""
    from surveykit.disclosure import MARKER
    from surveykit.scoring import protections

    hidden: dict[str, tuple[set[str], set[str]]] = {}
    for (q, it), (names, keys) in zip(targets, protections(responses, targets, by, threshold)):
        valid = [i for i, o in enumerate(q.scale.options) if not o.dk]
        bases = {g for k, g in enumerate(names) if ("n", k) in keys}
        cells = bases | {g for k, g in enumerate(names) if any(("c", i, k) in keys for i in valid)}
        hidden[it.id if it else q.id] = (bases, cells)
    import numpy as np
    import pandas as pd

    derived = ["statistic", "p_value", "p_adjusted", "effect_size"]
    out = frame.astype({c: object for c in ["n", *derived]})
    # The columns as lists, changed in place and put back whole: a grouping of 40 groups makes tens of
    # thousands of pairs, and a cell set through pandas one at a time cost seconds.
    columns = {c: out[c].tolist() for c in ["n", *derived]}
    tests, effects, significant = frame["test"].tolist(), frame["effect_size"].tolist(), frame["significant"].tolist()
    hidden_tests = [False] * len(frame)
    for pos, (i, item, groups) in enumerate(zip(frame.index, frame["item_id"], frame["groups"])):
        pair = groups.split(PAIR_SEPARATOR) if PAIR_SEPARATOR in groups else None
        names = set(pair or groups.split(GROUP_SEPARATOR))
        bases, cells = hidden.get(item, (set(), set()))
        if names & bases:
            columns["n"][pos] = MARKER
        if names & cells and tests[pos] != "not_tested":
            effect = effects[pos]
            if pair and significant[pos] and tests[pos] == "mann_whitney_u" and effect == effect:
                out.at[i, "note"] = _join(str(frame.at[i, "note"]),
                                          f"{HIGHER}{pair[0] if effect > 0 else pair[1]}")
            for c in derived:
                columns[c][pos] = MARKER
            hidden_tests[pos] = True
    for c, values in columns.items():
        column = np.empty(len(values), dtype=object)
        column[:] = values
        # dtype given: a column of markers only would otherwise become pandas' str type
        out[c] = pd.Series(column, index=out.index, dtype=object)
    return out, hidden_tests


#: In the note of a significant two-group test whose effect size is hidden: the group that rates higher.
HIGHER = "rates higher: "


def _padjust_name(method: str) -> str:
    return {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg (FDR)", "bonf": "Bonferroni", "none": "no"}[method]


def _direction(pair: Sequence[str]) -> str:
    return f"effect > 0: {pair[0]} higher"


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _row(base: dict, res: stats.TestResult, groups: str, note: str) -> dict:
    return {**base, "test": res.test, "groups": groups, "n": res.n, "statistic": res.statistic,
            "dof": res.dof if res.dof is not None else float("nan"), "p_value": res.p_value,
            "effect_size": res.effect_size if res.effect_size is not None else float("nan"),
            "effect_measure": res.effect_measure, "note": note if res.note in note else _join(res.note, note)}
