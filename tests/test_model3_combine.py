"""Rules plus model (issue 11, points 3-4): a model code joins the rules' codes only on an answer the
rules left uncoded (``combine="uncoded"``, the default), or on every answer (``"union"``), the same
in ``code evaluate``, the library and the CLI. Scores are checked against scikit-learn on code sets
built here from the rule coder and the model's own probabilities."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_recall_fscore_support

from surveykit.coding.codebook import load_codebook
from surveykit.coding.evaluate import evaluate
from surveykit.coding.model import MIN_PROBABILITY, combine_codes, model_files, suggest
from surveykit.coding.training import train
from surveykit.coding.rules import RuleCoder
from surveykit.errors import UsageError
from surveykit.io.model_files import write_model_dir
from surveykit.io.gold import read_gold
from tests.test_model import synthetic

# Narrow rules: each code has one word, so many of the synthetic cue phrases are missed by the rules
# and only the model can find them.
CODEBOOK = """\
id: narrow
title: Narrow
version: "1"
themes:
  - {id: th, label: Th}
codes:
  - {id: debt_bondage, label: Debt bondage, theme: th, patterns: ["debt"]}
  - {id: trafficker_control, label: Trafficker control, theme: th, patterns: ["gang"]}
  - {id: isolation, label: Isolation, theme: th, patterns: ["lonely"]}
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("combine")
    (tmp / "cb.yaml").write_text(CODEBOOK)
    answers, coded = synthetic(90, seed=7)
    model, metrics = train(answers, coded, question_id="q7")
    write_model_dir(tmp / "model", model_files(model, metrics))
    gold_answers, gold_coded = synthetic(60, seed=11)
    codes = {r: [] for r in gold_answers.respondent_id}
    for r, c in zip(gold_coded.respondent_id, gold_coded.code_id):
        if c:
            codes[r].append(c)
    with open(tmp / "gold.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "codes"])
        for r, t in zip(gold_answers.respondent_id, gold_answers.text):
            w.writerow([r, t, ";".join(codes[r])])
    return tmp, model


def by_hand(gold, cb, model, t, combine):
    """Rules + model code sets built from the rule coder and model.probabilities directly."""
    coder = RuleCoder(cb)
    probs = model.probabilities(list(gold.texts))
    out = []
    for text, row in zip(gold.texts, probs):
        rules = set(coder.code_ids_of(text))
        mod = {c for c, p in zip(model.codes, row) if p >= t}
        out.append(rules if (rules and combine == "uncoded") else rules | mod)
    return out


def sk_macro(gold, sets, labels):
    y_true = np.array([[int(c in s) for c in labels] for s in gold.codes])
    y_pred = np.array([[int(c in s) for c in labels] for s in sets])
    keep = (y_true.sum(axis=0) + y_pred.sum(axis=0)) > 0
    f = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)[2]
    p = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)[0]
    return float(f[keep].mean()), float(p)


def test_combine_codes_by_hand():
    rules = [frozenset({"a"}), frozenset(), frozenset({"b"}), frozenset()]
    model = [frozenset({"c"}), frozenset({"c", "d"}), frozenset({"b"}), frozenset()]
    assert combine_codes(rules, model) == [{"a"}, {"c", "d"}, {"b"}, set()]
    assert combine_codes(rules, model, combine="union") == [{"a", "c"}, {"c", "d"}, {"b"}, set()]
    with pytest.raises(UsageError, match="combine must be one of 'uncoded', 'union'; got 'both'"):
        combine_codes(rules, model, combine="both")


@pytest.mark.parametrize("combine", ["uncoded", "union"])
def test_evaluate_rules_plus_model_matches_scikit_learn(setup, combine):
    tmp, model = setup
    cb = load_codebook(tmp / "cb.yaml")
    gold = read_gold(tmp / "gold.csv")
    result = evaluate(gold, cb, model=model, min_probability=0.6, combine=combine)
    sets = by_hand(gold, cb, model, 0.6, combine)
    got = result.coders["rules+model"].answers["predicted"].map(lambda s: set(s.split(";")) - {""}).tolist()
    assert got == sets
    macro, micro_p = sk_macro(gold, sets, list(cb.code_ids))
    assert result.coders["rules+model"].overall["macro_f1"] == pytest.approx(macro)
    assert result.coders["rules+model"].overall["micro_precision"] == pytest.approx(micro_p)


def test_the_two_combinations_differ_on_this_data(setup):
    """The data must tell the combinations apart, or the tests above could not fail."""
    tmp, model = setup
    cb = load_codebook(tmp / "cb.yaml")
    gold = read_gold(tmp / "gold.csv")
    a, b = by_hand(gold, cb, model, 0.6, "uncoded"), by_hand(gold, cb, model, 0.6, "union")
    assert a != b
    rules = [set(RuleCoder(cb).code_ids_of(t)) for t in gold.texts]
    assert any(not r and s for r, s in zip(rules, a))  # the model filled in an uncoded answer


def test_default_threshold_is_min_probability(setup):
    tmp, model = setup
    cb = load_codebook(tmp / "cb.yaml")
    gold = read_gold(tmp / "gold.csv")
    assert MIN_PROBABILITY == 0.6
    a = evaluate(gold, cb, model=model).summary
    b = evaluate(gold, cb, model=model, min_probability=0.6, combine="uncoded").summary
    pd.testing.assert_frame_equal(a, b)


def test_suggest_holds_back_rule_coded_answers(setup):
    _, model = setup
    answers, _ = synthetic(30, seed=3)
    free = suggest(model, answers, accept_above=0.5)
    held = suggest(model, answers, accept_above=0.5, rule_coded=["R001", "R002"])
    union = suggest(model, answers, accept_above=0.5, rule_coded=["R001", "R002"], combine="union")
    assert list(union.accepted) == list(free.accepted)
    assert list(held.accepted) == [a and r not in ("R001", "R002") for r, a in zip(free.respondent_id, free.accepted)]
    assert list(held.accepted) != list(free.accepted)
    with pytest.raises(UsageError, match="combine must be one of"):
        suggest(model, answers, combine="all")


def test_cli_evaluate_combine(cli, setup):
    tmp, model = setup
    cb = load_codebook(tmp / "cb.yaml")
    gold = read_gold(tmp / "gold.csv")

    def summary(*extra):
        r = cli("code", "evaluate", tmp / "gold.csv", "--codebook", tmp / "cb.yaml", "--suggest", tmp / "model",
                "--view", "summary", "--format", "csv", *extra)
        assert r.returncode == 0, r.stderr
        return pd.read_csv(io.StringIO(r.stdout)).set_index("coder")

    default = summary()
    for combine, t, frame in (("uncoded", 0.6, default), ("union", 0.6, summary("--combine", "union")),
                              ("union", 0.8, summary("--combine", "union", "--min-probability", "0.8"))):
        macro, micro_p = sk_macro(gold, by_hand(gold, cb, model, t, combine), list(cb.code_ids))
        assert frame.loc["rules+model", "macro_f1"] == pytest.approx(macro, abs=1e-4)
        assert frame.loc["rules+model", "micro_precision"] == pytest.approx(micro_p, abs=1e-4)
    r = cli("code", "evaluate", tmp / "gold.csv", "--codebook", tmp / "cb.yaml", "--suggest", tmp / "model",
            "--combine", "both")
    assert r.returncode == 2 and "--combine" in r.stderr and "'uncoded', 'union'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = cli("code", "evaluate", "--help")
    assert "--combine" in r.stdout
