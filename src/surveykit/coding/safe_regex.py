"""Codebook regular expressions that cannot hang a run.

A codebook is user input, and a regular expression such as ``^(a+)+$`` backtracks exponentially
on a long enough answer, while one such as ``a{4294967294}`` takes gigabytes merely to compile. Four
defences, from cheapest to last resort:

* ``regex_problem`` refuses, before compiling, a pattern whose counted repeats expand it beyond
  ``MAX_REPEAT_WEIGHT`` elements;
* ``regex_problem`` rejects, when the codebook is loaded, a pattern that repeats a group which is
  itself repeated without bound (``(a+)+``, ``(\\w+\\s?)*``): the classic shape of catastrophic
  backtracking;
* ``probe_problem`` (run by ``codebook check``) tries each pattern on strings built from its own
  characters, under a short time limit;
* every search while coding runs with the ``regex`` package's ``timeout``: a pattern that still
  runs past ``SEARCH_TIMEOUT`` on one answer stops the run with one clear line naming the code and
  the pattern (``RegexTimeout``), never a hang.
"""

from __future__ import annotations

from typing import Any

SEARCH_TIMEOUT = 0.25  # seconds for one pattern on one answer: ordinary patterns take microseconds
# The regex package expands a counted repeat when it compiles (a{1000} is 1000 elements, about 270
# bytes each), so a{4294967294} or (?:(?:a{1000}){1000}){1000} would take gigabytes. A codebook
# pattern needs a few hundred elements at most.
MAX_REPEAT_WEIGHT = 100_000
PROBE_TIMEOUT = 0.05
_PROBE_LENGTH = 40


class RegexTimeout(Exception):
    """A codebook regular expression ran past its time limit (raised by the coder)."""


def compile_regex(text: str) -> Any:
    """The compiled pattern (``regex`` package, case-insensitive, ``re``-compatible syntax)."""
    import regex

    return regex.compile(text, regex.IGNORECASE)


def regex_problem(text: str) -> str | None:
    """Why a codebook regular expression cannot be used, or None. Cheap: no pattern is run."""
    import regex

    weight = _repeat_weight(text)
    if weight > MAX_REPEAT_WEIGHT:  # checked before compiling: compiling it is what takes the memory
        return (f"the regular expression's counted repeats (such as {{1000}}) make it {weight:,} or more "
                f"elements long once expanded (at most {MAX_REPEAT_WEIGHT:,}); use + or * for a long run")
    try:
        regex.compile(text, regex.IGNORECASE)
    except (regex.error, OverflowError, RecursionError) as exc:
        return f"bad regular expression ({exc})"
    nested = _nested_repeat(text)
    if nested:
        return (f"the regular expression can take exponential time ({nested}); "
                "rewrite it without a repeated group that contains another unbounded repeat")
    return None


def probe_problem(text: str) -> str | None:
    """Run the pattern on strings made of its own characters, under ``PROBE_TIMEOUT``."""
    rx = compile_regex(text)
    letters = sorted({ch for ch in text.lower() if ch.isalnum()} | {"a", "1"})
    probes = []
    for ch in letters:
        probes.append(ch * _PROBE_LENGTH + "!")
        probes.append((ch + " ") * (_PROBE_LENGTH // 2) + "!")
    for probe in probes:
        try:
            rx.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return (f"the regular expression takes more than {PROBE_TIMEOUT} s on a {len(probe)}-character "
                    "string (catastrophic backtracking); simplify it")
    return None


def _parsed(text: str) -> tuple[Any, Any] | None:
    """(the standard library's parse tree of ``text``, its constants module), or None when it cannot
    parse it (a pattern only the ``regex`` package understands)."""
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
        from re import _constants as sre_c  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as sre_c  # type: ignore[no-redef]
        import sre_parse  # type: ignore[no-redef]
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sre_parse.parse(text), sre_c
    except Exception:  # noqa: BLE001 - any parse failure: leave it to the other defences
        return None


def _repeat_weight(text: str) -> int:
    """How many elements the pattern has once its counted repeats are expanded (an upper bound: the
    branches of an alternation are added up). A pattern the standard parser cannot read is judged by
    its largest count alone."""
    import re

    parsed = _parsed(text)
    if parsed is None:
        counts = [int(n) for n in re.findall(r"\{\s*(\d{1,12})", text)]
        return max(counts, default=1)
    tree, sre_c = parsed
    repeats = {sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)}

    def weight(node_list) -> int:
        total = 0
        for op, av in node_list:
            if op in repeats:
                lo, hi, sub = av
                total += max(lo if hi == sre_c.MAXREPEAT else hi, 1) * weight(sub)
            else:
                total += 1 + sum(weight(sub) for sub in _children(op, av, sre_c))
            if total > MAX_REPEAT_WEIGHT:
                return total  # enough to refuse: no need to multiply further
        return total

    return weight(tree)


def _nested_repeat(text: str) -> str | None:
    """Describe an unbounded repeat of a group that holds another unbounded repeat, or None.

    Uses the standard library's parser; a pattern only the ``regex`` package understands is not
    analysed here (the probes and the time limit still cover it).
    """
    parsed = _parsed(text)
    if parsed is None:
        return None
    tree, sre_c = parsed
    repeats = {sre_c.MAX_REPEAT, sre_c.MIN_REPEAT}
    if hasattr(sre_c, "POSSESSIVE_REPEAT"):
        possessive = {sre_c.POSSESSIVE_REPEAT}
    else:  # pragma: no cover
        possessive = set()

    def unbounded(node_list) -> bool:
        for op, av in node_list:
            if op in repeats and av[1] == sre_c.MAXREPEAT:
                return True
            for sub in _children(op, av, sre_c):
                if unbounded(sub):
                    return True
        return False

    def walk(node_list) -> str | None:
        for op, av in node_list:
            if op in repeats:
                lo, hi, sub = av
                if hi == sre_c.MAXREPEAT and unbounded(sub):
                    return "a group repeated without bound holds another unbounded repeat"
            if op in possessive:
                continue  # possessive repeats never backtrack
            for sub in _children(op, av, sre_c):
                found = walk(sub)
                if found:
                    return found
        return None

    return walk(tree)


def _children(op: Any, av: Any, sre_c: Any) -> list:
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) or op == getattr(sre_c, "POSSESSIVE_REPEAT", None):
        return [av[2]]
    if op == sre_c.SUBPATTERN:
        return [av[-1]]
    if op == sre_c.BRANCH:
        return list(av[1])
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        return [av[1]]
    if op == getattr(sre_c, "ATOMIC_GROUP", None):
        return [av]
    if op == sre_c.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []
