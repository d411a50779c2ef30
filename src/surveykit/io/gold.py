"""Gold sets: answers coded by people, used to measure a coder (``surveykit code evaluate``).

Format (CSV or XLSX, one header row): ``id,text,codes`` and optionally ``style``. ``codes`` holds
the code ids separated by ``;`` (empty: the answer fits no code); ``style`` (free, ``;``-separated)
says what makes the answer hard (terse, typo, negation ...). Texts may span several lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from surveykit.errors import InputError, looks_like_id, quoted_or

GOLD_COLUMNS = ("id", "text", "codes")
_CODE_COLUMN = re.compile(r"^\s*code\s*_?\s*\d+\s*$", re.IGNORECASE)  # a wide coded file's "Code 1" ...


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
        # A file without a header row has an answer here: its cells are named only when id-like.
        raise InputError(f"not a gold file: the column(s) {', '.join(missing)} are missing (the first row must be "
                         f"the header id, text, codes and optionally style; {first_row(rows[0])})", path=path)
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
            raise InputError(f"{quoted_or(rid, 'id')} is used twice (rows {seen[rid]} and {n})", path=path,
                             column="id")
        seen[rid] = n
        text = r[col["text"]]
        if not text.strip():
            raise InputError(f"the text of {quoted_or(rid, 'id')} is empty", path=path, row=n, column="text")
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


#: The coder names of surveykit's machine codes in a coded file: the rule coder's (``coding.rules.CODER``)
#: and the model's suggestions (``coding.model.CODER``). Their rows are suggestions, not anyone's coding
#: (``io.coded`` reads them so; here for the readers of both modules).
MACHINE_CODERS = frozenset({"rules", "model"})


class Codings(dict):
    """What ``read_codings`` returns: a dict answer id -> code ids, which also knows where each value
    is in its file, so that a message can give row numbers instead of quoting the values.

    path: the file. id_rows: answer id -> its rows (1 = the header). code_rows: code id -> the rows
    giving it.
    """

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path
        self.id_rows: dict[str, list[int]] = {}
        self.code_rows: dict[str, list[int]] = {}


def read_codings(path: str | Path) -> Codings:
    """Another coder's codes for gold answers: answer id -> code ids (a ``Codings``, a dict).

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
    out = Codings(str(path))

    def found(rid: str, codes: Sequence[str], n: int) -> None:
        out.id_rows.setdefault(rid, []).append(n)
        for code in codes:
            out.code_rows.setdefault(code, []).append(n)

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
                raise InputError(f"{quoted_or(rid, 'id')} is used twice (rows {out.id_rows[rid][0]} and {n})",
                                 path=path, column="id")
            out[rid] = _split(r[c])
            found(rid, out[rid], n)
    elif "respondent_id" in header and "code_id" in header:
        i, c = header.index("respondent_id"), header.index("code_id")
        who = header.index("coder") if "coder" in header else None
        acc = header.index("accepted") if "accepted" in header else None
        listed = []
        for n, raw in enumerate(rows[1:], start=2):
            r = raw + [""] * (len(header) - len(raw))
            rid = r[i].strip()
            if not rid:
                continue
            code = r[c].strip()
            if acc is not None and r[acc].strip().lower() in ("false", "0", "no"):
                code = ""  # a model suggestion left for review is not a code (as read_coded reads it)
            listed.append((rid, code, r[who].strip() if who is not None else "", n))
        # A file reviewed in place holds the reviewer's rows beside surveykit's suggestions (coder rules,
        # model): its coding is the reviewer's, as read_coded reads it.
        if any(w in MACHINE_CODERS for _, _, w, _ in listed) and any(w not in MACHINE_CODERS for _, _, w, _ in listed):
            listed = [row for row in listed if row[2] not in MACHINE_CODERS]
        for rid, code, _, n in listed:
            codes = out.setdefault(rid, ())
            if code and code not in codes:
                out[rid] = codes + (code,)
            found(rid, [code] if code else [], n)
    else:
        # A file without a header row has an answer here: its cells are named only when id-like.
        raise InputError("not a coded file: expected the columns id, codes (gold layout) or respondent_id, "
                         f"code_id (coded file) in the first row; {first_row(rows[0])}", path=path)
    if not out:
        raise InputError("the coded file has a header but no answers", path=path)
    return out


