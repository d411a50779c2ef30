"""Names of people and places found from words: titles, name lists, a gazetteer and context.

One left-to-right pass over the words of an answer (linear in its length):

* a title or rank ("DC", "Mrs", "auntie") makes the next word(s) a name, in lower case too after
  an abbreviation ("dc kowalski");
* a phrase of the gazetteer (UK places, local authorities, London boroughs, towns of origin) is a
  place; one that is also an ordinary word ("Reading", "Bury", "Street") only after a preposition
  of place or before "police", "council" ...;
* a capitalised given name is a name, extended over the family names after it; at the start of a
  sentence a given name that is also an ordinary word ("Grace", "Will") needs support (a family
  name, a possessive, a verb such as "said" or "went");
* any capitalised word after a cue ("told", "called", "my colleague", "foster carer") or beside an
  age in brackets, or joined by "and" to a name just found, is a name;
* a lower-case given name that is not an English word ("ahmed") is a name;
* a word in capitals ("FATIMA ALI", "ROCHDALE") is first judged as its Title-case form would be
  (``_promote_capitals``) when it is a listed given name, family name or place that is not an
  English word, or stands beside such a word, or follows a name cue; acronyms ("UK", "NRM", "LA")
  and ordinary words in capitals ("PLEASE HELP", "NOT BELIEVED") stay as they are.

Terms to keep (institutions, legislation, nationalities, countries, months, the codebook's labels
and lexicon, the instrument's sector names) are never redacted.
"""

from __future__ import annotations

import re
from surveykit.coding.redact.banks import Banks, fold

WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+|[^\w\s]")
SENTENCE_END = set(".!?;:\n•–—")
STOP = frozenset("""a an the and or but of to in on at by for from with without as is was were be been being are am
has have had do does did not no nor so if then than that this these those there here it its he she they we you i me
him her them us my your his our their who whom which what when where why how all any some each every both either
neither one two three about after before over under into onto out up down off again also only just very too can could
would should will shall may might must said says told asked went came got left ran say tell go come get""".split())
CUE_VERBS = frozenset("""told tell telling called named name asked ask asking remember remembered met meet meeting
visited visit supported support helped help introduced introduce phoned rang ring emailed contacted contact
interviewed thanks thank""".split())
CUE_AFTER_TO = frozenset("spoke speak speaking talk talked talking wrote write writing sent send said say "
                         "introduced referred refer listen listened".split())
ROLE_NOUNS = frozenset("""carer carers worker keyworker colleague manager coordinator co-ordinator advocate interpreter
guardian solicitor lawyer barrister teacher tutor mentor officer friend brother sister cousin uncle aunt auntie aunty
mother mum mom father dad son daughter boy girl lad man woman person child nephew niece wife husband partner
boyfriend girlfriend victim client called named lead director counsellor therapist nurse doctor volunteer
pseudonym""".split())
PERSON_VERBS = frozenset("""said says told tells was is went goes ran runs left leaves came comes disclosed has had
kept called asked wanted wants returned turned lives lived stayed moved worked works arrived disappeared vanished
absconded refused explained felt feels knew knows never still""".split())
PLACE_PREPS = frozenset("in at to from near around outside via between into towards toward round nr across".split())
PLACE_NOUNS = frozenset("""police council borough county city town area project team station constabulary district
region services hospital court""".split())
# Acronyms of this field that are also in the name or place lists, or that would otherwise read as an
# unknown word after a cue ("told NRM", "spoke to LADO"): never a name in capitals.
ACRONYMS = frozenset("""uk us usa eu un nhs nrm nca cps camhs gp ae esol ecpat ictg ictgs ukvi uasc uascs dk id ngo
ngos cctv la las lac cla yp yps sw sws kw kws iro irc ircs ho hmo hmos nfa neet nass mh ocg ocgs ocn rhi rhis ooa rui
cse cce cp cin lado mash sgo ehcp sen send fgm pnc dwp hmrc yot yos pep isw brp arc iom sar ok ta pa na tbc asap
aka fyi dob dol ai tv sms pc ss ss tf dsl dslo mp dc ds di dci dsi pcso ni gb nb ps re adhd ptsd hiv ivf""".split())
# Given names that are everyday English words people shout ("WILL", "MAY", "HOPE"): in capitals they
# are a name only after a strong cue (a title, "told", "called") or beside a name that is no word.
CAPS_AMBIGUOUS = frozenset("""will may mark hope faith grace bill rose young king summer joy rich guy ray art pat sue
dawn eve max sunny major frank earl chase hunter page wade dean miles cliff holly ivy iris jade ruby pearl amber
penny august buck cash chance chip clay drew duke gay glen grant hank heath herb jean lane lance marsh mason matt
nick norm pierce reed rob rod royal rusty sandy skip sonny stan sterling ted troy wes woody early star sky son kid
love bird case care blue green brown white black gray grey long short hall hill wood street field bell cook
baker carter butler turner fisher hunter major bishop dick june see""".split())
# After these a word in capitals is a verb, not a name: "WE SEE WEST AFRICAN GIRLS".
BEFORE_VERB = frozenset("i we you they he she it who to will would can could should must may might do does did not "
                        "never always often also just".split())
