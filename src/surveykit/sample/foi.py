"""The synthetic FOI returns: 217 made-up authorities, four waves, calibrated to the published figures.

No authority here is real: they are "Authority 001" .. "Authority 217", spread over the UK's
nations and the study's regions in the numbers of 2015 (England 152 in nine regions, Wales 22,
Scotland 32, Northern Ireland 11). The 2016 wave is built region by region so that the analyses
reproduce the study's published figures (Heading back to harm, 2016, chapter 2, Figures 1-3, 6-9,
12-13): 590 trafficked and 4,744 unaccompanied children in care; 174 and 194 authorities providing
a number; 68 and 130 with one or more, 54 and 114 with more than one; largest 58 and 985; 167
and 593 went missing from 39 and 74 authorities (largest 22 and 190); 331 and 994 missing episodes,
about 2.4 per child over the authorities that reported both numbers; 207 still missing reported by
45 authorities (largest 53); about a third of episodes lasting more than a week; the regional
counts of Figures 8-9 and the nationality tables of Figures 12-13.

Later waves are calibrated to the published totals only: 2018, 960 trafficked children in care;
2020, 1,231 in care of whom 378 went missing, about eight episodes each; 2024, 2,638 trafficked
(864 went missing) and 12,530 unaccompanied (1,501 went missing). Every other later-wave number is
synthetic and plausible, nothing more.

The returns are messy on purpose, as real ones are: "Not held", section 12 refusals, "<5" and
"fewer than 10", "nil", "approx. 20", "20+", ranges, blanks, a return for a different period, a
few numbers that contradict each other (``surveykit foi validate`` lists them), human column
headers in the workbook. Files (``write_foi_sample``): ``foi_returns.xlsx`` (a README sheet, one
sheet per wave, a ``nationality`` sheet), ``foi_returns.csv`` (the same returns, one table with a
wave column), ``foi_nationality.csv`` and ``foi_claims.yaml`` (the study's headline claims, to
try ``surveykit foi check``). The same seed gives byte-identical files.
"""


from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveykit.sample.foi_build import (authorities, build_2016, build_later, mess, nationality_2016,
                                        odd_answers, render)
from surveykit.sample.foi_targets import BANDED, BANDS, COHORTS, LATER_NOTE, PERIODS, WAVES, claims_yaml

DEFAULT_SEED = 2016
RETURNS_XLSX = "foi_returns.xlsx"
RETURNS_CSV = "foi_returns.csv"
NATIONALITY_CSV = "foi_nationality.csv"
CLAIMS_YAML = "foi_claims.yaml"
FILES = (RETURNS_XLSX, RETURNS_CSV, NATIONALITY_CSV, CLAIMS_YAML)


def _header(cohort: str | None, measure: str, human: bool) -> str:
    if cohort is None:
        return {"authority_id": "Authority ID", "authority": "Authority", "nation": "Nation", "region": "Region",
                "period": "Period", "wave": "Wave"}[measure] if human else measure
    if not human:
        return f"{cohort}_{measure}"
    return f"{cohort.capitalize()} {measure.replace('_', ' ')}"


def _columns() -> list[tuple[str, str]]:
    cols = []
    for cohort in COHORTS:
        for m in ("in_care", "went_missing", "episodes", "still_missing"):
            cols.append((cohort, m))
        if cohort in BANDED:
            cols += [(cohort, f"duration_{b}") for b in BANDS]
    return cols


@dataclass(frozen=True)
class FoiSample:
    """The generated returns: per wave, the header and rows (cells as written) and the nationality rows."""

    waves: dict
    nationality: list
    columns: list


