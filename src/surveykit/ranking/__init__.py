"""The youth workshops' ranking exercise: the measures codebook, checked rankings, and their scoring.

Each group of young people sorted every measure into an *effective* pile ("would work", rank 1 =
best) and a *not_effective* pile ("would not work", rank 1 = worst), and may have left a pile
unranked. From that, each group gets a **combined order** of all measures: the effective pile first
in its ranks, then the not-effective pile from best to worst. Measures left unranked in a pile
share the mid-rank of the positions left in that pile (so an unranked pile of 4 after 10 effective
measures puts each of the four at 12.5).

Everything here is a pure function over parsed values; ``read_rankings`` reads (through ``surveykit.io``)
the file from disk and ``load_measures`` reads the shipped codebook (as ``load_instrument`` does).

The sample is tiny (nine young people in four or five groups): every result carries the number of
groups and is flagged ``exploratory`` when there are fewer than ``EXPLORATORY_BELOW`` groups.

The package is split by responsibility, and every name is importable from here: ``measures`` (the
codebook), ``rankings`` (the rankings file checked, and the combined order), ``scores`` (the scores
and their disclosure protection), ``concordance`` (Kendall's W, the Friedman test, Cochran's Q) and
``model`` (Plackett-Luce with its bootstrap).
"""

from surveykit.ranking.concordance import Agreement, agreement, cochran_q, kendall_w
from surveykit.ranking.measures import (
    Measure,
    MeasureSet,
    default_measures_path,
    load_measures,
    parse_measures,
)
from surveykit.ranking.model import MODELS, PlackettLuce, choice_data, plackett_luce
from surveykit.ranking.rankings import (
    COLUMNS,
    EXPLORATORY_BELOW,
    VERDICTS,
    GroupRanking,
    Rankings,
    combined_positions,
    parse_rankings,
    read_rankings,
)
from surveykit.ranking.scores import (
    count_is_hidden,
    extremes,
    protect_scores,
    score_measures,
)

__all__ = [
    "COLUMNS", "EXPLORATORY_BELOW", "MODELS", "VERDICTS", "Agreement", "GroupRanking", "Measure",
    "MeasureSet", "PlackettLuce", "Rankings", "agreement", "choice_data", "cochran_q",
    "combined_positions", "count_is_hidden", "default_measures_path", "extremes", "kendall_w",
    "load_measures", "parse_measures", "parse_rankings", "plackett_luce", "protect_scores",
    "read_rankings", "score_measures",
]
