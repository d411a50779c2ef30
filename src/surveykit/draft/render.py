"""Writing the drafted instrument as YAML, with a '# guessed:' comment beside every guess, and naming
its scales (questions with the same answers share one)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from surveykit.draft.columns import Skipped
from surveykit.draft.model import DraftProfile, DraftQuestion, shorten, slug
from surveykit.draft.scales import ScaleGuess
from surveykit.io.base import RawExport
from surveykit.io.structure import SurveyStructure

PLATFORM_NAMES = {"surveymonkey": "SurveyMonkey", "qualtrics": "Qualtrics", "spss": "SPSS", "unipark": "Unipark/EFS",
                  "limesurvey": "LimeSurvey", "google_forms": "Google Forms", "microsoft_forms": "Microsoft Forms",
                  "tidy": "tidy CSV"}



_FAMILY_IDS = {"yes_no": "yes_no", "true_false": "true_false", "binary": "yes_no_01", "yes_middle_no": "yes_middle_no",
               "selected": "selected"}


def name_scales(questions: list[DraftQuestion], profile: list[DraftProfile]) -> dict[str, ScaleGuess]:
    scales: dict[str, ScaleGuess] = {}
    by_sig: dict[tuple, str] = {}

    def name(guess: ScaleGuess, owner: str) -> str:
        sig = guess.signature
        if sig in by_sig:
            existing = by_sig[sig]
            scales[existing] = _merge_aliases(scales[existing], guess)
            return existing
        if guess.family == "nominal" or not guess.recognised:
            base = f"{owner}_options"
        else:
            base = _FAMILY_IDS.get(guess.family) or (guess.family if guess.family.startswith("rating_")
                                                     else f"{guess.family}_{len(guess.valid)}")
            if guess.family in _FAMILY_IDS and any(o.dk for o in guess.options):
                base += "_dk"
        sid, n = base, 2
        while sid in scales:
            sid, n = f"{base}_{n}", n + 1
        scales[sid] = guess
        by_sig[sig] = sid
        return sid

    for q in questions:
        if q.scale is not None:
            q.scale_id = name(q.scale, q.id)
    for p in profile:
        if p.scale is not None:
            p.scale_id = name(p.scale, p.id)
    return scales


def _merge_aliases(a: ScaleGuess, b: ScaleGuess) -> ScaleGuess:
    opts = []
    for x, y in zip(a.options, b.options):
        extra = tuple(al for al in y.aliases if al not in x.aliases)
        opts.append(replace(x, aliases=x.aliases + extra, count=x.count + y.count))
    return replace(a, options=tuple(opts))



def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON escaping, which YAML reads unchanged; line and paragraph
    separators and other invisible characters escaped too)."""
    import json
    import unicodedata

    out = json.dumps(str(text), ensure_ascii=False)
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co") or ch in "\n\t"
                   else f"\\u{ord(ch):04x}" for ch in out)


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@lru_cache(maxsize=4096)
def ident(text: str) -> str:
    """An id (or any short scalar) as YAML that loads back as the same string: plain when YAML reads
    it so ("sector", "region"), double-quoted when it would read as something else ("no", "on", "true",
    "null", "1e3", "0x1f" are true/false, nothing or numbers in YAML)."""
    import yaml

    text = str(text)
    if _PLAIN.fullmatch(text):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            if yaml.load(text, Loader=loader) == text and yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return q(text)


def _comment(text: str) -> str:
    text = " ".join(str(text).split())
    return f"  # guessed: {text}" if text else ""


