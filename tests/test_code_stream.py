"""`surveykit code` streams through the worker pool and prints the same bytes as the in-memory command.

The in-memory command (the whole answer set and every coded row held as DataFrames, then
``summarise`` and ``emit``) is still in the code for ``--suggest``; these tests reach it by turning
streaming off (``surveykit.cli.coding._streamable``) and compare, byte for byte, its stdout, its
stderr and its --out file with the streamed command's on 2 workers: on the shipped sample, and on a
generated CSV of a few thousand answers with the awkward cells real exports have (formula-like ids,
blank answers and blank rows, quoted line breaks, accents, long answers, unknown sectors). Files of
one chunk (2,000 answers) or less are coded in the command's own process, so the sample's streamed runs
cut it into chunks of 100 to go through the pool (tests/test_code_stream_pool_size.py compares the two).
"""

from __future__ import annotations

import csv
import io
import os
import random
from pathlib import Path

import pytest

from conftest import SAMPLE_SURVEY, run_cli

ROOT = Path(__file__).resolve().parents[1]
DEV_GOLD = ROOT / "responses" / "gold" / "q7_dev.csv"
VIEWS = ("rows", "frequency", "sectors", "tests", "cooccurrence", "uncoded")
FORMATS = ("table", "csv", "json")
SAMPLE_CHUNK = 100  # the sample's 200-odd answers in three chunks, coded by 2 workers


def _run(tmp: Path, args: tuple, *, streamed: bool, monkeypatch, out: bool = True, chunk: int | None = None):
    """Run the command in a folder of its own; --out is the relative name coded.csv so that the
    'wrote ... to coded.csv' line is the same in both runs. ``chunk``: the streamed run's chunk size."""
    import surveykit.cli.coding as coding
    import surveykit.coding.stream as stream

    tmp.mkdir(parents=True, exist_ok=True)
    with monkeypatch.context() as m:
        if streamed and chunk is not None:
            m.setattr(stream, "DEFAULT_CHUNK", chunk)
        if not streamed:
            m.setattr(coding, "_streamable", lambda: False)
            # redact_evidence works out the codebook's words again for every row; the same words,
            # remembered, keep the reference run fast (the result is unchanged).
            import surveykit.coding.redact as redact

            m.setattr(redact, "codebook_terms", _remembered(redact.codebook_terms))
            # Several tests code the same answers with the same codebook and differ only in the view or
            # the format shown: the reference's coded rows and redactions are worked out once per input
            # (pure functions of it), and every reference run still reads, summarises and prints itself.
            import surveykit.coding.rules as rules

            m.setattr(rules, "code_answers", _REFERENCE.code_answers(rules.code_answers))
            m.setattr(redact, "redact_evidence", _REFERENCE.redact_evidence(redact.redact_evidence))
        extra = ("--out", "coded.csv") if out else ()
        res = run_cli("code", *map(str, args), *extra, *(("--workers", "2") if streamed else ()), cwd=tmp)
    written = (tmp / "coded.csv").read_bytes() if (tmp / "coded.csv").exists() else None
    return res, written


class _ReferenceMemo:
    """The in-memory reference's coder and redactor, remembered by their inputs (values, not identity:
    a new run loads its own codebook). Results are handed out as copies, so no run sees another's edits."""

    def __init__(self) -> None:
        self._coded: dict = {}
        self._redacted: dict = {}

    def code_answers(self, fn):
        def code(answers, codebook, *, question_id):
            ids, texts = getattr(answers, "ids", None), getattr(answers, "texts", None)
            if ids is None or texts is None:
                return fn(answers, codebook, question_id=question_id)
            key = (codebook, question_id, tuple(ids), tuple(texts))
            if key not in self._coded:
                self._coded[key] = fn(answers, codebook, question_id=question_id)
            return self._coded[key].copy()

        return code

    def redact_evidence(self, fn):
        def redacted(coded, *, codebook=None, column: str = "matched"):
            import pandas as pd

            key = (codebook, column, tuple(coded.columns), tuple(map(str, coded.dtypes)),
                   pd.util.hash_pandas_object(coded, index=True).to_numpy().tobytes())
            if key not in self._redacted:
                self._redacted[key] = fn(coded, codebook=codebook, column=column)
            return self._redacted[key].copy()

        return redacted


_REFERENCE = _ReferenceMemo()