def build_sample(seed: int = DEFAULT_SEED) -> FoiSample:
    """Generate every wave (see the module docstring); deterministic for a seed."""
    rng = random.Random(seed)
    auths = authorities(rng)
    fixed_ids = build_2016(rng, auths)
    previous = "2016"
    for wave in WAVES[1:]:
        build_later(rng, auths, wave, previous)
        previous = wave
    odd_answers(rng, auths)
    nationality = nationality_2016(rng, auths)
    for wave in WAVES:
        mess(rng, auths, wave)
    odd_period = {"2016": auths[40].index, "2020": auths[90].index}
    waves = {}
    for wave in WAVES:
        rows = []
        for a in auths:
            period = PERIODS[wave]
            if odd_period.get(wave) == a.index:
                period = "Apr 2014 - Mar 2015" if wave == "2016" else "Jan 2018 - Dec 2018"
            cells = {(c, m): render(rng, a.values.get((wave, c, m), ""), measure=m,
                                     fixed=wave == "2016" and a.index in fixed_ids) for c, m in _columns()}
            rows.append({"authority_id": a.id, "authority": a.name, "nation": a.nation,
                         "region": "" if a.nation != "England" and rng.random() < 0.5 else a.region,
                         "period": period, "cells": cells})
        waves[wave] = rows
    return FoiSample(waves, nationality, _columns())


# -- files --------------------------------------------------------------------------------------

README_ROWS = (
    ("SYNTHETIC DATA - not real returns. Made by 'surveykit foi sample'.",),
    ("217 made-up authorities ('Authority 001' ..) in the UK's real nations and regions.",),
    ("The 2016 wave reproduces the published figures of Heading back to harm (2016), chapter 2.",),
    (LATER_NOTE,),
    ("One sheet per wave; the 'nationality' sheet breaks down the children who went missing.",),
)
NATIONALITY_HEADER = ("wave", "authority_id", "cohort", "nationality", "gender", "count")


def returns_rows(sample: FoiSample, wave: str, *, human: bool, with_wave: bool) -> list[list[Any]]:
    ids = ["authority_id", "authority", "nation", "region", "period"]
    header = ([_header(None, "wave", human)] if with_wave else []) + [_header(None, c, human) for c in ids] + \
        [_header(c, m, human) for c, m in sample.columns]
    rows = [header]
    for r in sample.waves[wave]:
        rows.append(([wave] if with_wave else []) + [r[c] for c in ids] + [r["cells"][k] for k in sample.columns])
    return rows


def write_foi_sample(out_dir: str | Path, *, seed: int = DEFAULT_SEED, force: bool = False) -> list[Path]:
    """Write the FOI sample files into ``out_dir`` (atomically, deterministically); returns their paths.
    Files already there: as ``surveykit.sample.write_sample``."""
    from surveykit.errors import UsageError
    from surveykit.io.foi import csv_bytes, workbook_bytes
    from surveykit.io.owned_files import write_owned_files

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed must be a whole number of at least 0; got {seed!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder; {out} is a file")
    sample = build_sample(seed)
    nat_rows = [list(NATIONALITY_HEADER)] + [list(r) for r in sample.nationality]
    sheets = [("README", [list(r) for r in README_ROWS])]
    sheets += [(w, returns_rows(sample, w, human=True, with_wave=False)) for w in WAVES]
    sheets.append(("nationality", nat_rows))
    long_rows = returns_rows(sample, WAVES[0], human=False, with_wave=True)
    for w in WAVES[1:]:
        long_rows += returns_rows(sample, w, human=False, with_wave=True)[1:]
    return write_owned_files([
        (out / RETURNS_XLSX, workbook_bytes(sheets)),
        (out / RETURNS_CSV, csv_bytes(long_rows)),
        (out / NATIONALITY_CSV, csv_bytes(nat_rows)),
        (out / CLAIMS_YAML, claims_yaml().encode("utf-8")),
    ], force=force)


__all__ = ["build_sample", "write_foi_sample", "FILES", "RETURNS_XLSX", "RETURNS_CSV", "NATIONALITY_CSV",
           "CLAIMS_YAML", "DEFAULT_SEED"]
