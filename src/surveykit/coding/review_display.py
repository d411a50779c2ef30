"""What the review shows: an answer with its context, codes marked in colour and by letter, memos.

Every code on screen gets a colour from the Okabe & Ito (2008) palette, safe for the common
colour-vision deficiencies, *and* a letter, so the marks read without colour: ``«owe a debt»A``.
Answers are always wrapped in rich ``Text`` objects, never markup (answers may hold brackets).
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Sequence

from surveykit.coding.journal import Coding, Memo

# Okabe & Ito (2008) palette, safe for the common colour-vision deficiencies; text colour for contrast.
PALETTE = (("#E69F00", "black"), ("#56B4E9", "black"), ("#009E73", "white"), ("#F0E442", "black"),
           ("#0072B2", "white"), ("#D55E00", "white"), ("#CC79A7", "black"))
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")



def words(text: str) -> list[tuple[int, int]]:
    """The words of an answer as character spans (numbered from 1 on screen)."""
    return [m.span() for m in _WORD.finditer(text)]


def word_span(text: str, arg: str) -> tuple[int, int] | None:
    """Words ``N-M`` (or ``N``) of a text as a character span; None when out of range."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", arg)
    ws = words(text)
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    if not (1 <= a <= b <= len(ws)):
        return None
    return ws[a - 1][0], ws[b - 1][1]


def did_you_mean(arg: str, codebook: Any) -> str:
    """The message for a code that is not one: close ids (difflib) or the ids it could start."""
    arg = arg.strip()
    ids = list(codebook.code_ids)
    starts = [c for c in ids if c.startswith(arg)] if arg else []
    if len(starts) > 1:
        return f"{arg!r} could be {', '.join(starts[:6])}: type more of it."
    labels = {c.label.lower(): c.id for c in codebook.codes}
    close = difflib.get_close_matches(arg.lower(), ids, n=3, cutoff=0.6)
    close += [labels[x] for x in difflib.get_close_matches(arg.lower(), list(labels), n=3, cutoff=0.6)
              if labels[x] not in close]
    if close:
        return f"No such code: {arg!r}. Did you mean {' or '.join(close[:3])}?"
    return f"No such code: {arg!r}. Type 'l' to list the codes."


def _marks(current: Sequence[Coding], item: Any) -> dict[str, int]:
    """Each code on screen gets a position: its colour and letter."""
    order = list(dict.fromkeys([c.code_id for c in current] + [s.code_id for s in item.suggestions]))
    return {c: k for k, c in enumerate(order)}


def _style(k: int) -> str:
    bg, fg = PALETTE[k % len(PALETTE)]
    return f"bold {fg} on {bg}"


def _letter(k: int) -> str:
    return LETTERS[k % len(LETTERS)] + (str(k // len(LETTERS) + 1) if k >= len(LETTERS) else "")


def marked_text(item: Any, current: Sequence[Coding]):
    """The answer with each code's spans in its colour and wrapped as ``«...»X`` (X: its letter).
    Ticked codes are marked at their spans; unticked rule suggestions at their evidence, dimmer."""
    from rich.text import Text

    marks = _marks(current, item)
    spans = [(c.start, c.end, c.code_id, True) for c in current if c.start is not None]
    ticked = {c.code_id for c in current}
    spans += [(a, b, s.code_id, False) for s in item.suggestions if s.code_id not in ticked for a, b in s.spans]
    text = item.text
    cuts = sorted({0, len(text)} | {a for a, _, _, _ in spans} | {b for _, b, _, _ in spans})
    out = Text()
    for a, b in zip(cuts, cuts[1:]):
        for s, e, code, _ in sorted(spans, key=lambda x: -x[0]):
            if e == a:
                out.append(f"»{_letter(marks[code])}", style=_style(marks[code]))
        for s, e, code, on in spans:
            if s == a:
                out.append("«", style=_style(marks[code]))
        covering = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        if covering:
            code, on = covering[-1][2], covering[-1][3]
            out.append(text[a:b], style=_style(marks[code]) + ("" if on else " dim"))
        else:
            out.append(text[a:b])
    for s, e, code, _ in spans:
        if e == len(text):
            out.append(f"»{_letter(marks[code])}", style=_style(marks[code]))
    return out


def numbered_words(text: str):
    from rich.text import Text

    out = Text()
    for n, (a, b) in enumerate(words(text), start=1):
        out.append(f"{n}", style="bold cyan")
        out.append(f":{text[a:b]} ")
    return out


def render(item: Any, current: Sequence[Coding], codebook: Any, index: int, total: int,
           decided: tuple[Coding, ...] | None, memos: Sequence[Memo] = ()):
    """The screen for one answer (a rich renderable): header, context, marked text, codes, memos."""
    from rich.console import Group
    from rich.text import Text

    header = Text(f"[{index + 1}/{total}] respondent {item.respondent_id} ({item.question_id})", style="bold")
    if decided is not None:
        header.append("  already decided", style="dim")
    lines = [header]
    for label, value in item.context:
        line = Text(f"  {label}: ", style="dim bold")
        line.append(" ".join(str(value).split()) or "-", style="dim")  # a Text, never markup: answers may hold brackets
        lines.append(line)
    lines += [marked_text(item, current), Text("")]
    marks = _marks(current, item)
    ticked = {c.code_id for c in current}
    if item.suggestions:
        lines.append(Text("Suggested:", style="bold"))
    for s in item.suggestions:
        line = Text(f"  {'[x]' if s.code_id in ticked else '[ ]'} ")
        line.append(f" {_letter(marks[s.code_id])} ", style=_style(marks[s.code_id]))
        why = (f"rules: {', '.join(repr(m) for m in s.matched)}" if s.source == "rules"
               else f"model p={s.probability:.2f}")
        line.append(f" {s.code_id}  ({why})")
        lines.append(line)
    if not item.suggestions:
        lines.append(Text("No suggestions.", style="dim"))
    suggested = {s.code_id for s in item.suggestions}
    for code in dict.fromkeys(c.code_id for c in current if c.code_id not in suggested):
        line = Text("  [x] ")
        line.append(f" {_letter(marks[code])} ", style=_style(marks[code]))
        line.append(f" {code}  (added)")
        lines.append(line)
    summary = Text("Codes: ", style="bold green")
    summary.append(", ".join(_describe(c, item.text) for c in current) if current else "(none: no code applies)",
                   style="bold green")
    lines.append(summary)
    for m in memos:
        lines.append(Text(f"memo ({m.coder or 'unknown'}): {' '.join(m.text.split())}", style="italic"))
    return Group(*lines)


def _describe(c: Coding, text: str) -> str:
    if c.start is None:
        return c.code_id
    ws = words(text)
    first = next((n for n, (a, b) in enumerate(ws, start=1) if b > c.start), None)
    last = next((n for n, (a, b) in reversed(list(enumerate(ws, start=1))) if a < c.end), None)
    where = f"words {first}-{last}" if first and last and first != last else f"word {first}"
    return f"{c.code_id} ({where})"


def list_codes(codebook: Any):
    from rich.text import Text

    out = Text()
    for n, c in enumerate(codebook.codes, start=1):
        out.append(f"{n:>3}. {c.id}  ", style="bold")
        out.append(f"{c.label} [{c.theme}]\n")
    return out
