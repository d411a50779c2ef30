"""Two shortcuts of the name finder (issue 14: redaction is most of `code export`'s time at 100,000
respondents, and part of `quotes` and the report) against their definitions:

* ``names.tokenize`` works out each distinct word once (``_word_fields``, kept by the word) and still
  makes a new Tok for each occurrence: the tokens are those of the word-by-word definition below,
  whatever the cache holds or when it is emptied;
* ``NameFinder._keep_len`` answers 0 at once for a word that starts no term to keep: the longer of
  the two phrase look-ups, as defined.
"""

from __future__ import annotations

import random

import pytest

from surveykit.coding.redact import names
from surveykit.coding.redact.banks import banks, extra_keep, fold

WORDS = ("FATIMA ALI said JOHN SMITH's carer Mr. Hoxha told DC kowalski \"Grace\" (Will) 'Reading' in READING to "
         "Leeds POLICE van der Berg O'Neill Jean-Luc ‘Amina’ NRM LA spoke to LADO ahmed went missing (16) Bury "
         "council Café Zoë CAFÉ 07700 900123 jo@example.org SW1A 1AA Newcastle upon Tyne Tower Hamlets ’s "
         "l'été JAMES'S s's “quoted” [bracket] ; : ! ? — •").split()


def _defined_tokens(text: str) -> list[tuple]:
    """The tokens as defined word by word (what ``tokenize`` computed for every occurrence before)."""
    out, prev_end_char = [], "\n"
    for m in names.WORD.finditer(text):
        s = m.group()
        is_word = s[0].isalpha()
        poss = is_word and len(s) > 2 and s[-2] in "'’" and s[-1] in "sS"
        core = s[:-2] if poss else s
        out.append((m.start(), m.start() + len(core), core, fold(core), poss,
                    is_word and core[0].isupper() and not (core.isupper() and len(core) > 1),
                    is_word and core.isupper() and len(core) > 1, prev_end_char in names.SENTENCE_END, is_word))
        if not (s in "\"'‘“(["):
            prev_end_char = s[-1] if not is_word else "a"
    return out


def _fields(toks) -> list[tuple]:
    return [(t.start, t.end, t.text, t.key, t.poss, t.cap, t.upper, t.initial, t.word) for t in toks]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(["", " ", "\n", "  "]).join(rng.choice(WORDS) for _ in range(rng.randint(0, 30)))
            + rng.choice(["", ".", "!", "?\n"]) for _ in range(n)]


@pytest.mark.parametrize("cap", [3, 50_000])
def test_tokens_are_the_defined_ones_whatever_the_cache_holds(monkeypatch, cap):
    monkeypatch.setattr(names, "_WORDS", {})
    monkeypatch.setattr(names, "_WORDS_MAX", cap)  # 3: emptied again and again
    for text in _texts(2000, seed=cap) + ["", "A", "'s", "JOHN'S", "Mr. O'Neill's (16) “Amina” went"]:
        first, again = names.tokenize(text), names.tokenize(text)
        assert _fields(first) == _defined_tokens(text) == _fields(again)
        assert all(a is not b for a, b in zip(first, again))  # find() changes tokens: never shared
    assert len(names._WORDS) <= cap


def test_keep_len_is_the_longer_of_the_two_lookups():
    finder = names.NameFinder(banks(), extra_keep(["Leeds police", "van der Berg", "Grace", "modern slavery"]))
    found = []
    for text in _texts(500, seed=7) + ["Home Office and the Salvation Army", "modern slavery in Leeds police"]:
        toks = names.tokenize(text)
        for i in range(len(toks)):
            found.append(finder._keep_len(toks, i))
            assert found[-1] == max(names._match_phrase(toks, i, finder.b.keep),
                                    names._match_phrase(toks, i, finder.keep_extra))
    assert {1, 2} <= set(found)  # terms of one word and of several were met
