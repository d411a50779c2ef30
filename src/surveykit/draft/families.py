"""Answer scales a questionnaire commonly uses, recognised by their labels: Don't know and its
friends, bipolar scales ("Strongly disagree" .. "Strongly agree"), unipolar ones (never .. always, not
at all .. extremely, poor .. excellent), yes / no, and numeric ratings. ``scales.guess_scale`` puts them
together into a proposed scale."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from surveykit.instrument.values import normalise_label as _normalise_label


@lru_cache(maxsize=65536)
def normalise_label(text: str) -> str:
    """``instrument.normalise_label``, remembered: the same labels come back for every question."""
    return _normalise_label(text)


# -- Don't know and friends ------------------------------------------------------------------------

_DK_KINDS = (
    ("DK", re.compile(r"\b(don ?t|dont|do not|does not|doesn t|i don t|i do not|didn t|did not) (know|remember|recall)\b"
                      r"|^(i m |i am )?(not sure|unsure)$|^dk$|\bno idea\b|\bcan ?t (say|tell|remember)\b"
                      r"|\bcannot (say|tell|remember)\b|\bno opinion\b|^non so$|\bweiss nicht\b|\bne sais pas\b"
                      r"|\bnot sure\b|\bunsure\b")),
    ("NA", re.compile(r"^n ?a$|\bnot applicable\b|\bno basis\b|\bdoes not apply\b|\bdoesn t apply\b|\bnot relevant\b"
                      r"|^non applicabile$|\bnever had\b|\bhave not (used|had|done)\b")),
    ("PNA", re.compile(r"\bprefer not\b|\brather not\b|\bno response\b|\bno answer\b|\bnot answered\b|\brefused?\b"
                       r"|\bdeclined? to\b")),
)


def dk_kind(label: str) -> str | None:
    """"DK", "NA" or "PNA" when a label is a Don't know / not applicable / no answer option."""
    key = normalise_label(label)
    for code, pattern in _DK_KINDS:
        if pattern.search(key):
            return code
    return None


# -- bipolar scales ------------------------------------------------------------------------------------

#: (family, positive word, negative words, name in comments)
BIPOLAR = (
    ("agreement", "agree", ("disagree",), "agreement"),
    ("likelihood", "likely", ("unlikely",), "likelihood"),
    ("satisfaction", "satisfied", ("dissatisfied", "unsatisfied"), "satisfaction"),
    ("comfort", "comfortable", ("uncomfortable",), "comfort"),
    ("effectiveness", "effective", ("ineffective",), "effectiveness"),
    ("helpfulness", "helpful", ("unhelpful",), "helpfulness"),
    ("usefulness", "useful", ("useless",), "usefulness"),
    ("importance", "important", ("unimportant",), "importance"),
    ("acceptability", "acceptable", ("unacceptable",), "acceptability"),
    ("appropriateness", "appropriate", ("inappropriate",), "appropriateness"),
    ("adequacy", "adequate", ("inadequate",), "adequacy"),
    ("support", "support", ("oppose",), "support"),
    ("ease", "easy", ("difficult", "hard"), "ease"),
    ("favourability", "favourable", ("unfavourable",), "favourability"),
    ("favorability", "favorable", ("unfavorable",), "favorability"),
    ("valence", "positive", ("negative",), "positive/negative"),
    ("goodness", "good", ("bad",), "good/bad"),
    ("improvement", "better", ("worse",), "better/worse"),
    ("change", "increase", ("decrease",), "increase/decrease"),
    ("awareness", "aware", ("unaware",), "awareness"),
)
_STRONG = {"strongly", "completely", "totally", "extremely", "very", "entirely", "absolutely", "highly", "fully",
           "definitely", "really", "much", "significantly", "greatly"}
_MILD = {"somewhat", "slightly", "mildly", "fairly", "partly", "partially", "rather", "quite", "moderately", "tend",
         "mostly", "little", "bit", "generally"}
_FILLER = {"i", "a", "to", "am", "m", "feel", "would", "be", "is", "it", "was"}
_NEUTRAL = re.compile(r"^(neither\b.*|neutral|undecided|indifferent|mixed|in between|ok|okay|about the same|the same|"
                      r"same|stayed the same|no change|unchanged|middle)$")
BIPOLAR_SETS = ((-3, -2, 0, 2, 3), (-3, -1, 0, 1, 3), (-3, -2, 2, 3), (-3, -1, 1, 3), (-3, -2, -1, 0, 1, 2, 3),
                 (-3, -2, -1, 1, 2, 3), (-2, 0, 2), (-2, 2))


@lru_cache(maxsize=4096)
def fix_word(word: str, vocabulary: tuple[str, ...]) -> str:
    """A misspelt scale word ("disgree", "aagree") read as the word it stands for."""
    if len(word) < 5 or word in vocabulary:
        return word
    best = difflib.get_close_matches(word, list(vocabulary), n=1, cutoff=0.8)
    return best[0] if best else word


