"""Banner tables: items as rows, groups as columns, as SPSS Custom Tables and Q print them.

Every group column gets a letter (A, B, C ... in column order); the "all" column has none and is not
tested. Each cell shows the scale's top-box share (% effective, % agree, % yes ...) of the valid
base and, when the scale's options have values, the mean; beside each number, the letters of the
columns it is significantly *higher* than:

* shares: two-sided column-proportion z-tests with the pooled proportion;
* means: two-sided Welch t-tests (unequal variances) on the valid answers' values;

every pair of tested columns on every row, the p-values of each statistic corrected together across
the table (``padjust``, default Holm). Upper-case letters: adjusted p below ``alpha``; lower-case
letters: below ``second_alpha`` (when given) but not below ``alpha``. A column with fewer than
``min_group_size`` valid answers on a row is shown but not tested on that row ("not tested").
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from surveykit import stats
from surveykit.errors import UsageError, invalid_choice

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses

BANNER_COLUMNS = ["item_id", "item_label", "group", "letter", "tested", "n", "count", "pct", "higher_than",
                  "mean", "mean_higher_than"]
#: In a letters cell: this column is not tested on this row (too few valid answers).
NOT_TESTED = "n/t"
TEST_COLUMNS = ["statistic", "item_id", "group_a", "group_b", "test_statistic", "p_value", "p_adjusted"]


@dataclass(frozen=True)
class BannerResult:
    """``table``: long form, one row per item and group (``BANNER_COLUMNS``): ``tested`` False when the
    column has too few valid answers on the row; ``higher_than`` / ``mean_higher_than`` the letters
    of the columns the share / mean is significantly higher than (lower case at the second level);
    ``count``/``pct``/``n``/``mean`` may be ``disclosure.MARKER``. ``tests``: every pairwise test
    (``TEST_COLUMNS``; ``statistic`` is "proportion" or "mean", ``test_statistic`` z or t).
    ``footer``: statistics, tests, correction, levels; ``notes``: untested groups and other remarks."""

    table: "pd.DataFrame" = field(repr=False)
    tests: "pd.DataFrame" = field(repr=False)
    question_id: str
    top_box_label: str
    letters: tuple[tuple[str, str], ...]  # (group, letter)
    footer: str
    notes: tuple[str, ...] = ()
    has_means: bool = False
    alpha: float = 0.05
    second_alpha: float | None = None
    min_group_size: int = 10
    group_labels: tuple[tuple[str, str], ...] = ()  # (group, label people read)

    def proportion_tests(self) -> "pd.DataFrame":
        return self.tests[self.tests["statistic"] == "proportion"].reset_index(drop=True)

    def mean_tests(self) -> "pd.DataFrame":
        return self.tests[self.tests["statistic"] == "mean"].reset_index(drop=True)

    def groups(self) -> list[str]:
        return list(dict.fromkeys(self.table["group"]))

    def people_frame(self, *, group_labels: Mapping[str, str] | None = None
                     ) -> tuple["pd.DataFrame", dict[str, str], dict[str, str]]:
        """The banner for people: per item a row of shares, one of means (if any) and one of bases.

        Columns: item_id, item_label (on the item's first row), row_kind ("percent", "decimal",
        "integer"), statistic (the row's name), then per group ``<group>`` (a number or the marker)
        and ``<group>__sig`` (its letters; "not tested" is said in the footer). Returns (frame,
        headers: column -> "Label (A)", letters: value column -> letters column)."""
        import pandas as pd

        labels = {**dict(self.group_labels), **dict(group_labels or {})}
        letter = dict(self.letters)
        groups = self.groups()
        never = set(self.untested())
        rows = []
        top = self.top_box_label or "% top box"
        for item_id, part in self.table.groupby("item_id", sort=False):
            by_group = {r["group"]: r for _, r in part.iterrows()}
            label = part["item_label"].iloc[0]
            stats_rows = [("percent", top, "pct", "higher_than")]
            if self.has_means:
                stats_rows.append(("decimal", "Mean", "mean", "mean_higher_than"))
            stats_rows.append(("integer", "Base", "n", None))
            for k, (kind, name, col, sig) in enumerate(stats_rows):
                row: dict[str, Any] = {"item_id": item_id, "item_label": label if k == 0 else "", "row_kind": kind,
                                       "statistic": name}
                for g in groups:
                    r = by_group[g]
                    v = r[col]
                    row[g] = v if isinstance(v, str) or not pd.isna(v) else None
                    mark = r[sig] if sig else ""
                    if sig and g != "all" and g not in never and not bool(r["tested"]):
                        mark = NOT_TESTED
                    row[f"{g}__sig"] = mark if isinstance(mark, str) else ""
                rows.append(row)
        frame = pd.DataFrame(rows)
        headers = {"item_label": "Item", "statistic": ""}
        for g in groups:
            name = labels.get(g, "All respondents" if g == "all" else g)
            headers[g] = f"{name} ({letter[g]})" if g in letter else name
            if g in never:
                headers[g] += ", not tested"
        return frame, headers, {g: f"{g}__sig" for g in groups}

    def untested(self) -> list[str]:
        """Groups never tested (too few valid answers on every row)."""
        t = self.table[self.table["group"] != "all"]
        return [g for g, part in t.groupby("group", sort=False) if not part["tested"].any()]

    def people_footnote(self, *, group_labels: Mapping[str, str] | None = None) -> str:
        """The footer for people: statistics, tests, levels, the untested columns (by name) and the
        suppression rule."""
        labels = {**dict(self.group_labels), **dict(group_labels or {})}
        letter = dict(self.letters)

        def name(g: str) -> str:
            return f"{labels.get(g, g)} ({letter[g]})" if g in letter else labels.get(g, g)

        parts = [self.footer]
        never = self.untested()
        some = [g for g, part in self.table[self.table["group"] != "all"].groupby("group", sort=False)
                if not part["tested"].all() and g not in never]
        if never:
            parts.append(f"Not tested (fewer than {self.min_group_size} valid answers on every row): "
                         f"{', '.join(name(g) for g in never)}.")
        if some:
            parts.append(f"{NOT_TESTED}: not tested on that row (fewer than {self.min_group_size} valid answers), in "
                         f"{', '.join(name(g) for g in some)}.")
        parts += [n[:1].upper() + n[1:] + "." for n in self.notes if not n.startswith("not tested")]
        return " ".join(parts)

    def wide(self, *, group_labels: Mapping[str, str] | None = None) -> "pd.DataFrame":
        """``people_frame`` with its presentation in ``frame.attrs["surveykit"]`` (headers, letters
        columns, row kinds, footnote), which ``report.model.make_table`` reads: a report section can
        pass it to ``SectionBuilder.table`` as it is."""
        frame, headers, letters = self.people_frame(group_labels=group_labels)
        frame.attrs["surveykit"] = {"labels": headers, "letters": letters, "row_kind": "row_kind",
                                    "hidden": ["item_id", "row_kind"], "footnote": self.people_footnote(
                                        group_labels=group_labels), "kind": "wide", "preview": None}
        return frame


#: A banner letters its group columns A to Z.
MAX_GROUPS = len(string.ascii_uppercase)


def banner_groups(responses: "Responses", by: str, groups: Sequence[str] | str | None = None, *,
                  grp: Any = None) -> list[str]:
    """The groups of ``by`` a banner shows as columns: ``groups`` when given, else every group with an
    answer (the respondents who gave none are not a column). ``grp``: the grouping, when made already."""
    from surveykit.compare import select_groups
    from surveykit.scoring import MISSING, grouping

    present = [g for g in (grp if grp is not None else grouping(responses, by)).groups if g != MISSING]
    return select_groups(present, groups, known=responses.instrument.group_order(by) or ()) or present


def column_labels(responses: "Responses", by: str) -> dict[str, str]:
    """Group id -> the label people read (sector labels, option labels of a question ...)."""
    return dict(responses.instrument.group_labels(by))


def banner(responses: "Responses", *, question: str, by: str, alpha: float = 0.05,
           second_alpha: float | None = None, padjust: str = "holm", min_group_size: int = 10,
           groups: Sequence[str] | str | None = None, means: bool = True, suppress: bool = True,
           threshold: int = 5) -> BannerResult:
    """Build the banner table of ``question`` (a grid: its items; a single question: one row) by
    ``by``. The share is the scale's top box of the valid base; the mean (``means``, when the
    options have values) the mean value of the valid answers. ``second_alpha``: a second, larger
    level for lower-case letters. ``suppress`` (default True, as in the CLI): disclosure control on
    counts, shares, means and bases (``surveykit.disclosure``)."""
    import numpy as np
    import pandas as pd

    from surveykit.compare import check_alpha
    from surveykit.counting import ALL, closed_targets, grouping

    from surveykit.validation import check_bool, check_threshold

    alpha = check_alpha(alpha)
    if second_alpha is not None:
        second_alpha = check_alpha(second_alpha)
        if second_alpha <= alpha:
            raise UsageError(f"second_alpha must be larger than alpha ({alpha:g}); got {second_alpha!r}")
    check_bool(suppress, parameter="suppress")
    check_bool(means, parameter="means")
    threshold = check_threshold(threshold)
    if padjust not in stats.PADJUST_METHODS:
        raise invalid_choice("padjust", padjust, stats.PADJUST_METHODS)
    if int(min_group_size) < 2:
        raise UsageError(f"min_group_size must be a whole number of at least 2; got {min_group_size!r}")
    targets = closed_targets(responses, [question], parameter="question")
    q = targets[0][0]
    if len({t[0].id for t in targets}) != 1:
        raise UsageError(f"question must name one question; got {question!r}")
    if q.id.casefold() == str(by).casefold():
        raise UsageError(f"question {q.id!r} is the grouping (by): a banner of a question by itself says nothing; "
                         "give another question or another grouping")
    scale = q.scale
    if not scale.top_box:
        raise UsageError(f"question {q.id!r} has no top box to show in a banner")
    grp = grouping(responses, by)
    shown = banner_groups(responses, by, groups, grp=grp)
    if len(shown) > MAX_GROUPS:
        raise UsageError(f"a banner holds at most {MAX_GROUPS} group columns; {by!r} has {len(shown)}")
    valid_opts = list(scale.valid_options)
    has_means = bool(means) and all(o.value is not None for o in valid_opts)
    values = np.array([o.value if o.value is not None else np.nan for o in valid_opts], dtype=float)
    top_idx = [i for i, o in enumerate(valid_opts) if o.code in scale.top_box]

    # option counts per item and group (every group of the grouping, for the "all" column's sums)
    counts: dict[tuple[str, str], "np.ndarray"] = {}
    cols = [it.id if it else qq.id for qq, it in targets]
    for c in cols:
        ser = responses.data[c]
        per_opt = [ser.eq(o.code).to_numpy() for o in valid_opts]
        counts[(c, ALL)] = np.array([int(m.sum()) for m in per_opt])
        for gi, g in enumerate(grp.groups):
            m = grp.codes == gi
            counts[(c, g)] = np.array([int((o & m).sum()) for o in per_opt])

    def summary(c: str, g: str) -> tuple[int, int, float, float]:
        k = counts[(c, g)]
        n = int(k.sum())
        x = int(k[top_idx].sum())
        if not n or not has_means:
            return n, x, float("nan"), float("nan")
        mean = float((values * k).sum() / n)
        sd = float(np.sqrt(((values - mean) ** 2 * k).sum() / (n - 1))) if n > 1 else float("nan")
        return n, x, mean, sd

    letters = {g: string.ascii_uppercase[i] for i, g in enumerate(shown)}
    tests = []
    for c in cols:
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                na, xa, ma, sa = summary(c, a)
                nb, xb, mb, sb = summary(c, b)
                if na < min_group_size or nb < min_group_size:
                    continue
                z, p = stats.two_proportion_z(xa, na, xb, nb)
                tests.append({"statistic": "proportion", "item_id": c, "group_a": a, "group_b": b,
                              "test_statistic": z, "p_value": p})
                if has_means:
                    t, pt = stats.welch_t(ma, sa, na, mb, sb, nb)
                    tests.append({"statistic": "mean", "item_id": c, "group_a": a, "group_b": b,
                                  "test_statistic": t, "p_value": pt})
    tests_frame = pd.DataFrame(tests, columns=TEST_COLUMNS[:-1])
    tests_frame["p_adjusted"] = np.nan
    hides = None
    hidden_tests = np.zeros(len(tests_frame), dtype=bool)
    if suppress:
        from surveykit.counting import hidden_sets

        hides = hidden_sets(responses, targets, by, None, threshold)
        hidden_tests = _hidden_tests(tests_frame, dict(zip(cols, hides)), list(grp.labels))
    for kind in ("proportion", "mean"):
        mask = (tests_frame["statistic"] == kind).to_numpy()
        if mask.any():
            # A shown test's adjusted p-value (and so its letters) must not depend on where a hidden test's
            # p-value ranks (stats.p_adjust_published); a hidden test's letters come from the method's own.
            tests_frame.loc[mask, "p_adjusted"] = stats.p_adjust_published(
                tests_frame.loc[mask, "p_value"].tolist(), padjust, hidden_tests[mask].tolist())
    higher: dict[tuple[str, str, str], list[str]] = {}
    for r in tests_frame.itertuples():
        p = r.p_adjusted
        if np.isnan(p) or np.isnan(r.test_statistic):
            continue
        if p < alpha:
            mark = letters
        elif second_alpha is not None and p < second_alpha:
            mark = {g: v.lower() for g, v in letters.items()}
        else:
            continue
        if r.test_statistic == 0:
            continue
        winner, loser = (r.group_a, r.group_b) if r.test_statistic > 0 else (r.group_b, r.group_a)
        higher.setdefault((r.statistic, r.item_id, winner), []).append(mark[loser])

    labels = {(it.id if it else qq.id): (it.label if it else qq.short) for qq, it in targets}
    rows = []
    for c in cols:
        for g in [ALL] + shown:
            n, x, mean, _ = summary(c, g)
            rows.append({"item_id": c, "item_label": labels[c], "group": g, "letter": letters.get(g, ""),
                         "tested": g != ALL and n >= min_group_size, "n": n, "count": x,
                         "pct": 100.0 * x / n if n else np.nan,
                         "higher_than": _letters(higher.get(("proportion", c, g), [])),
                         "mean": mean, "mean_higher_than": _letters(higher.get(("mean", c, g), []))})
    table = pd.DataFrame(rows, columns=BANNER_COLUMNS)
    notes = []
    never = [g for g in shown if not table[(table["group"] == g)]["tested"].any()]
    if never:
        notes.append(f"not tested (fewer than {min_group_size} valid answers on every row): {', '.join(never)}")
    if suppress:
        from surveykit import disclosure

        table = _protect(table, responses, targets, by, threshold, disclosure.MARKER, hides)
        # The tests whose groups' numbers are hidden keep their verdicts (the letters) but not their numbers.
        tests_frame = tests_frame.astype({c: object for c in ("test_statistic", "p_value", "p_adjusted")})
        tests_frame.loc[hidden_tests, ["test_statistic", "p_value", "p_adjusted"]] = disclosure.MARKER
        table = disclosure.round_published(table, percents=["pct"], stats=["mean"] if has_means else [])
        notes.append(f"cells based on fewer than {threshold} respondents, and cells that would reveal them, "
                     f"are shown as {disclosure.MARKER}")
    n_prop = int((tests_frame["statistic"] == "proportion").sum())
    n_mean = int((tests_frame["statistic"] == "mean").sum())
    levels = (f"upper-case letters: adjusted p < {alpha:g}" + (f"; lower-case letters: adjusted p < {second_alpha:g}"
                                                             if second_alpha is not None else ""))
    footer = (f"{scale.top_box_label or 'top box'} of valid answers (Don't know and blank excluded)"
              + ("; Mean: the mean rating of the valid answers" if has_means else "") + ". Letters beside a number: it "
              f"is significantly higher than the column with that letter (shares: two-sided column-proportion z-test, "
              f"pooled, {n_prop} comparisons"
              + (f"; means: two-sided Welch t-test, {n_mean} comparisons" if has_means else "")
              + f"; {_name(padjust)} correction across this table for each statistic; {levels}). Columns with fewer "
              f"than {min_group_size} valid answers on a row are shown but not tested on that row; the All column is "
              "not tested.")
    return BannerResult(table=table, tests=tests_frame[TEST_COLUMNS], question_id=q.id,
                        top_box_label=scale.top_box_label, letters=tuple(letters.items()), footer=footer,
                        notes=tuple(notes), has_means=has_means, alpha=alpha, second_alpha=second_alpha,
                        min_group_size=int(min_group_size),
                        group_labels=tuple((g, lab) for g, lab in column_labels(responses, by).items() if g in letters))


def _letters(marks: list[str]) -> str:
    return "".join(sorted(marks, key=lambda m: (m.lower(), m.islower())))


def _name(method: str) -> str:
    return {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonf": "Bonferroni", "none": "no"}[method]


def _hidden_tests(tests_frame, hides: Mapping, labels: list) -> "Any":
    """Whether each pairwise test involves a number the item's protection hides: a share test a hidden
    top-box share or base of either group, a mean test a hidden mean or base."""
    import numpy as np

    out = np.zeros(len(tests_frame), dtype=bool)
    for pos, (kind, item, a, b) in enumerate(zip(tests_frame["statistic"], tests_frame["item_id"],
                                                 tests_frame["group_a"], tests_frame["group_b"])):
        hide = hides.get(item, frozenset())
        key = "top" if kind == "proportion" else "mean"
        out[pos] = any((key, labels.index(g)) in hide or ("n", labels.index(g)) in hide for g in (a, b))
    return out


def _protect(table, responses, targets, by, threshold, marker, hides=None):
    """The item's one protection over ``by`` (``counting.hidden_sets``: the same numbers hidden as in
    every other table of the item): a hidden top-box share hides the cell's count, share and letters,
    a hidden mean the mean and its letters, a hidden base all of them."""
    from surveykit.counting import grouping, hidden_sets

    labels = grouping(responses, by).labels
    out = table.astype({"n": object, "count": object, "pct": object, "mean": object}).copy()
    if hides is None:
        hides = hidden_sets(responses, targets, by, None, threshold)
    for (q, it), hide in zip(targets, hides):
        col = it.id if it else q.id
        for idx in table.index[table["item_id"] == col]:
            g = labels.index(table.at[idx, "group"])
            if ("top", g) in hide or ("n", g) in hide:
                out.at[idx, "count"] = marker
                out.at[idx, "pct"] = marker
                out.at[idx, "higher_than"] = ""
            if ("mean", g) in hide or ("n", g) in hide:
                out.at[idx, "mean"] = marker
                out.at[idx, "mean_higher_than"] = ""
            if ("n", g) in hide:
                out.at[idx, "n"] = marker
    return out