_CONTRACTION = re.compile(r"'(?:t|re|ve|ll|d|m)$")
# Places that are everyday words after "in", "at", "to", "from" ("IN BATTLE", "TO COURT"): in capitals
# only before "police", "council" ... .
CAPS_PLACE_WORDS = frozenset("""bridge street church pool bath sale deal battle box eye grain law hope mark settle steep
wing valley ridge plains quarter rock stone wall send over down dale cove crook dollar fleet flint hook hose
lode mere moss rake rode sway ware wool worth tumble wrangle leer loans maidens warden warder hallow hillside heather
hawthorn highland hermitage summerhouse freshwater wells lizard grove hill roman beer bugle eagle camber castor coven
cults fiche lees leek medias pant plains shush tamale stock stoke stow sandy sandwich scone sari saki saline sandbank
surrey oxford wellington derby rugby""".split()) - frozenset("derby surrey oxford".split())
PARTICLES = frozenset("van von de da di du del della der den bin binti bint ibn al el le la abu ap mac mc o".split())


class Tok:
    """One word, number or punctuation mark (a plain slotted class: made for every word, so cheap)."""
    __slots__ = ("start", "end", "text", "key", "poss", "cap", "upper", "initial", "word")

    def __init__(self, start, end, text, key, poss, cap, upper, initial, word):
        self.start = start        # offset in the answer
        self.end = end            # end of the word without a possessive 's
        self.text = text          # the word without a possessive 's
        self.key = key            # fold(text)
        self.poss = poss
        self.cap = cap            # starts with a capital and is not all capitals (or is, and reads as a name)
        self.upper = upper
        self.initial = initial    # first word of a sentence
        self.word = word


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    prev_end_char = "\n"
    known = _WORDS
    for m in WORD.finditer(text):
        s = m.group()
        fields = known.get(s)
        if fields is None:
            if len(known) >= _WORDS_MAX:
                known.clear()
            fields = known[s] = _word_fields(s)
        core, key, poss, cap, upper, is_word, opening, end_char = fields
        start = m.start()
        toks.append(Tok(start, start + len(core), core, key, poss, cap, upper, prev_end_char in SENTENCE_END, is_word))
        if not opening:  # an opening quote or bracket keeps the sentence start
            prev_end_char = end_char
    return toks


#: What ``tokenize`` works out of a word (``_word_fields``), by the word: the same words come back in
#: every answer, and the Tok of each occurrence is still made new (``find`` changes some). Bounded.
_WORDS: dict[str, tuple] = {}
_WORDS_MAX = 50_000


def _word_fields(s: str) -> tuple:
    """(text without a possessive 's, its folded key, possessive, cap, upper, word, opening quote or
    bracket, the character that decides the next word's sentence start): all of it a function of the
    word alone."""
    is_word = s[0].isalpha()
    poss = is_word and len(s) > 2 and s[-2] in "'’" and s[-1] in "sS"
    core = s[:-2] if poss else s
    return (core, fold(core), poss, is_word and core[0].isupper() and not (core.isupper() and len(core) > 1),
            is_word and core.isupper() and len(core) > 1, is_word, s in "\"'‘“([", s[-1] if not is_word else "a")


def _match_phrase(toks: list[Tok], i: int, index) -> int:
    """Length (in tokens) of the longest phrase of ``index`` starting at token i, or 0."""
    cands = index.get(toks[i].key)
    if not cands:
        return 0
    for phrase in cands:
        n = len(phrase)
        if i + n <= len(toks) and all(toks[i + k].key == phrase[k] for k in range(1, n)):
            return n
    return 0


