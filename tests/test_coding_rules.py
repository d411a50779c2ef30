"""The rule coder: tokens and offsets, globs, stems, phrases with gaps, regexes and negation."""

from __future__ import annotations

import pytest

from surveykit.coding.codebook import load_codebook, parse_codebook
from surveykit.coding.patterns import TOKEN_SPLIT_RE, stem, tokenise
from surveykit.coding.rules import RuleCoder, code_answers


def coder_for(*patterns, cues=None, window=None) -> RuleCoder:
    doc = {"id": "t", "title": "t", "version": "1", "themes": [{"id": "a", "label": "A"}],
           "codes": [{"id": f"c{i}", "label": f"C{i}", "theme": "a", "patterns": [p]} for i, p in enumerate(patterns)]}
    if cues is not None or window is not None:
        doc["negation"] = {k: v for k, v in (("cues", cues), ("window", window)) if v is not None}
    return RuleCoder(parse_codebook(doc))


@pytest.fixture(scope="module")
def shipped() -> RuleCoder:
    return RuleCoder(load_codebook())


def ids(coder: RuleCoder, text: str) -> set[str]:
    return set(coder.code_ids_of(text))


def test_tokenise_keeps_offsets_and_matches_the_nltk_tokenizer():
    text = "He didn't go — re-trafficked (B&B), Ollie’s \"friends\"."
    toks = tokenise(text)
    for tok, s, e in toks:
        assert text[s:e].lower().replace("\u2019", "'") == tok
    assert [t for t, _, _ in toks][:4] == ["he", "didn't", "go", "—"]
    assert "re-trafficked" in [t for t, _, _ in toks]
    # The coder's one-pass split gives the same tokens as nltk's RegexpTokenizer.
    assert TOKEN_SPLIT_RE.split(text.lower())[1::2] == [text[s:e].lower() for _, s, e in toks]


def test_snowball_stems_need_no_download():
    assert stem("believed") == stem("believing") == stem("believe")
    assert stem("bullied") == stem("bullying")


def test_word_glob_stem_and_alternatives():
    c = coder_for("traffick*", {"stem": "owe"}, {"word": "cousin|uncle*"})
    assert ids(c, "Traffickers were waiting") == {"c0"}
    assert ids(c, "He owed them; she owes them") == {"c1"}
    assert ids(c, "His uncles came") == {"c2"}
    assert ids(c, "A trafficking case") == {"c0"}
    assert ids(c, "overtrafficked owl") == set()  # globs match whole tokens from their start


def test_phrases_in_order_with_gaps():
    c = coder_for({"phrase": "pay back", "gap": 2})
    assert ids(c, "they must pay the money back") == {"c0"}
    assert ids(c, "they must pay all of the money back") == set()  # 4 words between: beyond the gap
    assert ids(c, "back to pay") == set()  # order matters
    star = coder_for({"phrase": "treated as * adult*"})  # gap only at the star, 3 by default
    assert ids(star, "treated as if an adult") == {"c0"}
    assert ids(star, "treated quite as adults") == set()
    assert ids(star, "treated as adults") == {"c0"}
    stems = coder_for({"phrase": "~treat * as * criminal*", "gap": 2})
    assert ids(stems, "They treat these children as criminals") == {"c0"}


def test_phrases_do_not_run_across_sentences():
    c = coder_for({"phrase": "pay back", "gap": 3})
    assert ids(c, "We pay. Back then it was hard") == set()


def test_regex_escape_hatch_and_evidence():
    c = coder_for({"regex": r"\bowe[sd]? (?:money|them)\b"})
    text = "He still OWES money to them."
    [m] = c.code_text(text)
    assert (m.code_id, text[m.start:m.end], m.matched) == ("c0", "OWES money", "OWES money")
    assert "regex" in m.pattern


