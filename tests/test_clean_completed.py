"""Without a completion column, a respondent completed the survey when they answered a question of
the instrument's last page (``prepare``). An answer counts when it was typed: a blank or an unknown
option label is no answer. ``prepare`` tests each column once per distinct value and spreads the
result, so both readings of an export (the csv module's, and the columns of the fast path) are checked
against rows whose answers were set here by hand."""

from __future__ import annotations

import csv
import io

import pytest

import surveykit as sk
from conftest import SAMPLE_SURVEY
from surveykit.io import fastcsv

# Columns of the shipped sample's last page (q43-q47: closed, the q45 grid and its texts, q46, q47).
LAST_PAGE = range(88, 113)
Q43, Q45_CCTV, Q47 = 88, 95, 112


def _edited(tmp_path, edits):
    with open(SAMPLE_SURVEY, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for row, column, value in edits:
        rows[2 + row][column] = value  # two header rows
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "edited.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("way", ["csv module", "fast columns"])
def test_completion_counts_typed_answers_on_the_last_page(tmp_path, monkeypatch, way):
    if way == "fast columns":
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
    before = sk.read(SAMPLE_SURVEY).data["completed"]
    partial = [k for k in range(len(before)) if not before[k]]
    done = [k for k in range(len(before)) if before[k]]
    unknown, closed, text = partial[:3]
    blanked = done[0]
    edits = [(unknown, Q43, "Perhaps"), (closed, Q45_CCTV, "Effective"), (text, Q47, "  see my last answer  ")]
    edits += [(blanked, column, " \t ") for column in LAST_PAGE]
    responses = sk.read(_edited(tmp_path, edits))
    completed = responses.data["completed"]
    assert completed.dtype == bool
    assert not completed[unknown]  # an unknown label is no answer (and is reported)
    assert any(i.code == "unknown_label" and i.row == unknown + 1 for i in responses.issues)
    assert completed[closed] and completed[text]
    assert not completed[blanked]  # blanks only
    changed = {unknown, closed, text, blanked}
    assert [bool(v) for k, v in enumerate(completed) if k not in changed] == \
        [bool(v) for k, v in enumerate(before) if k not in changed]
