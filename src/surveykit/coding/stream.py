"""Coding a stream of answers too large to hold in memory, in several processes, in input order.

``code_stream(items, codebook=..., question_id=..., workers=N)`` takes an iterable of
``(respondent_id, text, group)`` triples, codes them in chunks (one ``RuleCoder`` per worker process)
and yields one ``CodedChunk`` per chunk, in input order. A chunk carries what the caller asked for,
never the answers themselves: the coded-file CSV text of its rows (spreadsheet-safe, no header),
the caller's own rendering of the rows (``render``: e.g. the cells of a text table), and the running
counts of ``CodeCounts`` from which ``summary_from_counts`` builds the same tables as
``coding.summary.summarise`` without holding a row. Memory stays bounded by a few chunks per worker
whatever the number of answers. Evidence is redacted in the workers (as ``redact_evidence`` does).

``iter_coded_csv`` is the older two-column entry point (pairs, no groups), kept for its callers.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import chain, combinations, islice
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from surveykit.coding.rules import CODED_COLUMNS

if TYPE_CHECKING:
    from surveykit.coding.codebook import Codebook
    from surveykit.coding.summary import CodingSummary

UNKNOWN_SECTOR = "(unknown)"  # as coding.summary.UNKNOWN_SECTOR
DEFAULT_CHUNK = 2000
#: From this size of input (``code_stream``'s ``input_bytes``) the workers start before any answer is read.
POOL_FIRST_BYTES = 8 * 1024 ** 2

Row = tuple  # one coded row, the columns of rules.CODED_COLUMNS
Render = Callable[[list[Row]], Any]

_worker_state: dict = {}


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS says), at least 1."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class CodeCounts:
    """Running counts of a coded question, added chunk by chunk (``merge``).

    ``groups`` is False when the answers carry no grouping (then no by-group counts are kept).
    ``uncoded`` lists (respondent_id, group) of the answers with no code, in input order."""

    groups: bool = False
    answers: int = 0
    blank: int = 0
    uncoded: list[tuple[str, str | None]] = field(default_factory=list)
    code_n: Counter = field(default_factory=Counter)
    theme_n: Counter = field(default_factory=Counter)
    group_base: Counter = field(default_factory=Counter)
    code_group: Counter = field(default_factory=Counter)
    pairs: Counter = field(default_factory=Counter)

    @property
    def n_coded(self) -> int:
        return self.answers - len(self.uncoded)

    def add_answer(self, rid: str, codes: list[str], group: str | None, theme_of: Mapping[str, str],
                   rank: Mapping[str, int]) -> None:
        self.answers += 1
        key = group or UNKNOWN_SECTOR
        if self.groups:
            self.group_base[key] += 1
        if not codes:
            self.uncoded.append((rid, group))
            return
        distinct = sorted(set(codes), key=rank.__getitem__)
        self.code_n.update(distinct)
        self.theme_n.update({theme_of[c] for c in distinct})
        if self.groups:
            self.code_group.update((c, key) for c in distinct)
        if len(distinct) > 1:
            self.pairs.update(combinations(distinct, 2))

    def add_answers(self, tally: Mapping[tuple[tuple[str, ...], str | None], int], theme_of: Mapping[str, str],
                    rank: Mapping[str, int]) -> None:
        """``add_answer`` for many answers at once, from their number per (codes, group); the ids of
        uncoded answers are not in the tally (the caller appends them to ``uncoded`` in order)."""
        for (codes, group), k in tally.items():
            self.answers += k
            key = group or UNKNOWN_SECTOR
            if self.groups:
                self.group_base[key] += k
            if not codes:
                continue
            distinct = sorted(set(codes), key=rank.__getitem__)
            for c in distinct:
                self.code_n[c] += k
            for t in {theme_of[c] for c in distinct}:
                self.theme_n[t] += k
            if self.groups:
                for c in distinct:
                    self.code_group[(c, key)] += k
            if len(distinct) > 1:
                for pair in combinations(distinct, 2):
                    self.pairs[pair] += k

    def merge(self, other: "CodeCounts") -> None:
        self.answers += other.answers
        self.blank += other.blank
        self.uncoded.extend(other.uncoded)
        for mine, theirs in ((self.code_n, other.code_n), (self.theme_n, other.theme_n),
                             (self.group_base, other.group_base), (self.code_group, other.code_group),
                             (self.pairs, other.pairs)):
            mine.update(theirs)


@dataclass(frozen=True)
class CodedChunk:
    csv_text: str       # coded-file CSV rows (no header); "" when not asked for
    rendered: Any       # render(rows) when a renderer was given, else None
    answers: int        # non-blank answers in the chunk
    rows: int           # coded rows
    counts: CodeCounts

    @property
    def coded(self) -> int:
        return self.counts.n_coded


# -- the worker ------------------------------------------------------------------------------------

def _init(codebook: "Codebook | None", codebook_path: str | None, options: dict) -> None:
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.rules import RuleCoder

    cb = codebook if codebook is not None else load_codebook(codebook_path)
    _worker_state.clear()
    _worker_state.update(options)
    _worker_state["codebook"] = cb
    _worker_state["coder"] = RuleCoder(cb)
    _worker_state["theme_of"] = {c.id: c.theme for c in cb.codes}
    _worker_state["rank"] = {c.id: i for i, c in enumerate(cb.codes)}
    if options.get("redact"):
        from surveykit.coding.redact import evidence_redactor

        _worker_state["redacted"] = evidence_redactor(cb)


def _code_chunk(items: list[tuple[str, str | None, str | None]]) -> CodedChunk:
    st = _worker_state
    code_text, qid = st["coder"].code_text, st["question_id"]
    redacted = st["redacted"] if st["redact"] else None
    counts = CodeCounts(groups=st["groups"])
    # Answers with the same codes (and group) update the counts once per chunk: see add_answers.
    tally: Counter = Counter()
    uncoded = counts.uncoded
    rows: list[Row] = []
    add = rows.append
    for rid, text, group in items:
        if text is None or not (text.strip() if text.__class__ is str else str(text).strip()):
            counts.blank += 1
            continue
        found = code_text(str(text))
        if not found:
            add((rid, qid, "", None, None, "", "rules", ""))
            uncoded.append((rid, group))
            tally[((), group)] += 1
            continue
        for m in found:
            matched, via = m.matched, m.via
            if redacted is not None:
                # As redact_evidence: the evidence and a forgiven typo's note come from the answer.
                if matched:
                    matched = redacted(matched)
                if via:
                    via = redacted(via)
            add((rid, qid, m.code_id, m.start, m.end, matched, "rules", via))
        tally[(tuple([m.code_id for m in found]), group)] += 1
    counts.add_answers(tally, st["theme_of"], st["rank"])
    csv_text = ""
    if st["csv"]:
        csv_text = csv_rows_text(rows)
    render = st["render"]
    rendered = render(rows) if render is not None else None
    return CodedChunk(csv_text, rendered, counts.answers, len(rows), counts)


def code_ids_by_answer(rows: list[Row]) -> list[tuple[str, tuple[str, ...]]]:
    """A ``render`` for ``code_stream``: (respondent_id, code ids) of each coded answer, in order. The
    rows of one answer are consecutive; the respondent ids must be distinct (else answers sharing an
    id next to each other would be joined)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    last = None
    for row in rows:
        rid, code = row[0], row[2]
        if rid != last:
            out.append((rid, ()))
            last = rid
        if code:
            out[-1] = (rid, out[-1][1] + (code,))
    return out


