"""Exemplar quotes for a code, stratified by sector, deterministic and redacted by default.

Redaction is ``coding.redact``'s detector (names, places, addresses, contact details, identifiers,
identifying dates and ages), keeping the codebook's own words when the codebook is passed in.

Within each sector, answers carrying the code are ranked by how focused they are (fewest other
codes first), then by a stable hash of (code, respondent id), so the same inputs always give the
same quotes while not always favouring the first rows of the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping

from surveykit.coding.answers import Answers

if TYPE_CHECKING:
    import pandas as pd

ALL = "all"
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Quotes:
    """``n_with_code``: the answers with the code, or ``disclosure.MARKER`` where it is suppressed."""

    code_id: str
    n_with_code: "int | str"
    redactions: dict[str, int]
    frame: "pd.DataFrame" = field(repr=False, compare=False)

    @property
    def n_redactions(self) -> int:
        return sum(self.redactions.values())


def _rank_key(code_id: str, rid: str, n_codes: int) -> tuple[int, str]:
    return n_codes, hashlib.sha256(f"{code_id}\x1f{rid}".encode()).hexdigest()


def select_quotes(answers: Answers, codes_of: Mapping[str, Iterable[str]], code_id: str, *, per_sector: int = 2,
                  redact: bool = True, denylist: Iterable[str] = (), codebook=None, instrument=None,
                  suppress: bool = True, threshold: int = 5) -> Quotes:
    """Up to ``per_sector`` answers with ``code_id`` from each sector (or overall without sectors).

    Returns a frame with columns ``sector``, ``respondent_id``, ``quote`` (redacted unless
    ``redact=False``), ``redactions`` (how many in this quote), ``codes`` (all codes of the answer,
    ";"-joined). ``Quotes.redactions`` counts the redactions by kind (``coding.redact.KINDS``).
    ``denylist``: names always redacted; ``codebook``/``instrument``: their terms are never redacted.

    ``suppress`` (default True): the number of quotes must not tell how many answers have the code.
    A sector short of ``per_sector`` answers would show its count exactly, so a sector with 1 to
    ``threshold`` - 1 of them gives one quote, and none gives more than ``threshold`` - 1 (a larger
    count may be hidden as a secondary suppression); ``n_with_code`` is ``[c]`` where the code's
    count, or the count of answers without it, is 1 to ``threshold`` - 1.
    """
    import pandas as pd

    from surveykit.validation import check_bool, check_threshold

    check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)

    redactor = None
    if redact:
        from surveykit.coding.redact import Redactor
        from surveykit.reuse import reused

        # A redactor reads the word banks and folds the codebook's and instrument's terms when it is
        # built, and changes no more after: a report picks the quotes of every code with the same one.
        deny = tuple(denylist)
        redactor = reused("quote_redactor", (codebook, instrument, deny),
                          lambda: Redactor(codebook=codebook, instrument=instrument, denylist=deny), keep=4)
    texts = dict(zip(answers.ids, answers.texts))
    holders = [rid for rid in answers.ids if texts.get(rid) and code_id in set(codes_of.get(rid, ()))]
    groups: dict[str, list[str]] = {}
    for rid in holders:
        sector = ALL if answers.sectors is None else (answers.sectors.get(rid) or UNKNOWN)
        groups.setdefault(sector, []).append(rid)
    order = [s for s in answers.sector_order if s in groups]
    order += sorted(s for s in groups if s not in order and s != UNKNOWN)
    if UNKNOWN in groups:
        order.append(UNKNOWN)
    rows = []
    totals: dict[str, int] = {}
    for sector in order:
        chosen = sorted(groups[sector], key=lambda r: _rank_key(code_id, r, len(set(codes_of.get(r, ())))))
        take = per_sector
        if suppress and threshold > 1:  # a threshold of 1 hides nothing
            take = min(per_sector, 1 if len(chosen) < threshold else threshold - 1)
        for rid in chosen[:take]:
            text = str(texts[rid])
            n = 0
            if redactor is not None:
                result = redactor.redact(text)
                text, counts = result.text, result.counts
                n = result.n
                for k, v in counts.items():
                    totals[k] = totals.get(k, 0) + v
            rows.append({"sector": sector, "respondent_id": rid, "quote": text, "redactions": n,
                         "codes": ";".join(sorted(set(codes_of.get(rid, ()))))})
    frame = pd.DataFrame(rows, columns=["sector", "respondent_id", "quote", "redactions", "codes"])
    n_with_code: int | str = len(holders)
    if suppress:
        from surveykit.disclosure import MARKER, is_primary

        answered = sum(1 for rid in answers.ids if texts.get(rid))
        if is_primary(len(holders), threshold) or is_primary(answered - len(holders), threshold):
            n_with_code = MARKER
    return Quotes(code_id, n_with_code, dict(sorted(totals.items())), frame)
