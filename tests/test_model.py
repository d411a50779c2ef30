"""Model suggestions: ``code train`` (word + character n-grams, calibrated logistic regression) and ``suggest``."""

from __future__ import annotations

import json
import random

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import KFold, StratifiedKFold

from surveykit.coding.model import suggest
from surveykit.coding.model import load_model as read_model
from surveykit.coding.training import train

CUES = {
    "debt_bondage": ["they owe a debt to the smugglers", "must pay back money for the journey",
                     "working off what they owe", "the debt keeps growing"],
    "trafficker_control": ["the traffickers keep calling them", "exploiters threaten the family back home",
                           "groomed again by the gang", "contacted by traffickers on the phone"],
    "isolation": ["feeling lonely with no friends", "isolated in the placement with nothing to do",
                  "nobody speaks their language", "they feel they do not belong"],
}
FILLER = ["this happens often", "in my experience", "especially older boys", "we see it every month",
          "it is very worrying", "staff notice it late"]


def synthetic(n: int = 90, seed: int = 7):
    """Answers built from known cue phrases, so the true codes are known."""
    rng = random.Random(seed)
    rows, coded = [], []
    codes = list(CUES)
    for i in range(n):
        rid = f"R{i:03d}"
        chosen = rng.sample(codes, rng.choice([0, 1, 1, 2])) if i % 9 else []
        parts = [rng.choice(CUES[c]) for c in chosen] + rng.sample(FILLER, 2)
        rng.shuffle(parts)
        rows.append((rid, ". ".join(parts).capitalize() + "."))
        if chosen:
            coded += [(rid, "q7", c, "ann") for c in sorted(chosen)]
        else:
            coded.append((rid, "q7", "", "ann"))
    answers = pd.DataFrame(rows, columns=["respondent_id", "text"], dtype=object)
    coded_df = pd.DataFrame(coded, columns=["respondent_id", "question_id", "code_id", "coder"])
    return answers, coded_df


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from conftest import run_cli

    tmp = tmp_path_factory.mktemp("model")
    answers, coded = synthetic()
    answers.rename(columns={"text": "answer"}).to_csv(tmp / "answers.csv", index=False)
    coded.to_csv(tmp / "coded.csv", index=False)
    # Two worker processes fit the folds of the first run; the second fits everything in one process.
    r = run_cli("code", "train", tmp / "coded.csv", "--survey", tmp / "answers.csv", "--text-column", "answer",
                "--question", "q7", "--out", tmp / "m1", "--format", "json", "--workers", "2")
    r2 = run_cli("code", "train", tmp / "coded.csv", "--survey", tmp / "answers.csv", "--text-column", "answer",
                 "--question", "q7", "--out", tmp / "m2", "--format", "csv", "--workers", "1")
    return tmp, answers, coded, r, r2


# The reference pipeline, written with scikit-learn and nltk directly from the settings the docs state:
# every word lower-cased and reduced to its Snowball stem, word 1-2-grams and char_wb 2-5-grams
# (TF-IDF, sublinear tf), logistic regression (C=4, balanced, liblinear), Platt scaling on 5-fold
# stratified out-of-fold decision values.
def ref_stems(texts):
    import re

    from nltk.stem.snowball import SnowballStemmer

    st = SnowballStemmer("english")
    return [" ".join(st.stem(w) for w in re.findall(r"\w+", t.lower())) for t in texts]


def ref_features(train_texts, test_texts):
    from scipy.sparse import hstack

    train_texts, test_texts = ref_stems(train_texts), ref_stems(test_texts)

    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", strip_accents="unicode")
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, strip_accents="unicode")
    x_train = hstack([word.fit_transform(train_texts), char.fit_transform(train_texts)]).tocsr()
    x_test = hstack([word.transform(test_texts), char.transform(test_texts)]).tocsr()
    return x_train, x_test


def ref_classifier(y):
    k = int(min(5, y.sum(), len(y) - y.sum()))
    return CalibratedClassifierCV(LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", random_state=0),
                                  method="sigmoid", cv=StratifiedKFold(k, shuffle=True, random_state=0), ensemble=False)


def labels(coded, answers, code):
    return np.array([code in set(coded.loc[coded.respondent_id == rid, "code_id"]) for rid in answers.respondent_id],
                    dtype=int)


