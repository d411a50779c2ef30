"""prepare(): a RawExport becomes typed Responses, with every data problem collected as an Issue.

Typed values in ``Responses.data`` (a pandas DataFrame, one row per respondent, never mutated):

* ``respondent_id`` (str; the profile field of kind ``id``, or ``row1``, ``row2`` ... without one);
* the sector field (kind ``sector``, e.g. ``sector``): a canonical sector id or None, and beside it
  ``<id>_raw``, the answer as given;
* every other profile field by its id: ``category`` fields hold an option code (when the field
  declares ``options``) or the answer as given, ``text`` fields the answer (str or None);
* ``completed`` (bool): the completion field, or "answered a question of the last page";
* one column per closed question or grid item: the option code as a string (``"4"``, ``"DK"``,
  ``"yes"``) or None for blank;
* one column per free-text field (questions and "Other (please specify)" fields): str or None.

Every column of the instrument is present, mapped or not; ``column_map`` says which were found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from surveykit.errors import Issue, invalid_choice
from surveykit.instrument import Instrument, Scale, load_instrument
from surveykit.io.base import RawExport
from surveykit.mapping import ColumnMap, map_columns

if TYPE_CHECKING:
    import pandas as pd

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "complete", "completed", "finished", "t"})


@dataclass(frozen=True)
class SourceInfo:
    path: str
    platform: str
    encoding: str
    sha256: str
    n_rows: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Responses:
    instrument: Instrument
    data: "pd.DataFrame" = field(repr=False, compare=False)
    issues: tuple[Issue, ...]
    source: SourceInfo
    column_map: ColumnMap = field(repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.data)

    def codes(self, column_id: str) -> "pd.Series":
        """Option codes (str) or None of one closed column."""
        self._require(column_id)
        return self.data[column_id]

    def numeric(self, column_id: str) -> "pd.Series":
        """Scores of an ordinal column as floats; Don't know and blank are NaN."""
        import pandas as pd

        question, _ = self.instrument.column_owner(column_id)
        if not question.is_ordinal:
            raise invalid_choice(f"column (ordinal; {column_id} is {question.scale.kind if question.scale else 'text'})",
                                 column_id, [c for q, it in self.instrument.closed_columns() if q.is_ordinal
                                             for c in ([it.id] if it else [q.id])])
        values = {o.code: o.value for o in question.scale.options}
        return pd.Series([values.get(c) if c is not None else None for c in self.data[column_id]],
                         index=self.data.index, dtype="float64", name=column_id)

    def text(self, column_id: str) -> "pd.Series":
        self._require(column_id)
        return self.data[column_id]

    def groups(self, by: str) -> "pd.Series":
        """The grouping variable ``by``: a grouping profile field (sector, category, completed) or a
        single-choice question (``Instrument.grouping_candidates()``); ids in any case."""
        allowed = self.instrument.grouping_candidates()
        match = {a.casefold(): a for a in allowed}.get(str(by).casefold()) if isinstance(by, str) else None
        if match is None:
            raise invalid_choice("by", by, allowed)
        p = next((p for p in self.instrument.profile if p.id == match), None)
        if p is not None and p.kind == "completed":
            return self.data["completed"]
        if self.instrument.group_order(match) is None:
            return pooled_rare_answers(self.data[match])
        return self.data[match]

    @property
    def sector_field(self) -> str | None:
        return self.instrument.sector_field

    def _require(self, column_id: str) -> None:
        if column_id not in self.data.columns:
            raise invalid_choice("column", column_id, list(self.data.columns))

    @property
    def present_columns(self) -> frozenset[str]:
        """Column ids that were found in the export (the rest are all blank by construction)."""
        return frozenset(self.column_map.targets())


#: The group of a grouping without declared options that holds its rare answers (``pooled_rare_answers``):
#: answers given by fewer respondents than the default disclosure threshold (``disclosure.DEFAULT_THRESHOLD``,
#: which this layer cannot import).
RARE_ANSWER_COUNT = 5
RARE_ANSWERS_GROUP = "other answers (each given by fewer than 5 respondents)"


