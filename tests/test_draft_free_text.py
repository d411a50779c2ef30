"""A column of free text (people's answers, each its own) is recognised as text from its counts alone:
each answer is not checked against the standard scales' wording first. That check took about 6 s of a
draft of 100,000 respondents whose short free-text answers were all different (bench/RESULTS.md,
"Five more long files split; free text held as its cells, ...")."""

from __future__ import annotations

from collections import Counter

import pytest

from surveykit.draft import decide


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """The answers ``_looks_like_text`` checks against the standard scales' wording, in order."""
    seen: list[str] = []
    original = decide.standard_wording

    def counting(label, *args, **kwargs):
        seen.append(label)
        return original(label, *args, **kwargs)

    monkeypatch.setattr(decide, "standard_wording", counting)
    return seen


def test_many_different_answers_are_text_without_a_wording_check(checked):
    answers = Counter({f"Youth worker {k}": 1 for k in range(5_000)})  # short, each given once
    text, why = decide._looks_like_text(answers)
    assert text and "5000 different answers of 5000" in why
    assert checked == []


def test_a_few_answers_given_once_are_still_checked_against_the_scales(checked):
    """Twelve answers or fewer, each given once: the counts decide nothing, so the wording does ("Agree"
    is a scale point, not text), as before."""
    scale = Counter({"Strongly agree": 1, "Agree": 1, "Disagree": 1, "Strongly disagree": 1})
    assert decide._looks_like_text(scale)[0] is False
    typed = Counter({"my carer": 1, "the police": 1, "a friend": 1, "nobody": 1})
    assert decide._looks_like_text(typed)[0] is True
    assert sorted(checked) == sorted([*scale, *typed])