def _bipolar_rank(key: str, pos: str, negs: tuple[str, ...]) -> tuple[float, str] | None:
    """(rank -3..3, modifier word) of one label on a bipolar scale, or None when it is not one."""
    if _NEUTRAL.match(key):
        return 0.0, ""
    vocabulary = (pos, *negs)
    words = []
    for w in key.split():
        if w not in _STRONG and w not in _MILD and w not in _FILLER and w != "not":
            w = fix_word(w, vocabulary)
            if w not in vocabulary:
                return None  # another word: a sentence, not a scale point
        words.append(w)
    sign = 0
    if any(w in negs for w in words):
        sign = -1
    elif pos in words:
        sign = -1 if "not" in words else 1
    if not sign:
        return None
    modifier = ""
    strength = 2
    for w in words:
        if w in (pos, *negs, "not") or w in _FILLER:
            continue
        if w in _STRONG:
            strength, modifier = 3, w
        elif w in _MILD:
            strength, modifier = 1, w
        else:
            return None  # another word: a sentence, not a scale point
    return float(sign * strength), modifier


def bipolar_ranks(labels: Sequence[str]) -> tuple[str, list[float], dict[int, str]] | None:
    keys = [normalise_label(lab) for lab in labels]
    for family, pos, negs, _ in BIPOLAR:
        ranks, modifiers = [], {}
        for k in keys:
            r = _bipolar_rank(k, pos, negs)
            if r is None:
                break
            ranks.append(r[0])
            if r[1]:
                modifiers.setdefault(int(r[0]), r[1])
        else:
            if len(set(ranks)) == len(ranks) and any(r != 0 for r in ranks) and len(ranks) >= 2:
                return family, ranks, modifiers
    return None


def bipolar_label(family: str, rank: int, modifiers: dict[int, str]) -> str:
    _, pos, negs, _ = next(b for b in BIPOLAR if b[0] == family)
    if rank == 0:
        return f"Neither {pos} nor {negs[0]}"
    word = pos if rank > 0 else negs[0]
    strength = abs(rank)
    if strength == 2:
        return word.capitalize()
    mod = modifiers.get(-rank) or modifiers.get(rank) or (("strongly" if family == "agreement" else "very")
                                                           if strength == 3 else "somewhat")
    return f"{mod.capitalize()} {word}"


# -- unipolar scales -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Level:
    pattern: str
    rank: float
    canonical: str


@dataclass(frozen=True)
class _Unipolar:
    family: str
    name: str
    levels: tuple[_Level, ...]
    standards: tuple[tuple[str, ...], ...] = ()  # canonical labels of the usual full scales, low to high
    suffix: bool = False  # levels may share a trailing word ("Not at all concerned", "Extremely concerned")

    def rank(self, key: str) -> tuple[float, str, str] | None:
        """(rank, canonical label, shared trailing words) of a normalised label."""
        key = re.sub(r"^(yes|no) ", "", key) if self.family == "degree" else key
        for lev, rx in zip(self.levels, _compiled(self)):
            m = rx.fullmatch(key)
            if m:
                return lev.rank, lev.canonical, (m.groupdict().get("rest") or "") if self.suffix else ""
        return None


@lru_cache(maxsize=None)
def _compiled(fam: "_Unipolar") -> tuple[re.Pattern, ...]:
    tail = r"(?: (?P<rest>.+))?" if fam.suffix else ""
    return tuple(re.compile(f"(?:{lev.pattern}){tail}") for lev in fam.levels)


