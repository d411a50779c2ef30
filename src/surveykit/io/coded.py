"""Coded files on disk: human and machine codes in CSV, and gold sets (writing them: ``io.coded_write``;
review journals: ``io.review_journal``; model folders: ``io.model_files``).

**The coded-file format** is the one research staff edit in a spreadsheet: a CSV (or XLSX) with the
columns ``respondent_id, question_id, code_id, coder``, one row per (answer, code), and these
optional columns (all may be absent; files without them read as before):

* ``start``, ``end``: the evidence span, character offsets into the answer (0-based, end exclusive);
  empty = the whole answer. An answer may have several rows for one code, one per span.
* ``coded_at``: when the code was given (ISO 8601, UTC, ``2026-01-31T14:05:09Z``).
* ``memo``: the coder's memo on the answer (on any one of the answer's rows).

Other columns (``matched``, ``probability`` ...) are ignored, except ``accepted``: a row whose
``accepted`` is false (a model suggestion left for review) counts as no code. Rows whose coder is
``rules`` or ``model`` (``MACHINE_CODERS``) are surveykit's own suggestions (``surveykit code``, with
``--suggest``): ``code review`` does not count them as decisions and ``code train`` does not learn
from them. An answer coded with
nothing ("no code applies") has one row with an empty ``code_id``; an answer that is not in the file
was not coded (it is *missing* for that coder).

The *wide* layout used by many projects (``ResponseId, <question text>, Code 1 .. Code N``; one row
per answer; a row whose answer is blank is a non-respondent) is read as well and converted to the
long form. Hierarchical code names (``parent->child``) are kept as they are: each distinct string is
one code.

A **gold set** (``id,text,codes[,style]``; ``codes`` separated by ``;``) holds the answers' texts
with their codes.

Only this module (with the rest of ``io/`` and ``report/``) touches the disk for coding work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from surveykit.errors import InputError, invalid_choice, quoted_or
from surveykit.io.gold import MACHINE_CODERS, first_row, named_values

if TYPE_CHECKING:
    import pandas as pd

CODED_COLUMNS = ("respondent_id", "question_id", "code_id", "coder")
OPTIONAL_COLUMNS = ("start", "end", "coded_at", "memo")
DETAIL_COLUMNS = CODED_COLUMNS + OPTIONAL_COLUMNS
WIDE_QUESTION_ID = "answer"
UNCODED_CHOICES = ("missing", "none", "missing-all")
GOLD_COLUMNS = ("id", "text", "codes")
_CODE_COLUMN = re.compile(r"^\s*code\s*_?\s*\d+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class CodedFile:
    """A coded file read from disk, in long form.

    frame: columns ``respondent_id, question_id, code_id, coder`` (code_id is None for an answer
    coded with nothing), one row per (answer, code), in file order.
    detail: the same rows with ``start, end`` (int or None), ``coded_at`` and ``memo`` (str or
    None), one row per (answer, code, span): what a QDA export or a review resumes from.
    layout: "long" or "wide". coder: the coder name (from the ``coder`` column, else the file stem).
    notes: things worth telling the user (e.g. a respondent on two rows).
    machine: True when every row is surveykit's own (coder ``rules`` or ``model``, ``MACHINE_CODERS``):
    the file is the rule coder's or the model's output, not a person's coding.
    """

    path: str
    layout: str
    coder: str
    frame: "pd.DataFrame"
    notes: tuple[str, ...] = ()
    detail: "pd.DataFrame | None" = None
    machine: bool = False


def read_coded(path: str | Path, *, question: str | None = None, coder: str | None = None,
               uncoded: str = "missing", keep_row_coders: bool = False, keep_unaccepted: bool = False) -> CodedFile:
    """Read a coded file (long or wide layout, CSV or XLSX).

    question: for long files, keep only this question's rows; for wide files, the question id to
    give every answer (default ``"answer"``). coder: override the coder name.
    uncoded: what an answer without a code means.
      "missing" (default): not coded by this coder (e.g. a second coder who coded a reliability
      sample), so it is left out; but a long file's explicit "no code" row (empty code_id) is a
      decision and stays. "none": every answer in the file was coded, and one without a code got
      "no code applies". "missing-all": like "missing", and a long file's empty code_id rows are
      missing too (a sheet pre-filled with every respondent).
    keep_row_coders: keep each row's own coder value (long layout) instead of one name for the file.
      Without it, a file holding people's rows and surveykit's (coder ``rules`` or ``model``: a file
      reviewed in place) is read as the people's coding, the machine rows left out (with a note); a
      file of machine rows alone is read as it is (surveykit's codes, as one coder).
    keep_unaccepted: keep the code of a row whose ``accepted`` is false (for a file saved back in
    place, whose rows must stay as they are), instead of reading it as no code.
    """
    import pandas as pd

    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff

    from surveykit.io.cells import spreadsheet_text

    if uncoded not in UNCODED_CHOICES:
        raise invalid_choice("--uncoded", uncoded, UNCODED_CHOICES)
    sniff = open_sniff(path)
    rows, _ = all_rows(sniff)
    # Our own writers escape cells that look like formulas ('=1+1); read them back as written.
    rows = [[spreadsheet_text(c) for c in r] for r in rows]
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("the coded file is empty (no header row)", path=path)
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:] if any(c.strip() for c in r)]
    lower = [h.lower() for h in header]
    notes: list[str] = []
    stem = Path(path).stem
    if "respondent_id" in lower and "code_id" in lower:
        layout = "long"
        idx = {name: lower.index(name) for name in DETAIL_COLUMNS if name in lower}
        acc = lower.index("accepted") if "accepted" in lower else None
        records = []
        for n, r in enumerate(body, start=2):
            rid = r[idx["respondent_id"]].strip()
            if not rid:
                raise InputError("respondent_id is empty", path=path, row=n)
            qid = r[idx["question_id"]].strip() if "question_id" in idx else (question or WIDE_QUESTION_ID)
            code = r[idx["code_id"]].strip() or None
            if acc is not None and not keep_unaccepted and r[acc].strip().lower() in ("false", "0", "no"):
                code = None  # a model suggestion left for review is not a code (the answer was seen)
            who = r[idx["coder"]].strip() if "coder" in idx else ""
            start, end = _span(r, idx, code, path=path, row=n)
            at = r[idx["coded_at"]].strip() or None if "coded_at" in idx else None
            memo = r[idx["memo"]].strip() or None if "memo" in idx else None
            records.append((rid, qid, code, who, start, end, at, memo))
        frame = pd.DataFrame(records, columns=list(DETAIL_COLUMNS), dtype=object)
        if question is not None and "question_id" in idx:
            if frame.empty:
                raise InputError("the coded file has a header but no rows", path=path)
            if not (frame["question_id"] == question).any():
                raise InputError(f"no rows for question {question!r}; the file has "
                                 f"{named_values(sorted(set(frame['question_id'])), what='a question id')}", path=path)
            frame = frame[frame["question_id"] == question].reset_index(drop=True)
        machine = bool(len(frame)) and all(c in MACHINE_CODERS for c in frame["coder"])
        if not keep_row_coders:
            frame = _people_only(frame, Path(path).name, notes)
        names = sorted({c for c in frame["coder"] if c})
        name = coder or (names[0] if len(names) == 1 else stem)
        if len(names) > 1 and coder is None and not keep_row_coders:
            notes.append(f"{Path(path).name}: several coder names ({', '.join(names)}); using {stem!r}")
    else:
        code_cols = [j for j, h in enumerate(header) if _CODE_COLUMN.match(h)]
        if not code_cols:
            # A file without its header row has an answer here: its cells are named only when id-like.
            raise InputError(
                "not a coded file: expected the columns respondent_id, question_id, code_id, coder "
                "(long layout) or an id column followed by 'Code 1', 'Code 2', ... (wide layout) in the first "
                f"row; {first_row(header)}", path=path)
        layout = "wide"
        id_col = lower.index("responseid") if "responseid" in lower else 0
        text_cols = [j for j in range(len(header)) if j != id_col and j not in code_cols]
        text_col = text_cols[0] if text_cols else None
        qid = question or WIDE_QUESTION_ID
        records = []
        seen_rows: dict[str, int] = {}
        for n, r in enumerate(body, start=2):
            rid = r[id_col].strip()
            if not rid:
                raise InputError("the respondent id is empty", path=path, row=n, column=header[id_col])
            answer = r[text_col].strip() if text_col is not None else "x"
            codes = [r[j].strip() for j in code_cols if r[j].strip()]
            if not answer and not codes:
                continue  # a non-respondent: no answer, so not a unit
            if rid in seen_rows:
                # Without a ResponseId column the first column is the id, and it may hold the answers.
                notes.append(f"{Path(path).name}: {quoted_or(rid, 'respondent')} is on rows {seen_rows[rid]} "
                             f"and {n}; their codes are pooled")
            seen_rows.setdefault(rid, n)
            if codes:
                records.extend((rid, qid, c, "", None, None, None, None) for c in dict.fromkeys(codes))
            elif uncoded == "none":
                records.append((rid, qid, None, "", None, None, None, None))
            # else: a wide sheet lists every answer, coded or not: no code means not coded (missing)
        frame = pd.DataFrame(records, columns=list(DETAIL_COLUMNS), dtype=object)
        name = coder or stem
        machine = False
    if keep_row_coders and layout == "long":
        frame["coder"] = [c or name for c in frame["coder"]]
    else:
        frame["coder"] = name
    if uncoded == "missing-all":
        frame = frame[frame["code_id"].notna()].reset_index(drop=True)
    detail = _normalise_detail(frame)
    return CodedFile(path=str(path), layout=layout, coder=name, frame=normalise_coded(detail), notes=tuple(notes),
                     detail=detail, machine=machine)


def _span(r: list[str], idx: dict[str, int], code: str | None, *, path, row: int) -> tuple[int | None, int | None]:
    if "start" not in idx and "end" not in idx:
        return None, None
    raw = [r[idx[k]].strip() if k in idx else "" for k in ("start", "end")]
    if not raw[0] and not raw[1]:
        return None, None
    if code is None:
        return None, None  # a span on a "no code" row means nothing
    try:
        start, end = (int(float(x)) for x in raw)
    except ValueError:
        raise InputError("start and end must both be whole numbers (a character span) or both empty",
                         path=path, row=row) from None
    if start < 0 or end <= start:
        raise InputError(f"the span {start}-{end} is not a span (need 0 <= start < end)", path=path, row=row)
    return start, end


def _people_only(frame: "pd.DataFrame", name: str, notes: list[str]) -> "pd.DataFrame":
    """The people's rows of a long coded file that also holds surveykit's suggestions (``MACHINE_CODERS``);
    the frame as it is when it holds only one kind."""
    people = [c not in MACHINE_CODERS for c in frame["coder"]]
    if all(people) or not any(people):
        return frame
    kept = frame[people].reset_index(drop=True)
    machine_only = {str(r) for r, p in zip(frame["respondent_id"], people) if not p} - set(map(str, kept["respondent_id"]))
    notes.append(f"{name}: the rows of surveykit's rules and model are suggestions, not coding: left out"
                 + (f" ({len(machine_only)} answer(s) only surveykit coded)" if machine_only else ""))
    return kept


def _normalise_detail(frame: "pd.DataFrame") -> "pd.DataFrame":
    """One row per (answer, code, span, coder); a coder who gave an answer codes loses their empty row on
    it (its memo kept). Each coder's rows stay theirs: another coder's "no code" row on the same answer
    is a decision of its own, and each coder's memo goes on that coder's first row of the answer."""
    frame = frame[list(DETAIL_COLUMNS)].copy()
    by = ["respondent_id", "question_id", "coder"]
    memos = {}
    for rid, qid, who, memo in zip(frame["respondent_id"], frame["question_id"], frame["coder"], frame["memo"]):
        if memo:
            memos.setdefault((rid, qid, who), []).append(memo)
    frame = frame.drop_duplicates(subset=["respondent_id", "question_id", "code_id", "coder", "start", "end"])
    frame = frame[_coded_or_only_row(frame, by)].reset_index(drop=True)
    # The answer's memo goes on its first row (the one a spreadsheet user sees first).
    first = ~frame.duplicated(subset=by)
    frame["memo"] = [("\n".join(dict.fromkeys(memos.get((r, q, w), []))) or None) if f else None
                     for r, q, w, f in zip(frame["respondent_id"], frame["question_id"], frame["coder"], first)]
    return frame


def normalise_coded(frame: "pd.DataFrame") -> "pd.DataFrame":
    """One row per (answer, code); an answer with codes loses its empty placeholder row."""
    frame = frame[list(CODED_COLUMNS)].copy()
    frame = frame.drop_duplicates(subset=["respondent_id", "question_id", "code_id", "coder"])
    return frame[_coded_or_only_row(frame, ["respondent_id", "question_id"])].reset_index(drop=True)


def _coded_or_only_row(frame: "pd.DataFrame", by: list[str]) -> "pd.Series":
    """The rows to keep: those with a code, and the empty ("no code") rows of answers (grouped by
    ``by``) that have no code at all; an empty row whose grouping holds a missing value belongs to no
    group and is dropped. pandas' own "any" per group (a Python function per group took seconds on
    100,000 answers)."""
    coded = frame["code_id"].notna()
    has_code = coded.groupby([frame[c] for c in by], sort=False).transform("any")
    return coded | ~has_code.astype(bool)


def file_identity(path: str | Path) -> tuple[str, str]:
    """(resolved path, sha256 of the bytes) of an input file, to spot the same file given twice.
    Special files (a pipe, a device, a folder) are refused before anything is read."""
    import hashlib

    from surveykit.io.files import read_input

    p = Path(path)
    data = read_input(p, what="a coded file")
    return str(p.resolve()), hashlib.sha256(data).hexdigest()


# -- gold sets ----------------------------------------------------------------------------------

def is_gold_file(path: str | Path) -> bool:
    """True when the file's header has the gold-set columns id, text and codes."""
    from surveykit.io._tabular import head_rows
    from surveykit.io.base import open_sniff

    rows = head_rows(open_sniff(path))
    if not rows:
        return False
    header = {h.strip().lstrip("\ufeff").lower() for h in rows[0]}
    return set(GOLD_COLUMNS) <= header