def csv_rows_text(rows: list[Row]) -> str:
    """Coded rows as CSV text (no header), every cell spreadsheet-safe (``io.cells.safe_row``).

    Column by column: the columns that repeat (question, code, coder) are escaped once per distinct
    value, the numbers need nothing, and only the text columns are looked at cell by cell."""
    from surveykit.io.cells import safe_column

    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = [safe_column(col, repeats=k in _REPEATING) if k not in _NUMBERS else col
               for k, col in enumerate(zip(*rows))]
    writer.writerows(zip(*columns))
    return buf.getvalue()


# Column positions in a coded row (rules.CODED_COLUMNS): whole numbers or None, and few distinct values.
_NUMBERS = frozenset({3, 4})
_REPEATING = frozenset({0, 1, 2, 6})


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def code_stream(items: Iterable[tuple[str, str | None, str | None]], *, codebook: "Codebook | None" = None,
                codebook_path: str | None = None, question_id: str, groups: bool = False, redact: bool = True,
                csv_rows: bool = True, render: Render | None = None, workers: int | None = None,
                chunk_size: int = DEFAULT_CHUNK, input_bytes: int | None = None) -> Iterator[CodedChunk]:
    """Coded chunks of a stream of ``(respondent_id, text, group)``, in input order.

    ``workers``: processes coding in parallel (default: the cores available; 1 codes in this
    process, as does an input of a single chunk; no more start than there are chunks).
    ``groups``: keep by-group counts (the third item of each triple; None: unknown).
    ``csv_rows``: produce the coded-file CSV text of each chunk. ``render``: a function of a chunk's
    rows (tuples of ``rules.CODED_COLUMNS``, evidence already redacted when ``redact``) run in the
    worker; it must be a module-level function (it is sent to the worker processes).
    ``input_bytes``: the size of the file the items are read from, when known. From
    ``POOL_FIRST_BYTES`` the workers start before the first item is drawn (a file that large holds more
    chunks than there are workers in practice); otherwise up to one chunk per worker is read first.
    Rows are exactly those of ``rules.iter_coded`` (then ``redact_evidence`` when ``redact``)."""
    from surveykit.validation import check_count

    workers = available_cores() if workers is None else check_count(workers, parameter="workers")
    check_count(chunk_size, parameter="chunk_size")
    if input_bytes is not None:
        check_count(input_bytes, parameter="input_bytes", minimum=0)
    options = {"question_id": question_id, "groups": groups, "redact": redact, "csv": csv_rows, "render": render}
    jobs = _chunks(items, chunk_size)
    # A chunk is coded by one process: with fewer chunks than workers (a small file: one chunk) the others
    # would only be started, sit idle and be stopped. Up to one chunk per worker is read first, so that
    # no more processes start than there are chunks, and one chunk is coded here. Not for a large file:
    # a worker is forked with every page of this process's memory, which it keeps as this process goes on
    # (copy-on-write), and reading had by then filled some with the reader's blocks (a Windows-1252
    # file's, decoded, 6 MB) and what it freed: 20-30 MB more across the workers of 1,000,000 answers.
    if workers > 1 and (input_bytes is None or input_bytes < POOL_FIRST_BYTES):
        ahead = list(islice(jobs, workers))
        workers = max(1, len(ahead))
        jobs = chain(ahead, jobs)
        del ahead  # held by ``jobs`` only, until it has handed them all out
    if workers == 1:
        _init(codebook, codebook_path, options)
        try:
            for job in jobs:
                yield _code_chunk(job)
        finally:
            _worker_state.clear()
        return
    import multiprocessing as mp

    if "fork" in mp.get_all_start_methods():
        # The coder is built once, here, and the forked workers share it (building one costs seconds).
        ctx = mp.get_context("fork")
        _init(codebook, codebook_path, options)
        try:
            pool = ctx.Pool(workers)
        except BaseException:
            _worker_state.clear()
            raise
    else:
        pool = mp.get_context().Pool(workers, initializer=_init, initargs=(codebook, codebook_path, options))
    try:
        # At most two chunks per worker in flight: memory stays bounded and the order is kept.
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
        _worker_state.clear()


