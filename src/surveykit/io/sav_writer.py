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

Measure levels: a closed column's is its scale's kind (ordinal or nominal, from the instrument); the
sector, ``completed``, ids and free text are nominal.

Variable labels are the question text (``question - item`` for grid items). Labels and string values
that a spreadsheet could run as a formula are escaped (``io.cells``); the .sav reader undoes it. The
file's creation stamp is fixed, so the same responses give byte-identical files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from surveykit.errors import UsageError
from surveykit.io.cells import spreadsheet_safe

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from surveykit.clean import Responses

DK_VALUE = 99
_STAMP = (b"01 Jan 16", b"00:00:00")  # creation date and time in the .sav header (offsets 92, 101)


def sav_layout(responses: "Responses"):
    """The data frame and pyreadstat label arguments that ``write_responses_sav`` writes.

    Each column is converted once per distinct value (``_per_distinct``), not once per cell. The fifth
    item is each variable's SPSS measure level: a closed question's is its scale's kind (ordinal or
    nominal, as the instrument says); the sector, ``completed``, ids and free text are nominal."""
    import pandas as pd

    inst = responses.instrument
    data = responses.data
    frame: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[float]] = {}
    measure: dict[str, str] = {}

    def text(col: str, label: str) -> None:
        # SPSS writes these strings into the CSV and Excel files it exports: none may run as a formula there.
        frame[col] = _per_distinct(data[col], _as_text, numeric=False)
        labels[col] = label
        measure[col] = "nominal"

    text("respondent_id", "Respondent ID")
    for pf in inst.profile:
        if pf.kind == "sector":
            sector_codes = {s.id: float(i) for i, s in enumerate(inst.sectors, start=1)}
            frame[pf.id] = _per_distinct(data[pf.id], lambda v, c=sector_codes: c.get(v, float("nan")), numeric=True)
            labels[pf.id] = pf.label
            value_labels[pf.id] = {code: inst.sector_label(sid) for sid, code in sector_codes.items()}
            measure[pf.id] = "nominal"  # numbered in the instrument's order, not ranked
            text(f"{pf.id}_raw", f"{pf.label} (as answered)")
        elif pf.kind in ("text", "category"):
            text(pf.id, pf.label)
    completed = inst.profile_of_kind("completed")
    frame["completed"] = data["completed"].astype("float64")
    labels["completed"] = completed.label if completed else "Completed"
    value_labels["completed"] = {0.0: "No", 1.0: "Yes"}
    measure["completed"] = "nominal"

    for question, item in inst.closed_columns():
        cid = item.id if item else question.id
        scale = question.scale
        numeric = all(_is_number(o.code) for o in scale.valid_options)
        codes: dict[str, float] = {}
        for n, o in enumerate(scale.options, start=1):
            codes[o.code] = float(DK_VALUE) if o.dk else (float(o.code) if numeric else float(n))
        frame[cid] = _per_distinct(data[cid], lambda v, c=codes: c.get(v, float("nan")) if v is not None else float("nan"),
                                   numeric=True)
        labels[cid] = f"{question.text} - {item.label}" if item else question.text
        value_labels[cid] = {codes[o.code]: o.label for o in scale.options}
        measure[cid] = scale.kind if scale.kind in ("ordinal", "nominal") else "unknown"
        if scale.has_dk:
            missing[cid] = [float(DK_VALUE)]
    for cid in inst.text_columns():
        owner = inst.text_field_owner(cid)
        if not hasattr(owner, "type"):  # a profile field's "Other (please specify)"
            text(cid, f"{owner.label} - Other (please specify)")
            continue
        text(cid, owner.text if cid == owner.id else f"{owner.text} - Other (please specify)")
    df = pd.DataFrame(frame)
    labels = {k: spreadsheet_safe(v) for k, v in labels.items()}
    value_labels = {k: {code: spreadsheet_safe(text) for code, text in v.items()} for k, v in value_labels.items()}
    return df, labels, value_labels, missing, measure


