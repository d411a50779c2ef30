"""The fast paths of the rule coder and of ``surveykit code`` against plain reference versions.

Each fast path (tokens from cached whitespace chunks, lexicon expansion by stretches, CSV and table
cells built column by column, counts added per distinct code set) must give exactly what the simple
version it replaced gives. The references below are the straightforward algorithms, written out
here, run on every answer of both gold sets, the sample's free text and hand-made edge cases.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = [ROOT / "responses" / "gold" / "q7_dev.csv", ROOT / "responses" / "gold" / "q7_test.csv"]
SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"

EDGE = [
    "", " ", "a", "  two  spaces  ", "tab\tseparated\twords", "new\nline\r\nand cr", "nbsp\u00a0here",
    "x\x1cy\x1dz\u2028w\u3000v", "didn't re-trafficked child's", "word- -word --- 'quoted' \u2018curly\u2019",
    "caf\u00e9 na\u00efve \u00fcber", "\u0130stanbul \u0130I", "emoji \U0001f600 here!!", "snake_case __x__ 3.5% -5",
    "HO said the LA, and YOS/CSE... (CSC)", "e-mail:someone@example.org", "trailing ", " leading",
    "no safety plan / threats to family", "not uncommon; never believed", "placment broke down",
]


def _texts() -> list[str]:
    texts = list(EDGE)
    for path in GOLD:
        with open(path, encoding="utf-8", newline="") as fh:
            texts += [row["text"] for row in csv.DictReader(fh)]
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        texts += [cell for row in csv.reader(fh) for cell in row if len(cell.split()) >= 3]
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


@pytest.fixture(scope="module")
def coder():
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.rules import RuleCoder

    return RuleCoder(load_codebook())


def _reference_tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    """The one-pass regex split the coder used for every answer."""
    from surveykit.coding.patterns import TOKEN_SPLIT_RE

    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    low = low.replace("\u2019", "'")
    parts = TOKEN_SPLIT_RE.split(low)
    cum = list(itertools.accumulate(map(len, parts)))
    return parts[1::2], cum[0:-1:2], cum[1::2]


def test_tokens_and_offsets_equal_the_regex_split(coder, texts):
    from surveykit.coding.rule_tokens import _Stream, _ends, _starts

    assert len(texts) > 700
    for text in texts * 2:  # twice: the second time every chunk comes from the cache
        toks, offsets, present = coder._tokens(text)
        want = _reference_tokens(text)
        stream = _Stream(toks, present, offsets, None, None, None)
        assert (toks, _starts(stream), _ends(stream)) == want, text
        assert set(toks) <= present


def test_chunk_cache_is_bounded(coder, monkeypatch):
    import surveykit.coding.rule_tokens as rt

    monkeypatch.setattr(rt, "_CHUNK_CACHE", 5)
    coder._chunks.clear()
    for k in range(40):
        toks, _, _ = coder._tokens(f"w{k}, x{k}. y{k}")
        assert toks == [f"w{k}", ",", f"x{k}", ".", f"y{k}"]
    assert len(coder._chunks) <= 5


def _reference_expand(coder, text, base, table):
    """The token-by-token lexicon expansion the coder used."""
    from surveykit.coding.rule_tokens import _ends, _starts

    toks = base.toks
    starts, ends = _starts(base), _ends(base)
    out_t, out_s, out_e, out_v = [], [], [], []
    i, n, changed = 0, len(toks), False
    while i < n:
        hit = None
        for e, key, capitals, reading in table.get(toks[i], ()):
            size = len(key)
            if tuple(toks[i:i + size]) != key:
                continue
            if capitals and not text[starts[i]:ends[i + size - 1]].replace(" ", "").isupper():
                continue
            hit = (e, size, reading)
            break
        if hit is None:
            out_t.append(toks[i])
            out_s.append(starts[i])
            out_e.append(ends[i])
            out_v.append(base.via[i] if base.via is not None else -1)
            i += 1
            continue
        e, size, reading = hit
        for r in reading:
            out_t.append(r)
            out_s.append(starts[i])
            out_e.append(ends[i + size - 1])
            out_v.append(e)
        i += size
        changed = True
    return (out_t, out_s, out_e, out_v) if changed else None


def test_lexicon_expansion_equals_the_token_by_token_reading(coder, texts):
    from surveykit.coding.rule_tokens import _Stream

    keys = [e.key for e in coder._lex_entries]
    extra = [f"The {a} and {b} met; {a.lower()} {b}" for a, b in zip(keys, keys[1:] + keys[:1])]
    expanded = 0
    for text in texts + extra:
        toks, offsets, present = coder._tokens(text)
        base = _Stream(toks, present, offsets, None, None, None)
        tables = [coder._lex_global, *coder._lex_code.values()]
        for table in tables:
            got = coder._expand(text, base, table)
            want = _reference_expand(coder, text, base, table)
            if want is None:
                assert got is None, text
                continue
            expanded += 1
            assert (got.toks, got.starts, got.ends, got.via) == want, text
    assert expanded > 20


def _reference_cell(value, full=False):
    from surveykit.cli.common import MAX_CELL_WIDTH

    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if full or len(text) <= MAX_CELL_WIDTH else text[: MAX_CELL_WIDTH - 1] + "\u2026"


ROWS = [
    ("R1", "q7", "not_believed", 3, 12, "disbelief", "rules", ""),
    ("R1", "q7", "lack_advocacy", 40, 63, "no  independent\tadvocate", "rules", "HO = home office"),
    ("=1+1", "q7", "", None, None, "", "rules", ""),
    ("-5", "q 7", "debt", 0, 1234, "x" * 90, "rules", "placment ~ placement; " + "y" * 80),
    (" @home", "q7", "debt", 7, 8, "+44 7700 900123", "rules", "\uff1dsum"),
    ("R2", "q7", "debt", 1, 2, "-", "rules", "-x"),
    ("R3", "q7", "debt", 1, 2, 'quote " and, comma', "rules", "line\nbreak"),
]


def test_table_cells_equal_the_cell_by_cell_rendering():
    from surveykit.cli.code_stream import _SEP, table_cells

    for rows in (ROWS, ROWS[:1], ROWS[2:3], []):
        text, widths = table_cells(rows)
        cells = [[_reference_cell(v, full=(k == 7)) for k, v in enumerate(row)] for row in rows]
        assert text == "\n".join(_SEP.join(c) for c in cells)
        assert widths == [max([len(c[k]) for c in cells], default=0) for k in range(8)]


def test_csv_rows_equal_safe_row_through_csv_writer():
    from surveykit.coding.stream import csv_rows_text
    from surveykit.io.cells import safe_row

    for rows in (ROWS, ROWS[2:3], []):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(safe_row(r) for r in rows)
        assert csv_rows_text(rows) == buf.getvalue()


def test_counts_per_code_set_equal_counts_per_answer():
    from surveykit.coding.stream import CodeCounts

    theme_of = {"a": "t1", "b": "t1", "c": "t2"}
    rank = {"a": 0, "b": 1, "c": 2}
    answers = [("r1", ["a", "c"], "police"), ("r2", [], None), ("r3", ["a", "c"], "police"), ("r4", ["b"], None),
               ("r5", ["a", "b", "c"], "social care"), ("r6", [], "police"), ("r7", ["b"], None)]
    for groups in (True, False):
        one = CodeCounts(groups=groups)
        for rid, codes, group in answers:
            one.add_answer(rid, codes, group, theme_of, rank)
        many = CodeCounts(groups=groups)
        tally: Counter = Counter()
        for rid, codes, group in answers:
            tally[(tuple(codes), group)] += 1
            if not codes:
                many.uncoded.append((rid, group))
        many.add_answers(tally, theme_of, rank)
        assert many == one


def test_table_lines_widened_equal_the_padded_and_stripped_lines():
    """Workers pad the text table to their chunk's widths; the final pass keeps the lines when the
    widths are the table's, else cuts them back into cells. The result must be the plain rendering: every cell padded to the final width (numbers
    right-aligned), joined by two spaces, trailing blanks stripped."""
    from surveykit.cli.code_stream import finish_table_lines, table_lines
    from surveykit.coding.rules import CODED_COLUMNS as CODED

    more = ROWS + [("R4", "q7", "", None, None, "", "", ""), ("", "", "", None, None, "", "", ""),
                   ("R5", "q7", "debt", 1, 2, "", "", ""), ("R6", "", "", 12, None, "", "", "x")]
    for rows in (more, ROWS[:1], ROWS[2:3], more[-4:], more[-2:-1]):
        cells = [[_reference_cell(v, full=(k == 7)) for k, v in enumerate(row)] for row in rows]
        text, widths = table_lines(rows)
        assert widths == [max(len(name), *(len(c[k]) for c in cells)) for k, name in enumerate(CODED)]
        for extra in ([0] * 8, [0] * 7 + [5], [3, 0, 1, 2, 0, 5, 1, 4], [0, 0, 0, 2, 0, 0, 0, 0], [1] * 8):
            final = [w + x for w, x in zip(widths, extra)]
            want = ["  ".join(c.rjust(w) if k in (3, 4) else c.ljust(w) for k, (c, w) in enumerate(zip(row, final)))
                    .rstrip() for row in cells]
            assert finish_table_lines(text, widths, final) == "\n".join(want)


def test_match_spans_are_token_boundaries_of_the_regex_split(coder):
    """A match's end is worked out as its last token's start plus its length (no list of ends is
    built for the answer's own tokens): it must be a token end of the plain split, and the evidence
    exactly the answer's text there. Development texts only (no test-set answer is coded here)."""
    texts = list(EDGE)
    for path in (ROOT / "responses" / "gold" / "q7_dev.csv", ROOT / "responses" / "gold" / "q7_dev2.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            texts += [row["text"] for row in csv.DictReader(fh)]
    seen = 0
    for text in texts:
        _, starts, ends = _reference_tokens(text)
        for m in [*coder.code_text(text), *coder.matches(text)]:
            assert m.matched == text[m.start:m.end], text
            # (a lexicon reading spans its whole key: token boundaries too)
            assert m.start in starts and m.end in ends, (text, m)
            seen += 1
    assert seen > 500