def read_gold(path: str | Path, *, question_id: str = WIDE_QUESTION_ID, coder: str = "gold"
              ) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """A gold set (``id,text,codes[,style]``): (answers: respondent_id, text; coded: the coded-file
    columns, one row per (answer, code), an empty code_id when no code applies)."""
    import pandas as pd

    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff

    rows, _ = all_rows(open_sniff(path))
    header = [h.strip().lstrip("\ufeff").lower() for h in rows[0]] if rows else []
    missing = [c for c in GOLD_COLUMNS if c not in header]
    if missing:
        # A file without its header row has an answer here: its cells are named only when id-like.
        raise InputError(f"not a gold set: the columns {', '.join(missing)} are missing (expected id, text, codes "
                         f"in the first row; {first_row(rows[0] if rows else [])})", path=path)
    i, t, c = (header.index(x) for x in GOLD_COLUMNS)
    answers, coded, seen = [], [], set()
    for n, r in enumerate(rows[1:], start=2):
        r = list(r) + [""] * (len(header) - len(r))
        rid = r[i].strip()
        if not rid:
            if any(x.strip() for x in r):
                raise InputError("id is empty", path=path, row=n)
            continue
        if rid in seen:
            raise InputError(f"{quoted_or(rid, 'id')} appears on more than one row", path=path, row=n)
        seen.add(rid)
        answers.append((rid, r[t]))
        codes = [x.strip() for x in r[c].split(";") if x.strip()]
        coded += [(rid, question_id, code, coder) for code in dict.fromkeys(codes)] or [(rid, question_id, None, coder)]
    if not answers:
        raise InputError("the gold set has no rows", path=path)
    return (pd.DataFrame(answers, columns=["respondent_id", "text"], dtype=object),
            pd.DataFrame(coded, columns=list(CODED_COLUMNS), dtype=object))


