"""The coding pool starts no more processes than there are chunks of answers: an input of one chunk (a
small file) is coded in the command's own process, with the same rows and output as through the pool.

A process that codes no chunk would only be forked, sit idle and be stopped (a fork of the command costs
tens of milliseconds, more in a large process). ``multiprocessing``'s ``Pool`` is watched, not replaced:
the runs through a pool are real ones.
"""

from __future__ import annotations

import multiprocessing.context

import pytest

from conftest import SAMPLE_SURVEY, run_cli


@pytest.fixture
def pools(monkeypatch):
    """The process counts of the pools started during the test."""
    started: list[int] = []
    real = multiprocessing.context.BaseContext.Pool

    def pool(self, processes=None, *args, **kwargs):
        started.append(processes)
        return real(self, processes, *args, **kwargs)

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pool", pool)
    return started


def _answers(n: int) -> list[tuple[str, str, str]]:
    texts = ["He does not trust the police after what happened.", "", "No one listened to her.",
             "Moved placements four times in a year and nobody explained why.", "The traffickers kept calling him."]
    return [(f"R{i:04d}", texts[i % len(texts)], ("police", "health", None)[i % 3]) for i in range(n)]


def _rows(chunks) -> list:
    return [row for chunk in chunks for row in chunk.rendered]


def _as_rows(rows):
    return list(rows)


@pytest.mark.parametrize(("n", "chunk_size", "workers", "expected"), [
    (40, 40, 2, []),         # one chunk: coded here
    (40, 100, 4, []),
    (0, 10, 2, []),          # nothing to code
    (41, 40, 2, [2]),        # two chunks, two workers
    (75, 25, 4, [3]),        # three chunks: three of the four workers
    (200, 25, 2, [2]),       # more chunks than workers
])
def test_the_pool_has_at_most_one_process_a_chunk_and_the_same_rows(pools, n, chunk_size, workers, expected):
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.stream import CodeCounts, code_stream

    cb = load_codebook()
    answers = _answers(n)
    chunks = list(code_stream(iter(answers), codebook=cb, question_id="q7", groups=True, workers=workers,
                              chunk_size=chunk_size, render=_as_rows))
    assert pools == expected
    one = list(code_stream(iter(answers), codebook=cb, question_id="q7", groups=True, workers=1,
                           chunk_size=chunk_size, render=_as_rows))
    assert pools == expected  # --workers 1 never starts a pool
    assert _rows(chunks) == _rows(one)
    assert [c.csv_text for c in chunks] == [c.csv_text for c in one]
    got, want = CodeCounts(groups=True), CodeCounts(groups=True)
    for c in chunks:
        got.merge(c.counts)
    for c in one:
        want.merge(c.counts)
    assert got == want
    if n:
        assert len(_rows(chunks)) >= n - n // 5  # every non-blank answer has a row (one in five is blank)


def test_a_small_export_is_coded_by_the_command_itself_with_the_bytes_a_pool_gives(pools, tmp_path, monkeypatch):
    """The sample's 200-odd answers are one chunk: `--workers 2` starts no pool. Cut into chunks of 50,
    the same command codes them in a pool of two, and prints and writes the same bytes."""
    import surveykit.coding.stream as stream

    one = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--workers", "2", "--out", "coded.csv",
                  "--view", "sectors", cwd=_folder(tmp_path / "one"))
    assert one.returncode == 0, one.stderr
    assert pools == []
    monkeypatch.setattr(stream, "DEFAULT_CHUNK", 50)
    pooled = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--workers", "2", "--out", "coded.csv",
                     "--view", "sectors", cwd=_folder(tmp_path / "pooled"))
    assert pooled.returncode == 0, pooled.stderr
    assert pools == [2]
    assert (pooled.stdout, pooled.stderr) == (one.stdout, one.stderr)
    assert (tmp_path / "pooled" / "coded.csv").read_bytes() == (tmp_path / "one" / "coded.csv").read_bytes()
    assert (tmp_path / "one" / "coded.csv").read_bytes().count(b"\n") > 200


def _folder(path):
    path.mkdir()
    return path


