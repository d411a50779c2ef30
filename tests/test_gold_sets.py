"""The new gold sets (responses/gold): well formed, and docs/coding-quality.md reports the figures
that ``surveykit code evaluate`` gives today, for both test sets (the fresh one, round 8, on which
issue 11's targets are judged, and the first) and (apart) the development set."""

from __future__ import annotations

import json
import re
from collections import Counter

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
    # The fresh test set: ids test2-001.., every code 10+ times, codebook order, styles from the list and
    # consistent with the length (its documented counts: test_readme_counts_of_the_fresh_test_set).
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
    if name in ("test", "test2"):  # each test set has its own column of the summary table
        cells = summary_column(f"q7_{name}.csv")
        assert cells["rules alone: macro-F1"] == f"**{o['macro_f1']:.3f}**"
        assert cells["rules alone: micro-precision"] == f"**{o['micro_precision']:.3f}**"
        assert cells["rules alone: no code below F1 0.60"] == f"lowest {o['min_f1']:.3f} (`{lowest_code(doc)}`)"
        # bench/RESULTS.md's rows for this set are the same figures.
        rows = bench_rows()
        assert rows[f"rules alone, macro-F1 (q7_{name})"] == f"{o['macro_f1']:.3f}"
        assert rows[f"rules alone, lowest code F1 (q7_{name})"] == f"{o['min_f1']:.3f}"
        assert rows[f"rules alone, micro-precision (q7_{name})"] == f"{o['micro_precision']:.3f}"
    if name == "test2":  # the judged set: the "met" column says yes only where the figure meets its target
        met = summary_column("met")
        for row, ok in (("rules alone: macro-F1", o["macro_f1"] >= 0.85),
                        ("rules alone: no code below F1 0.60", o["min_f1"] >= 0.60),
                        ("rules alone: micro-precision", o["micro_precision"] >= 0.85)):
            assert met[row].startswith("yes") == ok, row


SUMMARY_ROWS = ("rules alone: macro-F1", "rules alone: no code below F1 0.60", "rules alone: micro-precision",
                "rules + a model trained on 150 reviewed answers: macro-F1")


def summary_column(header_part: str) -> dict[str, str]:
    """The Summary table's cells in the column whose header contains ``header_part``, by row (the
    row's first cell up to " >=")."""
    summary = DOC.read_text(encoding="utf-8").split("## Summary")[1].split("\n## ")[0]
    lines = [line for line in summary.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    (col,) = [k for k, h in enumerate(header) if header_part in h]
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].split(" >=")[0]] = cells[col]
    assert set(rows) == set(SUMMARY_ROWS)
    return rows


def lowest_code(doc: dict) -> str:
    scored = [r for r in doc["per_code"] if r["support"] > 0]
    return min(scored, key=lambda r: r["f1"])["code_id"]


def test_summary_reports_both_test_sets_pooled():
    """The pooled column: the rules' codes of both test sets scored as one set (what bench_coder_quality
    pools), independently of the per-set runs."""
    from surveykit.coding.evaluate import score
    from surveykit.coding.rules import RuleCoder

    cb = load_codebook()
    pooled = pooled_test_sets()
    coder = RuleCoder(cb)
    sc = score(pooled, [frozenset(coder.code_ids_of(t)) for t in pooled.texts], cb.code_ids, coder="rules")
    o = sc.overall
    worst = sc.per_code[sc.per_code["support"] > 0].sort_values("f1", kind="mergesort").iloc[0]
    cells = summary_column("pooled")
    assert f"({len(pooled)} answers)" in DOC.read_text(encoding="utf-8").split("## Summary")[1].splitlines()[2]
    assert cells["rules alone: macro-F1"] == f"{o['macro_f1']:.3f}"
    assert cells["rules alone: micro-precision"] == f"{o['micro_precision']:.3f}"
    assert cells["rules alone: no code below F1 0.60"] == f"lowest {worst['f1']:.3f} (`{worst['code_id']}`)"


def pooled_test_sets():
    """Both test sets as one gold set of 504 answers (the fresh one first)."""
    from dataclasses import replace

    a, b = read_gold(GOLD / "q7_test2.csv"), read_gold(GOLD / "q7_test.csv")
    return replace(a, ids=a.ids + b.ids, texts=a.texts + b.texts, codes=a.codes + b.codes,
                   styles=a.styles + b.styles, rows=a.rows + b.rows)


