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

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from surveykit.draft.families import (BIPOLAR, BIPOLAR_SETS, MIDDLE, NO, YES, bipolar_label, bipolar_ranks,
                                      dk_kind, fix_word, normalise_label, number_of, numeric_range, unipolar_ranks,
                                      yes_no_kind)

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
    yn = yes_no_kind([normalise_label(lab) for lab in rest_labels]) if rest else None
    if yn is not None:
        family, middle = yn
        keys = {normalise_label(lab): (lab, c) for lab, c in rest}
        yes = next(((lab, c) for k, (lab, c) in keys.items() if k in YES), ("True" if family == "true_false" else "Yes", 0))
        no = next(((lab, c) for k, (lab, c) in keys.items() if k in NO), ("False" if family == "true_false" else "No", 0))
        opts = [DraftOption("1", yes[0], count=yes[1])]
        if middle:
            mid = next((lab, c) for k, (lab, c) in keys.items() if MIDDLE.match(k))
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
    numbered = [number_of(lab) for lab in rest_labels]
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
                                          f"{_quote(sorted(rest_labels, key=lambda s: number_of(s)[0]))}{dk_text}",
                              recognised=True)

    if rest and all(len(lab) <= 60 for lab in rest_labels):  # scale points are short
        bip = bipolar_ranks(rest_labels)
        if bip is not None:
            return _bipolar_guess(bip, rest, dk, dk_text, complete)
        uni = unipolar_ranks(rest_labels)
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
        for std in BIPOLAR_SETS:
            if set(points) <= set(std):
                added = [r for r in std if r not in observed]
                points = list(std)
                break
    opts, point_ranks = [], []
    for i, r in enumerate(points, 1):
        if r in observed:
            lab, c = observed[r]
            canonical = bipolar_label(family, r, modifiers)
            # A misspelt label ("Disgree") becomes the proper wording, with the spelling found as an alias.
            words = normalise_label(lab).split()
            misspelt = any(w not in (pos, *negs) and fix_word(w, (pos, *negs)) != w for w in words)
            label, aliases = (canonical, (lab,)) if misspelt else (lab, ())
            opts.append(DraftOption(str(i), label, aliases=aliases, count=c))
        else:
            opts.append(DraftOption(str(i), bipolar_label(family, r, modifiers)))
        point_ranks.append(r)
    codes = [o.code for o in opts]
    top = _top_box(codes, point_ranks, bipolar=True)
    bottom = [c for c, r in zip(codes, point_ranks) if r < 0]
    opts += _dk_options(dk, set(codes))
    nets = ((negs[0], " or ".join(o.label for o in opts if o.code in bottom), tuple(bottom)),) \
        if len(bottom) >= 2 else ()
    k = len(points)
    note = f"; completed to the usual {k}-point scale with {_quote(bipolar_label(family, r, modifiers) for r in added)}" \
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
            yes = next((o for o in opts if normalise_label(o.label) in YES), None)
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
