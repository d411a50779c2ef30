"""Words and numbers for people: how the report's sentences show a share, a count, a p-value or a
suppressed number, and what groups and items are called. Used by every section builder."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses
    from surveykit.instrument import Question


def num(value: Any) -> float | None:
    """A shown number, or None when suppressed (the disclosure marker) or missing."""
    if value is None or isinstance(value, str):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def pct_text(value: Any, digits: int = 0) -> str:
    from surveykit.disclosure import MARKER

    f = num(value)
    return MARKER + " (suppressed)" if f is None and isinstance(value, str) else (
        "n/a" if f is None else f"{f:.{digits}f}%")


def n_text(value: Any) -> str:
    f = num(value)
    return str(value) if f is None else str(int(f))


def hidden(value: Any) -> bool:
    """True for a suppressed number (the disclosure marker)."""
    from surveykit.disclosure import MARKER

    return isinstance(value, str) and value == MARKER


def group_labels(responses: "Responses", by: str | None) -> dict[str, str]:
    from surveykit.scoring import ALL, MISSING

    return {ALL: "All respondents", MISSING: "Not given", **responses.instrument.group_labels(by)}


def display_id(identifier: str) -> str:
    """A question id as people read it: numbered ids in the usual capital form (a lower-case "q" and a number becomes "Q" and the number), any
    other id as the instrument declares it."""
    return identifier.upper() if re.fullmatch(r"q\d+[a-z]?", identifier) else identifier


def item_labels(responses: "Responses") -> dict[str, str]:
    out = {}
    for q, it in responses.instrument.closed_columns():
        out[it.id if it else q.id] = (f"{display_id(q.id)} {it.label}" if it else f"{display_id(q.id)} {q.short}")
    return out


def labelled_groups(frame: "pd.DataFrame", responses: "Responses", by: str | None) -> "pd.DataFrame":
    """Adds group_label after group (group names for people)."""
    if "group" not in frame.columns:
        return frame
    labels = group_labels(responses, by)
    out = frame.copy()
    out.insert(list(out.columns).index("group") + 1, "group_label", [labels.get(g, g) for g in out["group"]])
    return out


def by_phrase(responses: "Responses", by: str | None) -> str:
    return responses.instrument.grouping_label(by) if by else ""


def _p(p: Any) -> str:
    f = num(p)
    return "n/a" if f is None else ("< 0.001" if f < 0.001 else f"{f:.3f}")


def significant_p(p: Any) -> str:
    """"= 0.012" or "< 0.001", to follow the letter p."""
    text = _p(p)
    return text if text.startswith("<") else f"= {text}"


def top_phrase(question: "Question") -> str:
    """What the top box means, for a sentence: "effective", "agree", "often or very often"."""
    net = question.scale.top_box_net
    return net.label if net is not None else "top box"


def all_or_too_small(head: str, parts: Sequence[tuple[str, Any]], end: str) -> str:
    """A sentence listing numbers; when every number in it is suppressed, a sentence saying so."""
    if parts and all(hidden(v) for _, v in parts):
        return head + "the groups are too small to report" + end
    return head + "; ".join(t for t, _ in parts) + end
