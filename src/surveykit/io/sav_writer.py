"""Writing prepared responses to an SPSS ``.sav`` file with variable and value labels.

Layout (one variable per column of ``Responses.data``, named by our column id):

* ``respondent_id``, the sector as answered (``<sector>_raw``), every other profile field and every
  free-text column: strings;
* the sector field: numeric, 1..n in the instrument's sector order, value-labelled with the sector labels;
* ``completed``: numeric 0/1 labelled No/Yes;
* each closed column: numeric. Numeric option codes are kept (``4`` stays 4); scales with text codes
  (such as a risk category's ``H``/``M``/``L``) are numbered 1..n in option order. Every option carries its label as a
  value label. Don't know is ``99``, labelled "Don't know" and declared user-missing, so SPSS
  leaves it out of means and bases while surveykit reads it back as DK.

Variable labels are the question text (``question - item`` for grid items). Labels and string values
that a spreadsheet could run as a formula are escaped (``io.cells``); the .sav reader undoes it. The
file's creation stamp is fixed, so the same responses give byte-identical files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.errors import UsageError
from surveykit.io.cells import spreadsheet_safe

if TYPE_CHECKING:
    from surveykit.clean import Responses

DK_VALUE = 99
_STAMP = (b"01 Jan 16", b"00:00:00")  # creation date and time in the .sav header (offsets 92, 101)


def sav_layout(responses: "Responses"):
    """The data frame and pyreadstat label arguments that ``write_responses_sav`` writes."""
    import pandas as pd

    inst = responses.instrument
    data = responses.data
    frame: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[float]] = {}

    def text(col: str, label: str) -> None:
        frame[col] = data[col].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v)).astype(object)
        labels[col] = label

    text("respondent_id", "Respondent ID")
    for pf in inst.profile:
        if pf.kind == "sector":
            sector_codes = {s.id: float(i) for i, s in enumerate(inst.sectors, start=1)}
            frame[pf.id] = data[pf.id].map(lambda v: sector_codes.get(v, float("nan"))).astype("float64")
            labels[pf.id] = pf.label
            value_labels[pf.id] = {code: inst.sector_label(sid) for sid, code in sector_codes.items()}
            text(f"{pf.id}_raw", f"{pf.label} (as answered)")
        elif pf.kind in ("text", "category"):
            text(pf.id, pf.label)
    completed = inst.profile_of_kind("completed")
    frame["completed"] = data["completed"].astype("float64")
    labels["completed"] = completed.label if completed else "Completed"
    value_labels["completed"] = {0.0: "No", 1.0: "Yes"}

    for question, item in inst.closed_columns():
        cid = item.id if item else question.id
        scale = question.scale
        numeric = all(_is_number(o.code) for o in scale.valid_options)
        codes: dict[str, float] = {}
        for n, o in enumerate(scale.options, start=1):
            codes[o.code] = float(DK_VALUE) if o.dk else (float(o.code) if numeric else float(n))
        frame[cid] = data[cid].map(lambda v, c=codes: c.get(v, float("nan")) if v is not None else float("nan")).astype("float64")
        labels[cid] = f"{question.text} - {item.label}" if item else question.text
        value_labels[cid] = {codes[o.code]: o.label for o in scale.options}
        if scale.has_dk:
            missing[cid] = [float(DK_VALUE)]
    for cid in inst.text_columns():
        owner = inst.text_field_owner(cid)
        if not hasattr(owner, "type"):  # a profile field's "Other (please specify)"
            text(cid, f"{owner.label} - Other (please specify)")
            continue
        text(cid, owner.text if cid == owner.id else f"{owner.text} - Other (please specify)")
    df = pd.DataFrame(frame)
    # SPSS writes these strings into the CSV and Excel files it exports: none may run as a formula there.
    for col in df.columns:
        if df[col].dtype == object:
            df[col] = df[col].map(spreadsheet_safe)
    labels = {k: spreadsheet_safe(v) for k, v in labels.items()}
    value_labels = {k: {code: spreadsheet_safe(text) for code, text in v.items()} for k, v in value_labels.items()}
    return df, labels, value_labels, missing


def write_responses_sav(responses: "Responses", out: str | Path, *, force: bool = False) -> Path:
    """Write ``responses`` to ``out`` (.sav) atomically and deterministically; returns the path. A file
    already there is replaced only when surveykit wrote it and it is unchanged, or with ``force``
    (``io.owned_files``)."""
    from surveykit.io.folder import temp_prefix
    from surveykit.io.owned_files import write_owned_bytes

    import pyreadstat

    out = Path(out)
    if out.suffix.lower() != ".sav":
        raise UsageError(f"--out must name a .sav file; got {str(out)!r}")
    df, labels, value_labels, missing = sav_layout(responses)
    # pyreadstat writes a file: beside the output, named as atomic writes name theirs, so that a run
    # killed here leaves no copy of the responses elsewhere and the next write of ``out`` removes it.
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(out.name), suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        pyreadstat.write_sav(df, tmp, column_labels=[labels[c] for c in df.columns],
                             variable_value_labels=value_labels, missing_ranges=missing,
                             variable_measure={c: ("nominal" if df[c].dtype == object else "ordinal")
                                               for c in df.columns})
        data = bytearray(Path(tmp).read_bytes())
    finally:
        Path(tmp).unlink(missing_ok=True)
    data[92:101] = _STAMP[0]
    data[101:109] = _STAMP[1]
    return write_owned_bytes(out, bytes(data), force=force)


def _is_number(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True