class NameFinder:
    def __init__(self, banks: Banks, keep_extra=None) -> None:
        self.b = banks
        self.keep_extra = keep_extra or {}
        self._title_starts = frozenset(k[0] for k in banks.titles)

    def _keep_len(self, toks: list[Tok], i: int) -> int:
        key = toks[i].key
        if key not in self.b.keep and key not in self.keep_extra:
            return 0  # what both look-ups below give (most words start no term to keep)
        return max(_match_phrase(toks, i, self.b.keep), _match_phrase(toks, i, self.keep_extra))

    def _is_keep_word(self, t: Tok) -> bool:
        return (t.key,) in self.b.countries or any(p == (t.key,) for p in self.b.keep.get(t.key, ())) or \
            any(p == (t.key,) for p in self.keep_extra.get(t.key, ()))

    def _title_len(self, toks: list[Tok], i: int) -> tuple[int, bool]:
        best, strong = 0, False
        if toks[i].key not in self._title_starts:
            return best, strong
        for n in (3, 2, 1):
            if i + n <= len(toks):
                key = tuple(t.key for t in toks[i:i + n])
                if key in self.b.titles:
                    return n, self.b.titles[key]
        return best, strong

    def _name_like(self, t: Tok) -> bool:
        """A capitalised word that can be part of a person's name (not a term to keep)."""
        if not t.word or not t.cap or self._is_keep_word(t):
            return False
        return t.key in self.b.first or t.key in self.b.surname or t.key not in self.b.common

    def _extend(self, toks: list[Tok], j: int) -> int:
        """Last token index of the name starting at j: following family names, particles."""
        k = j
        while not toks[k].poss and k + 1 < len(toks) and k - j < 4:
            nxt = toks[k + 1]
            if nxt.start - toks[k].end > 2:
                break
            if self._name_like(nxt) and nxt.key not in STOP and not self._is_place_start(toks, k + 1):
                k += 1
            elif nxt.word and len(nxt.text) == 1 and nxt.text.isupper() and nxt.text != "I":
                k += 1  # an initial: "Grace O."
            elif (nxt.word and nxt.key in PARTICLES and k + 2 < len(toks) and toks[k + 2].cap
                  and self._name_like(toks[k + 2])):
                k += 2
            else:
                break
        return k

    def _is_place_start(self, toks: list[Tok], i: int) -> bool:
        n = _match_phrase(toks, i, self.b.places)
        return n > 0 and toks[i].key not in self.b.first and toks[i].key not in self.b.surname

    def _cue_before(self, toks: list[Tok], i: int) -> bool:
        k = i - 1
        if k >= 0 and toks[k].text in (",", "(", "\"", "'", "“", "‘", ":"):
            k -= 1
        if k < 0 or not toks[k].word:
            return False
        prev = toks[k].key
        if prev in CUE_VERBS or prev in ROLE_NOUNS:
            return True
        if prev in ("to", "with") and k >= 1 and toks[k - 1].key in CUE_AFTER_TO | {"worked", "work", "sat", "spoke",
                                                                                  "speak", "talk", "talked"}:
            return True
        return False

    def _promote_capitals(self, toks: list[Tok]) -> None:
        """Judge words in capitals as their Title-case form where they read as a name or place.

        A word in capitals is promoted (``cap`` set) when it is a listed given name, family name or
        place of 4+ letters that is not an English word ("FATIMA", "BERISHA", "ROCHDALE", the first
        word of "NEWCASTLE UPON TYNE"); when it is a listed name or a word in no dictionary standing
        right beside such a word ("FATIMA ALI"); when it is a listed given name followed by a listed
        family name ("JOHN SMITH"); or when it follows a name cue ("spoke to ALI", "told JOHN") or
        comes before a verb people do ("ALI WAS FOUND", "JACK'S CARER"). Acronyms (``ACRONYMS``,
        terms to keep) and everyday words that are also names ("WILL", "MAY": ``CAPS_AMBIGUOUS``)
        need a strong cue; ordinary words in capitals are never promoted. Promotion only lets the
        usual rules of ``find`` look at the word; they decide."""
        b = self.b
        n = len(toks)
        cand = [False] * n   # a word in capitals that could be a name at all
        strong = [False] * n
        for i, t in enumerate(toks):
            if not t.upper:
                continue
            key = t.key
            if key in STOP or key in ACRONYMS or not key.replace("-", "").replace("'", "").isalpha() \
                    or _CONTRACTION.search(key) or ("-" in key and all(p in b.common for p in key.split("-") if p)) \
                    or ((self._is_keep_word(t) or self._keep_len(toks, i))
                        and self._keep_len(toks, i) >= _match_phrase(toks, i, b.places)):
                continue
            cand[i] = True
            if key in b.common or len(key) < 4:
                pl = _match_phrase(toks, i, b.places)
                if pl >= 2:
                    # "GREAT YARMOUTH", "TOWER HAMLETS", "BARKING AND DAGENHAM": a place of several words
                    # that does not start with a little word
                    strong[i] = key not in STOP and all(toks[i + k].word for k in range(pl))
                elif pl == 1 and key in b.common and len(key) >= 4:
                    # "HULL POLICE", "MOVED TO SLOUGH"; not "IN READING", "IN CARE", "OVER THE BRIDGE"
                    after = toks[i + 1].key if i + 1 < n else ""
                    before = toks[i - 1].key if i > 0 else ""
                    strong[i] = after in PLACE_NOUNS or (
                        before in PLACE_PREPS and key not in CAPS_PLACE_WORDS and key not in CAPS_AMBIGUOUS
                        and not key.endswith("ing"))
                continue
            listed = key in b.first or key in b.surname or _match_phrase(toks, i, b.places) > 0
            strong[i] = listed or any(part in b.first for part in key.split("-") if len(part) >= 4)
        promoted = strong[:]
        for i, t in enumerate(toks):
            if not cand[i] or promoted[i]:
                continue
            key = t.key
            first = key in b.first and key not in CAPS_AMBIGUOUS
            nxt = toks[i + 1] if i + 1 < n else None
            next_ok = nxt is not None and nxt.start - t.end <= 1 and not t.poss
            if (first and next_ok and cand[i + 1] and nxt.key in b.surname and nxt.key not in CAPS_AMBIGUOUS
                    and not (i > 0 and toks[i - 1].key in BEFORE_VERB)):
                promoted[i] = promoted[i + 1] = True  # "JOHN SMITH"
            elif self._cue_before(toks, i) or (i > 0 and (toks[i - 1].key,) in b.titles):
                # "spoke to ALI", "told JOHN", "INSPECTOR ROUTLEDGE", "ONE GIRL, GRACE, WENT"
                if key not in b.common:
                    promoted[i] = len(key) >= 4 or key in b.first or key in b.surname
                elif first:
                    promoted[i] = True
                elif key in b.first:
                    promoted[i] = (nxt is None or not nxt.word or nxt.key in PERSON_VERBS
                                   or (len(nxt.text) == 1 and nxt.text != "I"))  # "ONE GIRL, GRACE O., WENT"
            elif (i >= 2 and toks[i - 1].key in ("and", "&") and promoted[i - 2] and key not in b.common
                  and t.start - toks[i - 1].end <= 1):
                promoted[i] = True  # "JAMAL AND YOUSSEF"
            elif ((key not in b.common and (key in b.first or key in b.surname)) or (first and t.initial)) and (
                    t.poss or (nxt is not None and nxt.key in PERSON_VERBS)):
                promoted[i] = True  # "ALI WAS FOUND", "AMY'S CARER", "PRECIOUS WAS PLACED" (a sentence's start)
        # Beside a promoted word, a word that is no English word is part of the name: "FATIMA ALI",
        # "TRAN THI LAN", "TOM BICKERSTAFF", "NGUYEN VAN MINH" (forward, then backward: "ALI BERISHA").
        for order in (range(n), range(n - 1, -1, -1)):
            for i in order:
                if not cand[i] or promoted[i] or (toks[i].key in b.common and toks[i].key not in PARTICLES):
                    continue
                t = toks[i]
                if (i > 0 and promoted[i - 1] and t.start - toks[i - 1].end <= 1 and not toks[i - 1].poss) or (
                        i + 1 < n and promoted[i + 1] and toks[i + 1].start - t.end <= 1 and not t.poss):
                    promoted[i] = True
        for i, t in enumerate(toks):
            if promoted[i]:
                t.cap = True

    def _age_after(self, toks: list[Tok], i: int) -> bool:
        return (i + 3 < len(toks) and toks[i + 1].text == "(" and toks[i + 2].text.isdigit()
                and len(toks[i + 2].text) <= 2 and 8 <= int(toks[i + 2].text) <= 25 and toks[i + 3].text == ")")

    def find(self, text: str) -> list[tuple[str, int, int]]:
        b = self.b
        toks = tokenize(text)
        out: list[tuple[str, int, int]] = []
        last_name_end = -10  # token index where the last name ended
        i, n = 0, len(toks)
        all_lower = not any(c.isupper() for c in text)
        if not all_lower and any(t.upper for t in toks):
            self._promote_capitals(toks)
        while i < n:
            t = toks[i]
            if not t.word:
                i += 1
                continue
            keep = self._keep_len(toks, i)
            # Titles come first: "DC Patel", "Mr and Mrs Fletcher", "auntie Blessing".
            tl, strong = self._title_len(toks, i)
            if tl and not (keep and keep > tl):
                j = i + tl
                while j < n and toks[j].text == "." and strong:
                    j += 1  # "Mr. Hoxha"; after a full word ("officer.") a new sentence starts
                if j + 1 < n and toks[j].key == "and":
                    tl2, strong2 = self._title_len(toks, j + 1)
                    if tl2:
                        j, strong = j + 1 + tl2, strong or strong2
                        while j < n and toks[j].text == ".":
                            j += 1
                strong = strong or (t.cap and tl > 0 and t.key not in ("officer", "detective", "constable"))
                if j < n and toks[j].word and self._after_title(toks[j], strong):
                    k = self._extend(toks, j) if toks[j].cap else j
                    out.append(("name", toks[j].start, toks[k].end))
                    last_name_end = k
                    i = k + 1
                    continue
            pl = _match_phrase(toks, i, b.places)
            if keep and keep >= pl:  # "Benin" is a country to keep, "Benin City" a place
                i += keep
                continue
            if pl and self._accept_place(toks, i, pl, all_lower):
                kind = "name" if (pl == 1 and t.key in b.first and not self._place_context(toks, i, pl)) else "place"
                out.append((kind, t.start, toks[i + pl - 1].end))
                i += pl
                continue
            if t.cap and self._is_name_start(toks, i, last_name_end):
                k = self._extend(toks, i)
                out.append(("name", t.start, toks[k].end))
                last_name_end = k
                i = k + 1
                continue
            if (not t.cap and not t.upper and len(t.key) >= 3 and t.key in b.first and t.key not in b.common
                    and t.key not in STOP and not self._is_keep_word(t)):
                out.append(("name", t.start, t.end))
                last_name_end = i
            i += 1
        return out

    def _after_title(self, t: Tok, strong: bool) -> bool:
        if t.key in STOP or self._is_keep_word(t):
            return False
        if t.upper and not t.cap:
            # "MR BERISHA", "DC KOWALSKI"; not "DC NRM", "PC WORLD"
            return strong and t.key not in ACRONYMS and t.key not in self.b.common and len(t.key) >= 2
        if t.cap:
            return True
        return strong and t.key not in self.b.common

    def _place_context(self, toks: list[Tok], i: int, n: int) -> bool:
        before = toks[i - 1].key if i > 0 else ""
        after = toks[i + n].key if i + n < len(toks) else ""
        return before in PLACE_PREPS or after in PLACE_NOUNS or (i + n < len(toks) and toks[i + n].text in ("'",))

    def _accept_place(self, toks: list[Tok], i: int, n: int, all_lower: bool) -> bool:
        t = toks[i]
        phrase_common = n == 1 and t.key in self.b.common
        if not t.cap:
            # lower case: only in an answer typed all in lower case, never for an ordinary word
            return all_lower and not phrase_common and len(t.key) >= 5 and t.key not in self.b.first
        if phrase_common:
            return not t.initial and self._place_context(toks, i, n)
        return True

    def _is_name_start(self, toks: list[Tok], i: int, last_name_end: int) -> bool:
        b = self.b
        t = toks[i]
        if self._is_keep_word(t) or (t.upper and not t.cap) or t.key in STOP or len(t.key) < 2:
            return False
        key = t.key
        first = key in b.first or any(part in b.first for part in key.split("-"))
        surname = key in b.surname
        common = key in b.common
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        next_name = nxt is not None and nxt.start - t.end <= 1 and self._name_like(nxt) and (
            nxt.key in b.first or nxt.key in b.surname or nxt.key not in b.common)
        # "Chinedu and Emeka": a capitalised word joined by "and" to a name just found.
        if last_name_end == i - 2 and toks[i - 1].key in ("and", "&") and not common:
            return True
        if self._cue_before(toks, i) and (not common or first or next_name):
            return True
        if self._age_after(toks, i):
            return True
        # A capitalised word in no list and no dictionary, doing what people do ("Edon was found",
        # "Edon's carer"): a name the lists do not know.
        if not first and not surname and not common and key.isalpha() and (t.poss or (nxt is not None and nxt.key in PERSON_VERBS)):
            return True
        if not t.initial:
            if first:
                return True
            return surname and next_name and nxt.key in b.first | b.surname
        # Sentence start: every sentence begins with a capital, so ask for more.
        if first and not common:
            return True
        if first or surname:
            support = (next_name and (nxt.key in b.first or nxt.key in b.surname)) or t.poss or (
                nxt is not None and nxt.key in PERSON_VERBS and not common)
            if first and common:
                support = support or (nxt is not None and nxt.key in PERSON_VERBS)
            return bool(support)
        return False