UNIPOLAR = (
    _Unipolar("frequency", "frequency", (
        _Level("never|not at all", 0, "Never"),
        _Level("almost never|hardly ever|seldom|rarely", 1, "Rarely"),
        _Level("occasionally|now and then|once in a while", 1.5, "Occasionally"),
        _Level("sometimes", 2, "Sometimes"),
        _Level("about half the time|half the time", 2.5, "About half the time"),
        _Level("often|frequently|regularly", 3, "Often"),
        _Level("usually", 3.2, "Usually"),
        _Level("most of the time|mostly|most times", 3.5, "Most of the time"),
        _Level("very often|very frequently|almost always|nearly always", 3.8, "Very often"),
        _Level("always|all the time", 4, "Always"),
    ), standards=(("Never", "Rarely", "Sometimes", "Often", "Always"),
                  ("Never", "Rarely", "Sometimes", "Often", "Very often"),
                  ("Never", "Rarely", "Sometimes", "Usually", "Always"),
                  ("Never", "Sometimes", "About half the time", "Most of the time", "Always"))),
    _Unipolar("usage", "frequency of use", (
        _Level(r"never|not at all|(i )?(have|had|ve) not (been )?(using|used)( .*)?|not using( .*)?|i do not use( .*)?",
               0, "Never"),
        _Level("less than once (a|per) year|less often", 1, "Less than once a year"),
        _Level("once (a|per) year|yearly|annually", 2, "Once a year"),
        _Level("(several|a few|few) times (a|per) year", 3, "Several times a year"),
        _Level("less than once (a|per) month", 3.5, "Less than once a month"),
        _Level("(once )?(a|per) month|monthly|once a month", 4, "Monthly"),
        _Level("(several|a few|few|2 3) times (a|per) month", 4.5, "Several times a month"),
        _Level("(once )?(a|per) week|weekly|once a week", 5, "Weekly"),
        _Level("(several|a few|few|2 3) times (a|per) week", 5.5, "Several times a week"),
        _Level("(once )?(a|per) day|daily|every day|once a day", 6, "Daily"),
        _Level("(several|many) times (a|per) day", 7, "Several times a day"),
    )),
    _Unipolar("degree", "degree", (
        _Level("not at all|per nulla|per niente|none at all", 0, "Not at all"),
        _Level("not really|not very|not much", 0.5, "Not very"),
        _Level("a little|slightly|a bit|barely|minimally|poco|little", 1, "Slightly"),
        _Level("somewhat|some", 2, "Somewhat"),
        _Level("moderately|fairly|quite|reasonably|abbastanza", 3, "Moderately"),
        _Level("very|a lot|highly|considerably|much|molto", 4, "Very"),
        _Level("extremely|completely|a great deal|totally|entirely|fully|moltissimo", 5, "Extremely"),
    ), standards=(("Not at all", "Slightly", "Somewhat", "Moderately", "Extremely"),
                  ("Not at all", "Slightly", "Moderately", "Very", "Extremely")), suffix=True),
    _Unipolar("amount", "amount", (
        _Level("none( of (it|them))?|nothing", 0, "None"),
        _Level("(a little|little|a few|few)( of (it|them))?", 1, "A little"),
        _Level("some( of (it|them))?", 2, "Some"),
        _Level("(most|much|a lot|many)( of (it|them))?", 3, "Most"),
        _Level("all( of (it|them))?|everything", 4, "All"),
    )),
    _Unipolar("quality", "quality", (
        _Level("very poor|terrible|awful|very bad", 0, "Very poor"),
        _Level("poor|bad", 1, "Poor"),
        _Level("fair|average|ok|okay|adequate|satisfactory", 2, "Fair"),
        _Level("good", 3, "Good"),
        _Level("very good", 4, "Very good"),
        _Level("excellent|outstanding", 5, "Excellent"),
    ), standards=(("Poor", "Fair", "Good", "Very good", "Excellent"),)),
    _Unipolar("level", "level", (  # no standard set: the labels found are kept as they are
        _Level("very low", 0, "very low"),
        _Level("low", 1, "low"),
        _Level("medium|moderate", 2, "medium"),
        _Level("high", 3, "high"),
        _Level("very high", 4, "very high"),
    )),
)


def unipolar_ranks(labels: Sequence[str]):
    keys = [normalise_label(lab) for lab in labels]
    for fam in UNIPOLAR:
        found = []
        for k in keys:
            f = fam.rank(k)
            if f is None:
                break
            found.append(f)
        if len(found) != len(keys):
            continue
        ranks = [f[0] for f in found]
        rests = {f[2] for f in found if f[0] > 0 or f[2]}
        if len(set(ranks)) != len(ranks) or len(ranks) < 2 or len(rests) > 1:
            continue
        # One shared trailing word at most ("concerned"); levels with nothing after them are fine too.
        return fam, ranks, [f[1] for f in found], (rests.pop() if rests else "")
    return None


# -- yes / no ---------------------------------------------------------------------------------------

YES = {"yes", "y", "si", "ja", "oui", "true"}
NO = {"no", "n", "nein", "non", "false"}
MIDDLE = re.compile(r"^(sometimes|maybe|perhaps|partly|partially|somewhat|occasionally|uncertain|in part|"
                     r"to some extent|yes somewhat|some of the time|possibly|not always|it depends|depends)$")


def yes_no_kind(keys: list[str]):
    yes = [k for k in keys if k in YES]
    no = [k for k in keys if k in NO]
    middle = [k for k in keys if MIDDLE.match(k)]
    if len(yes) > 1 or len(no) > 1 or len(middle) > 1 or len(yes) + len(no) + len(middle) != len(keys) or not keys:
        return None
    if not (yes or no):
        return None
    truth = bool(yes and yes[0] == "true") or bool(no and no[0] == "false")
    return ("true_false" if truth else "yes_no"), bool(middle)