def test_train_cli_metrics_match_independent_cv(trained):
    tmp, answers, coded, r, _ = trained
    assert r.returncode == 0, r.stderr
    metrics = {row["code_id"]: row for row in json.loads(r.stdout)["rows"]}
    assert set(metrics) == set(CUES)
    # Independent computation: the same KFold, refitting the whole pipeline in every fold.
    texts = np.array(answers["text"], dtype=object)
    for code in CUES:
        y = labels(coded, answers, code)
        pred = np.zeros_like(y)
        for tr, te in KFold(5, shuffle=True, random_state=0).split(texts):
            x_tr, x_te = ref_features(list(texts[tr]), list(texts[te]))
            pred[te] = ref_classifier(y[tr]).fit(x_tr, y[tr]).predict_proba(x_te)[:, 1] >= 0.5
        row = metrics[code]
        assert row["n_positive"] == y.sum()
        assert row["precision"] == pytest.approx(precision_score(y, pred, zero_division=0))
        assert row["recall"] == pytest.approx(recall_score(y, pred))
        assert row["f1"] == pytest.approx(f1_score(y, pred))
        assert row["f1"] > 0.8  # the cue phrases are learnable


def test_model_files_are_deterministic_json(trained):
    """The same files whatever the output format and the number of worker processes."""
    tmp, *_ , r2 = trained
    assert r2.returncode == 0, r2.stderr
    for name in ("model.json", "metrics.csv"):
        assert (tmp / "m1" / name).read_bytes() == (tmp / "m2" / name).read_bytes()
    doc = json.loads((tmp / "m1" / "model.json").read_text())
    assert doc["format"] == "surveykit-text-model" and doc["format_version"] == 3 and len(doc["codes"]) == 3
    assert doc["char_vocabulary"] and doc["calibration"]["method"].startswith("sigmoid")
    # no pickle, no joblib (beside surveykit's marker of the files it wrote, which shows any later edit)
    assert sorted(p.name for p in (tmp / "m1").iterdir()) == [".surveykit-model.json", "metrics.csv", "model.json"]


def test_loaded_model_predicts_like_sklearn_calibrated(trained):
    tmp, answers, coded, *_ = trained
    model = read_model(tmp / "m1")
    texts = list(answers["text"])
    new = ["They owe the smugglers for the journey and feel lonely.", "Nothing to add.", "Traffickers call her."]
    x, x_new = ref_features(texts, new)
    for code in CUES:
        y = labels(coded, answers, code)
        clf = ref_classifier(y).fit(x, y)
        k = list(model.codes).index(code)
        np.testing.assert_allclose(model.probabilities(new)[:, k], clf.predict_proba(x_new)[:, 1], atol=1e-8)
        np.testing.assert_allclose(model.probabilities(texts)[:, k], clf.predict_proba(x)[:, 1], atol=1e-8)


def test_calibration_improves_probabilities_on_held_out_answers():
    """Balanced class weights inflate raw probabilities of a rare code; Platt scaling brings them
    back: on answers the model never saw, the calibrated Brier score is lower."""
    from sklearn.metrics import brier_score_loss

    from surveykit.coding.training import fit

    answers, coded = synthetic(n=400, seed=11)
    texts = list(answers["text"])
    y = np.column_stack([labels(coded, answers, c) for c in CUES])
    model = fit(texts[:250], y[:250], list(CUES), question_id="q7")
    held = texts[250:]
    calibrated = model.probabilities(held)
    raw = 1 / (1 + np.exp(-model.decision(held)))
    for k, code in enumerate(model.codes):
        j = list(CUES).index(code)
        assert brier_score_loss(y[250:, j], calibrated[:, k]) <= brier_score_loss(y[250:, j], raw[:, k]) + 1e-9


def test_version_1_models_still_load(tmp_path):
    """A model folder written by earlier versions (word TF-IDF, no calibration) predicts as before:
    p = logistic(tfidf . w + b), computed here independently."""
    vocab, idf, w, b = ["debt", "lonely", "owe"], [1.5, 1.2, 2.0], [2.0, -1.0, 3.0], -1.0
    doc = {"format": "surveykit-text-model", "format_version": 1, "question_id": "q7", "n_answers": 10,
           "vocabulary": vocab, "idf": idf, "codes": [{"code_id": "debt_bondage", "intercept": b, "coef": w}]}
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "model.json").write_text(json.dumps(doc))
    model = read_model(tmp_path / "old")
    tf = np.array([np.log(1) + 1, 0, np.log(1) + 1]) * np.array(idf)  # "They owe a debt": debt and owe once
    tf = tf / np.linalg.norm(tf)
    expected = 1 / (1 + np.exp(-(tf @ np.array(w) + b)))
    assert model.probabilities(["They owe a debt"])[0, 0] == pytest.approx(expected)


