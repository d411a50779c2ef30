"""Writing a codebook back as YAML (``codebook_to_yaml``): the document ``parse_codebook`` reads,
with only what differs from the defaults spelt out, so that a saved codebook stays as short as one
written by hand. Kept apart from ``codebook`` (the format and its value types), which reading needs
and writing only uses."""

from __future__ import annotations

from typing import Any

from surveykit.coding.codebook import (DEFAULT_EXCLUDE_WINDOW, DEFAULT_NEGATION_AFTER, DEFAULT_NEGATION_CUES,
                                       DEFAULT_NEGATION_WINDOW, DEFAULT_TYPO_MIN_LENGTH, Codebook, Pattern)


def pattern_to_yaml(p: Pattern) -> Any:
    if p.kind in ("word", "phrase") and not (p.max_gap or p.absence or p.negated):
        if (p.kind == "word") == (len(p.text.split()) == 1):
            return p.text
    out: dict[str, Any] = {p.kind: p.text}
    if p.max_gap:
        out["gap"] = p.max_gap
    if p.absence:
        out["absence"] = True
    if p.negated:
        out["negated"] = True
    return out


def codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": codebook.id, "title": codebook.title, "version": codebook.version}
    if codebook.description:
        doc["description"] = codebook.description
    if ((codebook.negation_cues, codebook.negation_window, codebook.negation_after)
            != (DEFAULT_NEGATION_CUES, DEFAULT_NEGATION_WINDOW, DEFAULT_NEGATION_AFTER)):
        doc["negation"] = {"cues": list(codebook.negation_cues), "window": codebook.negation_window,
                           "after": list(codebook.negation_after)}
    if codebook.typo_min_length is None:
        doc["typos"] = False
    elif codebook.typo_min_length != DEFAULT_TYPO_MIN_LENGTH:
        doc["typos"] = {"min_length": codebook.typo_min_length}
    if codebook.lexicon:
        doc["lexicon"] = codebook.lexicon.to_dict()
    if codebook.exclude_answers:
        doc["exclude_answers"] = [pattern_to_yaml(p) for p in codebook.exclude_answers]
    doc["themes"] = [{"id": t.id, "label": t.label, **({"description": t.description} if t.description else {})}
                     for t in codebook.themes]
    codes = []
    for c in codebook.codes:
        cd: dict[str, Any] = {"id": c.id, "label": c.label, "theme": c.theme}
        if c.definition:
            cd["definition"] = c.definition
        for key in ("include", "exclude"):
            if getattr(c, key):
                cd[key] = list(getattr(c, key))
        cd["patterns"] = [pattern_to_yaml(p) for p in c.patterns]
        if c.exclude_context:
            cd["exclude_context"] = [pattern_to_yaml(p) for p in c.exclude_context]
        if c.exclude_window != DEFAULT_EXCLUDE_WINDOW:
            cd["exclude_window"] = c.exclude_window
        for key in ("examples", "counter_examples"):
            if getattr(c, key):
                cd[key] = list(getattr(c, key))
        codes.append(cd)
    doc["codes"] = codes
    return doc


def codebook_to_yaml(codebook: Codebook) -> str:
    """Our YAML form of a codebook (deterministic; round-trips through ``parse_codebook``)."""
    import yaml

    return yaml.safe_dump(codebook_to_dict(codebook), sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
