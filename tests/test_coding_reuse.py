"""A rule coder and a redactor built once are reused (coding.reuse): same results, fewer builds.

A report codes several fields with one codebook and picks many quotes with one redactor. Reusing
them must give exactly what a freshly built one gives, whatever was coded or redacted before."""

from __future__ import annotations

import dataclasses
import threading

import pandas as pd

from surveykit.coding import reuse
from surveykit.coding.answers import answers_from_responses
from surveykit.coding.codebook import load_codebook
from surveykit.coding.quotes import select_quotes
from surveykit.coding.rules import RuleCoder, code_answers, iter_coded, rule_coder


def _coded_fresh(pairs, codebook, question):
    rows = list(iter_coded(pairs, RuleCoder(codebook), question_id=question))
    return [tuple(None if v is None else v for v in row) for row in rows]


def _rows(frame: pd.DataFrame):
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def test_a_shared_coder_codes_as_a_fresh_one_whatever_it_coded_before(sample_responses):
    codebook = load_codebook()
    fields = ["q7", "q2", "q4"]
    pairs = {f: list(zip(*(lambda a: (a.ids, a.texts))(answers_from_responses(sample_responses, question=f))))
             for f in fields}
    # Each field coded after the others, by the shared coder, equals the field coded by a new coder.
    for order in (fields, fields[::-1]):
        for f in order:
            shared = _rows(code_answers(pairs[f], codebook, question_id=f))
            assert shared == _coded_fresh(pairs[f], codebook, f), f
    assert rule_coder(codebook) is rule_coder(codebook)


def test_a_copy_of_the_codebook_finds_the_same_coder_and_a_changed_one_does_not():
    codebook = load_codebook()
    coder = rule_coder(codebook)
    assert rule_coder(dataclasses.replace(codebook)) is coder
    changed = dataclasses.replace(codebook, codes=codebook.codes[1:])
    assert rule_coder(changed) is not coder
    assert rule_coder(changed).code_ids == tuple(c.id for c in codebook.codes[1:])


def test_each_thread_has_its_own_coder():
    codebook = load_codebook()
    here = rule_coder(codebook)
    there = []
    worker = threading.Thread(target=lambda: there.append(rule_coder(codebook)))
    worker.start()
    worker.join()
    assert there[0] is not here and isinstance(there[0], RuleCoder)


def test_reused_keeps_a_few_and_builds_afresh_for_an_unhashable_key():
    store = threading.local()
    built = []

    def make(key):
        built.append(key)
        return object()

    first = reuse.reused(store, "a", lambda: make("a"))
    assert reuse.reused(store, "a", lambda: make("a")) is first
    for key in range(reuse.KEEP):  # pushes "a" out
        reuse.reused(store, key, lambda key=key: make(key))
    assert reuse.reused(store, "a", lambda: make("a")) is not first
    assert built.count("a") == 2
    unhashable = ["x"]
    one = reuse.reused(store, unhashable, lambda: make("list"))
    two = reuse.reused(store, unhashable, lambda: make("list"))
    assert one is not two and built.count("list") == 2


def test_quotes_picked_twice_with_one_redactor_are_the_same(sample_responses):
    codebook = load_codebook()
    answers = answers_from_responses(sample_responses, question="q7")
    coded = code_answers(zip(answers.ids, answers.texts), codebook, question_id="q7")
    codes_of: dict[str, list[str]] = {}
    for rid, code in zip(coded["respondent_id"], coded["code_id"]):
        if code:
            codes_of.setdefault(rid, []).append(code)
    picked = [c.id for c in codebook.codes][:6]
    first = {c: select_quotes(answers, codes_of, c, codebook=codebook, instrument=sample_responses.instrument)
             for c in picked}
    again = {c: select_quotes(answers, codes_of, c, codebook=codebook, instrument=sample_responses.instrument)
             for c in reversed(picked)}
    for c in picked:
        pd.testing.assert_frame_equal(first[c].frame, again[c].frame)
        assert first[c].redactions == again[c].redactions
    assert any(q.n_redactions for q in first.values())  # the redactor did redact something
