"""Gold sets: answers coded by people, used to measure a coder (``surveykit code evaluate``).

Format (CSV or XLSX, one header row): ``id,text,codes`` and optionally ``style``. ``codes`` holds
the code ids separated by ``;`` (empty: the answer fits no code); ``style`` (free, ``;``-separated)
says what makes the answer hard (terse, typo, negation ...). Texts may span several lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from surveykit.errors import InputError

GOLD_COLUMNS = ("id", "text", "codes")


@dataclass(frozen=True)
class GoldSet:
    """A gold set read from disk: one entry per answer, in file order.

    codes[i] is the tuple of code ids of answer i (empty: no code); styles[i] its style tags.
    rows[i] is the file row of answer i (1 = the header), for messages.
    """

    path: str
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    codes: tuple[tuple[str, ...], ...]
    styles: tuple[tuple[str, ...], ...]
    rows: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.ids)


def read_gold(path: str | Path) -> GoldSet:
    """Read a gold set; any problem is an ``InputError`` naming the file (and row)."""
    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff

    sniff = open_sniff(path)
    rows, _ = all_rows(sniff)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("the gold file is empty (no header row)", path=path)
    header = [h.strip().lstrip("\ufeff").lower() for h in rows[0]]
    missing = [c for c in GOLD_COLUMNS if c not in header]
    if missing:
        shown = ", ".join(repr(h) for h in header[:6]) + (" ..." if len(header) > 6 else "")
        raise InputError(f"not a gold file: the column(s) {', '.join(missing)} are missing (a gold file has "
                         f"the columns id, text, codes and optionally style; got {shown})", path=path)
    col = {name: header.index(name) for name in (*GOLD_COLUMNS, "style") if name in header}
    ids: list[str] = []
    texts: list[str] = []
    codes: list[tuple[str, ...]] = []
    styles: list[tuple[str, ...]] = []
    numbers: list[int] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        r = raw + [""] * (len(header) - len(raw))
        rid = r[col["id"]].strip()
        if not rid:
            raise InputError("the id is empty", path=path, row=n)
        if rid in seen:
            raise InputError(f"the id {rid[:40]!r} is used twice (rows {seen[rid]} and {n})", path=path)
        seen[rid] = n
        text = r[col["text"]]
        if not text.strip():
            raise InputError(f"the text of {rid[:40]!r} is empty", path=path, row=n)
        ids.append(rid)
        texts.append(text)
        codes.append(_split(r[col["codes"]]))
        styles.append(_split(r[col["style"]]) if "style" in col else ())
        numbers.append(n)
    if not ids:
        raise InputError("the gold file has a header but no answers", path=path)
    return GoldSet(str(path), tuple(ids), tuple(texts), tuple(codes), tuple(styles), tuple(numbers))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in cell.split(";") if part.strip()))


def read_codings(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Another coder's codes for gold answers: answer id -> code ids.

    Either the gold layout without text (``id,codes``, codes ``;``-separated; e.g. a second coder's
    reliability sample) or a coded file in long form (``respondent_id, code_id``, one row per code,
    an empty code_id for an answer coded with nothing). Only the answers listed count as coded.
    """
    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff

    sniff = open_sniff(path)
    rows, _ = all_rows(sniff)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("the coded file is empty (no header row)", path=path)
    header = [h.strip().lstrip("\ufeff").lower() for h in rows[0]]
    out: dict[str, tuple[str, ...]] = {}
    if "id" in header and "codes" in header:
        i, c = header.index("id"), header.index("codes")
        for n, raw in enumerate(rows[1:], start=2):
            r = raw + [""] * (len(header) - len(raw))
            if not any(cell.strip() for cell in r):
                continue
            rid = r[i].strip()
            if not rid:
                raise InputError("the id is empty", path=path, row=n)
            if rid in out:
                raise InputError(f"the id {rid[:40]!r} is used twice", path=path, row=n)
            out[rid] = _split(r[c])
    elif "respondent_id" in header and "code_id" in header:
        i, c = header.index("respondent_id"), header.index("code_id")
        for n, raw in enumerate(rows[1:], start=2):
            r = raw + [""] * (len(header) - len(raw))
            rid = r[i].strip()
            if not rid:
                continue
            codes = out.setdefault(rid, ())
            code = r[c].strip()
            if code and code not in codes:
                out[rid] = codes + (code,)
    else:
        shown = ", ".join(repr(h) for h in header[:6])
        raise InputError("not a coded file: expected the columns id, codes (gold layout) or respondent_id, "
                         f"code_id (coded file); got {shown}", path=path)
    if not out:
        raise InputError("the coded file has a header but no answers", path=path)
    return out
