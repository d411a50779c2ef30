"""Checks shared by the development-set test files (tests/test_rules3_generalisation.py,
tests/test_rules4_generalisation.py): a development gold set is well formed, and the section of
docs/coding-quality.md that reports it shows the figures `code evaluate` gives now."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from surveykit.coding.codebook import load_codebook
from surveykit.io.gold import read_gold

DOC = ROOT / "docs" / "coding-quality.md"
STYLES = {"terse", "long", "bullets", "typo", "abbreviation", "hedge", "negation", "other_sense", "adults",
          "uncodeable", "paraphrase"}


def assert_well_formed(path: Path, *, prefix: str, min_answers: int, weak: tuple[str, ...], min_weak: int) -> None:
    """Ids ``PREFIX-001`` onwards; every code used at least 10 times and each weak code ``min_weak``
    times; codes in codebook order; styles from STYLES and consistent with the length; 15+ uncoded."""
    cb = load_codebook()
    g = read_gold(path)
    assert len(g) >= min_answers
    assert g.ids == tuple(f"{prefix}-{i:03d}" for i in range(1, len(g) + 1))
    used = [c for codes in g.codes for c in codes]
    assert set(used) == set(cb.code_ids)
    assert min(used.count(c) for c in cb.code_ids) >= 10
    assert min(used.count(c) for c in weak) >= min_weak
    for codes in g.codes:  # codebook order, no repeats
        assert list(codes) == sorted(set(codes), key=cb.code_ids.index)
    for text, styles in zip(g.texts, g.styles):
        assert set(styles) <= STYLES
        words = len(text.split())
        assert ("terse" in styles) == (words <= 8)
        assert ("long" in styles) == (words >= 45)
    assert sum(1 for codes in g.codes if not codes) >= 15


def doc_section(heading: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(heading)
    return text[start:text.index("\n## ", start + 5)]


def assert_doc_reports_current_figures(cli, path: Path, heading: str) -> None:
    """The section under ``heading`` gives the figures ``surveykit code evaluate PATH`` prints now: the
    overall line, every code's table row, and the after-tuning cell."""
    res = cli("code", "evaluate", path, "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    o = doc["overall"]
    text = doc_section(heading)
    assert (f"{o['answers']} answers. Macro-F1 **{o['macro_f1']:.3f}**; micro precision "
            f"{o['micro_precision']:.3f}, recall {o['micro_recall']:.3f}, F1 {o['micro_f1']:.3f}") in text
    assert_code_table(text, doc["per_code"], path.name)
    assert f"| {o['macro_f1']:.3f} (P {o['micro_precision']:.3f}, R {o['micro_recall']:.3f}) |" in text


def assert_code_table(text: str, per_code: list[dict], name: str) -> None:
    """Every code's row of a per-code table in ``text`` (support, precision, recall, F1, alpha) gives
    ``code evaluate``'s figures, rounded as the table shows them."""
    for row in per_code:
        m = re.search(rf"^\| `{row['code_id']}` \| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", text,
                      re.MULTILINE)
        assert m, f"{row['code_id']} missing from the table of {name}"
        assert int(m.group(1)) == row["support"]
        assert [float(x) for x in m.groups()[1:]] == pytest.approx(
            [round(row[k], 2) for k in ("precision", "recall", "f1", "alpha")], abs=0.005)