def pooled_rare_answers(column: "pd.Series") -> "pd.Series":
    """A grouping whose answers are its groups (a category field without options) with every answer given
    by fewer than 5 respondents pooled into one group, ``RARE_ANSWERS_GROUP``: such an answer may be typed
    text (a name, a joke), which would otherwise be published as a group's name in every table, with its
    one or two respondents' answers beside it (as ``inspect`` counts rare answers rather than list them)."""
    counts = column.value_counts(dropna=True)
    rare = [v for v, n in counts.items() if n < RARE_ANSWER_COUNT]
    if not rare:
        return column
    return column.where(~column.isin(rare), RARE_ANSWERS_GROUP)


def prepare(raw: RawExport, instrument: Instrument | None = None, *,
            mapping: Mapping[str, Any] | None = None) -> Responses:
    """Type every answer of an export against the instrument and collect the problems found."""
    import pandas as pd

    inst = instrument or load_instrument()
    cmap = map_columns(raw, inst, mapping=mapping)
    issues: list[Issue] = []
    n = raw.n_rows
    by_target = cmap.targets()
    # column id -> [(codes, typed distinct values, typed column)] for columns typed over their distinct values
    spread: dict[str, list] = {}

    import numpy as np

    if hasattr(raw.rows, "column_held"):
        # Rows held as columns (io.fastcsv, a large CSV): each column is already an object array, or its
        # distinct strings and their codes (io.fastcsv.Factored), typed without building the cells.
        def column_at(j: int):
            return raw.rows.column_held(j)
    else:
        # One object matrix built at C speed; columns are slices of it (100,000 x 100+ cells must stay fast).
        width = len(raw.columns)
        matrix = np.empty((n, width), dtype=object)
        if n and width:
            matrix[:, :] = raw.rows

        def column_at(j: int):
            return matrix[:, j]

    def raw_column(target: str):
        """The exported strings of the column mapped to ``target`` (an object array), or None."""
        m = by_target.get(target)
        if m is None:
            return None
        return column_at(m.column.index)

    # Respondent ids: blank ids get a row-based id; duplicates are reported.
    id_field = inst.profile_of_kind("id")
    ids_raw = raw_column(id_field.id) if id_field else None
    ids = _respondent_ids(ids_raw, n, issues)
    columns: dict[str, Any] = {"respondent_id": ids}
    profile_columns = ["respondent_id"]

    for pf in inst.profile:
        if pf.kind in ("id", "completed"):
            continue
        col = raw_column(pf.id)
        profile_columns.append(pf.id)
        if pf.kind == "sector":
            columns[pf.id], raws = _type_sector(col, inst, pf.id, issues, n)
            raw_text = raw_column(f"{pf.id}_raw")  # our own exports (export-sav) keep the answer as given
            columns[f"{pf.id}_raw"] = _clean_texts(raw_text) if raw_text is not None else raws
            profile_columns.append(f"{pf.id}_raw")
        elif col is None:
            columns[pf.id] = [None] * n
        elif pf.kind == "category" and pf.options is not None:
            columns[pf.id] = _type_closed(col, pf.options, by_target[pf.id].column.display, issues, spread.setdefault(pf.id, []))
        else:
            columns[pf.id] = _clean_texts(col, spread.setdefault(pf.id, []))
    if inst.sector_field and raw_column(inst.sector_field) is None and n:
        issues.append(Issue(None, None, "no_sector_column", "no column was mapped to the sector question",
                            severity="warning"))

    closed_ids: list[str] = []
    for question, item in inst.closed_columns():
        cid = item.id if item else question.id
        closed_ids.append(cid)
        col = raw_column(cid)
        if col is None:
            columns[cid] = [None] * n
            continue
        header = by_target[cid].column.display
        columns[cid] = _type_closed(col, question.scale, header, issues, spread.setdefault(cid, []))

    for cid in inst.text_columns():
        col = raw_column(cid)
        columns[cid] = _clean_texts(col, spread.setdefault(cid, [])) if col is not None else [None] * n

    completed_field = inst.profile_of_kind("completed")
    completed_raw = raw_column(completed_field.id) if completed_field else None
    if completed_raw is not None:
        columns["completed"] = _by_distinct(completed_raw, lambda v: v.strip().lower() in TRUE_WORDS)[0].astype(bool)
    else:
        # Without a completion column: answered a question of the declared last page, or (no last page
        # declared) answered any question at all.
        pages = inst.last_page or tuple(q.id for q in inst.questions)
        last = [c for qid in pages for c in inst.question(qid).columns + inst.question(qid).text_columns]
        answered = np.zeros(n, dtype=bool)
        for c in last:
            if c not in columns:
                continue
            # Typed values are None or non-empty strings: truthiness is "answered". A column typed
            # over its distinct values is tested once per distinct value, and spread with its codes.
            typed = spread.get(c)
            if typed and typed[-1][2] is columns[c]:  # the column as it was typed last
                codes, typed_distinct, _ = typed[-1]
                answered |= np.asarray(typed_distinct, dtype=object).astype(bool).take(codes)
            else:
                answered |= np.asarray(columns[c], dtype=object).astype(bool)
        columns["completed"] = answered

    for m in cmap.unmapped:
        issues.append(Issue(None, m.column.display, "unmapped_column",
                            "this column matches no question of the instrument" + (f" ({m.note})" if m.note else ""),
                            severity="warning"))

    profile_columns.append("completed")
    order = profile_columns + [c for c in columns if c not in profile_columns]
    # Arrays handed over without a copy (pandas 3 copies a Series built from an array by default, and a
    # DataFrame built from Series copies again into one block: 100,000 x 100+ pointers each time).
    frame = pd.DataFrame({c: pd.Series(_column_array(columns[c], bool if c == "completed" else object),
                                       dtype=bool if c == "completed" else object, copy=False) for c in order},
                         copy=False)
    source = SourceInfo(path=raw.path, platform=raw.platform, encoding=raw.encoding, sha256=raw.sha256,
                        n_rows=n, notes=raw.notes)
    issues.sort(key=lambda x: (x.row if x.row is not None else 0, x.column or "", x.code))
    return Responses(instrument=inst, data=frame, issues=tuple(issues), source=source, column_map=cmap)


