"""The review journal (``NAME.journal.jsonl`` beside a coded file): an append-only log of review
decisions and memos, one JSON object a line, each flushed to disk at once, so a killed review loses
nothing decided; a file of that name that is not a journal is never written to."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from surveykit.errors import InputError

def journal_path(coded_path: str | Path) -> Path:
    """The review journal beside a coded file: ``answers_coded.csv`` -> ``answers_coded.journal.jsonl``."""
    p = Path(coded_path)
    return p.with_name(f"{p.stem}.journal.jsonl")


def append_journal(path: str | Path, record: dict[str, Any]) -> None:
    """Append one record to a journal and flush it to disk before returning (survives a kill).

    A file already there must be a journal (its first line one of surveykit's records); anything else
    is refused, untouched. A last record cut short by a kill (surveykit's own, unreadable) is dropped
    first, so the journal stays readable line by line."""
    line = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    from surveykit.io.coded_write import _writing

    p = Path(path)
    with _writing(p):
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.is_symlink():
            raise InputError("the review journal is a link; surveykit writes only a journal file of its own "
                             "(move the link aside)", path=p)
        fd = os.open(p, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            size = os.fstat(fd).st_size
            if size:
                _check_journal_start(fd, p)
                if os.pread(fd, 1, size - 1) != b"\n":
                    tail = os.pread(fd, min(size, 1 << 20), max(0, size - (1 << 20)))
                    cut = tail.rfind(b"\n")
                    os.ftruncate(fd, size - len(tail) + cut + 1 if cut >= 0 else 0)
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_journal_start(fd: int, path: Path) -> None:
    """Refuse a file whose first line is not one of surveykit's journal records (or, alone in the file,
    the start of one that a kill cut short)."""
    _check_journal_head(os.pread(fd, 65536, 0), path)


def _check_journal_head(head: bytes, path: Path) -> None:
    first = head.split(b"\n", 1)[0]
    if not first.strip():
        return
    try:
        rec = json.loads(first)
    except ValueError:
        rec = None
        if b"\n" not in head and first.startswith(b'{"'):
            return  # the first record, cut short by a kill
    if not isinstance(rec, dict) or rec.get("event") not in ("decision", "memo", "saved"):
        raise InputError("a file of this name is not a surveykit review journal; it was left as it is (move it "
                         "aside, or review a copy of the coded file under another name)", path=path)


def read_journal(path: str | Path) -> list[dict[str, Any]]:
    """The records of a journal, in order; a last line cut short by a kill is ignored."""
    p = Path(path)
    if not p.exists():
        return []
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the review journal ({exc.strerror})", path=p) from None
    _check_journal_head(raw[:65536], p)
    text = raw.decode("utf-8", errors="replace")
    records = []
    lines = text.split("\n")
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            if n >= len(lines) - 1:
                continue  # the last line, cut short by a kill
            raise InputError("the review journal is damaged (a line is not JSON); move it aside to start "
                             "the journal afresh", path=p, row=n) from None
        if isinstance(rec, dict):
            records.append(rec)
    return records
