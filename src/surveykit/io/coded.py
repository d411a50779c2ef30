"""Coded files on disk: human/machine codes in CSV, REFI-QDA codebooks (.qdc / .qdpx), models.

The coded-file format is the one research staff edit in a spreadsheet: a CSV (or XLSX) with the
columns ``respondent_id, question_id, code_id, coder``, one row per (answer, code). Other columns
(``start``, ``end``, ``matched``, ``probability``...) are ignored, except ``accepted``: a row whose
``accepted`` is false (a model suggestion left for review) counts as no code. By convention a coded file lists
every answer the coder saw: an answer coded with nothing has one row with an empty ``code_id``.

The *wide* layout used by many projects (``ResponseId, <question text>, Code 1 .. Code N``; one row
per answer; a row whose answer is blank is a non-respondent) is read as well and converted to the
long form. Hierarchical code names (``parent->child``) are kept as they are: each distinct string is
one code.

Only this module (with the rest of ``io/`` and ``report/``) touches the disk for coding work.
"""

from __future__ import annotations

import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from surveykit.errors import InputError, invalid_choice
from surveykit.io.atomic import write_bytes, write_text

if TYPE_CHECKING:
    import pandas as pd

CODED_COLUMNS = ("respondent_id", "question_id", "code_id", "coder")
WIDE_QUESTION_ID = "answer"
_CODE_COLUMN = re.compile(r"^\s*code\s*_?\s*\d+\s*$", re.IGNORECASE)
_MAX_QDA_BYTES = 50_000_000


@dataclass(frozen=True)
class CodedFile:
    """A coded file read from disk, in long form.

    frame: columns ``respondent_id, question_id, code_id, coder`` (code_id is None for an answer
    seen and coded with nothing), one row per (answer, code), in file order.
    layout: "long" or "wide". coder: the coder name (from the ``coder`` column, else the file stem).
    notes: things worth telling the user (e.g. a respondent on two rows).
    """

    path: str
    layout: str
    coder: str
    frame: "pd.DataFrame"
    notes: tuple[str, ...] = ()


def read_coded(path: str | Path, *, question: str | None = None, coder: str | None = None,
               uncoded: str = "none", keep_row_coders: bool = False) -> CodedFile:
    """Read a coded file (long or wide layout, CSV or XLSX).

    question: for long files, keep only this question's rows; for wide files, the question id to
    give every answer (default ``"answer"``). coder: override the coder name.
    uncoded: what an answer with no code means: "none" (seen and coded with nothing, the
    convention) or "missing" (not coded yet, e.g. a second coder who coded only a sample): such
    answers are dropped, so they count as not seen by this coder.
    keep_row_coders: keep each row's own coder value (long layout) instead of one name for the file.
    """
    import pandas as pd

    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff

    from surveykit.io.cells import spreadsheet_text

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
        idx = {name: lower.index(name) for name in CODED_COLUMNS if name in lower}
        acc = lower.index("accepted") if "accepted" in lower else None
        records = []
        for n, r in enumerate(body, start=2):
            rid = r[idx["respondent_id"]].strip()
            if not rid:
                raise InputError("respondent_id is empty", path=path, row=n)
            qid = r[idx["question_id"]].strip() if "question_id" in idx else (question or WIDE_QUESTION_ID)
            code = r[idx["code_id"]].strip() or None
            if acc is not None and r[acc].strip().lower() in ("false", "0", "no"):
                code = None  # a model suggestion left for review is not a code (the answer was seen)
            who = r[idx["coder"]].strip() if "coder" in idx else ""
            records.append((rid, qid, code, who))
        frame = pd.DataFrame(records, columns=list(CODED_COLUMNS), dtype=object)
        if question is not None and "question_id" in idx:
            if not (frame["question_id"] == question).any():
                found = sorted(set(frame["question_id"]))
                raise InputError(f"no rows for question {question!r}; the file has {found}", path=path)
            frame = frame[frame["question_id"] == question].reset_index(drop=True)
        names = sorted({c for c in frame["coder"] if c})
        name = coder or (names[0] if len(names) == 1 else stem)
        if len(names) > 1 and coder is None:
            notes.append(f"{Path(path).name}: several coder names ({', '.join(names)}); using {stem!r}")
    else:
        code_cols = [j for j, h in enumerate(header) if _CODE_COLUMN.match(h)]
        if not code_cols:
            raise InputError(
                "not a coded file: expected the columns respondent_id, question_id, code_id, coder "
                "(long layout) or an id column followed by 'Code 1', 'Code 2', ... (wide layout); "
                f"got {header[:6]}", path=path)
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
                notes.append(f"{Path(path).name}: respondent {rid} is on rows {seen_rows[rid]} and {n}; "
                             "their codes are pooled")
            seen_rows.setdefault(rid, n)
            if codes:
                records.extend((rid, qid, c, "") for c in dict.fromkeys(codes))
            else:
                records.append((rid, qid, None, ""))
        frame = pd.DataFrame(records, columns=list(CODED_COLUMNS), dtype=object)
        name = coder or stem
    if keep_row_coders and layout == "long":
        frame["coder"] = [c or name for c in frame["coder"]]
    else:
        frame["coder"] = name
    if uncoded not in ("none", "missing"):
        raise invalid_choice("--uncoded", uncoded, ["none", "missing"])
    if uncoded == "missing":
        frame = frame[frame["code_id"].notna()]
    return CodedFile(path=str(path), layout=layout, coder=name, frame=normalise_coded(frame), notes=tuple(notes))


