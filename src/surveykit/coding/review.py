"""Reviewing codes from the command line, one answer at a time, as a qualitative researcher would.

Each answer is shown with its context (the respondent's sector and role, and on request their
other free-text answers, redacted by default), its suggested codes (the rule coder's, with the
evidence marked in the text, and the model's with their probability) and the memos written on it.
Every code has its own colour (Okabe-Ito, safe for colour-blind readers) *and* a letter, so the
marks read without colour: ``«owe a debt»A``.

Every decision and memo is appended to the journal and the coded file is rewritten at once, so
quitting, Ctrl-C or a kill loses nothing, and the next run starts at the first answer with no
decision. Skipped answers get no decision, so they come back next time. With a model, answers can
be taken in order of the model's uncertainty (active learning), and the model is retrained on the
decisions every N of them.

Commands (type, then Enter)::

    Enter or a        accept the ticked codes (none ticked = "no code applies") and go on
    + CODE [N-M]      tick a code for the whole answer, or for words N to M ('w' numbers them)
    - CODE            untick a code          x   untick everything
    m TEXT            memo on this answer    mc CODE TEXT   memo on a code
    w                 number the words       s   skip (decide later)    b   back
    l                 list the codes         ?   help                   q   quit

CODE is a code id, a unique start of one, or its number in the list ('l'); a mistyped code gets a
"did you mean".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Sequence

from surveykit.coding.journal import (Coding, Memo, decision_record, memo_record, memos as journal_memos,
                                      saved_record, unsaved_decisions)
from surveykit.coding.review_display import (PALETTE, did_you_mean, list_codes, marked_text, numbered_words,  # noqa: F401
                                             render, word_span, words)
from surveykit.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.coding.codebook import Codebook

HELP = ("Enter/a accept   +CODE [N-M] add (words N-M)   -CODE remove   x clear   m TEXT memo   mc CODE TEXT code memo\n"
        "w number words   s skip   b back   l list codes   ? help   q quit   (CODE: id, unique start, or number)")
PROMPT = "review> "
def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Suggestion:
    """A suggested code: where it came from, the evidence spans (rules) or probability (model)."""

    code_id: str
    source: str  # "rules" | "model"
    ticked: bool
    probability: float | None = None
    spans: tuple[tuple[int, int], ...] = ()
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """One answer to review. ``context``: (label, value) pairs shown beside it (sector, role ...)."""

    respondent_id: str
    question_id: str
    text: str
    suggestions: tuple[Suggestion, ...] = ()
    context: tuple[tuple[str, str], ...] = ()

    def preselected(self) -> tuple[Coding, ...]:
        """The ticked suggestions as codings: a rule code at each evidence span, a model code whole."""
        out: list[Coding] = []
        for s in self.suggestions:
            if not s.ticked or any(c.code_id == s.code_id for c in out):
                continue
            out += [Coding(s.code_id, a, b) for a, b in s.spans] or [Coding(s.code_id)]
        return tuple(out)


def build_items(answers: Sequence[tuple[str, str | None]], codebook: "Codebook", *, question_id: str,
                model=None, accept_above: float = 0.9, context: dict[str, Sequence[tuple[str, str]]] | None = None
                ) -> list[Item]:
    """One review item per non-blank answer, with rule (and model) suggestions and its context."""
    from surveykit.coding.rules import RuleCoder

    coder = RuleCoder(codebook)
    pairs = [(str(r), str(t)) for r, t in answers if t is not None and str(t).strip()]
    items = []
    for rid, text in pairs:
        by_code: dict[str, list] = {}
        for m in coder.matches(text):
            by_code.setdefault(m.code_id, []).append(m)
        sugg = [Suggestion(code, "rules", True, None, tuple((m.start, m.end) for m in ms), tuple(m.matched for m in ms))
                for code, ms in sorted(by_code.items(), key=lambda kv: codebook.code_ids.index(kv[0]))]
        items.append(Item(rid, question_id, text, tuple(sugg), tuple((context or {}).get(rid, ()))))
    return with_model(items, model, accept_above=accept_above) if model is not None else items


def with_model(items: list[Item], model, *, accept_above: float) -> list[Item]:
    """The items with their model suggestions replaced by ``model``'s (rule suggestions kept).

    As in ``code evaluate`` and ``code --suggest`` (``model.combine_codes``), a model code starts
    ticked only on an answer the rules gave no code; elsewhere it is shown, unticked, for review."""
    import pandas as pd

    from surveykit.coding.model import suggest

    frame = pd.DataFrame([(i.respondent_id, i.text) for i in items], columns=["respondent_id", "text"], dtype=object)
    rule_coded = [i.respondent_id for i in items if any(s.source == "rules" for s in i.suggestions)]
    sugg = (suggest(model, frame, accept_above=accept_above, rule_coded=rule_coded)
            if model is not None and items else None)
    rows: dict[str, list[Suggestion]] = {}
    if sugg is not None:
        for rid, code, p, acc in zip(sugg["respondent_id"], sugg["code_id"], sugg["probability"], sugg["accepted"]):
            rows.setdefault(str(rid), []).append(Suggestion(str(code), "model", bool(acc), float(p)))
    return [replace(i, suggestions=tuple(s for s in i.suggestions if s.source != "model")
                    + tuple(rows.get(i.respondent_id, ()))) for i in items]


def check_reviewer(coder: str) -> None:
    """The reviewer's name may not be one surveykit gives its machine codes: their rows are never
    decisions, so a review under that name could not be resumed."""
    from surveykit.io.coded import MACHINE_CODERS

    if coder.strip() in MACHINE_CODERS:
        raise UsageError(f"--coder {coder.strip()!r} is the name surveykit gives the "
                         f"{'rule coder' if coder.strip() == 'rules' else 'model'}'s suggestions; give your own "
                         "name or initials (e.g. --coder AB)")


@dataclass
class ReviewSession:
    """The state of a review: items (in review order), decisions so far, memos, other rows kept."""

    items: list[Item]
    coder: str
    decisions: dict[str, tuple[Coding, ...]] = field(default_factory=dict)
    decided_at: dict[str, str] = field(default_factory=dict)
    decided_by: dict[str, str] = field(default_factory=dict)
    memos: list[Memo] = field(default_factory=list)
    kept: "pd.DataFrame | None" = None  # rows of the coded file that are not this review's
    clock: Callable[[], str] = now_utc
    file_order: dict[str, int] = field(default_factory=dict)  # the coded file keeps the answers' order
    # Other coders' rows on an answer of this review (respondent -> rows before and after the decision's,
    # in DETAIL_COLUMNS order), kept as they are; their memos are shown but stay on their own rows.
    beside: dict[str, tuple[tuple[tuple, ...], tuple[tuple, ...]]] = field(default_factory=dict)
    beside_memos: set[tuple[str, ...]] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.file_order:
            self.file_order = {i.respondent_id: n for n, i in enumerate(self.items)}

    @classmethod
    def resume(cls, items: list[Item], existing: "pd.DataFrame | None", *, coder: str,
               journal: Sequence[dict[str, Any]] = (), clock: Callable[[], str] = now_utc) -> "ReviewSession":
        """Continue from an existing coded file (detail rows for these answers become decisions),
        then replay the journal's decisions the coded file may have missed, and its memos.

        An answer with rows of several coders: one coder's rows are the decision (this reviewer's, else
        the first coder's in the file); the other coders' rows are kept as they are, each with its own
        coder, code and memo, next to the decision's (``beside``). The rule coder's and the model's rows
        (``io.coded.MACHINE_CODERS``, as ``surveykit code --suggest --out`` writes them) are suggestions,
        never a decision: an answer that has only those is still to be reviewed, and they are kept."""
        import pandas as pd

        from surveykit.io.coded import DETAIL_COLUMNS, MACHINE_CODERS

        def blank(value: Any) -> bool:
            return value is None or (not isinstance(value, str) and pd.isna(value))

        check_reviewer(coder)
        session = cls(items=items, coder=coder, clock=clock)
        qid_of = {i.respondent_id: i.question_id for i in items}
        if existing is not None and len(existing):
            existing = existing.reindex(columns=list(DETAIL_COLUMNS)).astype(object)
            ours = {(i.respondent_id, i.question_id) for i in items}
            mine = [(str(r), str(q)) in ours for r, q in zip(existing["respondent_id"], existing["question_id"])]
            mask = pd.Series(mine, index=existing.index, dtype=bool)
            session.kept = existing[~mask].reset_index(drop=True)
            by_answer: dict[str, list] = {}
            for row in existing[mask].itertuples(index=False):
                by_answer.setdefault(str(row.respondent_id), []).append(row)
            for rid, group in by_answer.items():
                coders = ["" if blank(row.coder) else str(row.coder) for row in group]
                people = [c for c in coders if c not in MACHINE_CODERS]
                chosen = coder if coder in coders else (people[0] if people else None)
                first = coders.index(chosen) if chosen is not None else len(group)
                before = tuple(tuple(row) for k, row in enumerate(group) if coders[k] != chosen and k < first)
                after = tuple(tuple(row) for k, row in enumerate(group) if coders[k] != chosen and k > first)
                if before or after:
                    session.beside[rid] = (before, after)
                if chosen is None:  # only machine suggestions: the answer is still open
                    for row in group:
                        if not blank(row.memo) and str(row.memo).strip():
                            for text in str(row.memo).split("\n"):
                                memo = Memo("answer", text.strip(), str(row.coder), None, rid, str(row.question_id))
                                if text.strip() and session._add_memo(memo):
                                    session.beside_memos.add(memo.key())
                    continue
                codes = session.decisions.setdefault(rid, ())
                if chosen:
                    session.decided_by[rid] = chosen
                for k, row in enumerate(group):
                    if coders[k] != chosen:
                        continue
                    if not blank(row.coded_at):
                        session.decided_at.setdefault(rid, str(row.coded_at))
                    if not blank(row.code_id) and str(row.code_id):
                        start = None if blank(row.start) else int(row.start)
                        end = None if blank(row.end) else int(row.end)
                        codes += (Coding(str(row.code_id), start, end),)
                session.decisions[rid] = codes
                # The decision's memos first: another coder's memo of the same text is then the decision's.
                for k in sorted(range(len(group)), key=lambda k: coders[k] != chosen):
                    row = group[k]
                    if blank(row.memo) or not str(row.memo).strip():
                        continue
                    for text in str(row.memo).split("\n"):
                        if text.strip():
                            memo = Memo("answer", text.strip(), coders[k], None, rid, str(row.question_id))
                            if session._add_memo(memo) and coders[k] != chosen:
                                session.beside_memos.add(memo.key())
        for (rid, qid), who, at, codings in unsaved_decisions(journal):
            if qid_of.get(rid) == qid:
                session.decisions[rid] = codings
                session.decided_at[rid], session.decided_by[rid] = at, who
        for m in journal_memos(journal):
            session._add_memo(m)
        return session

    def _add_memo(self, memo: Memo) -> bool:
        if any(m.key() == memo.key() for m in self.memos):
            return False
        self.memos.append(memo)
        return True

    def first_open(self) -> int | None:
        for i, item in enumerate(self.items):
            if item.respondent_id not in self.decisions:
                return i
        return None

    def decide(self, index: int, codings: Sequence[Coding]) -> dict[str, Any]:
        """Record a decision; returns its journal record."""
        item = self.items[index]
        codings = tuple(dict.fromkeys(codings))
        at = self.clock()
        self.decisions[item.respondent_id] = codings
        self.decided_at[item.respondent_id], self.decided_by[item.respondent_id] = at, self.coder
        return decision_record(item.respondent_id, item.question_id, self.coder, at, codings)

    def memo(self, text: str, *, item: Item | None = None, code_id: str | None = None) -> dict[str, Any]:
        """Add a memo on an answer (item) or a code; returns its journal record."""
        if item is not None:
            m = Memo("answer", text, self.coder, self.clock(), item.respondent_id, item.question_id)
        else:
            m = Memo("code", text, self.coder, self.clock(), code_id=str(code_id))
        self._add_memo(m)
        return memo_record(m)

    def answer_memos(self, item: Item) -> list[Memo]:
        return [m for m in self.memos if m.target == "answer" and m.respondent_id == item.respondent_id
                and m.question_id == item.question_id]

    def frame(self) -> "pd.DataFrame":
        """The coded file: kept rows, then one row per (decided answer, code, span) in answer order,
        with coder, time, span and the answer's memos (on its first row)."""
        import pandas as pd

        from surveykit.io.coded import DETAIL_COLUMNS

        rows = []
        for item in sorted(self.items, key=lambda i: self.file_order.get(i.respondent_id, 0)):
            rid = item.respondent_id
            before, after = self.beside.get(rid, ((), ()))
            rows.extend(before)  # other coders' rows on this answer, as they were
            if rid in self.decisions:
                memo = "\n".join(m.text for m in self.answer_memos(item) if m.key() not in self.beside_memos) or None
                who, at = self.decided_by.get(rid, self.coder), self.decided_at.get(rid)
                for k, c in enumerate(self.decisions[rid] or (None,)):
                    rows.append((rid, item.question_id, c.code_id if c else None, who, c.start if c else None,
                                 c.end if c else None, at, memo if k == 0 else None))
            rows.extend(after)
        mine = pd.DataFrame(rows, columns=list(DETAIL_COLUMNS), dtype=object)
        if self.kept is not None and len(self.kept):
            return pd.concat([self.kept.astype(object), mine], ignore_index=True)
        return mine


