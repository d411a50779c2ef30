"""Reviewing codes from the command line, one answer at a time.

Each answer is shown with its suggested codes: the rule coder's (with the matched evidence
highlighted in the text) and, with a model, the model's (with their probability). Rule codes and
model codes above the acceptance threshold start ticked; the reviewer accepts, adds, removes, skips,
goes back or quits. Every decision is handed to ``save`` at once (the CLI writes the coded file
atomically), so quitting or Ctrl-C loses nothing, and the next run starts at the first answer with
no decision. Skipped answers get no decision, so they come back first next time.

Commands (type, then Enter)::

    Enter or a    accept the ticked codes (none ticked = "no code") and go on
    + CODE        tick a code (its id, a unique start of its id, or its number in the list 'l')
    - CODE        untick a code
    x             untick everything
    s             skip (decide later)       b   back to the previous answer
    l             list the codebook's codes  ?   help            q   quit
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.coding.codebook import Codebook

HELP = ("Enter/a accept   +CODE add   -CODE remove   x clear   s skip   b back   l list codes   ? help   q quit\n"
        "CODE is a code id, a unique start of one, or its number from 'l'.")
PROMPT = "review> "


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
    respondent_id: str
    question_id: str
    text: str
    suggestions: tuple[Suggestion, ...] = ()

    def preselected(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.code_id for s in self.suggestions if s.ticked))


def build_items(answers: Sequence[tuple[str, str | None]], codebook: "Codebook", *, question_id: str,
                model=None, accept_above: float = 0.9) -> list[Item]:
    """One review item per non-blank answer, with rule (and model) suggestions."""
    import pandas as pd

    from surveykit.coding.rules import RuleCoder

    coder = RuleCoder(codebook)
    pairs = [(str(r), str(t)) for r, t in answers if t is not None and str(t).strip()]
    model_rows: dict[str, list[tuple[str, float, bool]]] = {}
    if model is not None:
        from surveykit.coding.model import suggest

        frame = pd.DataFrame(pairs, columns=["respondent_id", "text"], dtype=object)
        sugg = suggest(model, frame, question_id=question_id, accept_above=accept_above)
        for rid, code, p, acc in zip(sugg["respondent_id"], sugg["code_id"], sugg["probability"], sugg["accepted"]):
            model_rows.setdefault(str(rid), []).append((str(code), float(p), bool(acc)))
    items = []
    for rid, text in pairs:
        by_code: dict[str, list] = {}
        for m in coder.matches(text):
            by_code.setdefault(m.code_id, []).append(m)
        sugg_list = [Suggestion(code, "rules", True, None, tuple((m.start, m.end) for m in ms),
                                tuple(m.matched for m in ms))
                     for code, ms in sorted(by_code.items(), key=lambda kv: codebook.code_ids.index(kv[0]))]
        for code, p, acc in model_rows.get(rid, []):
            sugg_list.append(Suggestion(code, "model", acc, p))
        items.append(Item(rid, question_id, text, tuple(sugg_list)))
    return items


@dataclass
class ReviewSession:
    """The state of a review: items, decisions so far (respondent_id -> codes), other rows kept."""

    items: list[Item]
    coder: str
    decisions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kept: "pd.DataFrame | None" = None  # rows of the coded file that are not this review's

    @classmethod
    def resume(cls, items: list[Item], existing: "pd.DataFrame | None", *, coder: str) -> "ReviewSession":
        """Continue from an existing coded file (rows for these answers become decisions)."""
        import pandas as pd

        session = cls(items=items, coder=coder)
        if existing is None or not len(existing):
            return session
        ours = {(i.respondent_id, i.question_id) for i in items}
        mine = [(str(r), str(q)) in ours for r, q in zip(existing["respondent_id"], existing["question_id"])]
        mask = pd.Series(mine, index=existing.index, dtype=bool)
        session.kept = existing[~mask].reset_index(drop=True)
        for rid, code in zip(existing.loc[mask, "respondent_id"], existing.loc[mask, "code_id"]):
            codes = session.decisions.setdefault(str(rid), ())
            if not pd.isna(code) and str(code):
                session.decisions[str(rid)] = codes + (str(code),)
        return session

    def first_open(self) -> int | None:
        for i, item in enumerate(self.items):
            if item.respondent_id not in self.decisions:
                return i
        return None

    def decide(self, index: int, codes: Sequence[str]) -> None:
        self.decisions[self.items[index].respondent_id] = tuple(dict.fromkeys(codes))

    def frame(self) -> "pd.DataFrame":
        """The coded file: kept rows, then one row per (decided answer, code) in answer order."""
        import pandas as pd

        from surveykit.io.coded import CODED_COLUMNS

        rows = []
        for item in self.items:
            if item.respondent_id not in self.decisions:
                continue
            codes = self.decisions[item.respondent_id]
            for code in codes or (None,):
                rows.append((item.respondent_id, item.question_id, code, self.coder))
        mine = pd.DataFrame(rows, columns=list(CODED_COLUMNS), dtype=object)
        if self.kept is not None and len(self.kept):
            return pd.concat([self.kept[list(CODED_COLUMNS)].astype(object), mine], ignore_index=True)
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


def render(item: Item, current: Sequence[str], codebook: "Codebook", index: int, total: int,
           decided: tuple[str, ...] | None):
    """The screen for one answer (a rich renderable): header, text with evidence, suggestions."""
    from rich.console import Group
    from rich.text import Text

    header = Text(f"[{index + 1}/{total}] respondent {item.respondent_id} ({item.question_id})", style="bold")
    if decided is not None:
        header.append("  already decided", style="dim")
    body = Text(item.text)  # a Text, never markup: answers may contain brackets
    for s in item.suggestions:
        for start, end in s.spans:
            body.stylize("bold black on yellow", start, end)
    lines = [header, body, Text("")]
    if item.suggestions:
        lines.append(Text("Suggested:", style="bold"))
        for s in item.suggestions:
            mark = "[x]" if s.code_id in current else "[ ]"
            why = (f"rules: {', '.join(repr(m) for m in s.matched)}" if s.source == "rules"
                   else f"model p={s.probability:.2f}")
            lines.append(Text(f"  {mark} {s.code_id}  ({why})"))
    else:
        lines.append(Text("No suggestions.", style="dim"))
    suggested = {s.code_id for s in item.suggestions}
    extra = [c for c in current if c not in suggested]
    for c in extra:
        lines.append(Text(f"  [x] {c}  (added)"))
    lines.append(Text("Codes: " + (", ".join(current) if current else "(none)"), style="bold green"))
    return Group(*lines)


def list_codes(codebook: "Codebook"):
    from rich.text import Text

    out = Text()
    for n, c in enumerate(codebook.codes, start=1):
        out.append(f"{n:>3}. {c.id}  ", style="bold")
        out.append(f"{c.label} [{c.theme}]\n")
    return out


def run_review(session: ReviewSession, codebook: "Codebook", *, read_line: Callable[[str], str],
               show: Callable[[object], None], save: Callable[["pd.DataFrame"], None]) -> str:
    """The review loop. read_line(prompt) returns the typed line (EOFError = quit); show(renderable)
    displays; save(frame) persists the coded file after every decision. Returns "done" or "quit"."""
    total = len(session.items)
    index = session.first_open()
    if index is None:
        show(f"All {total} answers already have a decision.")
        return "done"
    if index:
        show(f"Resuming at answer {index + 1} of {total} ({len(session.decisions)} decided).")
    show(HELP)
    history: list[int] = []
    while index is not None and index < total:
        item = session.items[index]
        decided = session.decisions.get(item.respondent_id)
        current = list(decided if decided is not None else item.preselected())
        show(render(item, current, codebook, index, total, decided))
        while True:
            try:
                line = read_line(PROMPT).strip()
            except EOFError:
                return "quit"
            cmd, arg = (line[:1], line[1:].strip()) if line[:1] in "+-" else (line.lower(), "")
            if cmd in ("", "a"):
                session.decide(index, current)
                save(session.frame())
                history.append(index)
                index = _next_open(session, index)
                break
            if cmd in ("+", "-"):
                code = resolve_code(arg, codebook)
                if code is None:
                    show(f"No such code: {arg!r}. Type 'l' to list the codes.")
                    continue
                if cmd == "+" and code not in current:
                    current.append(code)
                elif cmd == "-" and code in current:
                    current.remove(code)
                show(render(item, current, codebook, index, total, decided))
            elif cmd == "x":
                current = []
                show(render(item, current, codebook, index, total, decided))
            elif cmd == "s":
                history.append(index)
                index = index + 1
                break
            elif cmd == "b":
                if index == 0:
                    show("This is the first answer.")
                    continue
                index = history.pop() if history else index - 1
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
    """After a decision: the next answer (in order) — decided ones are shown again only via 'b'."""
    for j in range(index + 1, len(session.items)):
        if session.items[j].respondent_id not in session.decisions:
            return j
    return len(session.items)