# -- the summary from counts ---------------------------------------------------------------------

def summary_from_counts(counts: CodeCounts, codebook: "Codebook", *, sector_order: tuple[str, ...] = (),
                        padjust: str = "holm") -> "CodingSummary":
    """The ``CodingSummary`` that ``coding.summary.summarise`` gives for the same coded answers (its
    docstring documents the tables), built from running counts (``counts.groups``: with the by-group
    tables). Tests compare the two on the same answers."""
    from surveykit.coding.summary import summary_from_tallies

    return summary_from_tallies(codebook, n=counts.answers, theme_n=counts.theme_n, code_n=counts.code_n,
                                uncoded_ids=tuple(r for r, _ in counts.uncoded),
                                group_base=counts.group_base if counts.groups else None,
                                code_group=counts.code_group, pairs=counts.pairs, sector_order=sector_order,
                                padjust=padjust)


# -- the older entry point ----------------------------------------------------------------------

def csv_header() -> str:
    from surveykit.io.cells import safe_row

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(safe_row(CODED_COLUMNS))
    return buf.getvalue()


def iter_coded_csv(answers: Iterable[tuple[str, str | None]], *, question_id: str,
                   codebook_path: str | None = None, workers: int = 1, chunk_size: int = 5000,
                   redact: bool = False) -> Iterator[CodedChunk]:
    """Coded CSV chunks for (respondent_id, text) pairs, in input order (evidence not redacted unless
    ``redact``): ``code_stream`` without groups or rendering."""
    return code_stream(((rid, text, None) for rid, text in answers), codebook_path=codebook_path,
                       question_id=question_id, redact=redact, workers=workers, chunk_size=chunk_size)