def resolve_code(arg: str, codebook: "Codebook") -> str | None:
    """A code from what the reviewer typed: id, number in the list, or a unique start of an id."""
    arg = arg.strip()
    ids = list(codebook.code_ids)
    if arg.isdigit() and 1 <= int(arg) <= len(ids):
        return ids[int(arg) - 1]
    if arg in ids:
        return arg
    starts = [c for c in ids if c.startswith(arg)] if arg else []
    return starts[0] if len(starts) == 1 else None


@dataclass
class Learning:
    """Active learning: ``order`` "file" or "uncertainty"; retrain every ``retrain_every``
    decisions (0: never) with ``train(session) -> model or None``; model suggestions above
    ``accept_above`` start ticked."""

    order: str = "file"
    retrain_every: int = 0
    model: Any = None
    train: Callable[["ReviewSession"], Any] | None = None
    accept_above: float = 0.9


def order_by_uncertainty(session: ReviewSession, model, start: int) -> None:
    """Put the open items from ``start`` on in order of the model's uncertainty, most unsure first
    (ties keep their order); items before ``start`` stay where they are."""
    from surveykit.coding.model import uncertainty

    head, tail = session.items[:start], session.items[start:]
    open_items = [i for i in tail if i.respondent_id not in session.decisions]
    done = [i for i in tail if i.respondent_id in session.decisions]
    if model is None or not open_items:
        return
    u = uncertainty(model, [i.text for i in open_items])
    ranked = [open_items[k] for k in sorted(range(len(open_items)), key=lambda k: (-round(float(u[k]), 12), k))]
    session.items = head + done + ranked