def test_predict_codes_and_uncertainty(trained):
    from surveykit.coding.model import predict_codes, uncertainty

    tmp, *_ = trained
    model = read_model(tmp / "m1")
    texts = ["They owe a debt to the smugglers and feel lonely with no friends.", "", "The weather was fine."]
    sets = predict_codes(model, texts)
    assert sets[0] >= {"debt_bondage", "isolation"} and sets[1] == frozenset()
    probs = model.probabilities([texts[0], texts[2]])
    u = uncertainty(model, [texts[0], texts[2]])
    np.testing.assert_allclose(u, [max(1 - abs(2 * p - 1) for p in row) for row in probs])
    assert ((u >= 0) & (u <= 1)).all()


def test_suggest_thresholds(trained):
    tmp, answers, *_ = trained
    model = read_model(tmp / "m1")
    new = pd.DataFrame({"respondent_id": ["N1", "N2", "N3"],
                        "text": ["They owe a debt to the smugglers and feel lonely with no friends.", None,
                                 "The weather was fine."]}, dtype=object)
    s = suggest(model, new, accept_above=0.9)
    assert list(s.columns) == ["respondent_id", "question_id", "code_id", "probability", "coder", "accepted"]
    assert set(s.loc[s.respondent_id == "N1", "code_id"]) >= {"debt_bondage", "isolation"}
    assert "N2" not in set(s.respondent_id)  # blank answers get no suggestions
    assert (s.coder == "model").all() and (s.probability >= 0.5).all()
    assert (s.accepted == (s.probability > 0.9)).all()
    low = suggest(model, new, accept_above=0.0, min_probability=0.0)
    assert len(low) == 2 * len(model.codes) and low.accepted.all()


def test_few_examples_and_bad_input(cli, tmp_path):
    answers, coded = synthetic(40)
    coded = pd.concat([coded, pd.DataFrame([("R001", "q7", "rare_code", "ann")], columns=coded.columns)])
    model, metrics = train(answers, coded, question_id="q7", folds=2)
    rare = metrics.set_index("code_id").loc["rare_code"]
    assert not rare["trained"] and "rare_code" in model.skipped and "rare_code" not in model.codes
    answers.rename(columns={"text": "answer"}).to_csv(tmp_path / "a.csv", index=False)
    bad = pd.DataFrame([("GHOST1", "q7", "isolation", "ann")] + [(f"R{i:03d}", "q7", "", "ann") for i in range(10)],
                       columns=coded.columns)
    bad.to_csv(tmp_path / "bad.csv", index=False)
    r = cli("code", "train", tmp_path / "bad.csv", "--survey", tmp_path / "a.csv", "--text-column", "answer",
            "--out", tmp_path / "m")
    # GHOST1 is not id-like (it could be a name): counted, not quoted
    assert r.returncode == 2 and "1 id(s) not in the survey" in r.stderr and not (tmp_path / "m").exists()
    r = cli("code", "train", tmp_path / "bad.csv", "--survey", tmp_path / "a.csv", "--text-column", "nope",
            "--out", tmp_path / "m")
    assert r.returncode == 2 and "--text-column" in r.stderr
    cb = tmp_path / "cb.yaml"
    cb.write_text("id: t\ntitle: T\nversion: '1'\nthemes: [{id: th, label: Th}]\n"
                  "codes: [{id: isolation, label: I, theme: th}]\n")
    coded.to_csv(tmp_path / "coded.csv", index=False)
    r = cli("code", "train", tmp_path / "coded.csv", "--survey", tmp_path / "a.csv", "--text-column", "answer",
            "--codebook", cb, "--out", tmp_path / "m")
    assert r.returncode == 2 and "not in the codebook" in r.stderr and not (tmp_path / "m").exists()
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "model.json").write_text('{"format": "pickle"}')
    with pytest.raises(Exception, match="not a surveykit-text-model"):
        read_model(tmp_path / "fake")


