"""The free-text answers to code: from loaded responses (by field id) or from any CSV/XLSX.

Responses come already read and prepared (``surveykit.read``); other files are read by
``surveykit.io`` (``io._tabular``). This module checks the field and shapes the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from surveykit.errors import InputError, SurveykitError, UsageError, invalid_choice, quoted_or


@dataclass(frozen=True)
class Answers:
    """Answers of one question in input order. ``texts[i]`` is None when blank.

    sectors: respondent_id -> group (the sector, or whatever grouping was asked for; None:
    unknown), or None when the input has no grouping.
    sector_order: the groups' declared order (for tables).
    """

    question_id: str
    ids: tuple[str, ...]
    texts: tuple[str | None, ...]
    sectors: dict[str, str | None] | None = None
    sector_order: tuple[str, ...] = ()
    source: str = ""

    def __iter__(self) -> Iterator[tuple[str, str | None]]:
        return iter(zip(self.ids, self.texts))

    @property
    def n_blank(self) -> int:
        return sum(1 for t in self.texts if t is None)

    @property
    def n_answers(self) -> int:
        return len(self.texts) - self.n_blank


def check_text_question(instrument, question: str) -> str:
    """The column id of a free-text field (a free-text question or an "Other (please specify)"
    field), in its declared spelling; UsageError naming the free-text fields otherwise."""
    text_cols = list(instrument.text_columns())
    match = {c.casefold(): c for c in text_cols}.get(str(question).casefold())
    if match is not None:
        return match
    listing = ", ".join(text_cols)[:400]
    if instrument.has_question(question):
        q = instrument.question(question)
        raise UsageError(f"--question {question!r} is a {q.type} question, not a free-text one; "
                         f"free-text fields: {listing}")
    try:
        instrument.column_owner(question)
    except SurveykitError:
        raise invalid_choice("--question", question, text_cols) from None
    raise UsageError(f"--question {question!r} is a closed column, not free text; free-text fields: {listing}")


def answers_from_responses(responses, *, question: str, by: str | None = None) -> Answers:
    """The answers to a free-text field of already-loaded responses, with each respondent's group.

    ``by``: the grouping (default: the instrument's default grouping, usually the sector); the
    answers' ``sectors`` map holds each respondent's group of it. Raises InputError when no column
    of the export maps to the field."""
    column = check_text_question(responses.instrument, question)
    if column not in responses.column_map.targets():
        raise InputError(f"question {question!r} is not in this export (no column maps to it)",
                         path=responses.source.path)
    inst = responses.instrument
    by = by if by is not None else inst.default_by
    data = responses.data
    ids = tuple(str(r) for r in data["respondent_id"])
    texts = tuple(_clean(t) for t in data[column])
    if by is None:
        return Answers(column, ids, texts, None, (), responses.source.path)
    groups = responses.groups(by)
    sectors = {rid: (None if _missing(s) else _group_name(s)) for rid, s in zip(ids, groups)}
    order = tuple(_group_name(g) for g in (inst.group_order(by) or sorted({v for v in sectors.values() if v})))
    return Answers(column, ids, texts, sectors, order, responses.source.path)


def _group_name(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def answers_from_table(path: str | Path, *, text_column: str, id_column: str = "respondent_id",
                       sector_column: str | None = None, question_id: str | None = None) -> Answers:
    """Answers from any CSV/XLSX: an id column and a text column (and optionally a sector column)."""
    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff

    rows, _ = all_rows(open_sniff(path))
    if not rows:
        raise InputError("the file is empty", path=path)
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    wanted = [("--id-column", id_column), ("--text-column", text_column)]
    if sector_column:
        wanted.append(("--sector-column", sector_column))
    for opt, col in wanted:
        if col not in header:
            raise invalid_choice(opt, col, header)
    i, j = header.index(id_column), header.index(text_column)
    k = header.index(sector_column) if sector_column else None
    ids, texts, sectors = [], [], {}
    seen: set[str] = set()
    for n, r in enumerate(rows[1:], start=1):
        r = list(r) + [""] * (len(header) - len(r))
        rid = r[i].strip()
        if not rid:
            if r[j].strip():
                raise InputError("an answer has no id", path=path, row=n, column=id_column)
            continue
        if rid in seen:
            raise InputError(f"{quoted_or(rid, 'respondent id')} appears on more than one row", path=path, row=n,
                             column=id_column)
        seen.add(rid)
        ids.append(rid)
        texts.append(_clean(r[j]))
        if k is not None:
            sectors[rid] = r[k].strip() or None
    return Answers(question_id or text_column, tuple(ids), tuple(texts), sectors if k is not None else None, (),
                   str(path))


def _missing(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _clean(value) -> str | None:
    if _missing(value):
        return None
    text = str(value)
    return text if text.strip() else None