def test_negation_blocks_ordinary_patterns_within_the_window_only():
    c = coder_for("traffickers")
    assert ids(c, "There were no traffickers involved") == set()
    assert ids(c, "They didn't see traffickers") == set()           # n't cue
    assert ids(c, "They dont think traffickers called") == set()     # apostrophe-less n't
    assert ids(c, "No. Traffickers called him") == {"c0"}            # a sentence break ends the cue
    assert ids(c, "Not for money but traffickers called") == {"c0"}  # so does "but"
    assert ids(c, "no idea why, really, the traffickers called") == {"c0"}  # beyond 3 tokens


def test_absence_and_negated_patterns():
    c = coder_for({"phrase": "no trusted adult", "absence": True}, {"stem": "believe", "negated": True})
    assert ids(c, "There is no trusted adult in their life") == {"c0"}
    assert ids(c, "She was believed by the police") == set()
    assert ids(c, "She was not believed by the police") == {"c1"}
    assert ids(c, "Nobody believes them") == {"c1"}
    assert ids(c, "She was believed. Not much else helped") == set()


def test_shipped_codebook_negation_cases(shipped):
    assert "lack_advocacy" in ids(shipped, "No trusted adult stays with them.")
    assert "not_believed" not in ids(shipped, "She was believed by the police from the start.")
    assert "not_believed" in ids(shipped, "Their story is not believed.")
    assert "criminalisation" not in ids(shipped, "None were criminalised that I know of.")
    assert "trafficker_control" in ids(shipped, "The traffickers keep ringing him.")


def test_every_match_and_first_match_per_code(shipped):
    text = "Traffickers call them and traffickers threaten their family."
    first = shipped.code_text(text)
    assert [m.code_id for m in first] == ["trafficker_control"]
    assert first[0].start == 0
    every = [m for m in shipped.matches(text) if m.code_id == "trafficker_control"]
    assert len(every) >= 3
    assert [m.start for m in every] == sorted(m.start for m in every)
    for m in every:
        assert text[m.start:m.end] == m.matched


def test_code_answers_lists_every_answer_once_at_least():
    cb = load_codebook()
    frame = code_answers([("r1", "Traffickers call him and he owes them money."), ("r2", "Nothing to add here."),
                          ("r3", None), ("r4", "   ")], cb, question_id="q7")
    assert list(frame.columns) == ["respondent_id", "question_id", "code_id", "start", "end", "matched", "coder", "via"]
    assert list(frame["respondent_id"]) == ["r1", "r1", "r2"]  # blanks are not answers
    assert list(frame["code_id"]) == ["trafficker_control", "debt_bondage", ""]
    assert set(frame["coder"]) == {"rules"} and set(frame["question_id"]) == {"q7"}
    assert frame["start"].isna().tolist() == [False, False, True]
    row = frame.iloc[1]
    assert "Traffickers call him and he owes them money."[row["start"]:row["end"]] == row["matched"] == "owes"


def test_unicode_case_changes_keep_offsets():
    c = coder_for("traffickers")
    text = "İİ traffickers"  # 'İ'.lower() is two characters long
    [m] = c.code_text(text)
    assert text[m.start:m.end] == "traffickers"


def test_streamed_coding_in_worker_processes_matches_coding_in_one():
    import csv
    import io

    from surveykit.coding.rules import iter_coded
    from surveykit.coding.stream import csv_header, iter_coded_csv

    cb = load_codebook()
    texts = [e for c in cb.codes for e in (*c.examples, *c.counter_examples)] + [None, "  "]
    answers = [(f"r{i:03d}", t) for i, t in enumerate(texts)]
    expected = [tuple("" if v is None else str(v) for v in row)
                for row in iter_coded(answers, RuleCoder(cb), question_id="q7")]
    chunks = list(iter_coded_csv(iter(answers), question_id="q7", workers=2, chunk_size=7))
    got = [tuple(r) for r in csv.reader(io.StringIO("".join(c.csv_text for c in chunks)))]
    assert got == expected
    assert sum(c.answers for c in chunks) == len(texts) - 2
    assert sum(c.rows for c in chunks) == len(expected)
    assert csv_header().startswith("respondent_id,question_id,code_id,start,end,matched,coder")
