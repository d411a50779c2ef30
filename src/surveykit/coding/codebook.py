"""The coding codebook: themes, codes, matching patterns and worked examples.

YAML format (``codebooks/missing_reasons.yaml``)::

    id: missing_reasons
    title: Reasons trafficked and separated children go missing
    version: "1.0"
    negation: {cues: [no, not, ...], window: 3, after: ["was not a factor", ...]}  # optional
    typos: {min_length: 6}        # optional; ``typos: false`` turns typo tolerance off
    exclude_answers: [adult victims, ...]  # optional: an answer matching one is out of scope (no code)
    lexicon:                      # optional: abbreviations and synonyms (see coding/lexicon.py)
      global: {UASC: unaccompanied asylum seeking child, HO: home office}
      codes: {family_reunification: {homesick: missing family}}
    themes:
      - {id: exploitation, label: Exploitation, description: ...}
    codes:
      - id: debt_bondage
        label: Debt bondage
        theme: exploitation
        definition: ...
        include: [...]          # guidance: what counts
        exclude: [...]          # guidance: what does not
        patterns:
          - debt*                             # bare string: one word (glob ``*`` allowed) ...
          - pay back                          # ... or, with spaces, a phrase (words in order)
          - {stem: owe}                       # any word with the same Snowball stem (owe, owed, owes, owing)
          - {phrase: "pay * back", gap: 2}    # up to ``gap`` extra words between consecutive words
          - {regex: "\\bowe[sd]? (?:money|them)\\b"}   # escape hatch, matched case-insensitively
          - {phrase: "no trusted adult", absence: true}  # about a lack: negation cues do not block it
          - {stem: believe, negated: true}    # fires ONLY when a negation cue precedes it
        exclude_context:          # sense filters: a match of the code is vetoed when one of these
          - return home interview #   (same pattern syntax) matches within ``exclude_window`` words
          - {phrase: "from hospital"}
        exclude_window: 4         # optional, 0-10 (default 4)
        examples: [...]           # texts that must get this code (checked by ``codebook check``)
        counter_examples: [...]   # texts that must not get it

Inside words and phrases, ``*`` is a glob (``traffick*``) and a leading ``~`` compares Snowball stems
(``~believe`` matches believed/believing); ``a|b|c*`` matches any of the alternatives. Matching is
case-insensitive. In a phrase, ``gap: N`` allows
up to N other words between neighbouring words; a lone ``*`` marks where the gap is allowed
(``pay * back``: a gap only between pay and back, of up to ``gap`` words, 3 when gap is not given).

A negation cue (``no``, ``not``, ``never``, ``without``, any ``n't`` word ...) within ``window`` tokens
before a match blocks it, unless the pattern is an ``absence`` pattern; a clause break (``. ; : ! ?``,
``but``) ends a cue's reach. A double negation ("not uncommon", "not without") and an additive "not
just / not only" are not negations. A denial right after the match ("traffickers aren't the
issue", "referrals not being made", "debt is rarely the reason") blocks it too (and makes a
``negated`` pattern fire), as does a denial later in the same sentence (``negation.after``: "was not
a factor", "not the issue" ...). A word of ``typos.min_length`` letters or more that is not an
English word also matches a pattern word one edit away (a letter added, dropped, changed, or two
neighbours swapped): "placment" matches placement. Negation cues and short words never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surveykit.coding.lexicon import Lexicon, parse_lexicon
from surveykit.errors import CodebookError

PATTERN_KINDS = ("word", "stem", "phrase", "regex")
DEFAULT_NEGATION_CUES = (
    "no", "not", "never", "without", "nor", "neither", "nobody", "none", "nothing", "cannot", "n't",
)
DEFAULT_NEGATION_WINDOW = 3
# Phrases that, later in the same sentence, deny what came before ("age assessment was not a factor").
DEFAULT_NEGATION_AFTER = (
    "was not a factor", "wasn't a factor", "were not a factor", "weren't a factor", "is not a factor",
    "isn't a factor", "not the issue", "not an issue", "not the problem", "not a problem", "played no part",
    "plays no part", "not relevant", "never an issue", "not a reason",
)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Pattern text is split like answers are (see patterns.TOKEN_PATTERN), with ``*`` kept inside words
# and a leading ``~`` kept: "b&b" -> b & b, "traffick*" -> traffick*, "under * control" -> under * control.
PATTERN_TOKEN_RE = re.compile(r"~?[\w*]+(?:[-'\u2019][\w*]+)*(?:\|~?[\w*]+(?:[-'\u2019][\w*]+)*)*|[^\w\s]")
DEFAULT_STAR_GAP = 3
DEFAULT_EXCLUDE_WINDOW = 4
DEFAULT_TYPO_MIN_LENGTH = 6


def pattern_tokens(text: str) -> list[str]:
    """The tokens of a word or phrase pattern, lower-cased."""
    return PATTERN_TOKEN_RE.findall(text.lower().replace("’", "'"))


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Pattern:
    """One way of recognising a code.

    kind: "word" (one token; ``*`` glob; leading ``~`` = stem), "stem" (Snowball stem of ``text``),
    "phrase" (tokens in order, up to ``max_gap`` other tokens between neighbours), "regex".
    absence: the pattern itself expresses a lack ("no trusted adult"), so negation cues do not block it.
    negated: the pattern only counts when a negation cue precedes it ("not ... believed").
    """

    kind: str
    text: str
    max_gap: int = 0
    absence: bool = False
    negated: bool = False

    def describe(self) -> str:
        extra = []
        if self.max_gap:
            extra.append(f"gap {self.max_gap}")
        if self.absence:
            extra.append("absence")
        if self.negated:
            extra.append("negated")
        return f"{self.kind} {self.text!r}" + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class Code:
    id: str
    label: str
    theme: str
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    exclude_context: tuple[Pattern, ...] = ()
    exclude_window: int = DEFAULT_EXCLUDE_WINDOW


@dataclass(frozen=True)
class Codebook:
    id: str
    title: str
    version: str
    themes: tuple[Theme, ...]
    codes: tuple[Code, ...]
    path: str = ""
    description: str = ""
    negation_cues: tuple[str, ...] = DEFAULT_NEGATION_CUES
    negation_window: int = DEFAULT_NEGATION_WINDOW
    negation_after: tuple[str, ...] = DEFAULT_NEGATION_AFTER
    lexicon: Lexicon = Lexicon()
    exclude_answers: tuple[Pattern, ...] = ()
    typo_min_length: int | None = DEFAULT_TYPO_MIN_LENGTH  # None: typo tolerance off
    _index: dict = field(default=None, repr=False, compare=False, hash=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {
            "codes": {c.id: c for c in self.codes},
            "themes": {t.id: t for t in self.themes},
        })

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def has_code(self, code_id: str) -> bool:
        return code_id in self._index["codes"]

    def code(self, code_id: str) -> Code:
        try:
            return self._index["codes"][code_id]
        except KeyError:
            raise CodebookError(f"unknown code {code_id!r}; the codebook has "
                                f"{', '.join(repr(c) for c in self.code_ids) or 'no codes'}",
                                path=self.path or None) from None

    def theme(self, theme_id: str) -> Theme:
        try:
            return self._index["themes"][theme_id]
        except KeyError:
            raise CodebookError(f"unknown theme {theme_id!r}; the codebook has "
                                f"{', '.join(repr(t) for t in self.theme_ids) or 'no themes'}",
                                path=self.path or None) from None

    def codes_in(self, theme_id: str) -> tuple[Code, ...]:
        self.theme(theme_id)
        return tuple(c for c in self.codes if c.theme == theme_id)

    def theme_of(self, code_id: str) -> str:
        return self.code(code_id).theme


@dataclass(frozen=True)
class CodebookProblem:
    """One problem found in a codebook. ``code`` is the code or theme id concerned (or None)."""

    code: str | None
    kind: str       # stable snake_case: empty_codebook, duplicate_id, unknown_theme, no_theme, bad_regex, ...
    message: str
    severity: str = "error"

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "kind": self.kind, "severity": self.severity, "message": self.message}


# -- loading -------------------------------------------------------------------------------------

def default_codebook_path() -> Path:
    from surveykit.io.resources import codebooks_dir

    return codebooks_dir() / "missing_reasons.yaml"


def read_codebook_doc(path: str | Path | None = None) -> tuple[Any, str]:
    """Read the YAML document of a codebook file: (doc, path). Unreadable file -> CodebookError."""
    from surveykit.io.yaml_file import read_yaml

    p = Path(path) if path is not None else default_codebook_path()
    return read_yaml(p, error=CodebookError, what="codebook"), str(p)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and check a codebook YAML (``codebooks/missing_reasons.yaml`` by default)."""
    doc, p = read_codebook_doc(path)
    return parse_codebook(doc, path=p)