def normalise_coded(frame: "pd.DataFrame") -> "pd.DataFrame":
    """One row per (answer, code); an answer with codes loses its empty placeholder row."""
    frame = frame[list(CODED_COLUMNS)].copy()
    frame = frame.drop_duplicates(subset=["respondent_id", "question_id", "code_id", "coder"])
    has_code = frame.groupby(["respondent_id", "question_id"], sort=False)["code_id"].transform(
        lambda s: s.notna().any())
    keep = frame["code_id"].notna() | ~has_code.astype(bool)
    return frame[keep].reset_index(drop=True)


@contextmanager
def _writing(path: str | Path) -> Iterator[None]:
    """A file that cannot be written (permissions, a folder in the way) -> one clear InputError."""
    try:
        yield
    except OSError as exc:
        raise InputError(f"cannot write the output ({exc.strerror or type(exc).__name__})", path=path) from None


def coded_to_csv(frame: "pd.DataFrame", *, extra: Iterable[str] = ()) -> str:
    """The coded-file CSV text (columns ``respondent_id, question_id, code_id, coder`` + extra)."""
    from surveykit.io.cells import frame_csv

    cols = list(CODED_COLUMNS) + [c for c in extra if c in frame.columns]
    return frame_csv(frame[cols])


def write_coded(path: str | Path, frame: "pd.DataFrame", *, extra: Iterable[str] = ()) -> Path:
    """Write a coded file atomically (the whole file is replaced at once)."""
    with _writing(path):
        return write_text(path, coded_to_csv(frame, extra=extra))


def write_frame_csv(path: str | Path, frame: "pd.DataFrame") -> Path:
    """Any result table as CSV, atomically."""
    from surveykit.io.cells import frame_csv

    with _writing(path):
        return write_text(path, frame_csv(frame))


def write_output_text(path: str | Path, text: str) -> Path:
    """Any text output (e.g. an imported codebook's YAML), atomically."""
    with _writing(path):
        return write_text(path, text)


# -- REFI-QDA files ---------------------------------------------------------------------------

def read_qda_xml(path: str | Path) -> bytes:
    """The XML bytes of a REFI-QDA codebook (.qdc) or project (.qdpx: the zip's project.qde)."""
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", path=p)
    if p.is_dir():
        raise InputError("expected a file, got a directory", path=p)
    suffix = p.suffix.lower()
    if suffix == ".qdpx" or zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as zf:
                names = [n for n in zf.namelist() if n.lower().endswith(".qde") and "/" not in n.strip("/")]
                if not names:
                    raise InputError("not a REFI-QDA project: the .qdpx archive has no project.qde", path=p)
                info = zf.getinfo(names[0])
                if info.file_size > _MAX_QDA_BYTES:
                    raise InputError(f"project.qde is larger than {_MAX_QDA_BYTES} bytes", path=p)
                return zf.read(info)
        except zipfile.BadZipFile:
            raise InputError("not a REFI-QDA project: the .qdpx file is not a valid zip archive", path=p) from None
    if suffix not in (".qdc", ".xml", ".qde"):
        raise InputError(f"expected a .qdc or .qdpx file; got {p.suffix or 'no extension'!r}", path=p)
    if p.stat().st_size > _MAX_QDA_BYTES:
        raise InputError(f"the file is larger than {_MAX_QDA_BYTES} bytes", path=p)
    return p.read_bytes()


def write_qdc(path: str | Path, data: bytes) -> Path:
    """Write a .qdc codebook atomically."""
    with _writing(path):
        return write_bytes(path, data)


# -- models -------------------------------------------------------------------------------------

def write_model_dir(path: str | Path, files: dict[str, str]) -> Path:
    """Write a model folder (name -> text) atomically: the old folder is replaced only on success.

    The folder carries ``.surveykit-model.json`` (``io.folder``): a folder surveykit did not write is
    refused, and files in a model folder that are not the model's are kept."""
    from surveykit.io.folder import owned_folder

    with _writing(path), owned_folder(path, kind="model", legacy=_legacy_model, force_option=None) as tmp:
        for name, text in sorted(files.items()):
            (tmp / name).write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def _legacy_model(folder: Path) -> "dict[str, str] | None":
    """A model folder of an older surveykit (no marker): model.json and metrics.csv are ours."""
    import json

    from surveykit.io.folder import sha256_file

    model, metrics = folder / "model.json", folder / "metrics.csv"
    if not (model.is_file() and metrics.is_file()) or model.is_symlink() or metrics.is_symlink():
        return None
    try:
        doc = json.loads(model.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or "codes" not in doc:
        return None
    return {"model.json": sha256_file(model), "metrics.csv": sha256_file(metrics)}


def read_model_file(path: str | Path, name: str) -> str:
    p = Path(path)
    if not p.is_dir():
        raise InputError("not a surveykit model folder (expected a directory written by 'code train')", path=p)
    f = p / name
    if not f.is_file():
        raise InputError(f"not a surveykit model folder: {name} is missing", path=p)
    return f.read_text(encoding="utf-8")
