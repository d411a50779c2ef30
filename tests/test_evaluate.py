"""``surveykit code evaluate``: metrics against scikit-learn, alpha against a hand computation,
confusions counted by hand, model suggestions, and bad gold files."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support

from conftest import CODEBOOKS
from surveykit.coding.codebook import load_codebook, parse_codebook
from surveykit.coding.evaluate import evaluate, score
from surveykit.coding.rules import RuleCoder
from surveykit.io.gold import read_gold
from test_gold import alpha_binary_two_coders
from test_gold_paraphrases import DEV_SET, TEST_SET


def write_gold(path, rows, header=("id", "text", "codes", "style")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def para_gold(tmp_path_factory):
    """The hand-coded paraphrase sets of test_gold_paraphrases, as one gold file."""
    rows = [(f"p{i:03d}", text, ";".join(codes), "paraphrase")
            for i, (text, codes) in enumerate(DEV_SET + TEST_SET)]
    return write_gold(tmp_path_factory.mktemp("gold") / "para.csv", rows)


def indicator(sets, labels):
    return np.array([[int(c in s) for c in labels] for s in sets])


def test_per_code_macro_and_micro_agree_with_scikit_learn(para_gold):
    cb = load_codebook()
    gold = read_gold(para_gold)
    result = evaluate(gold, cb)
    coder = RuleCoder(cb)
    predicted = [set(coder.code_ids_of(t)) for t in gold.texts]
    labels = list(cb.code_ids)
    y_true, y_pred = indicator(gold.codes, labels), indicator(predicted, labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    per = result.main.per_code.set_index("code_id").loc[labels]
    assert per["precision"].to_numpy() == pytest.approx(p)
    assert per["recall"].to_numpy() == pytest.approx(r)
    assert per["f1"].to_numpy() == pytest.approx(f)
    assert per["support"].tolist() == s.tolist()
    # Every code occurs in these sets, so the macro mean runs over all 21, as scikit-learn's does.
    _, _, macro, _ = precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    o = result.main.overall
    assert o["macro_f1"] == pytest.approx(macro)
    assert (o["micro_precision"], o["micro_recall"], o["micro_f1"]) == pytest.approx((mp, mr, mf))
    assert o["exact_match"] == pytest.approx(np.mean([set(a) == b for a, b in zip(gold.codes, predicted)]))


def test_macro_skips_codes_absent_from_gold_and_output_as_scikit_learn_does(tmp_path):
    cb = load_codebook()
    rows = [("a", "x", "debt_bondage"), ("b", "y", ""), ("c", "z", "isolation;debt_bondage")]
    gold = read_gold(write_gold(tmp_path / "g.csv", rows, header=("id", "text", "codes")))
    predicted = [frozenset({"debt_bondage"}), frozenset({"isolation"}), frozenset({"isolation"})]
    res = score(gold, predicted, cb.code_ids, coder="x")
    y_true = [["debt_bondage"], [], ["isolation", "debt_bondage"]]
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer().fit(y_true + [list(p) for p in predicted])
    _, _, macro, _ = precision_recall_fscore_support(mlb.transform(y_true), mlb.transform([list(p) for p in predicted]),
                                                     average="macro", zero_division=0)
    assert res.overall["macro_f1"] == pytest.approx(macro)
    assert res.overall["codes_scored"] == 2


def test_alpha_matches_an_independent_two_coder_computation(para_gold):
    cb = load_codebook()
    gold = read_gold(para_gold)
    result = evaluate(gold, cb)
    coder = RuleCoder(cb)
    predicted = [set(coder.code_ids_of(t)) for t in gold.texts]
    pooled = [(int(c in g), int(c in p)) for g, p in zip(gold.codes, predicted) for c in cb.code_ids]
    assert result.main.overall["alpha_pooled"] == pytest.approx(alpha_binary_two_coders(pooled))
    per = result.main.per_code.set_index("code_id")
    for c in ("trafficker_control", "isolation", "stressful_procedures"):
        pairs = [(int(c in g), int(c in p)) for g, p in zip(gold.codes, predicted)]
        assert per.loc[c, "alpha"] == pytest.approx(alpha_binary_two_coders(pairs))


def test_confusions_are_counted_as_defined(tmp_path):
    cb = load_codebook()
    rows = [("a", "t", "debt_bondage"), ("b", "t", "debt_bondage;isolation"), ("c", "t", ""), ("d", "t", "isolation")]
    gold = read_gold(write_gold(tmp_path / "g.csv", rows, header=("id", "text", "codes")))
    predicted = [frozenset({"re_trafficking"}),                  # a: re_trafficking where gold has debt (missed)
                 frozenset({"re_trafficking", "debt_bondage"}),  # b: re_trafficking where gold has debt (found) and isolation (missed)
                 frozenset({"isolation"}),                       # c: isolation where gold has no code
                 frozenset()]                                    # d: nothing where gold has isolation
    conf = score(gold, predicted, cb.code_ids, coder="x").confusions
    got = {(r.predicted, r.gold): (r.answers, r.gold_missed) for r in conf.itertuples()}
    assert got == {("re_trafficking", "debt_bondage"): (2, 1), ("re_trafficking", "isolation"): (1, 1),
                   ("isolation", "(none)"): (1, 0), ("(none)", "isolation"): (1, 1)}
    assert (conf.iloc[0]["predicted"], conf.iloc[0]["gold"]) == ("re_trafficking", "debt_bondage")


def test_cli_json_carries_the_same_figures(cli, para_gold):
    res = cli("code", "evaluate", para_gold, "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    result = evaluate(read_gold(para_gold), load_codebook())
    assert doc["overall"]["macro_f1"] == pytest.approx(result.main.overall["macro_f1"])
    assert doc["overall"]["micro_precision"] == pytest.approx(result.main.overall["micro_precision"])
    assert [r["code_id"] for r in doc["per_code"]] == list(load_codebook().code_ids)
    assert {"precision", "recall", "f1", "support", "alpha"} <= set(doc["per_code"][0])
    assert doc["summary"][0]["coder"] == "rules"
    assert len(res.stderr.strip().splitlines()) == 1 and "macro-F1" in res.stderr


def test_cli_table_lists_codes_summary_and_confusions(cli, para_gold):
    res = cli("code", "evaluate", para_gold)
    assert res.returncode == 0, res.stderr
    assert "macro-F1" in res.stdout and "Most confused pairs" in res.stdout
    for c in load_codebook().code_ids:
        assert c in res.stdout
    csv_out = cli("code", "evaluate", para_gold, "--view", "answers", "--format", "csv")
    assert csv_out.returncode == 0
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "id,gold,predicted,missed,extra,style"
    assert len(lines) == 1 + len(DEV_SET) + len(TEST_SET)
    # No answer text in the per-answer view.
    assert "traffickers" not in csv_out.stdout.lower()


def test_lexicon_and_custom_codebook_are_used(cli, tmp_path):
    doc = (CODEBOOKS / "missing_reasons.yaml").read_text(encoding="utf-8")
    gold = write_gold(tmp_path / "g.csv", [("a", "HO delays, years of them", "immigration")],
                      header=("id", "text", "codes"))
    plain = tmp_path / "plain.yaml"
    plain.write_text(doc.replace("\nlexicon:", "\nunused_lexicon:"), encoding="utf-8")
    with_lex = cli("code", "evaluate", gold, "--format", "json")
    without = cli("code", "evaluate", gold, "--codebook", plain, "--format", "json")
    assert with_lex.returncode == 0 and without.returncode == 0, (with_lex.stderr, without.stderr)
    assert json.loads(with_lex.stdout)["overall"]["micro_recall"] == 1.0
    assert json.loads(without.stdout)["overall"]["micro_recall"] == 0.0


def test_model_suggestions_alone_and_with_the_rules(tmp_path):
    import pandas as pd

    from surveykit.coding.model import suggest
    from surveykit.coding.training import train

    cb = load_codebook()
    data = DEV_SET * 3  # enough answers per code for a classifier
    answers = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(len(data))], "text": [t for t, _ in data]},
                           dtype=object)
    coded = pd.DataFrame([(f"r{i}", "q7", c, "gold") for i, (_, codes) in enumerate(data) for c in (codes or ("",))],
                         columns=["respondent_id", "question_id", "code_id", "coder"])
    coded["code_id"] = coded["code_id"].replace("", None)
    model, _ = train(answers, coded, question_id="q7", folds=3)
    gold = read_gold(write_gold(tmp_path / "g.csv", [(f"t{i}", t, ";".join(c), "") for i, (t, c) in enumerate(TEST_SET)]))
    result = evaluate(gold, cb, model=model)
    assert list(result.summary["coder"]) == ["rules", "model", "rules+model"]
    assert result.main.coder == "rules+model"
    frame = pd.DataFrame({"respondent_id": list(gold.ids), "text": list(gold.texts)}, dtype=object)
    sugg = suggest(model, frame)
    by_model = {i: set() for i in gold.ids}
    for rid, code in zip(sugg["respondent_id"], sugg["code_id"]):
        by_model[rid].add(code)
    coder = RuleCoder(cb)
    union = [set(coder.code_ids_of(t)) | by_model[i] for i, t in zip(gold.ids, gold.texts)]
    labels = list(cb.code_ids)
    _, _, macro, _ = precision_recall_fscore_support(indicator(gold.codes, labels), indicator(union, labels),
                                                     average="macro", zero_division=0)
    assert result.main.overall["macro_f1"] == pytest.approx(macro)


@pytest.mark.parametrize("content, fragment", [
    ("id,answer,codes\na,text,debt_bondage\n", "column(s) text are missing"),
    ("id,text\na,text\n", "column(s) codes are missing"),
    ("respondent_id,text,codes\na,text,\n", "column(s) id are missing"),
    ("id,text,codes\na,Traffickers call,trafficker_control;made_up_code\n", "'made_up_code' (row 2)"),
    ("id,text,codes\na,one,\na,two,\n", "used twice"),
    ("id,text,codes\na,,debt_bondage\n", "empty"),
    ("id,text,codes\n", "no answers"),
    ("", "empty"),
])
def test_bad_gold_files_give_one_line_and_exit_2(cli, tmp_path, content, fragment):
    gold = tmp_path / "bad gold.csv"
    gold.write_text(content, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    res = cli("code", "evaluate", gold)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert "bad gold.csv" in lines[0] and fragment in lines[0]
    assert res.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bad_options_exit_2(cli, para_gold, tmp_path):
    res = cli("code", "evaluate", para_gold, "--min-probability", "1.5")
    assert res.returncode == 2 and "--min-probability" in res.stderr
    res = cli("code", "evaluate", para_gold, "--suggest", tmp_path / "no-model")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1


def test_gold_reader_keeps_multiline_texts_and_styles(tmp_path):
    path = write_gold(tmp_path / "g.csv", [("a", "- traffickers\n- debt", "trafficker_control;debt_bondage", "bullets;terse")])
    g = read_gold(path)
    assert g.texts == ("- traffickers\n- debt",)
    assert g.codes == (("trafficker_control", "debt_bondage"),)
    assert g.styles == (("bullets", "terse"),)


def test_evaluate_runs_on_any_codebook(tmp_path):
    cb = parse_codebook({"id": "t", "title": "t", "themes": [{"id": "a"}],
                         "codes": [{"id": "c0", "theme": "a", "patterns": ["debt*"]}]})
    gold = read_gold(write_gold(tmp_path / "g.csv", [("a", "debts", "c0"), ("b", "no debt", "")],
                                header=("id", "text", "codes")))
    res = evaluate(gold, cb)
    assert res.main.overall["micro_precision"] == 1.0 and res.main.overall["micro_recall"] == 1.0


def test_kappa_matches_scikit_learn(para_gold):
    from sklearn.metrics import cohen_kappa_score

    cb = load_codebook()
    gold = read_gold(para_gold)
    result = evaluate(gold, cb)
    coder = RuleCoder(cb)
    predicted = [set(coder.code_ids_of(t)) for t in gold.texts]
    g = [int(c in a) for a in gold.codes for c in cb.code_ids]
    p = [int(c in b) for b in predicted for c in cb.code_ids]
    assert result.main.overall["kappa_pooled"] == pytest.approx(cohen_kappa_score(g, p))
    per = result.main.per_code.set_index("code_id")
    for c in ("trafficker_control", "isolation"):
        assert per.loc[c, "kappa"] == pytest.approx(cohen_kappa_score([int(c in a) for a in gold.codes],
                                                                      [int(c in b) for b in predicted]))


def test_a_second_coding_is_measured_on_the_answers_it_coded(cli, tmp_path):
    rows = [("a", "t1", "debt_bondage"), ("b", "t2", "isolation"), ("c", "t3", ""), ("d", "t4", "isolation")]
    gold = write_gold(tmp_path / "g.csv", rows, header=("id", "text", "codes"))
    second = tmp_path / "second.csv"
    second.write_text("id,codes,note\na,debt_bondage,\nb,,unsure\nc,,\n", encoding="utf-8")
    res = cli("code", "evaluate", gold, "--coded", second, "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["overall"]["answers"] == 3  # d was not coded a second time: it is left out
    per = {r["code_id"]: r for r in doc["per_code"]}
    assert (per["debt_bondage"]["tp"], per["isolation"]["fn"], per["isolation"]["tp"]) == (1, 1, 0)
    long = tmp_path / "long.csv"
    long.write_text("respondent_id,question_id,code_id,coder\na,q7,debt_bondage,x\nb,q7,isolation,x\n", encoding="utf-8")
    res = cli("code", "evaluate", gold, "--coded", long, "--format", "json")
    assert json.loads(res.stdout)["overall"]["micro_f1"] == 1.0
    bad = tmp_path / "bad.csv"
    bad.write_text("id,codes\nzz,debt_bondage\n", encoding="utf-8")
    res = cli("code", "evaluate", gold, "--coded", bad)
    assert res.returncode == 2 and "not in the gold set" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = cli("code", "evaluate", gold, "--coded", second, "--suggest", tmp_path)
    assert res.returncode == 2 and "--coded and --suggest" in res.stderr
