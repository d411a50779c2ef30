"""The respondents: their id, the completion flag, profile fields (sector, role, year of study ...) and
the groupings results are broken down by."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from surveykit.draft.columns import Layout, Unit, values_of
from surveykit.draft.model import DraftProfile, DraftQuestion, Guess, Ids, shorten, slug
from surveykit.draft.scales import ScaleGuess
from surveykit.instrument.values import id_key, normalise_label
from surveykit.io.base import RawExport

# Words that make a single-choice or short text question a respondent profile field, most telling
# first (the first found names the field: "What is your job title or role?" -> role).
PROFILE_WORDS = (
    "sector", "department", "directorate", "division", "organisation", "organization", "agency", "employer",
    "school", "faculty", "college", "campus", "team", "service", "role", "job", "occupation", "profession",
    "position", "region", "nation", "country", "county", "borough", "area", "location", "site", "gender", "sex",
    "age group", "age band", "age range", "ethnicity", "academic year", "year of study", "year group", "major",
    "field of study", "discipline", "programme", "program", "cohort", "grade",
)

#: A profile question is about the respondent (or is a bare field name such as "Gender").
_ABOUT_YOU = re.compile(r"\b(your|yourself|my|you work|you are|are you|do you|you study|you teach|you belong|"
                        r"you live|were you|you were|you re|i am|i work)\b", re.I)
PROFILE_MAX_ANSWER = 40  # a text profile field holds short answers (a job title, not an explanation)



def respondent_fields(raw: RawExport, lay: Layout, questions: list[DraftQuestion], ids: Ids, guesses: list[Guess]) -> list[DraftProfile]:
    out: list[DraftProfile] = []
    if lay.id_column is not None:
        header = raw.columns[lay.id_column].header
        pid = ids.claim("respondent_id")
        out.append(DraftProfile(pid, "id", header, aliases=[header],
                            note=f"the respondent id: every row has a different {shorten(header, 30)!r}"))
        guesses.append(Guess(pid, out[-1].note))
    moved: list[DraftQuestion] = []
    for q in questions:
        if q.type == "grid" or len(q.text) > 200:
            continue
        word = _profile_word(q.text)
        if word is None:
            continue
        if q.type == "single" and q.scale is not None and (not q.scale.recognised or q.scale.family == "nominal"):
            groups = sum(1 for o in q.scale.valid if o.count >= 5)
            # Named by what it is ("Academic year"); the question's text stays as the header to map.
            options = _label_codes(q.scale, keep_codes=q.unit.struct is not None or raw.platform == "spss")
            p = DraftProfile(q.id, "category", word.capitalize(), aliases=[q.text], scale=options, other_text=q.other_text,
                         note=f"a respondent profile field ({word!r} in its text; "
                              f"{len(q.scale.valid)} groups, {groups} with 5 or more respondents)", groups=groups)
        elif q.type == "text" and len(q.text) <= 120 and _short_answers(raw, q.unit):
            p = DraftProfile(q.id, "text", word.capitalize(), aliases=[q.text], note=f"a respondent profile field ({word!r} in its "
                                                    "text), kept as text: not coded or quoted")
        else:
            continue
        p.scale_note = q.notes.get("scale", "")
        if not q.unit.code and q.unit.number is None:
            # Named after what it is ("sector", "role") rather than the first words of its text.
            ids.used.discard(id_key(q.id))
            p.id = ids.claim(slug(word))
        if p.other_text and p.other_text.startswith(q.id + "_"):
            ids.used.discard(id_key(p.other_text))
            p.other_text = ids.claim(f"{p.id}_other_text")
        out.append(p)
        moved.append(q)
        guesses.append(Guess(p.id, p.note))
    for q in moved:
        questions.remove(q)
    if lay.completion_column is not None:
        header = raw.columns[lay.completion_column].header
        out.append(DraftProfile(ids.claim(slug(header) or "completed"), "completed", header, aliases=[header],
                            note=f"the completion flag ({shorten(header, 30)!r}: true/false)"))
        guesses.append(Guess(out[-1].id, out[-1].note))
    return out


def _label_codes(guess: ScaleGuess, *, keep_codes: bool) -> ScaleGuess:
    """A grouping's options coded by their labels, so tables and tests name the groups
    ("Fourth year vs Third year", not "1 vs 2"); codes a survey definition gave stay as aliases (a
    numeric export still matches)."""
    labels = {normalise_label(o.label) for o in guess.options}
    used: set[str] = set()
    opts = []
    for o in guess.options:
        code = " ".join(o.label.split())[:40].strip()
        if o.dk or not code or code.casefold() in used:
            used.add(o.code.casefold())
            opts.append(o)
            continue
        used.add(code.casefold())
        keep = (o.code,) if keep_codes and normalise_label(o.code) not in labels else ()
        opts.append(replace(o, code=code, aliases=o.aliases + keep))
    return replace(guess, options=tuple(opts))


def _profile_word(text: str) -> str | None:
    """The profile word of a question about the respondent ("Which sector do you work in?" -> sector)."""
    text = " ".join(text.replace("_", " ").split())
    if not (_ABOUT_YOU.search(normalise_label(text)) or len(text) <= 40):
        return None
    low = normalise_label(text)
    for w in PROFILE_WORDS:
        if re.search(rf"\b{re.escape(w)}\b", low):
            return w
    return None


def _short_answers(raw: RawExport, unit: Unit) -> bool:
    values = values_of(raw, unit.columns[0]) if unit.columns else Counter()
    lengths = [len(v) for v in values.elements()]
    return bool(lengths) and sum(lengths) / len(lengths) <= PROFILE_MAX_ANSWER


def guess_groupings(profile: list[DraftProfile], questions: list[DraftQuestion], guesses: list[Guess]) -> list[tuple[str, str]]:
    """(id, why) of the likely groupings: profile categories with two or more sizeable groups, else the
    single-choice nominal question that splits respondents best."""
    out = []
    for p in profile:
        if p.kind == "category" and p.groups >= 2:
            out.append((p.id, f"{p.groups} groups of 5 or more respondents"))
    if not out:
        best = None
        for q in questions:
            if q.type != "single" or q.scale is None or q.scale.kind != "nominal" or q.scale.recognised:
                continue
            big = sum(1 for o in q.scale.valid if o.count >= 10)
            if 2 <= len(q.scale.valid) <= 8 and big >= 2 and (best is None or big > best[1]):
                best = (q.id, big)
        if best is not None:
            out.append((best[0], f"a single-choice question with {best[1]} groups of 10 or more respondents"))
    for gid, why in out:
        guesses.append(Guess(f"groupings.{gid}", why))
    return out


def guess_completion(raw: RawExport, lay: Layout, questions: list[DraftQuestion], profile: list[DraftProfile]):
    if lay.completion_column is not None or not questions:
        return [], ""
    if raw.platform not in ("surveymonkey", "limesurvey", "unipark"):
        return [], ""
    # Partial responses are exported too: answering one of the last questions counts as completing.
    k = max(1, min(5, round(len(questions) / 10)))
    last = [q.id for q in questions[-k:]]
    return last, (f"no completion column: a respondent counts as completed when they answered one of the last "
                  f"{k} question(s); list your survey's last page here")
