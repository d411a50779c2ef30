"""The shipped synthetic sample study: a seeded generator, calibrated to the published figures.

``write_sample(out_dir)`` writes ``professional_survey.csv`` (a SurveyMonkey-style export of the
47-question professional survey, see :mod:`surveykit.sample.professional`) and, when the youth
generator is available, ``youth_ranking.csv``. The same seed gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

from surveykit.errors import UsageError

PROFESSIONAL_FILE = "professional_survey.csv"
YOUTH_FILE = "youth_ranking.csv"
DEFAULT_SEED = 2016
DEFAULT_RESPONDENTS = 288


def write_sample(out_dir: str | Path, *, seed: int = DEFAULT_SEED,
                 n_respondents: int = DEFAULT_RESPONDENTS) -> list[Path]:
    """Write the sample study into ``out_dir`` and return the paths written (atomically, deterministically)."""
    from surveykit.io.atomic import write_bytes, write_text
    from surveykit.sample.professional import professional_csv_bytes

    if not isinstance(n_respondents, int) or n_respondents < 1:
        raise UsageError(f"n_respondents must be a whole number of at least 1; got {n_respondents!r}")
    if not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed must be a whole number of at least 0; got {seed!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder; {out} is a file")
    data = professional_csv_bytes(seed=seed, n_respondents=n_respondents)
    paths = [write_bytes(out / PROFESSIONAL_FILE, data)]
    del data  # large for benchmark-sized samples
    try:
        from surveykit.sample.youth import youth_ranking_csv
    except ImportError:  # the youth generator is optional: without it only the survey is written
        youth_ranking_csv = None
    if youth_ranking_csv is not None:
        paths.append(write_text(out / YOUTH_FILE, youth_ranking_csv(seed)))
    return paths


__all__ = ["write_sample", "PROFESSIONAL_FILE", "YOUTH_FILE", "DEFAULT_SEED", "DEFAULT_RESPONDENTS"]
