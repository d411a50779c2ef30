"""Composers that turn the synthetic sample study's free-text banks into answers.

The banks themselves (profile lists, the q7 sentence and phrase banks per code, negated mentions,
uncodeable answers, the other free-text questions' answers, redaction and formula test cases) are
package data: ``surveykit/data/sample/text_banks.json``. Every sentence there was newly written for
surveykit (none is taken from the study's narrative), in the voices of the survey's respondents, in UK
spelling, with the typos, lower-case typing and terse notes real exports have.

q7 (why children go missing) is composed from per-code sentence and phrase banks so that, between
them, the answers mention every code of the missing-reasons codebook many times in varied wording;
some answers carry negated mentions that must not be coded, and some fit no code at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from surveykit.io.wordlists import read_data_bank

if TYPE_CHECKING:
    import numpy as np

_BANKS: dict[str, Any] = read_data_bank("sample/text_banks.json")

REGION_WEIGHTS: tuple[tuple[str, float], ...] = _BANKS["REGION_WEIGHTS"]
ROLES: dict[str, tuple[str, ...]] = _BANKS["ROLES"]
SECTOR_OTHER: tuple[str, ...] = _BANKS["SECTOR_OTHER"]
# code -> (sentences, short phrases)
Q7_CODES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = _BANKS["Q7_CODES"]
Q7_NEGATED: tuple[str, ...] = _BANKS["Q7_NEGATED"]
Q7_UNCODED: tuple[str, ...] = _BANKS["Q7_UNCODED"]
Q7_OPENERS: tuple[str, ...] = _BANKS["Q7_OPENERS"]
SECTOR_OPENERS: dict[str, tuple[str, ...]] = _BANKS["SECTOR_OPENERS"]
Q7_CLOSERS: tuple[str, ...] = _BANKS["Q7_CLOSERS"]
Q7_LIST_LEADS: tuple[str, ...] = _BANKS["Q7_LIST_LEADS"]
TYPOS: dict[str, str] = _BANKS["TYPOS"]
BANKS: dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]] = _BANKS["BANKS"]
PERSONAL_DATA: dict[str, tuple[str, ...]] = _BANKS["PERSONAL_DATA"]
FORMULA_LIKE: dict[str, tuple[str, ...]] = _BANKS["FORMULA_LIKE"]
SOLO_STARTS: tuple[str, ...] = _BANKS["SOLO_STARTS"]
PREFIXES: tuple[str, ...] = _BANKS["PREFIXES"]
SUFFIXES: tuple[str, ...] = _BANKS["SUFFIXES"]


def special_answers() -> dict[str, tuple[str, ...]]:
    """Column id -> the fixed answers that exercise redaction and formula escaping (placed once each)."""
    out: dict[str, list[str]] = {}
    for table in (PERSONAL_DATA, FORMULA_LIKE):
        for column, answers in table.items():
            out.setdefault(column, []).extend(answers)
    return {k: tuple(v) for k, v in out.items()}


# --- composers ---------------------------------------------------------------------------------------------------

def vary_case(rng: "np.random.Generator", text: str, p_lower: float) -> str:
    """Some respondents type everything in lower case."""
    return text.lower() if rng.random() < p_lower else text


def add_typos(rng: "np.random.Generator", text: str, max_typos: int = 2) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if w.strip(".,;:-?!").lower() in TYPOS]
    if not spots:
        return text
    for i in rng.permutation(spots)[:max_typos].tolist():
        w = words[i]
        core = w.strip(".,;:-?!")
        typo = TYPOS[core.lower()]
        if core[:1].isupper():
            typo = typo[:1].upper() + typo[1:]
        words[i] = w.replace(core, typo)
    return " ".join(words)


def lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper() and not text.startswith(("I ", "I'")):
        return text[0].lower() + text[1:]
    return text


def _join_phrases(phrases: Sequence[str], rng: "np.random.Generator") -> str:
    if len(phrases) == 1:
        return phrases[0]
    style = int(rng.integers(0, 3))
    if style == 0:
        return ", ".join(phrases[:-1]) + " and " + phrases[-1]
    if style == 1:
        return " / ".join(phrases)
    return "; ".join(phrases)


def compose_q7(rng: "np.random.Generator", codes: Sequence[str]) -> str:
    """One answer mentioning the given codes, in a randomly chosen register."""
    form = rng.random()
    if form < 0.25:  # a terse list of phrases
        phrases = [Q7_CODES[c][1][int(rng.integers(len(Q7_CODES[c][1])))] for c in codes]
        lead = Q7_LIST_LEADS[int(rng.integers(len(Q7_LIST_LEADS)))]
        text = lead + _join_phrases(phrases, rng)
        if not lead:
            text = text[:1].upper() + text[1:] if rng.random() < 0.6 else text
    else:
        sentences = [Q7_CODES[c][0][int(rng.integers(len(Q7_CODES[c][0])))] for c in codes]
        if len(sentences) > 1 and rng.random() < 0.25:
            # run-on typing: the second reason joined to the first with "and" / "also" / a dash
            joiner = (" and ", ", also ", " - ")[int(rng.integers(3))]
            sentences[:2] = [sentences[0].rstrip(".:?") + joiner + lower_first(sentences[1])]
        if rng.random() < 0.09:
            sentences.insert(int(rng.integers(1, len(sentences) + 1)), Q7_NEGATED[int(rng.integers(len(Q7_NEGATED)))])
        if rng.random() < 0.2:
            sentences.insert(0, Q7_OPENERS[int(rng.integers(len(Q7_OPENERS)))])
        if rng.random() < 0.15:
            sentences.append(Q7_CLOSERS[int(rng.integers(len(Q7_CLOSERS)))])
        text = " ".join(sentences)
        if rng.random() < 0.12:
            text = text.rstrip(".")
    if rng.random() < 0.14:
        text = add_typos(rng, text)
    return vary_case(rng, text, 0.09)


def q7_answers(rng: "np.random.Generator", k: int) -> list[str]:
    """``k`` answers to q7. Codes rotate so that any run of answers spreads over every code."""
    codes = list(Q7_CODES)
    out: list[str] = []
    pool_size = min(k, 1200)  # beyond this, answers repeat (for very large benchmark samples)
    order = rng.permutation(len(codes)).tolist()
    r = 0
    for i in range(pool_size):
        if rng.random() < 0.10:
            text = Q7_UNCODED[int(rng.integers(len(Q7_UNCODED)))]
            if rng.random() < 0.2:
                stop = "" if text.endswith(("?", "!", ".")) else "."
                text = text + stop + " " + Q7_CLOSERS[int(rng.integers(len(Q7_CLOSERS)))]
            out.append(text)
            continue
        primary = codes[order[r % len(codes)]]
        r += 1
        n_codes = int(rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))
        others = [c for c in rng.permutation(codes).tolist() if c != primary][: n_codes - 1]
        chosen = [primary] + others
        out.append(compose_q7(rng, chosen))
    if k > pool_size:
        out = [out[i] for i in (list(range(pool_size)) + rng.integers(0, pool_size, size=k - pool_size).tolist())]
    return out


LONG_WORDS = 15  # answers at least this long are personal: each is given once, never repeated verbatim


def _end(text: str) -> str:
    """The text with a closing full stop, so another sentence can follow."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", ")")) else text + "."