def _remembered(fn):
    memo: dict = {}

    def terms(codebook):
        key = id(codebook)
        if key not in memo:
            memo[key] = (codebook, fn(codebook))
        return memo[key][1]

    return terms


def _same(tmp_path: Path, args: tuple, monkeypatch, *, out: bool = True, tag: str = "x", chunk: int | None = None):
    old, old_file = _run(tmp_path / f"memory-{tag}", args, streamed=False, monkeypatch=monkeypatch, out=out)
    new, new_file = _run(tmp_path / f"stream-{tag}", args, streamed=True, monkeypatch=monkeypatch, out=out,
                         chunk=chunk)
    assert old.returncode == new.returncode, (old.stderr, new.stderr)
    assert new.stdout == old.stdout
    assert new.stderr == old.stderr
    assert new_file == old_file
    # Nothing but the output and the folder's record of the files surveykit wrote (io.owned_files).
    leftovers = [p.name for p in (tmp_path / f"stream-{tag}").iterdir()
                 if p.name not in ("coded.csv", ".surveykit-files.json")]
    assert not leftovers, leftovers
    return old, new


# -- the shipped sample (a survey export: sectors from the instrument) ------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_rows_and_out_file_identical(tmp_path, monkeypatch, fmt):
    old, _ = _same(tmp_path, (SAMPLE_SURVEY, "--question", "q7", "--format", fmt), monkeypatch, chunk=SAMPLE_CHUNK)
    assert old.returncode == 0 and old.stdout.count("\n") > 200


@pytest.mark.parametrize("view", VIEWS[1:])
def test_sample_summary_views_identical(tmp_path, monkeypatch, view):
    for fmt in ("table", "json"):
        old, _ = _same(tmp_path, (SAMPLE_SURVEY, "--question", "q7", "--view", view, "--format", fmt), monkeypatch,
                       out=False, tag=fmt, chunk=SAMPLE_CHUNK)
        assert old.returncode == 0 and old.stdout.strip()


# -- a generated file of a few thousand answers --------------------------------------------------

def _texts() -> list[str]:
    with DEV_GOLD.open(newline="", encoding="utf-8") as fh:
        texts = [r["text"] for r in csv.DictReader(fh) if r["text"].strip()]
    from surveykit.pipeline import load_responses

    data = load_responses(SAMPLE_SURVEY).data
    texts += [str(t) for t in data["q7"] if t is not None and str(t).strip() and str(t) != "nan"]
    return texts


def _generated(path: Path, n: int = 3500, *, seed: int = 7, encoding: str = "utf-8") -> Path:
    rng = random.Random(seed)
    texts = _texts()
    sectors = ["police", "social_care", "health", "education", "voluntary", ""]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["respondent_id", "answer", "sector"])
    for i in range(n):
        rid = f"R{i:06d}"
        if i % 997 == 5:
            rid = f"=HYPERLINK(\"x\",\"{i}\")"  # formula-like id: escaped in CSV, kept in tables
        if i % 1493 == 11:
            rid = f"case-{i}-" + "long identifier " * 5  # wider than a table cell: shortened there
        if i % 1201 == 9:
            w.writerow(["", "", ""])  # a blank row
            continue
        kind = rng.random()
        if kind < 0.05:
            text = "   "
        elif kind < 0.08:
            text = "Nothing to add."
        else:
            text = " ".join(rng.choice(texts) for _ in range(rng.randint(1, 3)))
            if kind > 0.97:
                text = text.replace(". ", ".\n", 1) + " caf\u00e9 na\u00efve \u2014 \u00e0 bient\u00f4t"
            if kind > 0.99:
                text = "-" + text  # evidence may begin like a formula
        w.writerow([rid, text, rng.choice(sectors)])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return _generated(tmp_path_factory.mktemp("gen") / "answers.csv")