def _respondent_ids(ids_raw, n: int, issues: list[Issue]):
    """Respondent ids (an object array): the id as given, stripped, or ``row<N>`` when blank (reported
    when the export has an id column); each repeat of an id is reported with the row it first came in.
    Whole-column operations: only blank and repeated ids are visited one by one."""
    import numpy as np
    import pandas as pd

    if ids_raw is None:
        ids = np.empty(n, dtype=object)
        ids[:] = [f"row{i + 1}" for i in range(n)]
    else:
        if not n:
            ids = _object_array([])
        elif _factors(ids_raw)[0] is None:
            # Ids held as their cells (nearly every one its own): stripped in numpy's loop. Numbering
            # them to strip each distinct id once would hash every id, and they are hashed below anyway.
            ids = np.frompyfunc(str.strip, 1, 1)(_object_array(ids_raw))
        else:
            ids = _by_distinct(ids_raw, str.strip)[0]
        for i in np.flatnonzero(ids == ""):
            ids[i] = f"row{i + 1}"
            issues.append(Issue(int(i) + 1, "respondent_id", "missing_id", "the respondent id is blank"))
    if n:
        codes, _ = pd.factorize(ids)
        first = np.full(codes.max() + 1, n, dtype=np.int64)
        np.minimum.at(first, codes, np.arange(n))
        for i in np.flatnonzero(first[codes] != np.arange(n)):
            issues.append(Issue(int(i) + 1, "respondent_id", "duplicate_id",
                                f"the respondent id of this row also appears in row {first[codes[i]] + 1}"))
    return ids


def _type_sector(col, inst: Instrument, field_id: str, issues: list[Issue], n: int):
    """Canonical sector ids (matched once per distinct answer) and the answers as given."""
    import numpy as np

    if col is None:
        empty = np.empty(n, dtype=object)
        return empty, empty.copy()
    stripped, codes, distinct = _by_distinct(col, lambda v: v.strip() or None)
    matched = np.empty(len(distinct), dtype=object)
    matched[:] = [inst.match_sector(v.strip()) if v.strip() else None for v in distinct]
    sectors = matched.take(codes)
    blank = np.array([not v.strip() for v in distinct], dtype=bool)
    for i in np.flatnonzero(blank[codes]):
        issues.append(Issue(int(i) + 1, field_id, "missing_sector", "the sector is blank"))
    unknown = np.array([bool(v.strip()) and m is None for v, m in zip(distinct, matched)], dtype=bool)
    for i in np.flatnonzero(unknown[codes]):
        issues.append(Issue(int(i) + 1, field_id, "unknown_sector",
                            "the sector answer is not one of the instrument's sectors or their aliases"))
    return sectors, stripped