def _as_text(value: Any) -> Any:
    """A cell of a string variable: blank for a missing value, formula-like text escaped."""
    return spreadsheet_safe("" if value is None or (isinstance(value, float) and value != value) else str(value))


def _per_distinct(column: "pd.Series", convert: Callable[[Any], Any], *, numeric: bool) -> "pd.Series":
    """``convert`` of every cell of ``column``, computed once per distinct value and spread back over
    the rows: a float64 column when ``numeric``, else an object column. Cells are told apart as
    Python does (``==``) only where every distinct value is a string; any other column, and the
    missing cells other than None and NaN, are converted cell by cell."""
    import numpy as np
    import pandas as pd

    values = column.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values)
    if not all(type(u) is str for u in uniques):  # 1 == 1.0 == True would share a code: one by one
        converted = [convert(v) for v in values]
        out = np.array(converted, dtype="float64") if numeric else _objects(converted)
        return pd.Series(out, index=column.index, dtype=out.dtype, copy=False)
    table = [convert(u) for u in uniques]
    out = (np.array(table, dtype="float64") if numeric else _objects(table))[np.where(codes < 0, 0, codes)] \
        if table else (np.empty(len(values), dtype="float64" if numeric else object))
    blank = np.flatnonzero(codes < 0)
    if len(blank):
        held = values[blank]
        if set(map(type, held)) <= {type(None), float}:  # None and NaN: one conversion each
            none = np.equal(held, None)
            if none.any():
                out[blank[none]] = convert(None)
            if not none.all():
                out[blank[~none]] = convert(float("nan"))
        else:
            for i, v in zip(blank, held):
                out[i] = convert(v)
    # dtype given: pandas 3 would otherwise store strings as its "str" type, which SPSS's writer
    # iterates more slowly.
    return pd.Series(out, index=column.index, dtype=out.dtype, copy=False)


def _objects(items: list) -> "np.ndarray":
    import numpy as np

    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def write_responses_sav(responses: "Responses", out: str | Path, *, force: bool = False) -> Path:
    """Write ``responses`` to ``out`` (.sav) atomically and deterministically; returns the path. A file
    already there is replaced only when surveykit wrote it and it is unchanged, or with ``force``
    (``io.owned_files``)."""
    from surveykit.io.folder_state import sha256_file
    from surveykit.io.owned_files import owned_writer
    from surveykit.io.run_claims import temp_prefix

    import pyreadstat

    out = Path(out)
    if out.suffix.lower() != ".sav":
        raise UsageError(f"--out must name a .sav file; got {str(out)!r}")
    df, labels, value_labels, missing, measure = sav_layout(responses)
    # pyreadstat writes a file: beside the output, named as atomic writes name theirs, so that a run
    # killed here leaves no copy of the responses elsewhere and the next write of ``out`` removes it.
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(out.name), suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        pyreadstat.write_sav(df, tmp, column_labels=[labels[c] for c in df.columns],
                             variable_value_labels=value_labels, missing_ranges=missing,
                             variable_measure=measure)
        del df
        # The creation stamp fixed in place, then the file copied a block at a time into the atomic
        # write of ``out`` (a file of strings padded to their widest answer can be several times the
        # export: it is never held in memory whole).
        with open(tmp, "r+b") as fh:
            fh.seek(92)
            fh.write(_STAMP[0] + _STAMP[1])
        # A file already at ``out`` may be replaced when it holds these very bytes (``owned_files``):
        # their SHA-256 is worked out first only then.
        same = sha256_file(Path(tmp)) if out.is_file() else None
        with open(tmp, "rb") as src, owned_writer(out, force=force, new_digest=same) as dst:
            shutil.copyfileobj(src, dst, _COPY_BLOCK)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


_COPY_BLOCK = 1 << 20


def _is_number(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True