def run_review(session: ReviewSession, codebook: "Codebook", *, read_line: Callable[[str], str],
               show: Callable[[object], None], save: Callable[["pd.DataFrame"], None],
               journal: Callable[[dict[str, Any]], None] = lambda record: None,
               learning: Learning | None = None) -> str:
    """The review loop. read_line(prompt) returns the typed line (EOFError = quit); show(renderable)
    displays; journal(record) appends to the journal; save(frame) rewrites the coded file; both
    happen at every decision and memo. Returns "done" or "quit"."""
    learning = learning or Learning()

    def persist(record: dict[str, Any]) -> None:
        journal(record)  # first the journal: a kill after this line loses nothing
        frame = session.frame()
        save(frame)
        journal(saved_record(session.clock(), len(frame)))

    total = len(session.items)
    if learning.order == "uncertainty" and learning.model is not None:
        order_by_uncertainty(session, learning.model, 0)
    index = session.first_open()
    if index is None:
        show(f"All {total} answers already have a decision.")
        return "done"
    if len(session.decisions):
        show(f"Resuming at answer {index + 1} of {total} ({len(session.decisions)} decided).")
    show(HELP)
    history: list[int] = []
    since_training = 0
    while index is not None and index < total:
        item = session.items[index]
        decided = session.decisions.get(item.respondent_id)
        current = list(decided if decided is not None else item.preselected())
        show(render(item, current, codebook, index, total, decided, session.answer_memos(item)))
        while True:
            try:
                line = read_line(PROMPT).strip()
            except EOFError:
                return "quit"
            head = line.split(None, 1)[0].lower() if line.strip() else ""
            if line[:1] in "+-" and line:
                cmd, arg = line[:1], line[1:].strip()
            elif head in ("m", "mc"):
                cmd, arg = head, line.split(None, 1)[1].strip() if len(line.split(None, 1)) > 1 else ""
            else:
                cmd, arg = line.lower(), ""
            if cmd in ("", "a"):
                persist(session.decide(index, current))
                history.append(index)
                since_training += 1
                if learning.train is not None and learning.retrain_every and since_training >= learning.retrain_every:
                    since_training = 0
                    show(f"Retraining the model on {len(session.decisions)} decided answers ...")
                    model = learning.train(session)
                    if model is not None:
                        learning.model = model
                        session.items = (session.items[:index + 1]
                                         + with_model(session.items[index + 1:], model, accept_above=learning.accept_above))
                        if learning.order == "uncertainty":
                            order_by_uncertainty(session, model, index + 1)
                        show(f"Model retrained: {len(model.codes)} code(s) learnt from {model.n_answers} answers.")
                    else:
                        show("Not enough decisions yet to train a model (each code needs 3 answers with it and 3 without).")
                index = _next_open(session, index)
                break
            if cmd in ("+", "-"):
                parts = arg.split(None, 1)
                code = resolve_code(parts[0], codebook) if parts else None
                if code is None:
                    show(did_you_mean(parts[0] if parts else "", codebook))
                    continue
                if cmd == "+":
                    if len(parts) > 1:
                        span = word_span(item.text, parts[1])
                        if span is None:
                            show(f"Words {parts[1]!r} are not in this answer: it has {len(words(item.text))} words "
                                 "(type 'w' to number them).")
                            continue
                        current = [c for c in current if not (c.code_id == code and c.start is None)]
                        current.append(Coding(code, *span))
                    elif not any(c.code_id == code for c in current):
                        current.append(Coding(code))
                else:
                    current = [c for c in current if c.code_id != code]
                show(render(item, current, codebook, index, total, decided, session.answer_memos(item)))
            elif cmd == "m":
                if not arg:
                    show("Type the memo after m, e.g.: m unclear whether this is about the placement")
                    continue
                persist(session.memo(arg, item=item))
                show(f"Memo saved on this answer ({len(session.answer_memos(item))} memo(s)).")
            elif cmd == "mc":
                parts = arg.split(None, 1)
                code = resolve_code(parts[0], codebook) if parts else None
                if code is None or len(parts) < 2:
                    show(did_you_mean(parts[0], codebook) if parts and code is None
                         else "Type the code then the memo, e.g.: mc isolation also covers language barriers")
                    continue
                persist(session.memo(parts[1].strip(), code_id=code))
                show(f"Memo saved on code {code}.")
            elif cmd == "w":
                show(numbered_words(item.text))
            elif cmd == "x":
                current = []
                show(render(item, current, codebook, index, total, decided, session.answer_memos(item)))
            elif cmd == "s":
                history.append(index)
                index = index + 1
                break
            elif cmd == "b":
                if index == 0 or not history:
                    show("This is the first answer.")
                    continue
                index = history.pop()
                break
            elif cmd == "l":
                show(list_codes(codebook))
            elif cmd in ("?", "h"):
                show(HELP)
            elif cmd == "q":
                return "quit"
            else:
                show(f"Unknown command {line[:20]!r}. {HELP}")
    remaining = total - len([i for i in session.items if i.respondent_id in session.decisions])
    show(f"Reached the end: {total - remaining} of {total} answers decided"
         + (f"; {remaining} skipped (run again to review them)." if remaining else "."))
    return "done"


