"""FOI cells: every way an authority writes a count maps to a value, a status and bounds; raw text kept."""

from __future__ import annotations

import pytest

from surveykit.foi.cells import (APPROXIMATE, BLANK, INVALID, NOT_HELD, RANGE, REFUSED, REPORTED, SUPPRESSED, Cell,
                                 parse_cell, problem_code, problem_text)

CASES = [
    # raw, status, value, low, high
    ("12", REPORTED, 12, 12, 12),
    (" 1,231 ", REPORTED, 1231, 1231, 1231),
    ("12.0", REPORTED, 12, 12, 12),
    (12, REPORTED, 12, 12, 12),
    (12.0, REPORTED, 12, 12, 12),
    ("0", REPORTED, 0, 0, 0),
    ("nil", REPORTED, 0, 0, 0),
    ("Nil.", REPORTED, 0, 0, 0),
    ("None", REPORTED, 0, 0, 0),
    ("no children", REPORTED, 0, 0, 0),
    ("twelve", REPORTED, 12, 12, 12),
    ("12 children", REPORTED, 12, 12, 12),
    ("approx. 20", APPROXIMATE, 20, None, None),
    ("Approximately 20", APPROXIMATE, 20, None, None),
    ("c.20", APPROXIMATE, 20, None, None),
    ("about 20", APPROXIMATE, 20, None, None),
    ("~20", APPROXIMATE, 20, None, None),
    ("20 (est)", APPROXIMATE, 20, None, None),
    ("20+", APPROXIMATE, 20, 20, None),
    ("at least 20", APPROXIMATE, 20, 20, None),
    ("over 20", APPROXIMATE, 21, 21, None),
    ("more than 20", APPROXIMATE, 21, 21, None),
    ("10-15", RANGE, None, 10, 15),
    ("10 \u2013 15", RANGE, None, 10, 15),
    ("10 to 15", RANGE, None, 10, 15),
    ("between 10 and 15", RANGE, None, 10, 15),
    ("up to 5", RANGE, None, 0, 5),
    ("5-5", REPORTED, 5, 5, 5),
    ("<5", SUPPRESSED, None, 0, 4),
    ("< 10", SUPPRESSED, None, 0, 9),
    ("fewer than 10", SUPPRESSED, None, 0, 9),
    ("less than 5", SUPPRESSED, None, 0, 4),
    ("<=5", SUPPRESSED, None, 0, 5),
    ("*", SUPPRESSED, None, 0, None),
    ("x", SUPPRESSED, None, 0, None),
    ("[c]", SUPPRESSED, None, 0, None),
    ("Withheld under s40 (personal data)", SUPPRESSED, None, 0, None),
    ("Not held", NOT_HELD, None, None, None),
    ("Information not held", NOT_HELD, None, None, None),
    ("not recorded", NOT_HELD, None, None, None),
    ("Unknown", NOT_HELD, None, None, None),
    ("n/a", NOT_HELD, None, None, None),
    ("N/A", NOT_HELD, None, None, None),
    ("..", NOT_HELD, None, None, None),
    ("We do not hold this information centrally", NOT_HELD, None, None, None),
    ("Section 12 - cost limit", REFUSED, None, None, None),
    ("Refused (s12)", REFUSED, None, None, None),
    ("s.12 exemption applied", REFUSED, None, None, None),
    ("Exceeds the appropriate limit", REFUSED, None, None, None),
    ("", BLANK, None, None, None),
    ("   ", BLANK, None, None, None),
    ("-", BLANK, None, None, None),
    (None, BLANK, None, None, None),
]


@pytest.mark.parametrize("raw,status,value,low,high", CASES)
def test_each_spelling_maps_to_its_status(raw, status, value, low, high):
    cell = parse_cell(raw)
    assert (cell.status, cell.value, cell.low, cell.high) == (status, value, low, high), raw
    if raw is not None:
        assert cell.raw == str(raw) if not isinstance(raw, float) else cell.raw == "12"


@pytest.mark.parametrize("raw,problem", [
    ("-3", "negative"), ("- 3", "negative"), ("2.5", "not_whole"), ("2015-05-10 00:00:00", "date"),
    ("10-May", "date"), ("see the attached letter", "text"), ("15-10", "text"), (True, "text"),
])
def test_unreadable_cells_are_invalid_with_a_reason(raw, problem):
    cell = parse_cell(raw)
    assert cell.status == INVALID and cell.value is None and cell.problem == problem
    assert problem_code(cell) in ("negative_count", "not_whole_number", "date_in_count", "unreadable_cell")
    # the explanation never repeats the cell's text (it may hold free text)
    assert str(raw) not in problem_text(cell) or str(raw) in ("True",)


def test_dash_and_na_are_never_zero():
    """'-' and 'n/a' are not evidence of a count: neither enters a total."""
    assert parse_cell("-").value is None and parse_cell("n/a").value is None


def test_at_least_and_bounds():
    assert parse_cell("10-15").at_least(1) and not parse_cell("0-5").at_least(1)
    assert parse_cell("20+").at_least(20) and not parse_cell("20+").at_least(21)
    assert parse_cell("over 20").at_least(21)
    assert not parse_cell("<5").at_least(1)  # a suppressed cell may hide a zero
    assert parse_cell("approx 3").bounds() == (3, 3)
    assert parse_cell("20+").bounds() == (20, None)
    assert parse_cell("<5").bounds() == (0, 4)
    assert parse_cell("*").bounds() == (0, None)
    assert parse_cell("Not held").bounds() == (0, None)
    assert Cell(7, REPORTED, "7", 7, 7).bounds() == (7, 7)