# -- messages about values read from a file: never the values themselves unless they are id-like --

def first_row(cells: Sequence[str]) -> str:
    """What a file's first row holds, for "not a gold/coded file" messages: the count of its cells and
    those that look like ids (a file without a header row has an answer there, which is not shown)."""
    cells = [str(c).strip().lstrip("\ufeff") for c in cells if str(c).strip()]
    shown = [c for c in cells if looks_like_id(c)]
    hidden = len(cells) - len(shown)
    if not shown:
        return f"its {len(cells)} cell(s) are not shown, as they could be answers"
    listed = ", ".join(repr(c) for c in shown[:6]) + (" ..." if len(shown) > 6 else "")
    return f"got {listed}" + (f" and {hidden} cell(s) not shown, as they could be answers" if hidden else "")


def row_numbers(rows: Iterable[int], *, limit: int = 5) -> str:
    """"row 3" / "rows 3, 5, 9 ..." (the first few, ascending)."""
    nums = sorted(set(rows))
    if not nums:
        return ""
    if len(nums) == 1:
        return f"row {nums[0]}"
    return "rows " + ", ".join(str(n) for n in nums[:limit]) + (" ..." if len(nums) > limit else "")


def named_values(values: Iterable[str], rows: Mapping[str, Sequence[int]] | None = None, *, what: str = "an id",
                 limit: int = 5) -> str:
    """The values of an error message (unknown ids, unknown codes): those that look like ids quoted,
    each with its rows; the others only counted, with their rows, since they could be free text or
    personal data. E.g. "'curfw' (row 3) and 1 more not shown, as it does not look like an id (row 5)".
    what: what a shown value would be ("an id", "a code id")."""
    rows = rows or {}
    values = list(dict.fromkeys(str(v) for v in values))
    if not values:
        return "none"
    shown = [v for v in values if looks_like_id(v)]
    hidden = [v for v in values if not looks_like_id(v)]

    def where(vs: Iterable[str]) -> str:
        text = row_numbers(n for v in vs for n in rows.get(v, ()))
        return f" ({text})" if text else ""

    parts = [f"{v!r}{where([v])}" for v in shown[:limit]]
    if len(shown) > limit:
        parts.append(f"{len(shown) - limit} more")
    if hidden:
        it = "it does not" if len(hidden) == 1 else "they do not"
        parts.append(f"{len(hidden)}{' more' if shown else ''} not shown, as {it} look like {what}{where(hidden)}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def rows_in_file(path: str | Path, values: Iterable[str], *, kind: str) -> dict[str, list[int]]:
    """The rows (1 = the header) of a coded or gold file where each value is found, for messages
    about values the frame read from it no longer locates. kind "code": the code columns (code_id,
    codes, Code 1 ...); "respondent": the id column (respondent_id, id, ResponseId, else the first).
    Best effort: {} when the file cannot be read again."""
    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff
    from surveykit.io.cells import spreadsheet_text

    wanted = {str(v) for v in values}
    try:
        rows, _ = all_rows(open_sniff(path))
    except (InputError, OSError):  # only for a message: a file gone since is no reason to fail it
        return {}
    if not rows or not wanted:
        return {}
    header = [spreadsheet_text(h).strip().lstrip("\ufeff").lower() for h in rows[0]]
    if kind == "code":
        cols = [j for j, h in enumerate(header) if h in ("code_id", "codes") or _CODE_COLUMN.match(h)]
    else:
        cols = [j for j, h in enumerate(header) if h in ("respondent_id", "id", "responseid")][:1] or [0]
    out: dict[str, list[int]] = {}
    for n, r in enumerate(rows[1:], start=2):
        for j in cols:
            cell = spreadsheet_text(r[j]) if j < len(r) else ""
            for part in cell.split(";") if header[j] == "codes" else (cell,):
                if part.strip() in wanted:
                    out.setdefault(part.strip(), []).append(n)
    return out