def read_columns(path: str | Path, *, id_column: str, columns: Iterable[str], parameter: str = "--context"
                 ) -> dict[str, dict[str, str]]:
    """Some columns of any CSV/XLSX by id: {id: {column: value}} (e.g. context shown in review)."""
    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff

    rows, _ = all_rows(open_sniff(path))
    header = [h.strip().lstrip("\ufeff") for h in rows[0]] if rows else []
    wanted = list(columns)
    for col in [id_column, *wanted]:
        if col not in header:
            raise invalid_choice(parameter if col != id_column else "--id-column", col, header)
    i = header.index(id_column)
    pos = {c: header.index(c) for c in wanted}
    out: dict[str, dict[str, str]] = {}
    for r in rows[1:]:
        r = list(r) + [""] * (len(header) - len(r))
        if r[i].strip():
            out[r[i].strip()] = {c: r[j] for c, j in pos.items()}
    return out


# -- REFI-QDA files ---------------------------------------------------------------------------

def read_qda_xml(path: str | Path) -> bytes:
    """The XML bytes of a REFI-QDA codebook (.qdc) or project (.qdpx: the zip's project.qde). Only a
    regular file is opened (a named pipe or a device is refused before it is read, as by ``read_input``)."""
    import os

    from surveykit.io.files import open_input
    from surveykit.io.qdpx import MAX_XML_BYTES, read_qdpx_file

    p = Path(path)
    with open_input(p, what="a .qdc or .qdpx file") as fh:
        try:
            magic = fh.read(4)
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror or type(exc).__name__})", path=p) from None
        if p.suffix.lower() == ".qdpx" or magic == b"PK\x03\x04":
            fh.seek(0)
            return read_qdpx_file(fh, p, sources=False).project
        if p.suffix.lower() not in (".qdc", ".xml", ".qde"):
            raise InputError(f"expected a .qdc or .qdpx file; got {p.suffix or 'no extension'!r}", path=p)
        if os.fstat(fh.fileno()).st_size > MAX_XML_BYTES:
            raise InputError(f"the file is larger than {MAX_XML_BYTES} bytes", path=p)
        try:
            data = magic + fh.read(MAX_XML_BYTES + 1 - len(magic))  # a file still growing stops at the cap too
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror or type(exc).__name__})", path=p) from None
        if len(data) > MAX_XML_BYTES:
            raise InputError(f"the file is larger than {MAX_XML_BYTES} bytes", path=p)
        return data
