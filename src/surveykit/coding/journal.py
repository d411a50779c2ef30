"""The review journal's records: decisions and memos, and how a journal is replayed.

A review appends a record to the journal (``NAME.journal.jsonl`` beside the coded file, written by
``io.review_journal.append_journal``) *before* it rewrites the coded file, and a ``saved`` record after. If
the review is killed between the two, the next run replays the decisions recorded after the last
``saved`` record, so no decision is lost; memos live in the journal (answer memos are also written
to the coded file's ``memo`` column, code memos go to a QDA export).

Records (JSON objects, one a line)::

    {"event": "decision", "respondent_id", "question_id", "coder", "at",
     "codes": [{"code_id", "start", "end"}, ...]}        # [] = "no code applies"
    {"event": "memo", "target": "answer" | "code", "text", "coder", "at",
     "respondent_id", "question_id" | "code_id"}
    {"event": "saved", "at", "rows"}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence


@dataclass(frozen=True)
class Coding:
    """One code given to an answer, at a span (character offsets) or to the whole answer (None)."""

    code_id: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Memo:
    """A memo on an answer (``target="answer"``, with respondent and question ids) or on a code
    (``target="code"``, with ``code_id``), written by ``coder`` at ``at`` (ISO 8601 or None)."""

    target: str
    text: str
    coder: str = ""
    at: str | None = None
    respondent_id: str = ""
    question_id: str = ""
    code_id: str = ""

    def key(self) -> tuple[str, ...]:
        return (self.target, self.respondent_id, self.question_id, self.code_id, self.text)


def decision_record(respondent_id: str, question_id: str, coder: str, at: str, codings: Sequence[Coding]
                    ) -> dict[str, Any]:
    return {"event": "decision", "respondent_id": respondent_id, "question_id": question_id, "coder": coder,
            "at": at, "codes": [{"code_id": c.code_id, "start": c.start, "end": c.end} for c in codings]}


def memo_record(memo: Memo) -> dict[str, Any]:
    rec = {"event": "memo", "target": memo.target, "text": memo.text, "coder": memo.coder, "at": memo.at}
    if memo.target == "answer":
        rec.update(respondent_id=memo.respondent_id, question_id=memo.question_id)
    else:
        rec["code_id"] = memo.code_id
    return rec


def saved_record(at: str, rows: int) -> dict[str, Any]:
    return {"event": "saved", "at": at, "rows": rows}


def unsaved_decisions(records: Sequence[dict[str, Any]]) -> list[tuple[tuple[str, str], str, str, tuple[Coding, ...]]]:
    """Decisions recorded after the last ``saved`` record: ((respondent, question), coder, at, codings)."""
    last = max((i for i, r in enumerate(records) if r.get("event") == "saved"), default=-1)
    out = []
    for r in records[last + 1:]:
        if r.get("event") != "decision":
            continue
        try:
            codings = tuple(Coding(str(c["code_id"]), _int(c.get("start")), _int(c.get("end"))) for c in r["codes"])
            out.append(((str(r["respondent_id"]), str(r["question_id"])), str(r.get("coder", "")),
                        str(r.get("at", "")), codings))
        except (KeyError, TypeError, ValueError):
            continue  # a record we cannot read decides nothing
    return out


def memos(records: Iterable[dict[str, Any]]) -> list[Memo]:
    """Every memo in a journal, in order, without repeats."""
    out: dict[tuple[str, ...], Memo] = {}
    for r in records:
        if r.get("event") != "memo" or r.get("target") not in ("answer", "code") or not str(r.get("text", "")).strip():
            continue
        m = Memo(target=r["target"], text=str(r["text"]), coder=str(r.get("coder") or ""), at=r.get("at"),
                 respondent_id=str(r.get("respondent_id") or ""), question_id=str(r.get("question_id") or ""),
                 code_id=str(r.get("code_id") or ""))
        out.setdefault(m.key(), m)
    return list(out.values())


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)