def _clean_texts(values, spread: list | None = None):
    """``_clean_text`` of each value, as an object array (no distinct-value cache: free text is
    mostly unique, and hashing long strings costs more than stripping them). ``str.strip`` runs in
    numpy's loop, not a Python one: 100,000 answers x dozens of text columns. A column held as its
    distinct strings is cleaned once per distinct string; ``spread`` then receives (codes, cleaned
    distinct strings, the array returned)."""
    import numpy as np

    codes, distinct = _factors(values)
    if codes is not None:  # each distinct string stripped once
        cleaned = _clean_texts(distinct)
        out = cleaned[codes]  # indexing, not take (see _by_distinct)
        if spread is not None:
            spread.append((codes, cleaned, out))
        return out
    arr = _object_array(values)
    out = np.frompyfunc(str.strip, 1, 1)(arr) if arr.size else arr.copy()
    out[out == ""] = None
    return out


def _factors(values):
    """(codes, distinct) of a column held as its distinct strings (``io.fastcsv.Factored``), as
    ``pandas.factorize`` gives them; (None, None) for any other column."""
    factorized = getattr(values, "factorized", None)
    return factorized() if factorized is not None else (None, None)


def _column_array(values, dtype):
    import numpy as np

    if isinstance(values, np.ndarray) and values.dtype == dtype and values.ndim == 1:
        return values
    if dtype is object:
        return _object_array(values)
    return np.asarray(values, dtype=dtype)


def _clean_text(value: str) -> str | None:
    value = value.strip()
    return value or None


def _object_array(values):
    import numpy as np

    if isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1:
        return values
    arr = np.empty(len(values), dtype=object)
    arr[:] = values.tolist() if hasattr(values, "tolist") else list(values)
    return arr


def _by_distinct(values, fn, spread: list | None = None):
    """``[fn(v) for v in values]`` as an object array, calling ``fn`` once per distinct value, and
    the index of each value's distinct value (``codes``: ``distinct[codes]`` gives the values back).

    The distinct values are those of a column held factorized (``io.fastcsv.Factored``), else found
    by pandas' hash table; the results are spread back with ``take``: no Python loop over the cells
    (an object ndarray keeps pandas from inferring a string dtype). ``spread`` receives (codes,
    result of each distinct value, the array returned)."""
    import numpy as np

    codes, distinct = _factors(values)
    if codes is None:
        import pandas as pd

        arr = _object_array(values)
        # Cells are strings, never missing: the default (NA-sentinel) hash path is several times faster
        # than use_na_sentinel=False; should a missing value ever come in, the slower path keeps it.
        codes, distinct = pd.factorize(arr)
        if len(codes) and codes.min() < 0:
            codes, distinct = pd.factorize(arr, use_na_sentinel=False)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [fn(v) for v in distinct]
    # Indexing, not ``take``: take first copies codes of a smaller integer type (the readers' int8 or
    # int16) into a new array of machine integers, a second array as large as the result to fault in.
    typed = results[codes]
    if spread is not None:
        spread.append((codes, results, typed))
    return typed, codes, distinct


def _type_closed(values, scale: Scale, header: str, issues: list[Issue], spread: list | None = None):
    """Option codes (object array of str or None) for one closed column; unknown answers become Issues.
    ``spread`` receives (codes, option code of each distinct answer, the array returned)."""
    import numpy as np

    problems: dict[str, str] = {}

    def one(v: str) -> str | None:
        s = v.strip()
        if not s:
            return None
        opt = scale.match(s)
        if opt is None:
            problems[v] = _problem(s, scale)
            return None
        return opt.code

    typed, codes, distinct = _by_distinct(values, one, spread)
    if problems:
        bad = [k for k, v in enumerate(distinct) if v in problems]
        for i in np.flatnonzero(np.isin(codes, bad)):
            code, message = problems[distinct[codes[i]]].split("|", 1)
            issues.append(Issue(int(i) + 1, header, code, message))
    return typed


def _problem(value: str, scale: Scale) -> str:
    allowed = ", ".join(o.label for o in scale.options)
    try:
        float(value)
    except ValueError:
        # The answer itself is not repeated: it may be free text typed by a respondent.
        return f"unknown_label|the answer is not one of the options ({allowed})"
    codes = ", ".join(o.code for o in scale.valid_options)
    # The number is not repeated either: a "number" typed into a closed question may be a phone number.
    return f"out_of_range|the answer is a number outside the scale's codes ({codes})"
