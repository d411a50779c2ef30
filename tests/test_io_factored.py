"""``io.fastcsv.Factored``: a column held as its distinct strings and one code per cell. Slicing
one (the header rows cut off) and asking for its ``factorized()`` form must give exactly what
``pandas.factorize`` gives for the cells of the slice, with or without renumbering."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from surveykit.io.fastcsv import Factored


def _factored(values: list[str]) -> Factored:
    codes, distinct = pd.factorize(np.array(values, dtype=object))
    return Factored(codes.astype(np.int32), np.asarray(distinct, dtype=object), first_seen=True)


def test_every_slice_factorizes_as_pandas_does():
    rng = random.Random(20261205)
    for _ in range(3000):
        values = [rng.choice("abcdefg"[:rng.randint(1, 7)]) for _ in range(rng.randint(0, 30))]
        start = rng.randint(0, len(values))
        stop = rng.choice([None, rng.randint(start, len(values))])
        part = _factored(values)[start:stop]
        codes, distinct = part.factorized()
        expected_codes, expected_distinct = pd.factorize(np.array(values[start:stop], dtype=object))
        assert codes.tolist() == expected_codes.tolist() and distinct.tolist() == expected_distinct.tolist()
        assert list(part.array()) == values[start:stop]


def test_cutting_off_header_rows_shifts_the_numbering_of_the_rest():
    column = _factored(["Q1", "Response", "Yes", "No", "Yes", "Don't know"])
    body = column[2:]
    assert body._head == 2  # the rows cut off held two strings
    codes, distinct = body.factorized()
    assert distinct.tolist() == ["Yes", "No", "Don't know"] and codes.tolist() == [0, 1, 0, 2]
    assert body.factorized()[1] is distinct  # worked out once


def test_a_header_text_that_is_also_an_answer_is_renumbered():
    """"Yes" heads the column and is also an answer further down: the slice's numbering starts with
    the strings in the order the slice itself shows them."""
    body = _factored(["Yes", "No", "Maybe", "Yes"])[1:]
    codes, distinct = body.factorized()
    assert distinct.tolist() == ["No", "Maybe", "Yes"] and codes.tolist() == [0, 1, 2]


def test_a_blank_header_cell_that_is_also_a_blank_answer_keeps_its_place():
    """A SurveyMonkey grid column: row 1 is blank (the question text heads only the grid's first
    column), row 2 names the item, and blank answers occur further down. The slice below the header
    rows is numbered as pandas numbers its cells, with no pass over every distinct string."""
    cells = ["", "Specialist foster care", "Effective", "", "Very effective", "Effective", "", "Ineffective"]
    body = _factored(cells)[2:]
    assert body._head == 2  # the two rows cut off held two strings: renumbered from them
    codes, distinct = body.factorized()
    expected_codes, expected_distinct = pd.factorize(np.array(cells[2:], dtype=object))
    assert distinct.tolist() == expected_distinct.tolist() == ["Effective", "", "Very effective", "Ineffective"]
    assert codes.tolist() == expected_codes.tolist()
