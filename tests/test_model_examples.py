"""Model version 3 (issue 11, point 4): stemmed features, extra training examples from the codebook,
and version 2 model folders that still score as written."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from surveykit.coding.codebook import load_codebook
from surveykit.coding.model import codebook_examples, load_model, model_files, stemmed
from surveykit.coding.training import fit, train
from surveykit.io.model_files import write_model_dir

ANSWERS = [
    ("r1", "They owe the smugglers for the crossing."), ("r2", "Lonely with no friends."),
    ("r3", "Debts to the agents keep growing."), ("r4", "Nobody speaks their language."),
    ("r5", "Paying back the cost of the journey."), ("r6", "Nothing to do all day, bored."),
    ("r7", "Money owed to the traffickers."), ("r8", "Feels isolated in the placement."),
    ("r9", "No particular reason."), ("r10", "Don't know."),
]
CODED = [("r1", "debt_bondage"), ("r2", "isolation"), ("r3", "debt_bondage"), ("r4", "isolation"),
         ("r5", "debt_bondage"), ("r6", "isolation"), ("r7", "debt_bondage"), ("r8", "isolation"),
         ("r9", ""), ("r10", "")]


def frames():
    answers = pd.DataFrame(ANSWERS, columns=["respondent_id", "text"], dtype=object)
    coded = pd.DataFrame([(r, "q7", c, "ann") for r, c in CODED],
                         columns=["respondent_id", "question_id", "code_id", "coder"], dtype=object)
    return answers, coded


def test_stemmed_reads_every_word_as_its_snowball_stem():
    from nltk.stem.snowball import SnowballStemmer

    st = SnowballStemmer("english")
    text = "Threatened, THREATENING and threats: they're owed money!"
    assert stemmed([text]) == [" ".join(st.stem(w) for w in re.findall(r"\w+", text.lower()))]
    assert stemmed(["threatened"]) == stemmed(["threatening"])


def test_codebook_examples_come_from_the_codebook():
    cb = load_codebook()
    pairs = codebook_examples(cb)
    for code in cb.codes:
        texts = [t for t, c in pairs if c == code.id]
        assert set(code.examples) <= set(texts) and set(code.include) <= set(texts)
        assert any(code.definition in t for t in texts)
    assert {c for _, c in pairs} == set(cb.code_ids)


def test_examples_give_a_code_without_reviewed_answers_a_classifier(tmp_path):
    answers, coded = frames()
    extra = [("The exploiters keep phoning him.", "trafficker_control"),
             ("Threats to the family back home.", "trafficker_control"),
             ("Groomed by the gang again.", "trafficker_control"),
             ("A code the model was not asked for.", "not_a_code")]
    codes = ["debt_bondage", "isolation", "trafficker_control"]
    plain, _ = train(answers, coded, question_id="q7", codes=codes, folds=2)
    model, metrics = train(answers, coded, question_id="q7", codes=codes, folds=2, examples=extra)
    assert "trafficker_control" not in plain.codes and "trafficker_control" in model.codes
    assert model.n_answers == 10 and model.n_examples == 3  # the unknown code's example is ignored
    # The cross-validated metrics score reviewed answers only: no answer has trafficker_control.
    row = metrics.set_index("code_id").loc["trafficker_control"]
    assert row["n_positive"] == 0
    # Saved and read back, the model is the same and says how it was trained.
    write_model_dir(tmp_path / "m", model_files(model, metrics))
    back = load_model(tmp_path / "m")
    assert back == model
    doc = json.loads((tmp_path / "m" / "model.json").read_text())
    assert doc["format_version"] == 3 and doc["n_examples"] == 3 and doc["text"] == "snowball stems"


def test_version_2_models_score_the_text_as_written(tmp_path):
    """A version 2 folder (no stems) is read as version 2: its features see the words as written."""
    answers, coded = frames()
    model, metrics = train(answers, coded, question_id="q7", folds=2)
    write_model_dir(tmp_path / "m", model_files(model, metrics))
    path = tmp_path / "m" / "model.json"
    doc = json.loads(path.read_text())
    # As version 2 wrote it: a vocabulary of words as written.
    doc["format_version"] = 2
    doc["word_vocabulary"] = ["threatened", "threaten"] + doc["word_vocabulary"][2:]
    path.write_text(json.dumps(doc))
    old = load_model(tmp_path / "m")
    assert old.version == 2
    x = old.features(["threatened"]).toarray()[0]
    assert x[0] > 0 and x[1] == 0  # kept as written; version 3 would read "threaten"
    assert json.loads(old.to_json())["format_version"] == 2


def test_fit_with_no_examples_is_unchanged_by_the_option():
    answers, coded = frames()
    texts = list(answers["text"])
    y = np.array([[int(c == k) for k in ("debt_bondage", "isolation")] for _, c in CODED])
    a = fit(texts, y, ["debt_bondage", "isolation"], question_id="q7")
    b = fit(texts, y, ["debt_bondage", "isolation"], question_id="q7", examples=())
    assert a == b and a.n_examples == 0


def test_evaluate_cli_reads_a_version_3_model(cli, tmp_path):
    answers, coded = frames()
    model, metrics = train(answers, coded, question_id="q7", folds=2,
                           examples=codebook_examples(load_codebook()))
    write_model_dir(tmp_path / "m", model_files(model, metrics))
    gold = tmp_path / "gold.csv"
    gold.write_text("id,text,codes\ng1,They owe money to the smugglers,debt_bondage\ng2,So lonely,isolation\n"
                    "g3,No idea,\n", encoding="utf-8")
    res = cli("code", "evaluate", str(gold), "--suggest", str(tmp_path / "m"), "--view", "summary",
              "--format", "json")
    assert res.returncode == 0, res.stderr
    coders = {r["coder"] for r in json.loads(res.stdout)["rows"]}
    assert coders == {"rules", "model", "rules+model"}


def test_code_train_with_a_codebook_learns_from_its_examples(cli, tmp_path):
    """`code train --codebook` adds the codebook's examples (the path the bench measures);
    --no-examples trains on the coded answers alone."""
    answers, coded = frames()
    answers.rename(columns={"text": "answer"}).to_csv(tmp_path / "a.csv", index=False)
    coded.to_csv(tmp_path / "coded.csv", index=False)
    cb_path = "codebooks/missing_reasons.yaml"
    expected = len(codebook_examples(load_codebook(cb_path)))
    base = ("code", "train", tmp_path / "coded.csv", "--survey", tmp_path / "a.csv", "--text-column", "answer",
            "--codebook", cb_path, "--folds", "2")
    r = cli(*base, "--out", tmp_path / "with")
    assert r.returncode == 0, r.stderr
    assert f"{expected} codebook example(s) added" in r.stderr
    model = load_model(tmp_path / "with")
    assert model.n_answers == 10 and model.n_examples == expected
    # Codes nobody coded yet get a classifier from the examples alone.
    assert set(model.codes) > {"debt_bondage", "isolation"}
    r = cli(*base, "--no-examples", "--out", tmp_path / "without")
    assert r.returncode == 0, r.stderr
    model = load_model(tmp_path / "without")
    assert model.n_examples == 0 and sorted(model.codes) == ["debt_bondage", "isolation"]


def test_review_retrains_with_the_codebook_examples():
    from surveykit.coding.journal import Coding
    from surveykit.coding.review import ReviewSession, build_items, retrain

    cb = load_codebook("codebooks/missing_reasons.yaml")
    items = build_items(ANSWERS, cb, question_id="q7")
    session = ReviewSession.resume(items, None, coder="ann")
    for k, (rid, code) in enumerate(CODED):
        session.decide(k, [Coding(code)] if code else [])
    plain = retrain(session, question_id="q7")
    assert plain is not None and sorted(plain.codes) == ["debt_bondage", "isolation"] and plain.n_examples == 0
    ex = codebook_examples(cb)
    learnt = retrain(session, question_id="q7", examples=ex)
    assert learnt is not None and learnt.n_examples == len(ex) and learnt.n_answers == 10
    assert set(learnt.codes) > {"debt_bondage", "isolation"}
