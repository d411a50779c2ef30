"""Recognising answer scales from their option labels.

Given the labels a question's answers use (and, when a survey definition gives them, the codes and
the order), ``guess_scale`` says which kind of scale it is: a bipolar scale (agreement, likelihood,
satisfaction, effectiveness ... from "Strongly disagree" to "Strongly agree"), a unipolar one
(frequency, degree "Not at all .. Extremely", amount, quality, level, frequency of use), yes/no with or
without a middle answer, a numeric rating (1-5, 1-7, 0-10), or plain categories (nominal). Don't know,
N/A and "prefer not to say" options are recognised in several spellings and marked ``dk``: they are
never part of a percentage base.

Only option labels are ever quoted in the description: they are the questionnaire's wording, not a
respondent's.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
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


# -- the scale a draft proposes ---------------------------------------------------------------------

@dataclass(frozen=True)
class DraftOption:
    code: str
    label: str
    dk: bool = False
    aliases: tuple[str, ...] = ()
    count: int = 0  # answers seen with this option (0 for an option added to complete a scale)


@dataclass(frozen=True)
class ScaleGuess:
    """A proposed scale. family: ``agreement``, ``frequency`` ... or ``nominal``; kind: ordinal or
    nominal; description: what was recognised, for the YAML comment (option labels only)."""

    family: str
    kind: str
    options: tuple[DraftOption, ...]
    top_box: tuple[str, ...] = ()
    top_box_label: str = ""
    nets: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (id, label, codes)
    description: str = ""
    recognised: bool = False

    @property
    def signature(self) -> tuple:
        """Two questions whose scales have equal signatures share one scale in the YAML."""
        return (self.kind, tuple((o.code, normalise_label(o.label), o.dk) for o in self.options), self.top_box)

    @property
    def valid(self) -> tuple[DraftOption, ...]:
        return tuple(o for o in self.options if not o.dk)


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
_BIPOLAR_SETS = ((-3, -2, 0, 2, 3), (-3, -1, 0, 1, 3), (-3, -2, 2, 3), (-3, -1, 1, 3), (-3, -2, -1, 0, 1, 2, 3),
                 (-3, -2, -1, 1, 2, 3), (-2, 0, 2), (-2, 2))


@lru_cache(maxsize=4096)
def _fix_word(word: str, vocabulary: tuple[str, ...]) -> str:
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
            w = _fix_word(w, vocabulary)
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


def _bipolar(labels: Sequence[str]) -> tuple[str, list[float], dict[int, str]] | None:
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


def _bipolar_label(family: str, rank: int, modifiers: dict[int, str]) -> str:
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


def _unipolar(labels: Sequence[str]):
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

_YES = {"yes", "y", "si", "ja", "oui", "true"}
_NO = {"no", "n", "nein", "non", "false"}
_MIDDLE = re.compile(r"^(sometimes|maybe|perhaps|partly|partially|somewhat|occasionally|uncertain|in part|"
                     r"to some extent|yes somewhat|some of the time|possibly|not always|it depends|depends)$")


def _yes_no(keys: list[str]):
    yes = [k for k in keys if k in _YES]
    no = [k for k in keys if k in _NO]
    middle = [k for k in keys if _MIDDLE.match(k)]
    if len(yes) > 1 or len(no) > 1 or len(middle) > 1 or len(yes) + len(no) + len(middle) != len(keys) or not keys:
        return None
    if not (yes or no):
        return None
    truth = bool(yes and yes[0] == "true") or bool(no and no[0] == "false")
    return ("true_false" if truth else "yes_no"), bool(middle)


# -- numbers -----------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(?P<n>-?\d{1,2})\s*(?:[-=:.)]\s*|\s+)(?P<label>\D.*)$")
_NUMBERED_AFTER = re.compile(r"^(?P<label>\D.*?)\s*[(\[]\s*(?P<n>-?\d{1,2})\s*[)\]]\s*$")


def _number_of(label: str) -> tuple[int, str] | None:
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


# -- assembling a guess -----------------------------------------------------------------------------

def _quote(labels: Iterable[str], limit: int = 4) -> str:
    labels = list(labels)
    shown = ", ".join('"' + " ".join(str(x).split())[:40].replace('"', "'") + '"' for x in labels[:limit])
    return shown + (" ..." if len(labels) > limit else "")


def _top_box(codes: list[str], ranks: list[float], *, bipolar: bool) -> list[str]:
    """The headline share: every positive point of a bipolar scale, else the top two (top one of three)."""
    if bipolar:
        return [c for c, r in zip(codes, ranks) if r > 0]
    k = 2 if len(codes) >= 4 else 1
    return codes[-k:]


def _dk_options(dk_labels: list[tuple[str, int]], used: set[str]) -> list[DraftOption]:
    out = []
    for label, count in dk_labels:
        if re.fullmatch(r"-\d+", label.strip()) and label.strip() not in used:
            used.add(label.strip())  # a negative code keeps its number (answers are matched by code)
            out.append(DraftOption(code=label.strip(), label=label.strip(), dk=True, count=count))
            continue
        base = dk_kind(label) or "DK"
        code = base
        n = 2
        while code in used:
            code, n = f"{base}{n}", n + 1
        used.add(code)
        out.append(DraftOption(code=code, label=label, dk=True, count=count))
    return out


def guess_scale(observed: Sequence[tuple[str, int]], *, declared: Sequence[tuple[str, str]] | None = None,
                complete: bool = True) -> ScaleGuess:
    """The scale of a question from its answer labels.

    observed: (label, count) of each distinct answer (labels already grouped by ``normalise_label``);
    declared: (code, label) of every option in order, when a survey definition gives them (then the
    codes and the order are kept and only the kind, top box and nets are guessed); complete: add the
    missing points of a recognised standard scale (a 5-point agreement scale whose "Strongly
    disagree" nobody chose still has that option)."""
    counts = {normalise_label(lab): c for lab, c in observed}
    if declared is not None:
        return _from_declared(declared, counts)
    labels = [lab for lab, _ in observed]
    dk = [(lab, c) for lab, c in observed if dk_kind(lab)]
    rest = [(lab, c) for lab, c in observed if not dk_kind(lab)]
    rest_labels = [lab for lab, _ in rest]
    dk_text = f"; {_quote([d for d, _ in dk])} kept out of percentage bases (dk: true)" if dk else ""

    # Yes / no (with a middle answer: ordinal).
    yn = _yes_no([normalise_label(lab) for lab in rest_labels]) if rest else None
    if yn is not None:
        family, middle = yn
        keys = {normalise_label(lab): (lab, c) for lab, c in rest}
        yes = next(((lab, c) for k, (lab, c) in keys.items() if k in _YES), ("True" if family == "true_false" else "Yes", 0))
        no = next(((lab, c) for k, (lab, c) in keys.items() if k in _NO), ("False" if family == "true_false" else "No", 0))
        opts = [DraftOption("1", yes[0], count=yes[1])]
        if middle:
            mid = next((lab, c) for k, (lab, c) in keys.items() if _MIDDLE.match(k))
            opts = [DraftOption("2", yes[0], count=yes[1]), DraftOption("1", mid[0], count=mid[1])]
        opts.append(DraftOption("0", no[0], count=no[1]))
        opts += _dk_options(dk, {o.code for o in opts})
        if middle:
            return ScaleGuess(family="yes_middle_no", kind="ordinal", options=tuple(opts), top_box=("2", "1"),
                              top_box_label=f"% {yes[0].lower()} or {mid[0].lower()}",
                              description=f"ordinal yes / {mid[0].lower()} / no from the answers "
                                          f"{_quote(lab for lab, _ in rest)}{dk_text}", recognised=True)
        return ScaleGuess(family=family, kind="nominal", options=tuple(opts), top_box=("1",),
                          top_box_label=f"% {yes[0].lower()}",
                          description=f"{'true/false' if family == 'true_false' else 'yes/no'}"
                                      f"{' with ' + _quote(d for d, _ in dk) if dk else ''} from the answers "
                                      f"{_quote(labels)}", recognised=True)

    # Numeric ratings (1-5, 0-10 ...), possibly with labelled end points. Negative codes beside them
    # (-1, -99) are the platform's codes for "no basis", "not seen", "not answered": kept out of bases.
    numbered = [_number_of(lab) for lab in rest_labels]
    if rest and all(n is not None for n in numbered) and any(n[0] < 0 for n in numbered) \
            and any(n[0] >= 0 for n in numbered):
        negative = [(lab, c) for n, (lab, c) in zip(numbered, rest) if n[0] < 0]
        rest = [(lab, c) for n, (lab, c) in zip(numbered, rest) if n[0] >= 0]
        rest_labels = [lab for lab, _ in rest]
        numbered = [n for n in numbered if n[0] >= 0]
        dk = dk + negative
        dk_text += (f"; negative codes {_quote(lab for lab, _ in negative)} read as non-answers (a platform's "
                    "'no basis' or 'not asked'): kept out of percentage bases")
    if rest and all(n is not None for n in numbered) and {n[0] for n in numbered} <= {0, 1} and len(rest) == 2:
        seen = {n[0]: c for n, (_, c) in zip(numbered, rest)}
        opts = [DraftOption("1", "Yes", aliases=("1",), count=seen.get(1, 0)),
                DraftOption("0", "No", aliases=("0",), count=seen.get(0, 0))]
        opts += _dk_options(dk, {"1", "0"})
        return ScaleGuess(family="binary", kind="nominal", options=tuple(opts), top_box=("1",), top_box_label="% yes",
                          description=f"answers 1 and 0, read as Yes and No (check the labels){dk_text}",
                          recognised=True)
    if rest and all(n is not None for n in numbered) and len({n[0] for n in numbered}) >= 3:
        rng = numeric_range(n[0] for n in numbered)
        if rng is not None:
            lo, hi = rng
            texts = {n[0]: n[1] for n in numbered if n[1]}
            seen = {n[0]: (lab, c) for n, (lab, c) in zip(numbered, rest)}
            opts = []
            for v in range(lo, hi + 1):
                lab, c = seen.get(v, (None, 0))
                label = f"{v} - {texts[v]}" if v in texts else str(v)
                aliases = (lab,) if lab is not None and normalise_label(lab) not in (normalise_label(label), str(v)) else ()
                opts.append(DraftOption(str(v), label, aliases=aliases, count=c))
            codes = [o.code for o in opts]
            top = codes[-2:] if hi - lo >= 3 else codes[-1:]
            opts += _dk_options(dk, set(codes))
            return ScaleGuess(family=f"rating_{lo}_{hi}", kind="ordinal", options=tuple(opts), top_box=tuple(top),
                              top_box_label=f"% {top[0]}-{top[-1]}" if len(top) > 1 else f"% {top[0]}",
                              description=f"{lo}-{hi} rating scale from the answers "
                                          f"{_quote(sorted(rest_labels, key=lambda s: _number_of(s)[0]))}{dk_text}",
                              recognised=True)

    if rest and all(len(lab) <= 60 for lab in rest_labels):  # scale points are short
        bip = _bipolar(rest_labels)
        if bip is not None:
            return _bipolar_guess(bip, rest, dk, dk_text, complete)
        uni = _unipolar(rest_labels)
        if uni is not None:
            return _unipolar_guess(uni, rest, dk, dk_text, complete)

    # Categories.
    opts = _nominal_codes([(lab, c) for lab, c in rest])
    opts += _dk_options(dk, {o.code for o in opts})
    what = f"{len(rest)} categories" if rest else "only Don't know answers"
    return ScaleGuess(family="nominal", kind="nominal", options=tuple(opts),
                      description=f"nominal ({what}; no ordered scale recognised){dk_text}")


def _nominal_codes(labelled: list[tuple[str, int]]) -> list[DraftOption]:
    """Options numbered 1..k, unless a label could be read as another option's code (labels that are
    numbers: "0", "1", "5+"): then each option's code is its own label."""
    numbered = [DraftOption(str(i), lab, count=c) for i, (lab, c) in enumerate(labelled, 1)]
    codes = {o.code for o in numbered}
    if not any(normalise_label(o.label) in codes and normalise_label(o.label) != o.code for o in numbered):
        return numbered
    out, used = [], set()
    for i, (lab, c) in enumerate(labelled, 1):
        code = re.sub(r"\s+", "_", lab.strip())[:24] or f"option{i}"
        while code in used:
            code += "_"
        used.add(code)
        out.append(DraftOption(code, lab, count=c))
    return out


def _bipolar_guess(bip, rest, dk, dk_text, complete: bool) -> ScaleGuess:
    family, ranks, modifiers = bip
    name = next(b[3] for b in BIPOLAR if b[0] == family)
    pos, negs = next((b[1], b[2]) for b in BIPOLAR if b[0] == family)
    observed = {int(r): (lab, c) for r, (lab, c) in zip(ranks, rest)}
    points = sorted(observed)
    added = []
    plain = all(abs(r) in (0, 2) for r in points) and not modifiers
    if complete and not plain:
        for std in _BIPOLAR_SETS:
            if set(points) <= set(std):
                added = [r for r in std if r not in observed]
                points = list(std)
                break
    opts, point_ranks = [], []
    for i, r in enumerate(points, 1):
        if r in observed:
            lab, c = observed[r]
            canonical = _bipolar_label(family, r, modifiers)
            # A misspelt label ("Disgree") becomes the proper wording, with the spelling found as an alias.
            words = normalise_label(lab).split()
            misspelt = any(w not in (pos, *negs) and _fix_word(w, (pos, *negs)) != w for w in words)
            label, aliases = (canonical, (lab,)) if misspelt else (lab, ())
            opts.append(DraftOption(str(i), label, aliases=aliases, count=c))
        else:
            opts.append(DraftOption(str(i), _bipolar_label(family, r, modifiers)))
        point_ranks.append(r)
    codes = [o.code for o in opts]
    top = _top_box(codes, point_ranks, bipolar=True)
    bottom = [c for c, r in zip(codes, point_ranks) if r < 0]
    opts += _dk_options(dk, set(codes))
    nets = ((negs[0], " or ".join(o.label for o in opts if o.code in bottom), tuple(bottom)),) \
        if len(bottom) >= 2 else ()
    k = len(points)
    note = f"; completed to the usual {k}-point scale with {_quote(_bipolar_label(family, r, modifiers) for r in added)}" \
        if added else ""
    first, last = opts[0].label, opts[len(points) - 1].label
    return ScaleGuess(family=family, kind="ordinal", options=tuple(opts), top_box=tuple(top),
                      top_box_label=f"% {pos}", nets=nets,
                      description=f"{k}-point {name} scale ({first} .. {last}) from the answers "
                                  f"{_quote(lab for lab, _ in rest)}{note}{dk_text}", recognised=True)


def _unipolar_guess(uni, rest, dk, dk_text, complete: bool) -> ScaleGuess:
    fam, ranks, canon, suffix = uni
    observed = sorted(zip(ranks, canon, rest))
    entries: list[tuple[str, int]] = [(lab, c) for _, _, (lab, c) in observed]
    added: list[str] = []
    # Completing is only safe when the labels use the standard wording (not another language).
    english = all(normalise_label(lab).startswith(normalise_label(cn)) for _, cn, (lab, _) in observed)
    if complete and fam.standards and english:
        seen_canon = [cn for _, cn, _ in observed]
        for std in fam.standards:
            if set(seen_canon) <= set(std):
                by_canon = {cn: item for _, cn, item in observed}
                entries = []
                for cn in std:
                    if cn in by_canon:
                        entries.append(by_canon[cn])
                    else:
                        label = f"{cn} {suffix}".strip() if suffix else cn
                        entries.append((label, 0))
                        added.append(label)
                break
    opts = [DraftOption(str(i), lab, count=c) for i, (lab, c) in enumerate(entries, 1)]
    codes = [o.code for o in opts]
    top = _top_box(codes, list(range(len(codes))), bipolar=False)
    nets = ()
    if len(codes) >= 4:
        low = codes[:2]
        canon = {lab: cn for _, cn, (lab, _) in observed}
        names = [canon.get(opts[k].label) or opts[k].label for k in (1, 0)]
        net_id = "_".join(normalise_label(f"{names[0]} or {names[1]}").split())[:40].strip("_")
        nets = ((net_id, f"{opts[1].label} or {opts[0].label}", tuple(low)),)
    opts += _dk_options(dk, set(codes))
    note = f"; completed to the usual {len(codes)}-point scale with {_quote(added)}" if added else ""
    top_label = "% " + " or ".join(o.label.lower() for o in opts if o.code in top)
    return ScaleGuess(family=fam.family, kind="ordinal", options=tuple(opts), top_box=tuple(top),
                      top_box_label=top_label[:60], nets=nets,
                      description=f"{len(codes)}-point {fam.name} scale ({opts[0].label} .. {opts[len(codes) - 1].label}) "
                                  f"from the answers {_quote(lab for _, _, (lab, _) in observed)}"
                                  f"{note}{dk_text}", recognised=True)


def _from_declared(declared: Sequence[tuple[str, str]], counts: dict[str, int]) -> ScaleGuess:
    """A scale whose options a survey definition lists: the order and (where they can stay) the codes
    are kept; the kind, top box and nets are guessed from the labels."""
    dk_flags = [bool(dk_kind(lab)) for _, lab in declared]
    rest = [(code, lab) for (code, lab), d in zip(declared, dk_flags) if not d]
    numeric = bool(rest) and all(_is_number(code) for code, _ in rest)
    guess = guess_scale([(lab, 0) for _, lab in rest], complete=False) if rest else None
    point: dict[str, DraftOption] = {}  # declared code -> the recognised scale's option
    if guess is not None and guess.kind == "ordinal":
        forms = {}
        for o in guess.valid:
            for form in (o.label, *o.aliases):
                forms.setdefault(normalise_label(form), o)
        point = {code: forms[normalise_label(lab)] for code, lab in rest if normalise_label(lab) in forms}
    elif numeric and len(rest) >= 3:
        values = [float(code) for code, _ in rest]
        if values == [values[0] + k for k in range(len(values))] and \
                all(normalise_label(lab) == normalise_label(code) for code, lab in rest[1:-1]):
            # Only the end points are labelled ("1 No interest" .. "5 Very interested"): a rating scale.
            guess = guess_scale([(code, 0) for code, _ in rest], complete=False)
            point = {code: next(o for o in guess.valid if o.code == code) for code, _ in rest}
    ordinal = guess is not None and len(point) == len(rest)
    recode = ordinal and not numeric  # an ordinal scale needs numeric codes: take the recognised scale's
    opts: list[DraftOption] = []
    used: set[str] = set()
    for code, lab in rest:
        c = counts.get(normalise_label(lab), 0) + (counts.get(normalise_label(code), 0) if code != lab else 0)
        new_code = point[code].code if recode else code
        aliases = (code,) if recode and normalise_label(code) != normalise_label(lab) else ()
        used.add(new_code)
        opts.append(DraftOption(new_code, lab, aliases=aliases, count=c))
    dk_labels = []
    for (code, lab), d in zip(declared, dk_flags):
        if d:
            new_code = code if not recode else (dk_kind(lab) or "DK")
            while new_code in used:
                new_code += "_"
            used.add(new_code)
            dk_labels.append(lab)
            aliases = (code,) if new_code != code else ()
            opts.append(DraftOption(new_code, lab, dk=True, aliases=aliases,
                                    count=counts.get(normalise_label(lab), 0) + counts.get(normalise_label(code), 0)))
    dk_text = f"; {_quote(dk_labels)} kept out of percentage bases (dk: true)" if dk_labels else ""
    if not ordinal:
        top: tuple[str, ...] = ()
        top_label = ""
        if guess is not None and guess.family in ("yes_no", "true_false"):
            yes = next((o for o in opts if normalise_label(o.label) in _YES), None)
            if yes is not None:
                top, top_label = (yes.code,), f"% {yes.label.lower()}"
        what = guess.description.split(" from ")[0] if guess is not None and guess.recognised else \
            f"nominal ({len(rest)} categories; no ordered scale recognised)"
        return ScaleGuess(family=guess.family if guess else "nominal", kind="nominal", options=tuple(opts),
                          top_box=top, top_box_label=top_label,
                          description=f"{what}, options as the survey definition lists them{dk_text}",
                          recognised=bool(guess and guess.recognised))
    valid = [o for o in opts if not o.dk]
    by_new = {o.code: point[code] for o, (code, _) in zip(valid, rest)}
    top = tuple(o.code for o in valid if by_new[o.code].code in guess.top_box)
    nets: tuple = ()
    if guess.nets:
        net_id, _, net_codes = guess.nets[0]
        low = tuple(o.code for o in valid if by_new[o.code].code in net_codes)
        if low:
            nets = ((net_id, " or ".join(o.label for o in valid if o.code in low), low),)
    note = ""
    if recode:
        note = " (codes renumbered along the scale: an ordinal scale needs numeric codes; the exported codes are aliases)"
    elif numeric:
        steps = [float(by_new[o.code].code) for o in sorted(valid, key=lambda o: float(o.code))]
        if steps == sorted(steps, reverse=True):
            note = "; the codes run the other way (a higher code means less)"
    what = guess.description.split(" from ")[0]
    return ScaleGuess(family=guess.family, kind="ordinal", options=tuple(opts), top_box=top,
                      top_box_label=guess.top_box_label, nets=nets,
                      description=f"{what}, options as the survey definition lists them{note}{dk_text}", recognised=True)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def merge_variants(values: dict[str, int]) -> list[tuple[str, int, tuple[str, ...]]]:
    """Group answers that differ only in case, accents, punctuation or spacing: (label, count, other
    spellings), most frequent spelling as the label, groups ordered by count (then first seen)."""
    groups: dict[str, list[tuple[str, int]]] = {}
    for v, c in values.items():
        groups.setdefault(normalise_label(v) or v, []).append((v, c))
    out = []
    for members in groups.values():
        members.sort(key=lambda t: -t[1])
        out.append((members[0][0], sum(c for _, c in members), tuple(m for m, _ in members[1:])))
    order = {k: i for i, k in enumerate(groups)}
    out.sort(key=lambda t: (-t[1], order[normalise_label(t[0]) or t[0]]))
    return out


def with_aliases(guess: ScaleGuess, aliases: dict[str, tuple[str, ...]]) -> ScaleGuess:
    """Add other spellings seen in the data (by the normalised label they were grouped under)."""
    opts = []
    for o in guess.options:
        extra = tuple(a for a in aliases.get(normalise_label(o.label), ()) if a not in o.aliases)
        opts.append(replace(o, aliases=o.aliases + extra) if extra else o)
    return replace(guess, options=tuple(opts))


__all__ = ["DraftOption", "ScaleGuess", "dk_kind", "guess_scale", "merge_variants", "numeric_range", "with_aliases"]