GEN = ("--text-column", "answer", "--sector-column", "sector", "--codebook", str(ROOT / "codebooks" / "missing_reasons.yaml"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_generated_rows_and_out_file_identical(tmp_path, monkeypatch, big, fmt):
    old, _ = _same(tmp_path, (big, *GEN, "--format", fmt), monkeypatch)
    assert old.returncode == 0 and old.stdout.count("\n") > 3500


@pytest.mark.parametrize("view", VIEWS[1:])
def test_generated_summary_views_identical(tmp_path, monkeypatch, big, view):
    old, _ = _same(tmp_path, (big, *GEN, "--view", view, "--format", "csv"), monkeypatch, out=False)
    assert old.returncode == 0 and old.stdout.strip()


def test_generated_no_redact_identical(tmp_path, monkeypatch, big):
    _same(tmp_path, (big, *GEN, "--no-redact", "--format", "csv"), monkeypatch)


def test_sector_views_without_sectors_fail_the_same_way(tmp_path, monkeypatch, big):
    args = (big, "--text-column", "answer", "--view", "sectors")
    old, new = _same(tmp_path, args, monkeypatch)
    assert old.returncode == 2 and "needs sectors" in old.stderr


def test_formula_cells_stay_escaped_in_the_streamed_file(tmp_path, monkeypatch, big):
    res, written = _run(tmp_path / "s", (big, *GEN, "--format", "csv"), streamed=True, monkeypatch=monkeypatch)
    assert res.returncode == 0
    rows = list(csv.reader(io.StringIO(written.decode("utf-8"))))
    ids = [r[0] for r in rows[1:]]
    assert any(i.startswith("'=HYPERLINK") for i in ids)
    assert not any(c.startswith(("=", "+", "@")) for r in rows for c in r)


def test_files_that_are_not_plain_utf8_give_the_same_result(tmp_path, monkeypatch):
    # Windows-1252 bytes (Excel's CSV on Windows): streamed in the encoding the whole-file reader
    # would choose, never read whole.
    import surveykit.coding.answers as answers

    path = _generated(tmp_path / "cp1252.csv", n=400, seed=3, encoding="cp1252")
    with monkeypatch.context() as m:
        m.setattr(answers, "answers_from_table", _refused)
        res, _ = _run(tmp_path / "streamed-only", (path, *GEN, "--format", "csv"), streamed=True,
                      monkeypatch=monkeypatch)
    assert res.returncode == 0, res.stderr
    _same(tmp_path, (path, *GEN, "--format", "csv"), monkeypatch)
    mac = _generated(tmp_path / "mac.csv", n=400, seed=6, encoding="mac_roman")
    _same(tmp_path, (mac, *GEN, "--format", "csv"), monkeypatch, tag="mac")
    # UTF-8 with a few Windows-1252 bytes pasted in: read whole (the whole-file reader mixes the two).
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(_generated(tmp_path / "plain0.csv", n=400, seed=5).read_bytes() + b"R9,caf\xe9,police\r\n")
    _same(tmp_path, (mixed, *GEN, "--format", "csv"), monkeypatch, tag="mixed")
    # A UTF-8 BOM is streamed.
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + _generated(tmp_path / "plain.csv", n=400, seed=4).read_bytes())
    _same(tmp_path, (bom, *GEN, "--format", "table"), monkeypatch, tag="bom")


@pytest.mark.parametrize("view", ["tests", "sectors", "rows"])
def test_a_file_with_no_answers_and_a_sector_column_gives_empty_tables(tmp_path, monkeypatch, view):
    """A header and no answers: every view is an empty table (the tests view, "no test" for each code),
    the same both ways. A review found that building the tests view raised an internal error."""
    empty = tmp_path / "empty.csv"
    empty.write_text("respondent_id,answer,sector\r\n", encoding="utf-8")
    old, _ = _same(tmp_path, (empty, *GEN, "--view", view, "--format", "csv"), monkeypatch, out=False, tag=view)
    assert old.returncode == 0, old.stderr
    if view == "tests":
        assert "no test" in old.stdout


def _refused(*args, **kwargs):
    raise AssertionError("the file was read whole")


# -- errors: the same line, nothing written, the input untouched --------------------------------

def _bad_file(tmp_path: Path, rows: list[list[str]], name: str = "bad.csv") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["respondent_id", "answer"], *rows])
    p = tmp_path / name
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


@pytest.mark.parametrize("case", ["duplicate", "no-id", "duplicate-before-no-id", "no-id-before-duplicate",
                                  "missing-column"])
def test_input_errors_match_and_leave_nothing(tmp_path, monkeypatch, case):
    good = [[f"r{i}", "no one listens to the young person"] for i in range(4000)]
    rows = list(good)
    column = "answer"
    if case == "duplicate":
        rows[3500][0] = "r17"
    elif case == "no-id":
        rows[3000][0] = ""
    elif case == "duplicate-before-no-id":
        rows[2000][0] = "r5"
        rows[3000][0] = ""
    elif case == "no-id-before-duplicate":
        rows[2000][0] = ""
        rows[3000][0] = "r5"
    else:
        column = "nosuch"
    path = _bad_file(tmp_path, rows)
    before = path.read_bytes()
    old, new = _same(tmp_path, (path, "--text-column", column, "--codebook",
                                str(ROOT / "codebooks" / "missing_reasons.yaml")), monkeypatch)
    assert old.returncode in (1, 2) and len(new.stderr.strip().splitlines()) == 1
    assert new.stdout == ""
    assert not (tmp_path / "stream-x" / "coded.csv").exists()
    assert path.read_bytes() == before


