"""A rule coder and a redactor built once are reused inside a report's build (surveykit.reuse).

A report codes several fields with one codebook and picks many quotes with one redactor. Reusing
them must give exactly what a freshly built one gives, whatever was coded or redacted before; and
outside a report nothing is kept (a rule coder grows with every token it classifies)."""

from __future__ import annotations

import dataclasses
import threading

import pandas as pd

from surveykit import reuse
from surveykit.coding.answers import answers_from_responses
from surveykit.coding.codebook import load_codebook
from surveykit.coding.quotes import select_quotes
from surveykit.coding.redact import Redactor
from surveykit.reuse import reusing
from surveykit.coding.rules import RuleCoder, code_answers, iter_coded, rule_coder


def _rows(frame: pd.DataFrame):
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def _pairs(responses, field):
    answers = answers_from_responses(responses, question=field)
    return list(zip(answers.ids, answers.texts))


def test_a_shared_coder_codes_as_a_fresh_one_whatever_it_coded_before(sample_responses):
    codebook = load_codebook()
    fields = ["q7", "q2", "q4"]
    pairs = {f: _pairs(sample_responses, f) for f in fields}
    with reusing():
        # Each field coded after the others, by the shared coder, equals the field coded by a new coder.
        for order in (fields, fields[::-1]):
            for f in order:
                shared = _rows(code_answers(pairs[f], codebook, question_id=f))
                assert shared == list(iter_coded(pairs[f], RuleCoder(codebook), question_id=f)), f
        assert rule_coder(codebook) is rule_coder(codebook)


def test_outside_a_report_nothing_is_kept():
    codebook = load_codebook()
    assert rule_coder(codebook) is not rule_coder(codebook)
    with reusing():
        with reusing():  # nested blocks share what is kept
            inner = rule_coder(codebook)
        assert rule_coder(codebook) is inner
    assert rule_coder(codebook) is not inner  # let go when the outermost block ended
    assert reuse._BLOCK.get() is None


def test_a_copy_of_the_codebook_finds_the_same_coder_and_a_changed_one_does_not():
    codebook = load_codebook()
    with reusing():
        coder = rule_coder(codebook)
        assert rule_coder(dataclasses.replace(codebook)) is coder
        changed = dataclasses.replace(codebook, codes=codebook.codes[1:])
        assert rule_coder(changed) is not coder
        assert rule_coder(changed).code_ids == tuple(c.id for c in codebook.codes[1:])


def test_each_thread_has_its_own_coder():
    codebook = load_codebook()
    with reusing():
        here = rule_coder(codebook)
        there = []

        def other_thread():
            with reusing():
                there.append(rule_coder(codebook))

        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert there[0] is not here and isinstance(there[0], RuleCoder)
        assert rule_coder(codebook) is here


def test_reused_keeps_a_few_and_builds_afresh_for_an_unhashable_key():
    built = []

    def make(key):
        built.append(key)
        return object()

    assert reuse.reused("t", "a", lambda: make("a")) is not reuse.reused("t", "a", lambda: make("a"))
    with reusing():
        first = reuse.reused("t", "a", lambda: make("a"), keep=3)
        assert reuse.reused("t", "a", lambda: make("a"), keep=3) is first
        assert reuse.reused("other kind", "a", lambda: make("a")) is not first
        for key in range(3):  # pushes "a" out
            reuse.reused("t", key, lambda key=key: make(key), keep=3)
        assert reuse.reused("t", "a", lambda: make("a"), keep=3) is not first
        assert built.count("a") == 5
        unhashable = ["x"]
        one = reuse.reused("t", unhashable, lambda: make("list"))
        two = reuse.reused("t", unhashable, lambda: make("list"))
        assert one is not two and built.count("list") == 2
        assert reuse.reused("none", 1, lambda: None) is None  # None is kept like anything else
        assert reuse.reused("none", 1, lambda: make("none")) is None


def _quotes(answers, codes_of, picked, **kwargs):
    return {c: select_quotes(answers, codes_of, c, **kwargs) for c in picked}


def test_quotes_with_a_shared_redactor_are_those_of_a_fresh_one(sample_responses, monkeypatch):
    codebook = load_codebook()
    instrument = sample_responses.instrument
    answers = answers_from_responses(sample_responses, question="q7")
    coded = code_answers(zip(answers.ids, answers.texts), codebook, question_id="q7")
    codes_of: dict[str, list[str]] = {}
    for rid, code in zip(coded["respondent_id"], coded["code_id"]):
        if code:
            codes_of.setdefault(rid, []).append(code)
    picked = [c.id for c in codebook.codes][:6]
    fresh = _quotes(answers, codes_of, picked, codebook=codebook, instrument=instrument)
    built = []
    original_init = Redactor.__init__

    def counting_init(self, **kwargs):
        built.append(kwargs)
        original_init(self, **kwargs)

    monkeypatch.setattr(Redactor, "__init__", counting_init)
    with reusing():
        shared = _quotes(answers, codes_of, picked, codebook=codebook, instrument=instrument)
        assert len(built) == 1
        for c in picked:
            pd.testing.assert_frame_equal(shared[c].frame, fresh[c].frame)
            assert shared[c].redactions == fresh[c].redactions
        assert any(q.n_redactions for q in shared.values())  # the redactor did redact something
        # A different denylist or no instrument is another redactor.
        select_quotes(answers, codes_of, picked[0], codebook=codebook, instrument=instrument, denylist=["Ayesha"])
        select_quotes(answers, codes_of, picked[0], codebook=codebook)
        assert len(built) == 3
        assert built[1]["denylist"] == ("Ayesha",) and built[2]["instrument"] is None


def test_a_report_compiles_its_coder_and_builds_its_redactor_once(sample_responses, monkeypatch):
    """The sample report codes three fields, checks the codebook's examples and picks quotes for many
    codes: one rule coder and one redactor for all of it, and none kept after it."""
    import surveykit as sk

    built = {"coder": 0, "redactor": 0}
    coder_init, redactor_init = RuleCoder.__init__, Redactor.__init__

    def counting_coder(self, *args, **kwargs):
        built["coder"] += 1
        coder_init(self, *args, **kwargs)

    def counting_redactor(self, **kwargs):
        built["redactor"] += 1
        redactor_init(self, **kwargs)

    monkeypatch.setattr(RuleCoder, "__init__", counting_coder)
    monkeypatch.setattr(Redactor, "__init__", counting_redactor)
    report = sk.report(sample_responses)
    assert any(s.id == "why_missing" for s in report.sections)  # the coded section was built
    assert built == {"coder": 1, "redactor": 1}
    assert reuse._BLOCK.get() is None