def parse_codebook(doc: Any, *, path: str = "<codebook>") -> Codebook:
    """Build a Codebook from parsed YAML; the first structural problem raises CodebookError."""
    codebook, problems = build_codebook(doc, path=path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        where = f"code {first.code!r}: " if first.code else ""
        more = f" (and {len(errors) - 1} more problem(s); run 'surveykit codebook check')" if len(errors) > 1 else ""
        raise CodebookError(f"{where}{first.message}{more}", path=path)
    assert codebook is not None
    return codebook


def build_codebook(doc: Any, *, path: str = "<codebook>") -> tuple[Codebook | None, list[CodebookProblem]]:
    """Tolerant build: the codebook made of every usable part, and every structural problem found.

    Returns (None, problems) only when the document is not a codebook at all (not a mapping).
    """
    problems: list[CodebookProblem] = []

    def problem(code: str | None, kind: str, msg: str, severity: str = "error") -> None:
        problems.append(CodebookProblem(code, kind, msg, severity))

    def pattern_list(code: str | None, raw: Any, key: str, item: str) -> list[Pattern]:
        """A list of patterns under ``key``; each bad one is a problem named ``item #k``."""
        if not isinstance(raw, list):
            problem(code, "bad_pattern", f"'{key}' must be a list" + (" of patterns" if key != "patterns" else ""))
            return []
        out: list[Pattern] = []
        for k, pdef in enumerate(raw, start=1):
            try:
                out.append(parse_pattern(pdef))
            except ValueError as exc:
                kind = "bad_regex" if isinstance(pdef, dict) and "regex" in pdef else "bad_pattern"
                problem(code, kind, f"{item} #{k}: {exc}")
        return out

    if not isinstance(doc, dict):
        problem(None, "not_a_codebook", "the file must hold a mapping with 'id', 'title', 'themes' and 'codes'")
        return None, problems

    cb_id = _text(doc.get("id")) or Path(path).stem
    title = _text(doc.get("title")) or cb_id
    version = _text(doc.get("version")) or "0"

    cues, window, after = DEFAULT_NEGATION_CUES, DEFAULT_NEGATION_WINDOW, DEFAULT_NEGATION_AFTER
    neg = doc.get("negation")
    if neg is not None:
        if not isinstance(neg, dict):
            problem(None, "bad_negation", "'negation' must be a mapping with 'cues' and 'window'")
        else:
            if "cues" in neg:
                if not isinstance(neg["cues"], list) or not all(isinstance(c, str) and c.strip() for c in neg["cues"]):
                    problem(None, "bad_negation", "'negation.cues' must be a list of words")
                else:
                    cues = tuple(c.strip().lower() for c in neg["cues"])
            if "after" in neg:
                if not isinstance(neg["after"], list) or not all(isinstance(c, str) and c.strip() for c in neg["after"]):
                    problem(None, "bad_negation", "'negation.after' must be a list of phrases")
                else:
                    after = tuple(" ".join(c.lower().split()) for c in neg["after"])
            if "window" in neg:
                w = neg["window"]
                if not isinstance(w, int) or isinstance(w, bool) or w < 0 or w > 10:
                    problem(None, "bad_negation", f"'negation.window' must be a whole number from 0 to 10; got {w!r}")
                else:
                    window = w

    typo_min = DEFAULT_TYPO_MIN_LENGTH
    typos = doc.get("typos")
    if typos is False:
        typo_min = None
    elif typos is not None and typos is not True:
        value = typos.get("min_length") if isinstance(typos, dict) else None
        if (not isinstance(typos, dict) or set(typos) - {"min_length"} or not isinstance(value, int)
                or isinstance(value, bool) or not 4 <= value <= 20):
            problem(None, "bad_typos", "'typos' must be false or {min_length: N} with N from 4 to 20; "
                                      f"got {typos!r}"[:200])
        else:
            typo_min = value

    scope = pattern_list(None, doc.get("exclude_answers") or [], "exclude_answers", "exclude_answers")

    lexicon, lexicon_problems = parse_lexicon(doc.get("lexicon"))
    for code, msg in lexicon_problems:
        problem(code, "bad_lexicon", msg)

    themes: list[Theme] = []
    theme_ids: set[str] = set()
    raw_themes = doc.get("themes")
    if raw_themes is None:
        raw_themes = []
    if not isinstance(raw_themes, list):
        problem(None, "bad_themes", "'themes' must be a list of {id, label, description}")
        raw_themes = []
    for n, tdef in enumerate(raw_themes, start=1):
        if isinstance(tdef, str):
            tdef = {"id": tdef}
        if not isinstance(tdef, dict) or not _text(tdef.get("id")):
            problem(None, "bad_theme", f"theme #{n} must be a mapping with an 'id'")
            continue
        tid = _text(tdef["id"])
        if not _ID_RE.match(tid):
            problem(tid, "bad_id", f"theme id {tid!r} must be snake_case (a-z, 0-9, _)")
        if tid in theme_ids:
            problem(tid, "duplicate_id", f"theme id {tid!r} is declared more than once")
            continue
        theme_ids.add(tid)
        themes.append(Theme(tid, _text(tdef.get("label")) or tid, _text(tdef.get("description"))))

    codes: list[Code] = []
    code_ids: set[str] = set()
    raw_codes = doc.get("codes")
    if raw_codes is None:
        raw_codes = []
    if not isinstance(raw_codes, list):
        problem(None, "bad_codes", "'codes' must be a list of code definitions")
        raw_codes = []
    for n, cdef in enumerate(raw_codes, start=1):
        if not isinstance(cdef, dict) or not _text(cdef.get("id")):
            problem(None, "bad_code", f"code #{n} must be a mapping with an 'id'")
            continue
        cid = _text(cdef["id"])
        if not _ID_RE.match(cid):
            problem(cid, "bad_id", f"code id {cid!r} must be snake_case (a-z, 0-9, _)")
        if cid in code_ids:
            problem(cid, "duplicate_id", f"code id {cid!r} is declared more than once")
            continue
        if cid in theme_ids:
            problem(cid, "duplicate_id", f"{cid!r} is used both as a theme id and a code id")
        theme = _text(cdef.get("theme"))
        if not theme:
            problem(cid, "no_theme", "the code is in no theme (add 'theme: THEME_ID')")
        elif theme not in theme_ids:
            allowed = ", ".join(repr(t) for t in sorted(theme_ids)) or "none declared"
            problem(cid, "unknown_theme", f"theme {theme!r} is not declared in 'themes' (declared: {allowed})")
        patterns = pattern_list(cid, cdef.get("patterns") or [], "patterns", "pattern")
        vetoes = pattern_list(cid, cdef.get("exclude_context") or [], "exclude_context", "exclude_context")
        exclude_window = cdef.get("exclude_window", DEFAULT_EXCLUDE_WINDOW)
        if not isinstance(exclude_window, int) or isinstance(exclude_window, bool) or not 0 <= exclude_window <= 10:
            problem(cid, "bad_pattern", f"'exclude_window' must be a whole number from 0 to 10; got {exclude_window!r}")
            exclude_window = DEFAULT_EXCLUDE_WINDOW
        lists = {}
        for key in ("include", "exclude", "examples", "counter_examples"):
            value = cdef.get(key) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
                problem(cid, "bad_list", f"'{key}' must be a list of texts")
                value = []
            lists[key] = tuple(str(v).strip() for v in value if str(v).strip())
        code_ids.add(cid)
        codes.append(Code(id=cid, label=_text(cdef.get("label")) or cid, theme=theme,
                          definition=_text(cdef.get("definition")), include=lists["include"],
                          exclude=lists["exclude"], patterns=tuple(patterns), examples=lists["examples"],
                          counter_examples=lists["counter_examples"], exclude_context=tuple(vetoes),
                          exclude_window=exclude_window))

    if not codes:
        problem(None, "empty_codebook", "the codebook has no codes")
    for entry in lexicon.entries:
        if entry.code is not None and entry.code not in code_ids:
            allowed = ", ".join(sorted(code_ids)) or "none"
            problem(entry.code, "bad_lexicon", f"lexicon.codes names an unknown code {entry.code!r} (codes: {allowed})")
            lexicon = Lexicon(tuple(e for e in lexicon.entries if e.code in code_ids or e.code is None))
    for t in themes:
        if not any(c.theme == t.id for c in codes):
            problem(t.id, "empty_theme", f"theme {t.id!r} has no codes", severity="warning")

    codebook = Codebook(id=cb_id, title=title, version=version, themes=tuple(themes), codes=tuple(codes),
                        path=path, description=_text(doc.get("description")), negation_cues=cues,
                        negation_window=window, negation_after=after, lexicon=lexicon, typo_min_length=typo_min,
                        exclude_answers=tuple(scope))
    return codebook, problems


def parse_pattern(pdef: Any) -> Pattern:
    """One YAML pattern entry -> Pattern; ValueError with a reason when it is not usable."""
    if isinstance(pdef, str):
        text = pdef.strip()
        if not text:
            raise ValueError("empty pattern")
        kind = "phrase" if len(text.split()) > 1 else "word"
        return _checked(Pattern(kind, text))
    if not isinstance(pdef, dict):
        raise ValueError("a pattern is a word, a phrase or a mapping such as {stem: owe}")
    kinds = [k for k in PATTERN_KINDS if k in pdef]
    if "kind" in pdef and "text" in pdef:  # the long form, as written by codebook_to_yaml for clarity
        kinds = [str(pdef["kind"])]
        text = pdef["text"]
    elif len(kinds) != 1:
        raise ValueError(f"a pattern mapping needs exactly one of {', '.join(PATTERN_KINDS)}")
    else:
        text = pdef[kinds[0]]
    kind = kinds[0]
    if kind not in PATTERN_KINDS:
        raise ValueError(f"kind must be one of {', '.join(PATTERN_KINDS)}; got {kind!r}")
    unknown = set(pdef) - {kind, "kind", "text", "gap", "max_gap", "absence", "negated"}
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                         "allowed: gap, absence, negated")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"the {kind} pattern needs a text")
    gap = pdef.get("gap", pdef.get("max_gap", 0))
    if not isinstance(gap, int) or isinstance(gap, bool) or not 0 <= gap <= 10:
        raise ValueError(f"gap must be a whole number from 0 to 10; got {gap!r}")
    absence, negated = pdef.get("absence", False), pdef.get("negated", False)
    if not isinstance(absence, bool) or not isinstance(negated, bool):
        raise ValueError("absence and negated must be true or false")
    if absence and negated:
        raise ValueError("a pattern cannot be both an absence pattern and a negated one")
    return _checked(Pattern(kind, text.strip(), gap, absence, negated))