def _drawn_after_pools(answers, pools, seen: list):
    """``answers`` as an iterator that notes, when its first item is drawn, the pools started by then."""
    for k, item in enumerate(answers):
        if k == 0:
            seen.append(list(pools))
        yield item


@pytest.mark.parametrize("large", [False, True], ids=["small input", "large input"])
def test_a_large_input_starts_the_workers_before_any_answer_is_read(pools, monkeypatch, large):
    """From ``POOL_FIRST_BYTES`` of input the pool is forked before the first answer is drawn, so that no
    worker starts with the reader's blocks in its memory (they stay there, copy-on-write, while the
    command reads on); a smaller input is read a chunk per worker first, as above. The rows are the same
    either way, and the same as in one process."""
    from surveykit.coding import stream
    from surveykit.coding.codebook import load_codebook

    cb = load_codebook()
    answers = _answers(90)
    size = stream.POOL_FIRST_BYTES if large else stream.POOL_FIRST_BYTES - 1
    seen: list = []
    chunks = list(stream.code_stream(_drawn_after_pools(answers, pools, seen), codebook=cb, question_id="q7",
                                     groups=True, workers=2, chunk_size=40, render=_as_rows, input_bytes=size))
    assert seen == ([[2]] if large else [[]])
    assert pools == [2]  # three chunks: two workers either way
    one = list(stream.code_stream(iter(answers), codebook=cb, question_id="q7", groups=True, workers=1,
                                  chunk_size=40, render=_as_rows))
    assert _rows(chunks) == _rows(one)
    assert [c.csv_text for c in chunks] == [c.csv_text for c in one]
    # A large input of a single chunk: the workers were started, one of them codes it, the rows are the same.
    pools.clear()
    few = list(stream.code_stream(iter(answers[:10]), codebook=cb, question_id="q7", groups=True, workers=2,
                                  chunk_size=40, render=_as_rows, input_bytes=size))
    assert pools == ([2] if large else [])
    assert _rows(few) == _rows(one)[:len(_rows(few))] and len(_rows(few)) >= 8


def test_input_bytes_is_checked(pools):
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.stream import code_stream
    from surveykit.errors import UsageError

    for bad in (-1, 2.5, True, "8"):
        with pytest.raises(UsageError, match="input_bytes must be a whole number of at least 0"):
            list(code_stream(iter(_answers(3)), codebook=load_codebook(), question_id="q7", input_bytes=bad))
    assert pools == []


def test_the_command_starts_its_workers_before_it_opens_a_large_file(pools, tmp_path, monkeypatch):
    """`surveykit code FILE --text-column ...` gives the coder the file's size: from ``POOL_FIRST_BYTES``
    (made small here) the pool is running before the file is opened; below it, the file is opened and
    read first. The output is the same bytes either way."""
    from surveykit.coding import stream
    from surveykit.io import stream_table

    rows = ["respondent_id,answer"] + [f"R{i:04d},{text}" for i, (_, text, _) in enumerate(_answers(130))]
    (tmp_path / "answers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    opened: list = []
    real_open = stream_table.open_table_stream

    def watched_open(path, **kwargs):
        opened.append(list(pools))
        return real_open(path, **kwargs)

    monkeypatch.setattr(stream_table, "open_table_stream", watched_open)
    monkeypatch.setattr(stream, "DEFAULT_CHUNK", 50)
    outputs = []
    for threshold in (10 ** 9, (tmp_path / "answers.csv").stat().st_size):
        monkeypatch.setattr(stream, "POOL_FIRST_BYTES", threshold)
        pools.clear()
        opened.clear()
        folder = _folder(tmp_path / f"run{len(outputs)}")
        res = run_cli("code", tmp_path / "answers.csv", "--text-column", "answer", "--workers", "2", "--out",
                      "coded.csv", cwd=folder)
        assert res.returncode == 0, res.stderr
        assert pools == [2]
        assert opened == ([[]] if threshold == 10 ** 9 else [[2]])
        outputs.append((res.stdout, res.stderr, (folder / "coded.csv").read_bytes()))
    assert outputs[0] == outputs[1]
