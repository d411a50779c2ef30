"""Where a suppressed coding count stands in an order by frequency.

``code --view cooccurrence`` listed the pairs of codes by how often they occur together, then by their
codes; a pair seen in 1 to 4 answers is hidden whole. In that order the hidden pairs came in runs, one
per value of the hidden count, each run in the order of its codes: on the shipped sample's Q7 the 174
hidden pairs made four runs, for the counts 4, 3, 2 and 1, so every hidden count could be read off the
order. The report's finding "the most frequent codes were ..." likewise named suppressed codes in the
order of their true counts. Both now order what is hidden by the codes alone.
"""

from __future__ import annotations

import csv
import io
from itertools import pairwise

import pytest
from conftest import SAMPLE_SURVEY, run_cli

MARKER = "[c]"


def _runs(rows: list[dict]) -> int:
    """How many runs in the order of (code_a, code_b) the rows make: where the order starts again."""
    keys = [(r["code_a"], r["code_b"]) for r in rows]
    return 1 + sum(b < a for a, b in pairwise(keys)) if keys else 0


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
def test_hidden_cooccurrences_are_listed_by_their_codes_only():
    def table(*extra: str) -> list[dict]:
        res = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--view", "cooccurrence", "--format", "csv", *extra)
        assert res.returncode == 0, res.stderr
        return list(csv.DictReader(io.StringIO(res.stdout)))

    shown = table()
    hidden = [r for r in shown if r["n_both"] == MARKER]
    assert len(hidden) > 100
    flags = [r["n_both"] == MARKER for r in shown]
    assert flags == sorted(flags)  # every hidden pair after every shown one
    assert _runs(hidden) == 1  # in the order of their codes, nothing else
    # What the old order would have given away: the hidden pairs' true counts take four values, so an
    # order by count makes four runs, and four runs of counts between 1 and 4 are 4, 3, 2 and 1.
    truth = {(r["code_a"], r["code_b"]): int(r["n_both"]) for r in table("--no-suppress")}
    values = sorted({truth[(r["code_a"], r["code_b"])] for r in hidden}, reverse=True)
    assert values == [4, 3, 2, 1]
    by_count = sorted(hidden, key=lambda r: (-truth[(r["code_a"], r["code_b"])], r["code_a"], r["code_b"]))
    assert _runs(by_count) == 4


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
def test_the_reports_code_findings_name_only_codes_whose_numbers_are_shown(sample_report):
    md = (sample_report.folder / "report.md").read_text(encoding="utf-8")
    findings = [line for line in md.splitlines() if "the most frequent" in line]
    assert len(findings) >= 2
    for line in findings:
        assert "\\[c\\]" not in line and MARKER not in line, line
    # Q14's other answers have suppressed codes: the finding says it speaks of the shown ones.
    q14 = next(line for line in findings if "Q14 other answers" in line)
    assert "of the codes whose numbers are shown, the most frequent were" in q14
    q7 = next(line for line in findings if line.startswith("> Q7:"))
    assert "the most frequent codes were" in q7 and "the largest theme was" in q7