def _next_open(session: ReviewSession, index: int) -> int:
    """After a decision: the next answer (in review order) without a decision."""
    for j in range(index + 1, len(session.items)):
        if session.items[j].respondent_id not in session.decisions:
            return j
    return len(session.items)


def training_data(session: ReviewSession, *, also: Sequence[str] = ()) -> tuple[list[str], "Any", list[str]]:
    """Texts, labels and code list of the decided answers (for retraining during review); ``also``
    adds codes to the list that no decision used yet."""
    import numpy as np

    decided = [i for i in session.items if i.respondent_id in session.decisions]
    codes = sorted({c.code_id for i in decided for c in session.decisions[i.respondent_id]} | set(also))
    y = np.zeros((len(decided), len(codes)), dtype=int)
    for r, i in enumerate(decided):
        for c in session.decisions[i.respondent_id]:
            y[r, codes.index(c.code_id)] = 1
    return [i.text for i in decided], y, codes


def retrain(session: ReviewSession, *, question_id: str, examples: Sequence[tuple[str, str]] = ()):
    """A model fitted on the session's decisions (plus ``examples``, extra (text, code id) pairs such
    as ``model.codebook_examples(codebook)``), or None when no code has enough examples yet."""
    from surveykit.coding.model import MIN_EXAMPLES
    from surveykit.coding.training import fit, trainable_codes

    texts, y, codes = training_data(session, also=[c for _, c in examples])
    if len(texts) < 2 * MIN_EXAMPLES or not trainable_codes(y):
        return None
    return fit(texts, y, codes, question_id=question_id, examples=examples)
