"""The rule coder on a Dask cluster: one file of answers per partition, coded with ``map_partitions``.

``dask_chunks(frame, ...)`` codes each partition of a Dask DataFrame of answers (columns: the id, the
text and optionally the group, all text) on the cluster's workers with the same chunk coder as the
local pool (``stream._code_chunk``: same rows, same redaction, same running counts), and yields the
``CodedChunk`` of each partition in partition order, so the caller prints exactly what the local
engine prints. With ``part_dir`` each worker also writes its partition's coded CSV
(``part-00000.csv`` ...) there and sends back only the counts and what stdout needs.

The id checks of ``answers_from_table`` apply across all files: an answer without an id is reported
with its file and data row; an id repeated anywhere is found from 16-byte hashes sent back by the
workers (the ids themselves stay on the workers). The first problem in file order is the one raised.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from surveykit.errors import InputError

if TYPE_CHECKING:
    from surveykit.coding.codebook import Codebook
    from surveykit.coding.stream import CodedChunk


@dataclass(frozen=True)
class PartResult:
    chunk: "CodedChunk"
    digests: bytes          # 16 bytes per answer with an id, in row order
    rows: tuple[int, ...]   # the data row of each digest
    no_id_row: int | None   # first data row with an answer but no id (the partition stops there)
    part_file: str | None


def _code_partition(pdf: Any, *, codebook: "Codebook", options: dict, run_token: str, columns: tuple,
                    part_dir: str | None, partition_info: dict | None = None) -> Any:
    """Runs on a worker: one partition (a pandas DataFrame) -> a one-element Series of PartResult."""
    import pandas as pd

    from surveykit.coding import stream

    if stream._worker_state.get("token") != run_token:
        # One coder per worker process and run: built on the first partition it receives.
        stream._init(codebook, None, options)
        stream._worker_state["token"] = run_token
    id_col, text_col, group_col = columns
    number = (partition_info or {}).get("number", 0)
    ids = pdf[id_col].fillna("").astype(str).tolist()
    texts = pdf[text_col].fillna("").astype(str).tolist()
    groups = pdf[group_col].fillna("").astype(str).tolist() if group_col else [""] * len(ids)
    items, digests, rows = [], bytearray(), []
    no_id = None
    for n, (raw_id, text, group) in enumerate(zip(ids, texts, groups), start=1):
        rid = raw_id.strip()
        if not rid:
            if text.strip():
                no_id = n
                break
            continue
        digests += hashlib.blake2b(rid.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        rows.append(n)
        items.append((rid, text if text.strip() else None, (group.strip() or None) if group_col else None))
    chunk = stream._code_chunk(items)
    part_file = None
    if part_dir is not None and no_id is None:
        from surveykit.io.dask_files import write_part

        part_file = f"part-{number:05d}.csv"
        write_part(Path(part_dir) / part_file, stream.csv_header() + chunk.csv_text)
        if not options["keep_csv"]:
            chunk = stream.CodedChunk("", chunk.rendered, chunk.answers, chunk.rows, chunk.counts)
    return pd.Series([PartResult(chunk, bytes(digests), tuple(rows), no_id, part_file)], dtype=object)


def dask_chunks(frame: Any, files: Sequence[Path], *, client: Any, codebook: "Codebook", question_id: str,
                id_column: str, text_column: str, group_column: str | None, redact: bool = True,
                csv_rows: bool = True, render: Any = None, part_dir: str | Path | None = None,
                ) -> Iterator["CodedChunk"]:
    """Coded chunks of every partition of ``frame`` (one per file of ``files``), in order; see the
    module docstring. Raises InputError (after the last chunk) for a missing or repeated id."""
    import uuid

    import pandas as pd

    from surveykit.coding.stream_answers import _IdHashes

    options = {"question_id": question_id, "groups": group_column is not None, "redact": redact,
               "csv": csv_rows or part_dir is not None, "render": render, "keep_csv": csv_rows}
    coded = frame.map_partitions(_code_partition, codebook=codebook, options=options, run_token=uuid.uuid4().hex,
                                 columns=(id_column, text_column, group_column),
                                 part_dir=None if part_dir is None else str(part_dir),
                                 meta=pd.Series([], dtype=object), align_dataframes=False)
    futures = client.compute(coded.to_delayed())
    seen = _IdHashes()
    problem: tuple[int, int] | None = None
    for number, future in enumerate(futures):
        part: PartResult = future.result().iloc[0]
        future.release()
        for k, row in enumerate(part.rows):
            seen._digests += part.digests[16 * k:16 * (k + 1)]
            seen._rows.append(number * (1 << 40) + row)
        if part.no_id_row is not None:
            problem = (number, part.no_id_row)
            for rest in futures[number + 1:]:
                rest.cancel()
            break
        yield part.chunk
    dup = seen.first_repeat()
    if dup is not None and (problem is None or dup < problem[0] * (1 << 40) + problem[1]):
        number, row = divmod(dup, 1 << 40)
        rid = _id_at(frame, number, row, id_column)
        raise InputError(f"respondent id {rid[:40]!r} appears on more than one row", path=files[number], row=row,
                         column=id_column)
    if problem is not None:
        raise InputError("an answer has no id", path=files[problem[0]], row=problem[1], column=id_column)


def _id_at(frame: Any, number: int, row: int, id_column: str) -> str:
    """The id on a data row of one partition (computed again: only the error path pays for it)."""
    pdf = frame.get_partition(number).compute()
    value = pdf[id_column].iloc[row - 1]
    return "" if value is None else str(value).strip()