def bench_rows(column: int = 2) -> dict[str, str]:
    """bench/RESULTS.md's bench_coder_quality rows: measure -> value (``column`` 4: the "met" text)."""
    rows = {}
    for line in (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| bench_coder_quality |"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[1]] = cells[column]
    return rows


# The model issue 11's last target speaks of, as docs/coding-quality.md describes it: trained on the
# first 150 answers of q7_dev.csv (their gold codes standing for the reviewer's decisions) plus the
# codebook's examples; its codes join the rules' on answers the rules left uncoded, at p >= 0.6.
REVIEWED = 150
MIN_PROBABILITY = "0.6"


@pytest.fixture(scope="module")
def model_of_150_reviewed_answers(tmp_path_factory):
    import numpy as np
    import pandas as pd

    from surveykit.coding.model import codebook_examples, model_files
    from surveykit.coding.training import fit
    from surveykit.io.model_files import write_model_dir

    cb = load_codebook()
    dev = read_gold(GOLD / "q7_dev.csv")
    y = np.array([[int(c in codes) for c in cb.code_ids] for codes in dev.codes[:REVIEWED]])
    model = fit(list(dev.texts[:REVIEWED]), y, list(cb.code_ids), question_id="q7", examples=codebook_examples(cb))
    folder = tmp_path_factory.mktemp("model") / "q7_model"
    write_model_dir(folder, model_files(model, pd.DataFrame({"code_id": []})))
    return folder, model


def test_rules_plus_model_figures_are_current(model_of_150_reviewed_answers):
    """The rules + model cells of the Summary, of the round-8 table and of bench/RESULTS.md are what
    ``code evaluate TEST --suggest MODEL --min-probability 0.6`` gives today (pooled: the same
    combination scored over both sets at once), and the Summary says the target is not shown to be
    met while the pooled figure or the first set's is below it."""
    from conftest import run_cli
    from surveykit.coding.evaluate import score
    from surveykit.coding.model import combine_codes, predict_codes
    from surveykit.coding.rules import RuleCoder

    folder, model = model_of_150_reviewed_answers
    measured = {}
    for name in ("q7_test2", "q7_test"):
        res = run_cli("code", "evaluate", GOLD / f"{name}.csv", "--suggest", folder, "--min-probability",
                      MIN_PROBABILITY, "--format", "json")
        assert res.returncode == 0, res.stderr
        doc = json.loads(res.stdout)
        assert doc["coder"] == "rules+model"
        measured[name] = doc["overall"]["macro_f1"]
    cb = load_codebook()
    pooled = pooled_test_sets()
    coder = RuleCoder(cb)
    both = combine_codes([frozenset(coder.code_ids_of(t)) for t in pooled.texts],
                         predict_codes(model, list(pooled.texts), threshold=float(MIN_PROBABILITY)))
    measured["pooled"] = score(pooled, both, cb.code_ids, coder="rules+model").overall["macro_f1"]
    fresh, first, pooled_f1 = (f"{measured[k]:.3f}" for k in ("q7_test2", "q7_test", "pooled"))

    key = "rules + a model trained on 150 reviewed answers: macro-F1"
    assert summary_column("q7_test2.csv")[key] == f"**{fresh}**"
    assert summary_column("q7_test.csv")[key] == first
    assert summary_column("pooled")[key] == pooled_f1
    rows = bench_rows()
    row = "rules + model trained on 150 reviewed answers, macro-F1"
    assert [rows[f"{row} ({k})"] for k in ("q7_test2", "q7_test", "both test sets pooled")] == [fresh, first, pooled_f1]
    if min(measured.values()) < 0.88:
        assert summary_column("met")[key].startswith("at the line, not shown")
    if 0 <= measured["q7_test2"] - 0.88 < 0.01:  # a pass by less than a few answers is not called met
        assert bench_rows(column=4)[f"{row} (q7_test2)"].startswith("at the line, not shown")
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("**Round 8: the fresh test set, measured once"):]
    assert f"| rules + model (uncoded answers only, p >= {MIN_PROBABILITY}) | **{fresh}** |" in table
    rules = rows["rules alone, macro-F1 (q7_test2)"]
    assert f"| rules (round 7) | {rules} |" in table


def test_readme_counts_of_the_fresh_test_set():
    """responses/gold/README.md's counts of q7_test2.csv are the file's."""
    g = read_gold(GOLD / "q7_test2.csv")
    readme = (GOLD / "README.md").read_text(encoding="utf-8")
    part = " ".join(readme[readme.index("## The fresh test set"):readme.index("## Format")].split())
    uses = Counter(c for codes in g.codes for c in codes)
    per_answer = Counter(min(len(codes), 3) for codes in g.codes)
    assert f"Every code has {min(uses.values())} to {max(uses.values())} uses" in part
    assert (f"{per_answer[0]} answers have no code; {per_answer[1]} have one code, {per_answer[2]} two, "
            f"{per_answer[3]} three or more") in part
    styles = Counter(s for ss in g.styles for s in ss)
    listed = dict(re.findall(r"(\w+) (\d+)", part.split("By style: ")[1].split(".")[0]))
    assert {k: int(v) for k, v in listed.items()} == dict(styles)
    assert f"| `q7_test2.csv` | {len(g)} | {per_answer[0]} |" in DOC.read_text(encoding="utf-8")


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