def render_yaml(raw: RawExport, *, name: str, title: str, source: str, questions: list[DraftQuestion], profile: list[DraftProfile],
            scales: dict[str, ScaleGuess], groupings: list[tuple[str, str]], last_page: list[str], completion_note: str,
            skipped: list[Skipped], structure: SurveyStructure | None) -> str:
    platform = PLATFORM_NAMES.get(raw.platform, raw.platform)
    lines = [
        f"# Instrument drafted by 'surveykit instrument draft' from {name} ({platform} export, "
        f"{raw.n_rows} respondents{', survey definition ' + Path(structure.path).name if structure else ''}).",
        "# Every line marked '# guessed:' is a guess: check it against your questionnaire. Then check the file",
        f"# with 'surveykit instrument check THIS_FILE' and try it: 'surveykit validate {name} --instrument THIS_FILE'.",
        "# The format is documented in docs/instrument.md.",
    ]
    if skipped:
        lines.append("#")
        lines.append(f"# Not drafted ({sum(len(s.columns) for s in skipped)} column(s); validate lists them as "
                     "unmapped, or map them with --mapping):")
        for s in skipped:
            where = ", ".join(_letter(c) for c in s.columns[:6]) + (" ..." if len(s.columns) > 6 else "")
            lines.append(f"#   column {where} {shorten(s.header, 50)!r}: {' '.join(s.reason.split())}")
    lines += ["", f"id: {ident(slug(Path(name).stem) or 'my_survey')}", f"title: {q(title)}", 'version: "1"',
              f"source: {q(source)}", "", "scales:"]
    if not scales:
        lines += ["  yes_no:  # not used yet: the format needs one scale (every drafted question is free text)",
                  "    kind: nominal", "    options:", '      - {code: "1", label: "Yes"}',
                  '      - {code: "0", label: "No"}']
    for sid, g in scales.items():
        lines.append(f"  {ident(sid)}:")
        why = f"{g.kind}: {g.description.split(' from ')[0].split(', options')[0]}" if g.recognised else \
            f"nominal: categories without an order (options as found in the answers{'' if g.options else ''})"
        lines.append(f"    kind: {g.kind}{_comment(why)}")
        lines.append("    options:")
        for o in g.options:
            parts = [f"code: {q(o.code)}", f"label: {q(o.label)}"]
            if o.dk:
                parts.append("dk: true")
            if o.aliases:
                parts.append("aliases: [" + ", ".join(q(a) for a in o.aliases) + "]")
            note = _comment("Don't know / not applicable: never part of a percentage base") if o.dk else (
                _comment("added to complete the usual scale (nobody chose it)") if o.count == 0 and g.recognised
                and not o.dk and not o.aliases and _completed(g) else "")
            lines.append("      - {" + ", ".join(parts) + "}" + note)
        if g.top_box:
            lines.append("    top_box: [" + ", ".join(q(c) for c in g.top_box) + "]"
                         + _comment("the headline share"))
            lines.append(f"    top_box_label: {q(g.top_box_label)}")
        if g.nets:
            lines.append("    nets:")
            for nid, label, codes in g.nets:
                lines.append(f"      {ident(nid)}: {{label: {q(label)}, codes: [" + ", ".join(q(c) for c in codes) + "]}"
                             + _comment("the other end of the scale, combined"))
    if profile:
        lines += ["", "profile:"]
        for p in profile:
            lines.append(f"  - id: {ident(p.id)}{_comment(p.note)}")
            lines.append(f"    kind: {p.kind}")
            lines.append(f"    label: {q(p.label)}")
            if p.aliases:
                lines.append("    aliases: [" + ", ".join(q(a) for a in p.aliases) + "]")
            if p.scale_id:
                lines.append(f"    options: {ident(p.scale_id)}{_comment(p.scale_note or (p.scale.description if p.scale else ''))}")
            if p.other_text:
                lines.append(f"    other_text: {ident(p.other_text)}{_comment('the Other (please specify) box')}")
    if groupings:
        lines += ["", "groupings: [" + ", ".join(ident(g) for g, _ in groupings) + "]"
                  + _comment("what compare, banner and the report break results down by (the first is the "
                             "default): " + "; ".join(f"{g}: {why}" for g, why in groupings))]
    if last_page:
        lines += ["", "completion:", "  last_page: [" + ", ".join(ident(x) for x in last_page) + "]" + _comment(completion_note)]
    lines += ["", "questions:"]
    for n, qu in enumerate(questions, 1):
        lines.append(f"  - id: {ident(qu.id)}")
        lines.append(f"    text: {q(qu.text)}")
        lines.append(f"    type: {qu.type}{_comment(qu.notes.get('type', ''))}")
        if qu.type != "text":
            lines.append(f"    scale: {ident(qu.scale_id)}{_comment(qu.notes.get('scale', ''))}")
        if qu.other_text:
            lines.append(f"    other_text: {ident(qu.other_text)}{_comment(qu.notes.get('other_text', ''))}")
        if qu.items:
            lines.append("    items:")
            for iid, label, other in qu.items:
                extra = ", other: true" if other else ""
                lines.append(f"      - {{id: {ident(iid)}, label: {q(label)}{extra}}}"
                             + (_comment("a rated 'Other' row") if other else ""))
    texts = [qu.id for qu in questions if qu.type == "text"]
    lines += ["", "# Free-text fields to code in the report, each with a codebook (see docs/instrument.md):",
              "# coding:"]
    lines += [f"#   - {{field: {ident(t)}, codebook: my_codebook.yaml}}" for t in texts[:3]] or ["#   (no free-text fields)"]
    return "\n".join(lines) + "\n"


def _completed(g: ScaleGuess) -> bool:
    return "completed to the usual" in g.description


def _letter(index: int) -> str:
    from surveykit.io.base import column_letter

    return column_letter(index)
