"""Drafting an instrument from an export (``surveykit instrument draft``).

``draft_instrument(raw, structure=None)`` returns a ``DraftResult``: the YAML text with a
``# guessed:`` comment beside every guess, the parsed ``Instrument``, the list of guesses, the columns
left out and how the draft maps back onto its export. ``scales.guess_scale`` recognises answer scales
from their labels; ``columns.layout`` reads how an export groups its columns into questions.
"""

from surveykit.draft.build import DraftResult, Guess, draft_from_file, draft_instrument, slug
from surveykit.draft.summary import instrument_summary, summary_lines
from surveykit.draft.columns import Skipped
from surveykit.draft.scales import ScaleGuess, dk_kind, guess_scale

__all__ = ["DraftResult", "Guess", "ScaleGuess", "Skipped", "dk_kind", "draft_from_file", "draft_instrument", "guess_scale",
           "instrument_summary", "slug", "summary_lines"]
