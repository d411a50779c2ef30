"""Instruments and scales are hashed on a few identifying fields (their look-ups are cached per
instrument, and the cache hashes its argument on every call). The hash must still agree with ==, and
two instruments that share those fields but differ in a question must keep their own look-ups."""

from __future__ import annotations

import dataclasses

import pytest

import surveykit as sk
from surveykit.errors import SurveykitError


def test_equal_instruments_hash_alike_and_lookups_stay_apart():
    inst = sk.load_instrument()
    again = sk.load_instrument()
    assert inst == again and hash(inst) == hash(again)
    first = inst.questions[0]
    renamed = dataclasses.replace(first, id="q_renamed")
    other = dataclasses.replace(inst, questions=(renamed, *inst.questions[1:]))
    assert other != inst and hash(other) == hash(inst)  # same id, version and number of questions
    assert other.question("q_renamed") is renamed and not other.has_question(first.id)
    assert inst.question(first.id) is first and not inst.has_question("q_renamed")
    with pytest.raises(SurveykitError):
        inst.question("q_renamed")
    assert {inst: "a", other: "b"}[other] == "b"


def test_equal_scales_hash_alike_and_match_their_own_options():
    scale = next(q.scale for q in sk.load_instrument().questions if q.scale is not None)
    relabelled = dataclasses.replace(scale, options=tuple(dataclasses.replace(o, label=o.label + " (new)", aliases=())
                                                          for o in scale.options))
    assert relabelled != scale and hash(relabelled) == hash(scale)
    label = scale.options[0].label
    assert scale.match(label) is scale.options[0]
    assert relabelled.match(label) is None and relabelled.match(label + " (new)") is relabelled.options[0]
