"""The new gold sets (responses/gold): well formed, and docs/coding-quality.md reports the figures
that ``surveykit code evaluate`` gives today, for both test sets (the fresh one, round 8, on which
issue 11's targets are judged, and the first) and (apart) the development set."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from gold_checks import assert_code_table, assert_well_formed
from surveykit.coding.codebook import load_codebook
from surveykit.io.gold import read_gold

GOLD = ROOT / "responses" / "gold"
DOC = ROOT / "docs" / "coding-quality.md"
SETS = {"test2": ("## Fresh test set (round 8): rules alone", "## Test set: rules alone"),
        "test": ("## Test set: rules alone", "## Development set"),
        "dev": ("## Development set: rules alone", "## The ceiling")}


@pytest.fixture(scope="module", params=["test2", "test", "dev"])
def measured(request):
    from conftest import run_cli

    name = request.param
    res = run_cli("code", "evaluate", GOLD / f"q7_{name}.csv", "--format", "json")
    assert res.returncode == 0, res.stderr
    return name, json.loads(res.stdout)


def section(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start, end = SETS[name]
    return text[text.index(start):text.index(end)]


def test_gold_sets_are_well_formed():
    ids = set(load_codebook().code_ids)
    for name, minimum in (("dev", 200), ("test", 200)):
        g = read_gold(GOLD / f"q7_{name}.csv")
        assert len(g) >= minimum
        used = [c for codes in g.codes for c in codes]
        assert set(used) == ids  # every code occurs, and only codebook codes
        assert min(used.count(c) for c in ids) >= 8
        assert sum(1 for codes in g.codes if not codes) >= 25
    # The fresh test set: ids test2-001.., every code 10+ times, codebook order, styles as documented.
    assert_well_formed(GOLD / "q7_test2.csv", prefix="test2", min_answers=240, weak=("re_trafficking",), min_weak=10)


def test_doc_reports_the_current_per_code_figures(measured):
    name, doc = measured
    text = section(name)
    assert_code_table(text, doc["per_code"], name)


def test_doc_reports_the_current_totals(measured):
    name, doc = measured
    o = doc["overall"]
    text = section(name)
    assert f"{o['answers']} answers. Macro-F1 **{o['macro_f1']:.3f}**" in text
    assert (f"micro precision {o['micro_precision']:.3f}, recall {o['micro_recall']:.3f}, F1 {o['micro_f1']:.3f}"
            in text)
    if name in ("test", "test2"):  # both test sets have a column of the summary table
        summary = DOC.read_text(encoding="utf-8").split("## The gold sets")[0]
        assert f"**{o['macro_f1']:.3f}**" in summary and f"**{o['micro_precision']:.3f}**" in summary
        assert ("no code below F1 0.60 | lowest" in summary) == (o["codes_below_0_60"] == 0)


@pytest.mark.parametrize("name, answers", [("test", "test answers"), ("test2", "fresh test answers")])
def test_doc_reports_the_second_coder_ceiling(cli, name, answers):
    res = cli("code", "evaluate", GOLD / f"q7_{name}.csv", "--coded", GOLD / f"q7_{name}_second_coder.csv",
              "--format", "json")
    assert res.returncode == 0, res.stderr
    o = json.loads(res.stdout)["overall"]
    ceiling = DOC.read_text(encoding="utf-8").split("## The ceiling")[1].split("\n## ")[0]
    # The paragraph about this test set's second coding (whitespace as one space).
    paragraphs = [" ".join(p.split()) for p in ceiling.split("\n\n")]
    found = [p for p in paragraphs if p.startswith(f"{o['answers']} {answers}")]
    assert len(found) == 1, f"no paragraph of 'The ceiling' starts with '{o['answers']} {answers}'"
    text = found[0]
    assert f"q7_{name}_second_coder.csv" in text
    assert f"macro-F1 {o['macro_f1']:.2f}, Krippendorff's alpha {o['alpha_pooled']:.2f}" in text
    assert f"Cohen's kappa {o['kappa_pooled']:.2f}" in text