def test_code_run_suggest_uses_model(cli, trained):
    """'surveykit code FILE --suggest MODEL --accept-above T' adds exactly suggest()'s rows (coder=model)."""
    tmp, answers, *_ = trained
    r = cli("code", tmp / "answers.csv", "--text-column", "answer", "--question", "q7", "--suggest", tmp / "m1",
            "--accept-above", "0.6", "--format", "csv")
    assert r.returncode == 0, r.stderr
    out = pd.read_csv(__import__("io").StringIO(r.stdout), dtype=str, keep_default_na=False)
    got = out[out.coder == "model"]
    expected = suggest(read_model(tmp / "m1"), answers, question_id="q7", accept_above=0.6)
    assert list(zip(got.respondent_id, got.code_id)) == list(zip(expected.respondent_id, expected.code_id))
    assert [float(p) for p in got.probability] == pytest.approx(list(expected.probability))
    # Accepted: above 0.6 AND on an answer the rules gave no code (the rules + model combination
    # of code evaluate and review); the rule coder is run here on its own to know which those are.
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.rules import RuleCoder

    coder = RuleCoder(load_codebook())
    rule_coded = {str(r) for r, t in zip(answers.respondent_id, answers.text) if coder.code_ids_of(t)}
    want = [bool(p > 0.6 and str(r) not in rule_coded) for r, p in zip(expected.respondent_id, expected.probability)]
    assert [a == "True" for a in got.accepted] == want
    assert any(p > 0.6 and not w for p, w in zip(expected.probability, want))  # held back for review
    # A codebook whose one pattern never matches: no answer is rule-coded, so every suggestion
    # above the bar is accepted.
    cb = tmp / "never.yaml"
    cb.write_text("id: never\ntitle: N\nversion: '1'\nthemes: [{id: th, label: Th}]\n"
                  "codes: [{id: isolation, label: I, theme: th, patterns: [zzqxv]}]\n")
    r = cli("code", tmp / "answers.csv", "--text-column", "answer", "--question", "q7", "--suggest", tmp / "m1",
            "--accept-above", "0.6", "--codebook", cb, "--format", "csv")
    assert r.returncode == 0, r.stderr
    out = pd.read_csv(__import__("io").StringIO(r.stdout), dtype=str, keep_default_na=False)
    got = out[out.coder == "model"]
    assert [a == "True" for a in got.accepted] == [bool(p > 0.6) for p in expected.probability]
    assert any(a == "True" for a in got.accepted)


def test_train_on_sample_gold_through_survey(cli, tmp_path, sample_responses):
    from conftest import SAMPLE_DIR, SAMPLE_SURVEY

    gold = SAMPLE_DIR / "q7_coded_gold.csv"
    if not (gold.exists() and SAMPLE_SURVEY.exists()):
        pytest.skip("sample survey or q7 gold set not present")
    r = cli("code", "train", gold, "--survey", SAMPLE_SURVEY, "--question", "q7", "--out", tmp_path / "m",
            "--codebook", "codebooks/missing_reasons.yaml", "--format", "json", "--first", "120", "--folds", "2")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    from surveykit.coding.answers import answers_from_responses

    answered = {r for r, t in answers_from_responses(sample_responses, question="q7") if t}
    g = pd.read_csv(gold, dtype=str, keep_default_na=False)
    g = g[g.respondent_id.isin(answered)]  # answers blank in the survey cannot train the model
    g = g[g.respondent_id.isin(list(dict.fromkeys(g.respondent_id))[:120])]  # --first 120
    counts = g[g.code_id != ""].groupby("code_id").respondent_id.nunique()
    assert {x["code_id"]: x["n_positive"] for x in rows if x["n_positive"]} == counts.to_dict()
    model = read_model(tmp_path / "m")
    assert model.question_id == "q7" and set(model.codes) <= set(counts.index)


def test_train_from_a_gold_set_with_first_n(cli, tmp_path):
    """A gold-format file (id, text, codes) trains without --survey; --first N keeps the first N."""
    answers, coded = synthetic(60)
    gold = pd.DataFrame({"id": answers.respondent_id, "text": answers.text,
                         "codes": [";".join(sorted(set(coded.loc[coded.respondent_id == r, "code_id"]) - {""}))
                                   for r in answers.respondent_id],
                         "style": "plain"})
    gold.to_csv(tmp_path / "gold.csv", index=False)
    r = cli("code", "train", tmp_path / "gold.csv", "--out", tmp_path / "m", "--first", "40", "--format", "json",
            "--folds", "2")
    assert r.returncode == 0, r.stderr
    model = read_model(tmp_path / "m")
    assert model.n_answers == 40 and model.question_id == "q7"
    rows = {x["code_id"]: x["n_positive"] for x in json.loads(r.stdout)["rows"]}
    first40 = set(answers.respondent_id[:40])
    expected = coded[coded.respondent_id.isin(first40) & (coded.code_id != "")].groupby("code_id").size().to_dict()
    assert rows == expected
    r = cli("code", "train", tmp_path / "gold.csv", "--out", tmp_path / "m2", "--survey", tmp_path / "gold.csv")
    assert r.returncode == 2 and "leave out --survey" in r.stderr and not (tmp_path / "m2").exists()