def _combinable(text: str) -> bool:
    """Longer, positive statements can be run together into one answer without contradicting each other."""
    return 7 <= len(text.split()) < LONG_WORDS and not text.lower().startswith(SOLO_STARTS)


def bank_answers(rng: "np.random.Generator", column: str, k: int, variant: str | None = None) -> list[str]:
    """``k`` answers for a free-text column, drawn from its bank.

    Every entry is used once (in a seeded order) before any is used again; long entries are never
    repeated, shorter ones come back with the variation real answers have (two run together, a
    hedge before or after, a typo, all lower case). ``variant`` picks the sub-bank of an
    answer-dependent bank (the code of the closed answer being explained).
    """
    bank = BANKS[column]
    if isinstance(bank, dict):
        bank = bank[variant if variant in bank else "DK"]
    if k <= 0:
        return []
    pool_size = min(k, 600)
    reusable = [b for b in bank if len(b.split()) < LONG_WORDS] or list(bank)
    joinable = [b for b in bank if _combinable(b)]
    seq = [bank[i] for i in rng.permutation(len(bank)).tolist()][:pool_size]
    first_pass = len(seq)
    while len(seq) < pool_size:
        seq.append(reusable[int(rng.integers(len(reusable)))])
    is_other = column.endswith("_other_text")
    out: list[str] = []
    for i, text in enumerate(seq):
        repeat = i >= first_pass
        r = rng.random()
        if is_other or len(text.split()) <= 4:
            pass  # short notes ("limited", "Not aware of any.") repeat verbatim, as they do in real exports
        elif r < (0.35 if repeat else 0.12) and _combinable(text) and len(joinable) > 3:
            other = joinable[int(rng.integers(len(joinable)))]
            if other != text:
                text = _end(text) + " " + other
        elif r < (0.65 if repeat else 0.2) and not text.lower().startswith(SOLO_STARTS):
            text = PREFIXES[int(rng.integers(len(PREFIXES)))] + lower_first(text)
        elif r < (0.9 if repeat else 0.28):
            suffix = SUFFIXES[int(rng.integers(len(SUFFIXES)))]
            if suffix.startswith(" ("):  # an aside goes inside the sentence: "... signs (in my area at least)."
                text = text.rstrip().rstrip(".") + suffix + "."
            else:
                text = _end(text) + suffix
        if rng.random() < 0.10:
            text = add_typos(rng, text, 1)
        out.append(vary_case(rng, text, 0.08))
    if k > pool_size:
        out = out + [out[i] for i in rng.integers(0, pool_size, size=k - pool_size).tolist()]
    return out
