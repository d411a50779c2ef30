"""Drafting an instrument folds each distinct answer once (issue 14: fast at every size): the answer
counts and the respondents of each answer are those of looking at every cell, row by row."""

from __future__ import annotations

from collections import Counter

from conftest import SAMPLE_SURVEY


def _answers_by_cell(cells):
    """The answers of a column, one cell at a time: whitespace folded, blanks left out, first-seen order."""
    out: Counter = Counter()
    for cell in cells:
        v = " ".join(cell.split())
        if v:
            out[v] += 1
    return out


def _respondents_by_row(raw, unit):
    """How many respondents gave each answer (folded label) in any of the unit's columns, row by row."""
    from surveykit.instrument.values import normalise_label

    out: Counter = Counter()
    for r in range(raw.n_rows):
        seen = set()
        for c in unit.columns:
            cell = raw.rows[r][c] if c < len(raw.rows[r]) else ""
            v = " ".join(str(cell).split()) if cell is not None else ""
            if v:
                seen.add(normalise_label(v) or v)
        for key in seen:
            out[key] += 1
    return out


def _raw(rows, headers):
    from surveykit.io.base import Column, RawExport

    columns = tuple(Column(index=i, header=h) for i, h in enumerate(headers))
    return RawExport(path="x.csv", platform="tidy", encoding="utf-8", sha256="0" * 64, columns=columns,
                     rows=tuple(tuple(r) for r in rows))


def test_the_samples_answers_and_respondents_are_those_of_every_cell():
    from surveykit.draft.columns import layout, values_of
    from surveykit.draft.decide import _respondent_counts
    from surveykit.io.registry import read_export

    raw = read_export(SAMPLE_SURVEY)
    units = layout(raw).units
    assert any(len(u.columns) > 1 for u in units)  # grids: several columns per unit
    for unit in units:
        for c in unit.columns:
            got = values_of(raw, c)
            want = _answers_by_cell(raw.column_values(c).tolist())
            assert list(got.items()) == list(want.items()), unit.text  # the same order too
        assert _respondent_counts(raw, unit) == _respondents_by_row(raw, unit), unit.text


def test_variants_blanks_and_non_strings_count_each_respondent_once():
    from surveykit.draft.columns import Unit, values_of
    from surveykit.draft.decide import _respondent_counts

    rows = [
        ["Agree", " agree ", ""],
        ["AGREE", "Disagree", "Agree"],
        ["", "", ""],
        ["Strongly  agree", "Strongly agree", "strongly agree!"],
        ["Neither", "Agree", "Neither"],
        ["Agree", "Agree", "Agree"],
    ]
    raw = _raw(rows, ["a", "b", "c"])
    unit = Unit(text="grid", columns=[0, 1, 2])
    want = _respondents_by_row(raw, unit)
    assert _respondent_counts(raw, unit) == want
    assert want[next(k for k in want if "strongly" in k)] == 1  # one respondent, whatever the variants
    assert list(values_of(raw, 0).items()) == [("Agree", 2), ("AGREE", 1), ("Strongly agree", 1), ("Neither", 1)]

    # Cells that are not strings (a reader that keeps None, numbers that compare equal) are counted
    # as the row-by-row definition counts them.
    odd = _raw([[None, 1], [1.0, True], ["1", None], [float("nan"), "x"]], ["a", "b"])
    unit = Unit(text="odd", columns=[0, 1])
    assert _respondent_counts(odd, unit) == _respondents_by_row(odd, unit)
    none_only = _raw([[None, "Yes"], ["No", None], ["Yes", "Yes"]], ["a", "b"])
    unit = Unit(text="none", columns=[0, 1])
    assert _respondent_counts(none_only, unit) == _respondents_by_row(none_only, unit) == Counter({"yes": 2, "no": 1})


def test_a_unit_with_no_answers_has_no_respondents():
    from surveykit.draft.columns import Unit
    from surveykit.draft.decide import _respondent_counts

    raw = _raw([["", " "], ["", ""]], ["a", "b"])
    assert _respondent_counts(raw, Unit(text="empty", columns=[0, 1])) == Counter()
    assert _respondent_counts(raw, Unit(text="none", columns=[])) == Counter()