def test_train_never_replaces_a_folder_it_did_not_write(cli, tmp_path):
    answers, coded = synthetic(40)
    answers.rename(columns={"text": "answer"}).to_csv(tmp_path / "a.csv", index=False)
    coded.to_csv(tmp_path / "coded.csv", index=False)
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious")
    r = cli("code", "train", tmp_path / "coded.csv", "--survey", tmp_path / "a.csv", "--text-column", "answer",
            "--out", mine)
    assert r.returncode == 2 and "not a model folder written by surveykit" in r.stderr
    assert (mine / "thesis.txt").read_text() == "precious"
    r = cli("code", "train", tmp_path / "coded.csv", "--survey", tmp_path / "a.csv", "--text-column", "answer",
            "--out", tmp_path / "m", "--folds", "2")
    assert r.returncode == 0, r.stderr
    r = cli("code", "train", tmp_path / "coded.csv", "--survey", tmp_path / "a.csv", "--text-column", "answer",
            "--out", tmp_path / "m", "--folds", "2")  # its own model folder is replaced
    assert r.returncode == 0, r.stderr


def test_calibrated_fit_computes_what_calibrated_classifier_cv_computes():
    """``calibrated_fit`` skips CalibratedClassifierCV's machinery; its numbers must be scikit-learn's
    on real answers (the development gold set, every code with enough examples): the classifier's
    weights bit for bit, Platt's pair to the last bit or so."""
    import csv

    from conftest import ROOT
    from surveykit.coding.model import stemmed
    from surveykit.coding.training import calibrated_fit

    rows = list(csv.DictReader((ROOT / "responses" / "gold" / "q7_dev.csv").open(encoding="utf-8")))[:120]
    texts = stemmed([r["text"] for r in rows])
    x, _ = ref_features(texts, texts[:1])
    checked = 0
    for code in sorted({c for r in rows for c in r["codes"].split(";") if c}):
        y = np.array([code in r["codes"].split(";") for r in rows], dtype=int)
        if min(y.sum(), len(y) - y.sum()) < 3:
            continue
        ref = ref_classifier(y).fit(x, y).calibrated_classifiers_[0]
        clf, a, b = calibrated_fit(x, y)
        assert np.array_equal(clf.coef_, ref.estimator.coef_) and np.array_equal(clf.intercept_, ref.estimator.intercept_)
        # Platt's fit (scipy's L-BFGS-B) repeats itself only to about the last bit: the same
        # CalibratedClassifierCV fit in one process gave a = -2.627823943423177, then ...178.
        assert a == pytest.approx(ref.calibrators[0].a_, rel=1e-13, abs=0)
        assert b == pytest.approx(ref.calibrators[0].b_, rel=1e-13, abs=1e-15)
        checked += 1
    assert checked >= 10


def test_a_fitted_model_is_what_its_json_reads_back_as():
    from surveykit.coding.model import TextModel, _r, _rounded
    from surveykit.coding.training import fit

    answers, coded = synthetic()
    y = np.column_stack([labels(coded, answers, c) for c in CUES])
    model = fit(list(answers["text"]), y, list(CUES), question_id="q7")
    assert TextModel.from_json(model.to_json()) == model
    values = [0.0, -0.0, 1.0, -1e-300, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -123456.789012345678, 2.0 ** -30]
    rng = random.Random(3)
    values += [rng.uniform(-20, 20) * 10 ** rng.randint(-12, 12) for _ in range(2000)]
    assert _rounded(values) == tuple(_r(v) for v in values)
    assert [str(v) for v in _rounded(values)] == [str(_r(v)) for v in values]  # -0.0 stays -0.0


def test_train_workers_must_be_a_positive_whole_number(cli, tmp_path):
    answers, coded = synthetic(30)
    answers.rename(columns={"text": "answer"}).to_csv(tmp_path / "a.csv", index=False)
    coded.to_csv(tmp_path / "coded.csv", index=False)
    r = cli("code", "train", tmp_path / "coded.csv", "--survey", tmp_path / "a.csv", "--text-column", "answer",
            "--out", tmp_path / "m", "--workers", "0")
    assert r.returncode == 2
    assert "workers must be a whole number of at least 1; got 0" in r.stderr
    assert not (tmp_path / "m").exists()