def test_out_may_not_be_the_input(tmp_path, cli):
    path = _bad_file(tmp_path, [["r1", "no one listens"]])
    before = path.read_bytes()
    res = cli("code", path, "--text-column", "answer", "--out", path)
    assert res.returncode == 2 and "--out is the input file" in res.stderr
    assert path.read_bytes() == before


def test_bad_workers_is_one_line(cli, tmp_path):
    path = _bad_file(tmp_path, [["r1", "no one listens"]])
    res = cli("code", path, "--text-column", "answer", "--workers", "0")
    assert res.returncode == 2 and "--workers" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_several_inputs_need_the_dask_engine(cli, tmp_path):
    a = _bad_file(tmp_path, [["r1", "no one listens"]], "a.csv")
    b = _bad_file(tmp_path, [["r2", "no one listens"]], "b.csv")
    res = cli("code", a, b, "--text-column", "answer")
    assert res.returncode == 2 and "--engine dask" in res.stderr


# -- the library: the pool gives the rows of rules.iter_coded and the tables of summarise ---------

def test_code_stream_equals_iter_coded_and_summarise(big, monkeypatch):
    import pandas as pd

    import surveykit.coding.redact as redact

    monkeypatch.setattr(redact, "codebook_terms", _remembered(redact.codebook_terms))
    from surveykit.coding.answers import answers_from_table
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.redact import redact_evidence
    from surveykit.coding.rules import code_answers
    from surveykit.coding.stream import CodeCounts, code_stream, summary_from_counts
    from surveykit.coding.stream_answers import TableAnswers
    from surveykit.coding.summary import summarise

    cb = load_codebook()
    answers = answers_from_table(big, text_column="answer", sector_column="sector")
    coded = redact_evidence(code_answers(answers, cb, question_id="answer"), codebook=cb)
    coded = redact_evidence(coded, codebook=cb, column="via")
    expected = summarise(coded, cb, sectors=answers.sectors)

    chunks = list(code_stream(TableAnswers(big, text_column="answer", sector_column="sector"), codebook=cb,
                              question_id="answer", groups=True, workers=2, chunk_size=333,
                              render=_rows_of_chunk))
    assert len(chunks) > 5
    got_rows = [r for c in chunks for r in c.rendered]
    want = [tuple(None if pd.isna(v) else v for v in row) for row in coded.itertuples(index=False)]
    assert got_rows == want
    counts = CodeCounts(groups=True)
    for c in chunks:
        counts.merge(c.counts)
    got = summary_from_counts(counts, cb)
    assert (got.n_answers, got.n_coded, got.uncoded_ids) == (expected.n_answers, expected.n_coded,
                                                              expected.uncoded_ids)
    for name in ("frequency", "sectors", "tests", "cooccurrence"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), check_dtype=False)
    assert counts.blank == answers.n_blank


def _rows_of_chunk(rows):
    return list(rows)


def test_available_cores_follows_the_affinity():
    from surveykit.coding.stream import available_cores

    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert available_cores() == expected


def test_an_over_long_answer_is_named_by_the_row_a_spreadsheet_shows(tmp_path, cli):
    """An answer over the cell limit below a record whose answer holds line breaks: the message names the
    record's row (header row 1), as a row wider than the header is named, not the file's line (5), for
    the streamed command and the whole-file reader alike; and never the answer."""
    from surveykit.io.base import MAX_CELL_CHARS

    path = tmp_path / "long.csv"
    path.write_text('respondent_id,answer\nR1,"first line\nsecond line\nthird line"\nR2,'
                    + "x" * (MAX_CELL_CHARS + 1) + "\n", encoding="utf-8")
    for args in (("code", str(path), "--text-column", "answer"), ("validate", str(path))):
        done = cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "row 3, column 'B'" in done.stderr and "row 5" not in done.stderr, (args, done.stderr)
        assert "xxxxxxxx" not in done.stderr