def _checked(p: Pattern) -> Pattern:
    if p.kind == "regex":
        from surveykit.coding.safe_regex import regex_problem

        why = regex_problem(p.text)
        if why:
            raise ValueError(why)
        return p
    tokens = pattern_tokens(p.text)
    if "".join(tokens) != "".join(p.text.lower().replace("\u2019", "'").split()):
        raise ValueError("only letters, digits, ' - * ~ and single punctuation marks may be used")
    if p.kind in ("word", "stem") and len(tokens) != 1:
        raise ValueError(f"a {p.kind} pattern is one word; use a phrase for several")
    if not tokens:
        raise ValueError("empty pattern")
    for tok in tokens:
        if tok.strip("*~") == "" and not (p.kind == "phrase" and tok == "*"):
            raise ValueError(f"{tok!r} is not a word")
        if any(alt.strip("*~") == "" for alt in tok.split("|")) and tok != "*":
            raise ValueError(f"{tok!r} has an empty alternative")
        if p.kind == "stem" and ("*" in tok or "~" in tok or "|" in tok):
            raise ValueError("a stem pattern takes a plain word")
    if p.kind == "phrase":
        if tokens[0] == "*" or tokens[-1] == "*":
            raise ValueError("a phrase cannot start or end with a '*' gap")
        if any(a == b == "*" for a, b in zip(tokens, tokens[1:])):
            raise ValueError("use one '*' per gap")
    if p.max_gap and p.kind != "phrase":
        raise ValueError("gap only applies to phrases")
    return p


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()