# -- numbers -----------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(?P<n>-?\d{1,2})\s*(?:[-=:.)]\s*|\s+)(?P<label>\D.*)$")
_NUMBERED_AFTER = re.compile(r"^(?P<label>\D.*?)\s*[(\[]\s*(?P<n>-?\d{1,2})\s*[)\]]\s*$")


def number_of(label: str) -> tuple[int, str] | None:
    """(number, endpoint text) of a rating label: "4", "1 - Strongly disagree", "Extremely likely (10)"."""
    text = label.strip()
    if re.fullmatch(r"-?\d{1,2}", text):
        return int(text), ""
    if re.fullmatch(r"-?\d{1,2}\.0", text):
        return int(float(text)), ""
    for rx in (_NUMBERED, _NUMBERED_AFTER):
        m = rx.match(text)
        if m:
            return int(m.group("n")), " ".join(m.group("label").split())
    return None


def numeric_range(numbers: Iterable[int]) -> tuple[int, int] | None:
    """The rating range that numbers seen in the answers most likely come from (1-5, 1-7, 0-10 ...)."""
    nums = sorted(set(numbers))
    if not nums or nums[0] < 0 or nums[-1] > 10:
        return None
    lo, hi = nums[0], nums[-1]
    if hi <= 5 and lo >= 1:
        return 1, 5 if hi > 3 else max(hi, 3)
    if hi <= 7 and lo >= 1:
        return 1, 7 if hi > 5 else 5
    if hi <= 5:
        return 0, 5 if hi > 3 else max(hi, 1)
    return (0 if lo == 0 or hi > 7 else 1), 10


# -- a questionnaire's standard wording ----------------------------------------------------------------

def _words_of(patterns: Iterable[str]) -> set[str]:
    return {w for p in patterns for w in re.findall(r"[a-z]+", re.sub(r"\\[a-zA-Z]", " ", p))}


#: Every word the standard scales above are written with (and the little words around them).
_SCALE_WORDS = frozenset(
    _words_of(p.pattern for _, p in _DK_KINDS) | _words_of(lev.pattern for fam in UNIPOLAR for lev in fam.levels)
    | _words_of([MIDDLE.pattern, _NEUTRAL.pattern]) | {w for b in BIPOLAR for w in (b[1], *b[2])}
    | _STRONG | _MILD | _FILLER | YES | NO
    | {"not", "neither", "nor", "or", "and", "i", "m", "d", "me", "to", "the", "this", "that", "it", "of", "for",
       "evaluation", "evaluate", "judgement", "judgment", "comment", "enough", "information", "experience", "yet",
       "question", "answer", "say", "disclose", "wish", "want", "like", "know", "sure", "unsure", "applicable", "apply",
       "all", "at"})
#: Choices most closed questions have, whoever answers ("Other (please specify)", "None of the above").
_COMMON_CHOICE = re.compile(r"(other|others|something else|none|none of (the|these) (above|options)|all of the above)"
                            r"( please (specify|describe|state|explain))?|na")
_BIPOLAR_WORDS = tuple(sorted({w for b in BIPOLAR for w in (b[1], *b[2])}))


def standard_wording(label: str, extra_words: frozenset[str] = frozenset()) -> bool:
    """Whether an answer is written as a standard scale option is written ("Strongly agree", "Don't
    know", "Never", "Yes", "4", "1 - Very poor"), every word of it a scale word, so that showing it
    says nothing about who gave it. A typed answer that starts like one ("I don't know, my friend
    decides", "Neither, ...") is not. extra_words: a trailing word that scale points of the same
    question share ("Not at all concerned" .. "Extremely concerned")."""
    numbered = number_of(label)
    if numbered is not None:
        return not numbered[1] or standard_wording(numbered[1], extra_words)
    key = normalise_label(label)
    if not key:
        return False
    if _COMMON_CHOICE.fullmatch(key):
        return True
    recognised = bool(dk_kind(label)) or key in YES or key in NO or bool(MIDDLE.match(key)) \
        or any(_bipolar_rank(key, pos, negs) is not None for _, pos, negs, _ in BIPOLAR) \
        or any(fam.rank(key) is not None for fam in UNIPOLAR)
    if not recognised:
        return False
    return all(w in _SCALE_WORDS or w in extra_words or (len(w) >= 5 and fix_word(w, _BIPOLAR_WORDS) != w)
               for w in key.split())


def suffix_words(labels: Sequence[str]) -> frozenset[str]:
    """The trailing words ("concerned") that two or more unipolar scale points among labels share."""
    seen: dict[str, set[str]] = {}
    for lab in labels:
        key = normalise_label(lab)
        for fam in UNIPOLAR:
            if fam.suffix:
                r = fam.rank(key)
                if r is not None and r[2]:
                    seen.setdefault(r[2], set()).add(key)
    return frozenset(w for rest, keys in seen.items() if len(keys) >= 2 for w in rest.split())
