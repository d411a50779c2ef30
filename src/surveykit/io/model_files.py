"""Model folders on disk (``code train --out``): written whole and atomically, replaced only when
surveykit wrote them and nobody changed them since, and read back as text (nothing in them runs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from surveykit.errors import InputError

MODEL_FORMAT_MARK = '"format": "surveykit-text-model"'


def write_model_dir(path: str | Path, files: dict[str, str], *, force: bool = False) -> Path:
    """Write a model folder (name -> text) atomically: the old folder is replaced only on success, and
    only when it is a model folder written by surveykit that nobody changed since, or with ``force``
    (see ``check_model_dir``)."""
    from surveykit.io.coded_write import _writing
    from surveykit.io.folder import owned_folder

    check_model_dir(path, force=force)
    # Replaced whole and atomically (io.folder), the leftovers of a killed run cleaned up by the next one.
    with _writing(path), owned_folder(path, kind="model", legacy=_legacy_model, force=force,
                                      force_option="--force") as tmp:
        for name, text in sorted(files.items()):
            (tmp / name).write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def check_model_dir(path: str | Path, *, force: bool = False) -> None:
    """Refuse (before any training) a model folder ``write_model_dir`` may not replace: one that is not a
    model folder written by surveykit, or one whose files were changed since, unless ``force`` (which
    still never replaces a file that is not surveykit's, and keeps every other file in the folder).

    A model folder carries a marker (``.surveykit-model.json``) listing the SHA-256 of each file written,
    so any edit (a note added to metrics.csv) is seen. A model folder of an older surveykit (no marker)
    counts as unchanged only while each file is exactly in the form ``code train`` writes."""
    from surveykit.io.folder_state import check_output_folder, marker_name

    target = Path(path)
    if target.exists() and not force:
        ours = (target.is_dir() and (target / "model.json").is_file()
                and MODEL_FORMAT_MARK in (target / "model.json").read_text(encoding="utf-8", errors="replace")[:400]
                and {p.name for p in target.iterdir()} <= {"model.json", "metrics.csv", marker_name("model")})
        if not ours:
            raise InputError("refusing to replace it: it is not a model folder written by surveykit "
                             "(choose a new --out, or pass --force to add the model beside the files in it; "
                             "nothing of theirs is deleted)", path=target)
    check_output_folder(target, kind="model", force=force, legacy=_legacy_model, force_option="--force",
                        expected=frozenset({"model.json", "metrics.csv"}))


MODEL_METRICS_HEADER = ("code_id", "n_positive", "precision", "recall", "f1", "trained", "note")
_EDITED = "changed"  # not a SHA-256: a file listed with it counts as changed since surveykit wrote it


def _legacy_model(folder: Path) -> "dict[str, str] | None":
    """A model folder without a marker (older surveykit): model.json and metrics.csv are ours when
    model.json has the model format mark; each counts as unchanged only while it is exactly in the form
    ``code train`` writes (anything else, e.g. a note added to metrics.csv, counts as changed)."""
    from surveykit.io.folder_state import sha256_file

    found = {name: folder / name for name in ("model.json", "metrics.csv") if (folder / name).is_file()}
    if "model.json" not in found or any(p.is_symlink() for p in found.values()):
        return None
    try:
        data = found["model.json"].read_bytes()
    except OSError:
        return None
    if MODEL_FORMAT_MARK not in data[:400].decode("utf-8", errors="replace"):
        return None
    try:
        codes = _written_model_codes(data.decode("utf-8"))
    except UnicodeDecodeError:
        codes = None
    listed = {"model.json": sha256_file(found["model.json"]) if codes is not None else _EDITED}
    if "metrics.csv" in found:
        unchanged = codes is not None and _written_metrics(found["metrics.csv"], codes)
        listed["metrics.csv"] = sha256_file(found["metrics.csv"]) if unchanged else _EDITED
    return listed


_MODEL_KEYS = ("format", "format_version", "surveykit", "question_id", "n_answers", "n_examples", "text",
               "word_vectorizer", "char_vectorizer", "classifier", "calibration", "word_vocabulary", "word_idf",
               "char_vocabulary", "char_idf", "codes", "skipped_codes")


def _written_model_codes(text: str) -> "dict[str, bool] | None":
    """{code: trained} of a model.json exactly as ``TextModel.to_json`` lays it out (one line per key, one
    per code), or None when it is not (it was edited)."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or not set(doc) <= set(_MODEL_KEYS) or "codes" not in doc:
        return None

    def dump(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    lines = []
    for key, value in doc.items():
        if key == "codes" and isinstance(value, list) and value:
            lines.append('"codes": [\n  ' + ",\n  ".join(dump(c) for c in value) + "\n]")
        else:
            lines.append(f"{dump(key)}: {dump(value)}")
    if "{\n" + ",\n".join(lines) + "\n}\n" != text:
        return None
    try:
        codes = {str(c["code_id"]): True for c in doc["codes"]}
        codes.update({str(c): False for c in doc.get("skipped_codes", [])})
    except (KeyError, TypeError):
        return None
    return codes


_SKIPPED_NOTE = re.compile(r"needs >= \d+ answers with and without the code")


def _written_metrics(path: Path, codes: dict[str, bool]) -> bool:
    """True when metrics.csv is in the form ``code train`` writes for a model of these codes: its header,
    then for each code one row of seven cells (a whole number of answers; precision, recall and F1 with
    an empty note for a trained code; empty figures and the "needs ..." note for a skipped one), and
    nothing else: a note typed anywhere, a row or a column added, counts as a change."""
    import csv
    import io

    from surveykit.io.cells import spreadsheet_text

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if not text.endswith("\n") or "\r" in text:
        return False
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != MODEL_METRICS_HEADER:
        return False
    seen: dict[str, bool] = {}
    for row in rows[1:]:
        if len(row) != len(MODEL_METRICS_HEADER):
            return False
        code, n, p, r, f, trained, note = row
        code = spreadsheet_text(code)
        if code in seen or trained not in ("True", "False") or not n.isdigit():
            return False
        if trained == "True":
            if note or not all(_fraction(x) for x in (p, r, f)):
                return False
        elif p or r or f or not _SKIPPED_NOTE.fullmatch(note):
            return False
        seen[code] = trained == "True"
    return seen == codes


def _fraction(text: str) -> bool:
    try:
        return 0.0 <= float(text) <= 1.0
    except ValueError:
        return False


def read_model_file(path: str | Path, name: str) -> str:
    """One file of a model folder written by ``code train`` (text; nothing in it is executed)."""
    p = Path(path)
    if not p.is_dir():
        raise InputError("not a surveykit model folder (expected a directory written by 'code train')", path=p)
    f = p / name
    if not f.is_file():
        raise InputError(f"not a surveykit model folder: {name} is missing", path=p)
    try:
        return f.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {name} ({type(exc).__name__})", path=p) from None
