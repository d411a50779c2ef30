"""Coding a stream of answers too large to hold in memory, optionally in several processes.

``iter_coded_csv(answers, question_id=..., workers=2)`` takes an iterable of (respondent_id, text)
pairs, codes them in chunks (one ``RuleCoder`` per worker process) and yields, in input order, the
CSV text of each chunk's coded rows (the columns of ``rules.CODED_COLUMNS``, no header) with its
counts. Memory stays bounded by a few chunks whatever the number of answers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterable, Iterator

from surveykit.coding.rules import CODED_COLUMNS

_worker_state: dict = {}


@dataclass(frozen=True)
class Chunk:
    csv_text: str
    answers: int
    rows: int
    coded: int  # answers with at least one code


def _init(codebook_path: str | None) -> None:
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.rules import RuleCoder

    _worker_state["coder"] = RuleCoder(load_codebook(codebook_path))


def _code_chunk(args: tuple[list[tuple[str, str | None]], str]) -> Chunk:
    from surveykit.coding.rules import iter_coded
    from surveykit.io.cells import safe_row

    chunk, question_id = args
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    rows = uncoded = 0
    for row in iter_coded(chunk, _worker_state["coder"], question_id=question_id):
        writer.writerow(safe_row(row))
        rows += 1
        uncoded += row[2] == ""
    answers = sum(1 for _, t in chunk if t is not None and str(t).strip())
    return Chunk(buf.getvalue(), answers, rows, answers - uncoded)


def _chunks(answers: Iterable[tuple[str, str | None]], size: int) -> Iterator[list[tuple[str, str | None]]]:
    chunk: list[tuple[str, str | None]] = []
    for item in answers:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def csv_header() -> str:
    return ",".join(CODED_COLUMNS) + "\n"


def iter_coded_csv(answers: Iterable[tuple[str, str | None]], *, question_id: str,
                   codebook_path: str | None = None, workers: int = 1, chunk_size: int = 5000) -> Iterator[Chunk]:
    """Coded CSV chunks for a stream of answers, in input order (see the module docstring)."""
    from surveykit.errors import UsageError

    if workers < 1:
        raise UsageError(f"workers must be at least 1; got {workers}")
    if chunk_size < 1:
        raise UsageError(f"chunk_size must be at least 1; got {chunk_size}")
    jobs = ((chunk, question_id) for chunk in _chunks(answers, chunk_size))
    if workers == 1:
        _init(codebook_path)
        for job in jobs:
            yield _code_chunk(job)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    from collections import deque

    pool = ctx.Pool(workers, initializer=_init, initargs=(codebook_path,))
    try:
        # At most two chunks per worker in flight: memory stays bounded and order is kept.
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.apply_async(_code_chunk, (job,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
