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
                 n_respondents: int = DEFAULT_RESPONDENTS, force: bool = False) -> list[Path]:
    """Write the sample study into ``out_dir`` and return the paths written (atomically, deterministically).
    A file of the same name already there is replaced only when surveykit wrote it and it is unchanged
    (or holds the same bytes), or with ``force`` (``io.owned_files``); otherwise nothing is written."""
    from surveykit.io.owned_files import write_owned_files
    from surveykit.sample.professional import professional_csv_bytes

    if not isinstance(n_respondents, int) or n_respondents < 1:
        raise UsageError(f"n_respondents must be a whole number of at least 1; got {n_respondents!r}")
    if not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed must be a whole number of at least 0; got {seed!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder; {out} is a file")
    files = [(out / PROFESSIONAL_FILE, professional_csv_bytes(seed=seed, n_respondents=n_respondents))]
    try:
        from surveykit.sample.youth import youth_ranking_csv
    except ImportError:  # the youth generator is optional: without it only the survey is written
        youth_ranking_csv = None
    if youth_ranking_csv is not None:
        files.append((out / YOUTH_FILE, youth_ranking_csv(seed).encode("utf-8")))
    return write_owned_files(files, force=force)


__all__ = ["write_sample", "PROFESSIONAL_FILE", "YOUTH_FILE", "DEFAULT_SEED", "DEFAULT_RESPONDENTS"]
