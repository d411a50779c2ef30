"""The human-coded gold set for q7 and the rule coder's quality on it.

responses/sample/q7_coded_gold.csv was coded by reading each answer against the codebook's
definitions (not by running the rules). Here the rules are run through the CLI, macro-F1 is computed
in the test, and Krippendorff's alpha comes from `surveykit agree` and from an independent
implementation below. docs/coding-quality.md must show the same per-code figures.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re

import pandas as pd
import pytest

from conftest import ROOT, SAMPLE_DIR, SAMPLE_SURVEY
from surveykit.coding.codebook import load_codebook

GOLD = SAMPLE_DIR / "q7_coded_gold.csv"
DOC = ROOT / "docs" / "coding-quality.md"
# sha256 of "respondent_id<TAB>q7 text<NEWLINE>" over the gold's respondents (sorted) when they were
# coded. If the sample generator changes these texts, the gold must be re-checked by reading.
GOLD_TEXTS_SHA256 = "df8f2a55bb09c95e9d869add29e12f499e01c392f576ff025039ed0f2c7dd9f9"

pytestmark = pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="sample survey not generated yet")


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return pd.read_csv(GOLD, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def texts(sample_responses_module) -> dict[str, str]:
    data = sample_responses_module.data
    return {str(r): t for r, t in zip(data["respondent_id"], data["q7"]) if t is not None and not pd.isna(t)}


@pytest.fixture(scope="module")
def rules_run(tmp_path_factory):
    from conftest import run_cli

    out = tmp_path_factory.mktemp("gold") / "rules.csv"
    res = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--out", out, "--view", "frequency")
    assert res.returncode == 0, res.stderr
    agree = run_cli("agree", GOLD, out, "--format", "json", "--no-suppress")  # figures checked by hand below
    assert agree.returncode == 0, agree.stderr
    return pd.read_csv(out, dtype=str, keep_default_na=False), json.loads(agree.stdout)


def code_sets(frame: pd.DataFrame) -> dict[str, set[str]]:
    out: dict[str, set[str]] = collections.defaultdict(set)
    for rid, code in zip(frame["respondent_id"], frame["code_id"]):
        out[rid]
        if code:
            out[rid].add(code)
    return dict(out)


def per_code_scores(gold_sets, rule_sets, codes):
    rows = {}
    for c in codes:
        tp = sum(1 for r in gold_sets if c in gold_sets[r] and c in rule_sets.get(r, set()))
        fp = sum(1 for r in gold_sets if c not in gold_sets[r] and c in rule_sets.get(r, set()))
        fn = sum(1 for r in gold_sets if c in gold_sets[r] and c not in rule_sets.get(r, set()))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        rows[c] = {"n": tp + fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return rows


def alpha_binary_two_coders(pairs: list[tuple[int, int]]) -> float:
    """Krippendorff's alpha, nominal, two coders, no missing values (coincidence matrix by hand)."""
    o = collections.Counter()
    for a, b in pairs:
        o[(a, b)] += 1
        o[(b, a)] += 1
    n = 2 * len(pairs)
    n_c = collections.Counter()
    for (a, _), v in o.items():
        n_c[a] += v
    d_o = sum(v for (a, b), v in o.items() if a != b)
    d_e = sum(n_c[a] * n_c[b] for a in n_c for b in n_c if a != b) / (n - 1)
    return 1 - d_o / d_e


def test_alpha_helper_reproduces_krippendorffs_worked_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section B: two observers,
    # ten units, binary data -> alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert alpha_binary_two_coders(list(zip(a, b))) == pytest.approx(0.095, abs=5e-4)


def test_gold_file_is_well_formed(gold, texts):
    assert list(gold.columns) == ["respondent_id", "question_id", "code_id", "coder"]
    assert set(gold["coder"]) == {"gold"} and set(gold["question_id"]) == {"q7"}
    assert set(gold["code_id"]) - {""} <= set(load_codebook().code_ids)
    sets = code_sets(gold)
    assert len(sets) >= 150
    for rid, rows in gold.groupby("respondent_id"):
        assert rid in texts and str(texts[rid]).strip(), rid
        codes = list(rows["code_id"])
        assert codes == [""] or ("" not in codes and len(set(codes)) == len(codes)), rid
    # Every code of the codebook occurs in the gold, so each gets a precision and recall.
    assert {c for s in sets.values() for c in s} == set(load_codebook().code_ids)


def test_gold_still_matches_the_sample_texts(gold, texts):
    ids = sorted(set(gold["respondent_id"]))
    digest = hashlib.sha256("".join(f"{i}\t{texts[i]}\n" for i in ids).encode()).hexdigest()
    assert digest == GOLD_TEXTS_SHA256, (
        "the sample's q7 texts changed since the gold was coded: re-check the gold by reading")


def test_rule_coder_reaches_the_quality_bar_on_the_gold(gold, rules_run):
    rules, agree = rules_run
    cb = load_codebook()
    gold_sets, rule_sets = code_sets(gold), code_sets(rules)
    assert set(gold_sets) <= set(rule_sets)  # the rules saw every gold answer
    scores = per_code_scores(gold_sets, rule_sets, cb.code_ids)
    macro_f1 = sum(s["f1"] for s in scores.values()) / len(scores)
    assert macro_f1 >= 0.85
    pairs = [(int(c in gold_sets[r]), int(c in rule_sets[r])) for r in gold_sets for c in cb.code_ids]
    alpha = alpha_binary_two_coders(pairs)
    assert alpha >= 0.8
    # The agree command (Krippendorff's alpha pooled over answer x code) gives the same value.
    assert agree["overall"]["pooled_alpha"] == pytest.approx(alpha, abs=1e-9)
    assert agree["overall"]["units"] == len(gold_sets)


def test_quality_doc_shows_the_current_figures(gold, rules_run):
    rules, _ = rules_run
    cb = load_codebook()
    scores = per_code_scores(code_sets(gold), code_sets(rules), cb.code_ids)
    text = DOC.read_text(encoding="utf-8")
    text = text[text.index("## The old gold set"):]  # the new gold sets have tables of their own
    for c, s in scores.items():
        m = re.search(rf"^\| `{c}` \| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", text, re.MULTILINE)
        assert m, f"{c} missing from {DOC.name}"
        assert int(m.group(1)) == s["n"]
        assert [float(x) for x in m.groups()[1:]] == pytest.approx(
            [round(s["precision"], 2), round(s["recall"], 2), round(s["f1"], 2)], abs=0.005)
