"""The synthetic professional survey: a SurveyMonkey-style export calibrated to DESIGN.md §6.

Calibration is by construction, not by luck: for every closed column and every sector, the number of
respondents giving each answer is fixed (largest-remainder rounding of the target shares over the
respondents who reached the question) and only *who* gives which answer is shuffled with the seed.
So the published figures hold for any seed, and proportionally for any number of respondents.

Respondents: ``completed`` respondents answer up to the last page (q43 is always answered); partial
respondents stop at some question between q5 and q42 and leave everything after it blank.
Free text comes from the banks in ``data/sample/text_banks.json``, composed by :mod:`surveykit.sample.texts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from surveykit.instrument import Instrument, Question, load_instrument

if TYPE_CHECKING:
    import numpy as np

# Respondents per sector in the 288-respondent study (criminal justice 47-50 in the published survey).
SECTOR_COUNTS: dict[str, int] = {
    "local_authority": 95, "criminal_justice": 48, "ngo": 58, "legal": 20, "health": 15,
    "immigration": 12, "education": 12, "community_faith": 9, "other": 19,
}
STUDY_N = 288
STUDY_COMPLETED = 250
STUDY_Q45_RATERS = 162  # completers who rated the q45 grid; item skips bring each item to 154-162

# Sector answers as typed: mostly the option label, sometimes a common alias (exercises alias mapping).
SECTOR_ALIASES: dict[str, tuple[str, ...]] = {
    "local_authority": ("Children's services", "Social care", "Local authority"),
    "criminal_justice": ("Police", "Police", "Youth offending team"),
    "ngo": ("Charity", "Voluntary sector", "NGO"),
    "legal": ("Solicitor", "Legal"),
    "health": ("NHS",),
    "immigration": ("Home Office",),
    "education": ("School",),
    "community_faith": ("Faith group",),
    "other": (),
}
ALIAS_SHARE = 0.15

METADATA = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
            "First Name", "Last Name", "Custom Data 1")
COLLECTOR_ID = "70531846"
SKIP = "skip"  # pseudo-code: eligible, but left the question blank


# --- target distributions --------------------------------------------------------------------------------
# Each spec maps an answer code (or SKIP) to a share of the respondents who reached the question.
# "default" applies to every sector without its own entry.

def _yn(yes: float, no: float, dk: float, skip: float = 0.02) -> dict[str, float]:
    return {"1": yes, "0": no, "DK": dk, SKIP: skip}


def _freq(always: float, usually: float, sometimes: float, rarely: float, never: float, dk: float,
          skip: float = 0.02) -> dict[str, float]:
    return {"4": always, "3": usually, "2": sometimes, "1": rarely, "0": never, "DK": dk, SKIP: skip}


def _agree(sd: float, d: float, n: float, a: float, sa: float, skip: float = 0.01) -> dict[str, float]:
    return {"1": sd, "2": d, "3": n, "4": a, "5": sa, SKIP: skip}


def _ysn(yes: float, sometimes: float, no: float, dk: float, skip: float = 0.02) -> dict[str, float]:
    return {"2": yes, "1": sometimes, "0": no, "DK": dk, SKIP: skip}


SINGLE: dict[str, dict[str, dict[str, float]]] = {
    # q1 ~60% yes, q3 ~45% yes (of yes + no)
    "q1": {"default": _yn(0.50, 0.33, 0.17), "immigration": _yn(0.58, 0.30, 0.12),
           "community_faith": _yn(0.45, 0.30, 0.25)},
    "q3": {"default": _yn(0.38, 0.46, 0.16), "ngo": _yn(0.42, 0.44, 0.14), "education": _yn(0.30, 0.45, 0.25)},
    # q5: 42% rarely or never
    "q5": {"default": _freq(0.05, 0.14, 0.30, 0.26, 0.09, 0.16)},
    # q8: NGO 65% usually/sometimes; criminal justice 38% usually/sometimes and 10% rarely/never
    "q8": {"default": _freq(0.25, 0.28, 0.25, 0.08, 0.03, 0.11),
           "ngo": _freq(0.15, 0.30, 0.28, 0.12, 0.04, 0.11),
           "criminal_justice": _freq(0.46, 0.18, 0.16, 0.06, 0.03, 0.11)},
    "q10": {"default": _yn(0.55, 0.30, 0.15), "criminal_justice": _yn(0.62, 0.28, 0.10)},
    "q12": {"default": _yn(0.72, 0.10, 0.18), "criminal_justice": _yn(0.80, 0.08, 0.12)},
    "q16": {"default": _agree(0.08, 0.22, 0.28, 0.32, 0.10), "criminal_justice": _agree(0.06, 0.18, 0.26, 0.38, 0.12),
            "ngo": _agree(0.12, 0.30, 0.28, 0.24, 0.06)},
    "q17": {"default": _agree(0.07, 0.25, 0.30, 0.30, 0.08), "ngo": _agree(0.12, 0.32, 0.28, 0.22, 0.06)},
    # q18: ~30% of criminal justice (14 people) disagree or strongly disagree
    "q18": {"default": _agree(0.05, 0.15, 0.22, 0.42, 0.16, skip=0.0),
            "criminal_justice": _agree(0.10, 0.20, 0.20, 0.38, 0.12, skip=0.0)},
    # q19: criminal justice disagrees most (~30%)
    "q19": {"default": _agree(0.02, 0.08, 0.25, 0.38, 0.27, skip=0.0),
            "local_authority": _agree(0.03, 0.11, 0.30, 0.36, 0.20, skip=0.0),
            "criminal_justice": _agree(0.08, 0.22, 0.25, 0.30, 0.15, skip=0.0)},
    "q21": {"default": _yn(0.35, 0.45, 0.20), "criminal_justice": _yn(0.45, 0.42, 0.13),
            "ngo": _yn(0.25, 0.60, 0.15)},
    # q24: half don't know overall; criminal justice 13% don't know, ~20% yes or sometimes
    "q24": {"default": _ysn(0.12, 0.11, 0.19, 0.58, skip=0.0),
            "criminal_justice": _ysn(0.10, 0.07, 0.70, 0.13, skip=0.0)},
    "q25": {"default": _yn(0.40, 0.35, 0.25), "local_authority": _yn(0.48, 0.32, 0.20)},
    "q26": {"default": _yn(0.35, 0.38, 0.27), "local_authority": _yn(0.42, 0.36, 0.22)},
    # q27: most answer medium or high
    "q27": {"default": {"High": 0.30, "Medium": 0.38, "Low": 0.12, "Absent": 0.05, "DK": 0.15, SKIP: 0.02},
            "criminal_justice": {"High": 0.28, "Medium": 0.44, "Low": 0.14, "Absent": 0.06, "DK": 0.08, SKIP: 0.0}},
    "q29": {"default": _yn(0.42, 0.35, 0.23), "ngo": _yn(0.34, 0.44, 0.22)},
    "q31": {"default": _yn(0.38, 0.37, 0.25)},
    "q33": {"default": _yn(0.55, 0.30, 0.15), "community_faith": _yn(0.30, 0.45, 0.25)},
    "q35": {"default": _ysn(0.25, 0.45, 0.15, 0.15), "ngo": _ysn(0.15, 0.45, 0.25, 0.15)},
    "q36": {"default": _ysn(0.20, 0.45, 0.18, 0.17)},
    "q37": {"default": _yn(0.75, 0.10, 0.15), "community_faith": _yn(0.90, 0.05, 0.05)},
    "q39": {"default": _yn(0.40, 0.45, 0.15), "criminal_justice": _yn(0.55, 0.35, 0.10),
            "legal": _yn(0.65, 0.25, 0.10)},
    "q41": {"default": _yn(0.45, 0.25, 0.30), "legal": _yn(0.60, 0.20, 0.20)},
    # q43 is on the last page: every completer answers it (that is what makes them "completed").
    "q43": {"default": _yn(0.80, 0.05, 0.15, skip=0.0)},
}


def _factor(top: float, dk: float = 0.10, skip: float = 0.01) -> dict[str, float]:
    """A factor_frequency distribution whose share of Often + Very often among valid answers is ``top``."""
    valid = 1.0 - dk - skip
    rest = 1.0 - top
    return {"4": valid * top * 0.45, "3": valid * top * 0.55, "2": valid * rest * 0.55,
            "1": valid * rest * 0.30, "0": valid * rest * 0.15, "DK": dk, SKIP: skip}


# q14: top five not_identified, traffickers_control, unsuitable_placement, lack_specialist_support,
# lack_advocacy; poor_protection sixth (margins of >= 5 points so rounding cannot reorder them).
Q14_TOP: dict[str, float] = {
    "q14_not_identified": 0.80, "q14_traffickers_control": 0.73, "q14_unsuitable_placement": 0.66,
    "q14_lack_specialist_support": 0.60, "q14_lack_advocacy": 0.55, "q14_poor_protection": 0.49,
    "q14_re_trafficking": 0.43, "q14_immigration": 0.41, "q14_debt_bondage": 0.39, "q14_criminalisation": 0.34,
    "q14_not_believed": 0.32, "q14_personal_problems": 0.29, "q14_age_assessment": 0.27,
    "q14_family_reunification": 0.24, "q14_release_custody": 0.18, "q14_release_detention": 0.16,
    "q14_forced_to_leave": 0.14, "q14_school_problems": 0.10,
}
# q15: asylum / immigration concerns top.
Q15_TOP: dict[str, float] = {
    "q15_immigration": 0.82, "q15_unsuitable_placement": 0.63, "q15_not_identified": 0.57,
    "q15_family_reunification": 0.55, "q15_age_assessment": 0.52, "q15_lack_advocacy": 0.50,
    "q15_lack_specialist_support": 0.47, "q15_poor_protection": 0.44, "q15_personal_problems": 0.36,
    "q15_not_believed": 0.34, "q15_criminalisation": 0.29, "q15_release_detention": 0.20,
    "q15_school_problems": 0.15, "q15_release_custody": 0.12, "q15_forced_to_leave": 0.12,
}
Q14_SECTOR_SHIFT: dict[str, dict[str, float]] = {
    "criminal_justice": {"q14_traffickers_control": 0.08, "q14_debt_bondage": 0.08, "q14_criminalisation": -0.06},
    "legal": {"q14_criminalisation": 0.15, "q14_not_believed": 0.15},
    "immigration": {"q14_immigration": 0.15, "q14_release_detention": 0.10},
    "local_authority": {"q14_unsuitable_placement": -0.04, "q14_traffickers_control": -0.02},
}
Q15_SECTOR_SHIFT: dict[str, dict[str, float]] = {
    "immigration": {"q15_immigration": 0.08, "q15_release_detention": 0.10},
    "local_authority": {"q15_family_reunification": 0.06},
    "ngo": {"q15_not_believed": 0.12, "q15_age_assessment": 0.10},
}


def _effect(eff: float, top: float = 0.4) -> dict[str, float]:
    """An effectiveness distribution: ``eff`` of answers are 4 or 5, ``top`` of those are 5."""
    neutral = min(0.15, (1.0 - eff) * 0.5)
    low = 1.0 - eff - neutral
    return {"5": eff * top, "4": eff * (1 - top), "3": neutral, "2": low * 0.6, "1": low * 0.4}


# q45: (share effective, share of those "very effective"); overrides per sector where the study found
# a difference (criminal justice vs local authority on secure accommodation, biometrics, 24h supervision,
# and criminal justice's view of restricted phone / internet access).
Q45: dict[str, dict[str, tuple[float, float]]] = {
    "q45_training_professionals": {"default": (0.92, 0.60)},
    "q45_specialist_foster_care": {"default": (0.85, 0.50)},
    "q45_advocate_guardian": {"default": (0.80, 0.45)},
    "q45_photograph_first_contact": {"default": (0.75, 0.35)},
    "q45_rights_information": {"default": (0.71, 0.40)},
    "q45_risk_information": {"default": (0.69, 0.35)},
    "q45_peer_trainers": {"default": (0.66, 0.35)},
    "q45_location_confidential": {"default": (0.64, 0.30)},
    "q45_other_specialist_placement": {"default": (0.62, 0.30)},
    "q45_peer_support": {"default": (0.60, 0.30)},
    "q45_return_home_interview": {"default": (0.57, 0.30)},
    "q45_memorise_phone_number": {"default": (0.54, 0.30)},
    "q45_biometric_data": {"default": (0.52, 0.30), "criminal_justice": (0.82, 0.45),
                           "local_authority": (0.33, 0.25)},
    "q45_out_of_area_placement": {"default": (0.40, 0.25)},
    "q45_no_easy_exit_room": {"default": (0.28, 0.20)},
    "q45_cctv": {"default": (0.26, 0.20)},
    "q45_supervision_24h": {"default": (0.27, 0.20), "criminal_justice": (0.38, 0.25),
                            "local_authority": (0.17, 0.20)},
    "q45_secure_accommodation": {"default": (0.24, 0.20), "criminal_justice": (0.60, 0.40),
                                 "local_authority": (0.10, 0.20)},
    # Criminal justice is more positive about restricting phones than anyone else (issue 4: it is one of the
    # largest divergences between young people, who rank it second worst, and criminal justice respondents).
    "q45_restricted_phone_internet": {"default": (0.17, 0.20), "criminal_justice": (0.55, 0.30)},
    "q45_other": {"default": (0.66, 0.40)},
}
# Raters skipping single q45 rows (so items have 154-162 valid answers in the 288 study).
Q45_ITEM_SKIP = (0, 2, 4, 1, 6, 3, 0, 5, 2, 7, 1, 3, 4, 0, 2, 6, 1, 3, 0)
Q45_OTHER_SHARE = 0.10  # raters who also rate (and mostly describe) their own "other" measure

# Free-text columns: share of eligible respondents answering; conditions on an earlier closed answer.
TEXT_SHARE: dict[str, tuple[float, str | None, tuple[str, ...]]] = {
    "q2": (0.45, None, ()), "q4": (0.38, None, ()), "q6": (0.34, None, ()),
    "q7": (0.81, None, ()),
    "q9": (0.50, "q8", ("4", "3", "2")), "q11": (0.55, "q10", ("1",)), "q13": (0.40, None, ()),
    "q14_other_text": (0.10, None, ()), "q15_other_text": (0.08, None, ()),
    "q20": (0.32, None, ()), "q22": (0.50, "q21", ("0", "DK")), "q23": (0.38, None, ()),
    "q28": (0.28, None, ()), "q30": (0.50, "q29", ("1",)), "q32": (0.45, "q31", ("1",)),
    "q34": (0.35, None, ()), "q38": (0.40, None, ()), "q40": (0.55, "q39", ("1",)),
    "q42": (0.50, "q41", ("1",)), "q44": (0.48, "q43", ("1",)), "q46": (0.52, None, ()),
    "q47": (0.36, None, ()),
}


# Explanations whose bank depends on the answer to the closed question they explain.
BANK_FOLLOWS: dict[str, str] = {"q2": "q1", "q4": "q3", "q13": "q12", "q38": "q37"}


# --- helpers ---------------------------------------------------------------------------------------------

def apportion(weights: Sequence[float], total: int) -> list[int]:
    """Largest-remainder rounding: non-negative integers proportional to ``weights`` summing to ``total``."""
    s = float(sum(weights))
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    quotas = [w / s * total for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _sector_sizes(n: int) -> dict[str, int]:
    names = list(SECTOR_COUNTS)
    if n == STUDY_N:
        return dict(SECTOR_COUNTS)
    counts = apportion([SECTOR_COUNTS[s] for s in names], n)
    # Every sector present whenever there are enough respondents to go round.
    if n >= len(names):
        for i, c in enumerate(counts):
            if c == 0:
                donor = max(range(len(names)), key=lambda j: counts[j])
                counts[donor] -= 1
                counts[i] = 1
    return dict(zip(names, counts))


@dataclass(frozen=True)
class Frame:
    """The respondents being generated: parallel numpy arrays plus the instrument."""

    n: int
    sector: "np.ndarray"       # int index into SECTORS
    reached: "np.ndarray"      # int: number of numbered questions reached (47 = completed)
    completed: "np.ndarray"    # bool
    q45_rater: "np.ndarray"    # bool


SECTORS = tuple(SECTOR_COUNTS)


def _assign_exact(rng: "np.random.Generator", frame: Frame, eligible: "np.ndarray",
                  spec: Mapping[str, Mapping[str, float]], codes: Sequence[str]) -> "np.ndarray":
    """Per sector, fix how many eligible respondents give each code, then shuffle who gives which.

    Returns int16 indexes into ``codes`` (-1 = blank).
    """
    import numpy as np

    out = np.full(frame.n, -1, dtype=np.int16)
    keys = list(codes) + [SKIP]
    for s_i, sector in enumerate(SECTORS):
        idx = np.flatnonzero(eligible & (frame.sector == s_i))
        if not len(idx):
            continue
        dist = spec.get(sector, spec["default"])
        counts = apportion([dist.get(k, 0.0) for k in keys], len(idx))
        values = np.repeat(np.arange(len(keys), dtype=np.int16), counts)
        values[values == len(codes)] = -1
        out[idx] = rng.permutation(values)
    return out


def _eligible_for(frame: Frame, question: Question) -> "np.ndarray":
    return frame.reached >= question.number


def _build_frame(rng: "np.random.Generator", n: int) -> Frame:
    import numpy as np

    sizes = _sector_sizes(n)
    sector = rng.permutation(np.repeat(np.arange(len(SECTORS)), [sizes[s] for s in SECTORS]))
    n_completed = round(n * STUDY_COMPLETED / STUDY_N)
    per_sector_done = apportion([sizes[s] for s in SECTORS], n_completed)
    completed = np.zeros(n, dtype=bool)
    q45_rater = np.zeros(n, dtype=bool)
    n_raters = round(n_completed * STUDY_Q45_RATERS / STUDY_COMPLETED)
    raters_per_sector = apportion(per_sector_done, n_raters)
    for s_i in range(len(SECTORS)):
        idx = np.flatnonzero(sector == s_i)
        done = rng.permutation(idx)[: per_sector_done[s_i]]
        completed[done] = True
        q45_rater[rng.permutation(done)[: raters_per_sector[s_i]]] = True
    reached = np.full(n, 47, dtype=np.int16)
    partial = np.flatnonzero(~completed)
    # Partial respondents answered q1..q(k) and left from q(k+1) on, k in 4..41 (so q43 is never reached).
    reached[partial] = rng.integers(4, 42, size=len(partial))
    return Frame(n=n, sector=sector, reached=reached, completed=completed, q45_rater=q45_rater)


# --- generation --------------------------------------------------------------------------------------------

def generate_columns(seed: int, n_respondents: int, instrument: Instrument | None = None
                     ) -> tuple[list[tuple[str, str]], list[Any]]:
    """Every export column as (row-1 header, row-2 sub-header) plus its cells.

    Cells are lists of strings, already escaped for CSV (see :func:`csv_escape`); headers are not.
    """
    import numpy as np

    from surveykit.sample import texts

    inst = instrument or load_instrument()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2016_0288]))
    frame = _build_frame(rng, n_respondents)
    n = frame.n
    headers: list[tuple[str, str]] = []
    values: list[Any] = []
    closed: dict[str, tuple["np.ndarray", list[str]]] = {}

    def add(head: str, sub: str, column: Any) -> None:
        headers.append((head, sub))
        values.append(column)

    # Metadata: ids rise with time, as in a real collector.
    gaps = rng.integers(1_500_000, 9_000_000, size=n)
    ids = 4_213_577_102 + np.cumsum(gaps)
    # The collector was open for about eight weeks from early October 2015, whatever the sample size.
    start = 1_443_744_000 + np.sort(rng.integers(0, 56 * 86_400, size=n))
    duration = rng.integers(240, 3_600, size=n)
    duration = np.where(frame.completed, duration + 900, duration)
    add(METADATA[0], "", ids.astype(str).tolist())
    add(METADATA[1], "", [COLLECTOR_ID] * n)
    add(METADATA[2], "", _format_times(start))
    add(METADATA[3], "", _format_times(start + duration))
    for name in METADATA[4:]:
        add(name, "", [""] * n)

    # Profile: sector (label, sometimes an alias), other-sector text, role, region.
    sector_texts = _sector_answers(rng, frame, inst)
    add(inst.profile_field("sector").label, "Response", sector_texts)
    other_idx = SECTORS.index("other")
    add("", "Other (please specify)", _bank_answers(rng, frame.sector == other_idx, texts.SECTOR_OTHER, share=0.95))
    add(inst.profile_field("role").label, "Open-Ended Response",
        _role_answers(rng, frame))
    regions = [name for name, _ in texts.REGION_WEIGHTS]
    picks = _weighted_choice(rng, [w for _, w in texts.REGION_WEIGHTS], n)
    add(inst.profile_field("region").label, "Response", [regions[i] for i in picks.tolist()])

    special = texts.special_answers()
    for q in inst.questions:
        head = f"{q.number}. {q.text}"
        eligible = _eligible_for(frame, q)
        if q.type == "single":
            codes = [o.code for o in q.scale.options]
            idx = _assign_exact(rng, frame, eligible, SINGLE[q.id], codes)
            closed[q.id] = (idx, codes)
            add(head, "Response", _labels(idx, [o.label for o in q.scale.options]))
        elif q.type == "grid":
            codes = [o.code for o in q.scale.options]
            labels = [o.label for o in q.scale.options]
            if q.id == "q45":
                cols = _q45_columns(rng, frame, q, codes)
            else:
                cols = _factor_grid(rng, frame, eligible, q, codes)
            for k, item in enumerate(q.items):
                add(head if k == 0 else "", item.label, _labels(cols[item.id], labels))
            if q.other_text:
                add("", "Other (please specify)",
                    _other_text(rng, frame, q, cols, eligible, special))
        else:
            add(head, "Open-Ended Response", _text_answers(rng, frame, q, eligible, closed, special))
    return headers, values


def professional_csv_bytes(*, seed: int = 2016, n_respondents: int = STUDY_N,
                           instrument: Instrument | None = None) -> bytearray:
    """The SurveyMonkey-style CSV (UTF-8 bytes, as a bytearray) of the sample survey: two header rows, labels as answers.

    Cells are escaped once per distinct value (the columns are built already CSV-escaped), and rows are
    joined in chunks, which keeps 100,000 respondents to seconds.
    """
    headers, values = generate_columns(seed, n_respondents, instrument)
    out = bytearray((",".join(csv_escape(h) for h, _ in headers) + "\n").encode("utf-8"))
    out += (",".join(csv_escape(s) for _, s in headers) + "\n").encode("utf-8")
    chunk = 5000
    for lo in range(0, n_respondents, chunk):
        hi = min(n_respondents, lo + chunk)
        rows = zip(*[col[lo:hi] for col in values])
        out += ("\n".join(map(",".join, rows)) + "\n").encode("utf-8")
    return out  # a bytearray: no second copy of benchmark-sized files


def professional_csv(*, seed: int = 2016, n_respondents: int = STUDY_N, instrument: Instrument | None = None) -> str:
    """The sample survey CSV as text (see :func:`professional_csv_bytes`)."""
    return professional_csv_bytes(seed=seed, n_respondents=n_respondents, instrument=instrument).decode("utf-8")


def csv_escape(value: str) -> str:
    """Quote a cell as csv.writer's QUOTE_MINIMAL does (delimiter, quote or line break inside)."""
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


# --- column builders --------------------------------------------------------------------------------------

def _labels(idx: "np.ndarray", labels: Sequence[str]) -> list[str]:
    import numpy as np

    table = np.asarray([csv_escape(x) for x in labels] + [""], dtype=object)
    return table[idx].tolist()  # -1 picks the trailing "" (blank)


def _format_times(seconds: "np.ndarray") -> list[str]:
    """SurveyMonkey's US-style timestamps, built by hand so that no locale can change them."""
    import datetime as dt

    epoch = dt.datetime(1970, 1, 1)
    out = []
    for s in seconds.tolist():
        t = epoch + dt.timedelta(seconds=int(s))
        h12 = t.hour % 12 or 12
        out.append(f"{t.month:02d}/{t.day:02d}/{t.year} {h12:02d}:{t.minute:02d}:{t.second:02d} "
                   f"{'AM' if t.hour < 12 else 'PM'}")
    return out


def _weighted_choice(rng: "np.random.Generator", weights: Sequence[float], size: int) -> "np.ndarray":
    import numpy as np

    counts = apportion(weights, size)
    return rng.permutation(np.repeat(np.arange(len(weights)), counts))


def _sector_answers(rng: "np.random.Generator", frame: Frame, inst: Instrument) -> list[str]:
    import numpy as np

    out = np.empty(frame.n, dtype=object)
    for s_i, sector in enumerate(SECTORS):
        idx = rng.permutation(np.flatnonzero(frame.sector == s_i))
        out[idx] = csv_escape(inst.sector_label(sector))
        aliases = SECTOR_ALIASES[sector]
        if aliases:
            k = max(1, round(len(idx) * ALIAS_SHARE)) if len(idx) >= 4 else 0
            for j, i in enumerate(idx[:k]):
                out[i] = csv_escape(aliases[j % len(aliases)])
    return out.tolist()


def _factor_grid(rng: "np.random.Generator", frame: Frame, eligible: "np.ndarray", q: Question,
                 codes: Sequence[str]) -> dict[str, "np.ndarray"]:
    tops = Q14_TOP if q.id == "q14" else Q15_TOP
    shifts = Q14_SECTOR_SHIFT if q.id == "q14" else Q15_SECTOR_SHIFT
    # About one in eight who reach the grid skip it whole.
    grid_spec = {"default": {"y": 0.88, SKIP: 0.12}}
    answers = _assign_exact(rng, frame, eligible, grid_spec, ["y"]) == 0
    cols = {}
    for item in q.items:
        spec: dict[str, dict[str, float]] = {"default": _factor(tops[item.id])}
        for sector, shift in shifts.items():
            if item.id in shift:
                spec[sector] = _factor(min(0.95, max(0.02, tops[item.id] + shift[item.id])))
        cols[item.id] = _assign_exact(rng, frame, answers, spec, codes)
    return cols


def _q45_columns(rng: "np.random.Generator", frame: Frame, q: Question, codes: Sequence[str]
                 ) -> dict[str, "np.ndarray"]:
    import numpy as np

    raters = frame.q45_rater
    n_raters = int(raters.sum())
    cols: dict[str, "np.ndarray"] = {}
    scale = STUDY_Q45_RATERS
    for k, item in enumerate(q.items):
        if item.other:
            other_spec = {"default": {"y": Q45_OTHER_SHARE, SKIP: 1 - Q45_OTHER_SHARE}}
            eligible = _assign_exact(rng, frame, raters, other_spec, ["y"]) == 0
        else:
            skip = round(Q45_ITEM_SKIP[k % len(Q45_ITEM_SKIP)] * n_raters / scale)
            eligible = raters.copy()
            if skip:
                eligible[rng.permutation(np.flatnonzero(raters))[:skip]] = False
        spec = {sector: _effect(*pair) for sector, pair in Q45[item.id].items()}
        cols[item.id] = _assign_exact(rng, frame, eligible, spec, codes)
    return cols


def _bank_answers(rng: "np.random.Generator", mask: "np.ndarray", bank: Sequence[str], *, share: float) -> list[str]:
    import numpy as np

    out = np.full(len(mask), "", dtype=object)
    idx = rng.permutation(np.flatnonzero(mask))
    idx = idx[: round(len(idx) * share)]
    if len(idx):
        picks = np.resize(rng.permutation(len(bank)), len(idx))
        out[idx] = np.asarray([csv_escape(b) for b in bank], dtype=object)[picks]
    return out.tolist()


def _role_answers(rng: "np.random.Generator", frame: Frame) -> list[str]:
    import numpy as np

    from surveykit.sample import texts

    out = np.full(frame.n, "", dtype=object)
    for s_i, sector in enumerate(SECTORS):
        idx = rng.permutation(np.flatnonzero(frame.sector == s_i))
        idx = idx[: round(len(idx) * 0.97)]
        bank = texts.ROLES[sector]
        if len(idx):
            picks = np.resize(rng.permutation(len(bank)), len(idx))
            out[idx] = [csv_escape(texts.vary_case(rng, bank[p], 0.12)) for p in picks]
    return out.tolist()


def _answerers(rng: "np.random.Generator", frame: Frame, column: str, eligible: "np.ndarray",
               closed: Mapping[str, tuple["np.ndarray", list[str]]]) -> "np.ndarray":
    """Indexes (in a seeded order) of the respondents who answer a free-text column."""
    import numpy as np

    share, cond_q, cond_codes = TEXT_SHARE[column]
    mask = eligible.copy()
    if cond_q is not None:
        idx, codes = closed[cond_q]
        ok = np.isin(idx, [codes.index(c) for c in cond_codes])
        mask &= ok
    spec = {"default": {"y": share, SKIP: 1 - share}}
    chosen = _assign_exact(rng, frame, mask, spec, ["y"]) == 0
    return rng.permutation(np.flatnonzero(chosen))


def _text_answers(rng: "np.random.Generator", frame: Frame, q: Question, eligible: "np.ndarray",
                  closed: Mapping[str, tuple["np.ndarray", list[str]]],
                  special: Mapping[str, Sequence[str]]) -> list[str]:
    from surveykit.sample import texts

    who = _answerers(rng, frame, q.id, eligible, closed)
    if q.id == "q7":
        answers = texts.q7_answers(rng, len(who))
        # A few answers open in the respondent's professional voice.
        sectors = frame.sector[who].tolist()
        voice = rng.random(len(who)) < 0.12
        for j in range(len(who)):
            openers = texts.SECTOR_OPENERS.get(SECTORS[sectors[j]])
            text = answers[j]
            if (voice[j] and openers and text[:1].isupper() and len(text.split()) > 5
                    and not text.startswith(texts.Q7_OPENERS + texts.Q7_UNCODED)):
                opener = openers[int(rng.integers(len(openers)))]
                answers[j] = opener + " " + (text if opener.endswith((":", ".")) else texts.lower_first(text))
    elif q.id in BANK_FOLLOWS:
        # The explanation agrees with the closed answer it explains (yes / no / don't know or blank).
        idx, codes = closed[BANK_FOLLOWS[q.id]]
        given = [codes[i] if i >= 0 else "DK" for i in idx[who].tolist()]
        answers = [""] * len(who)
        for variant in ("1", "0", "DK"):
            spots = [j for j, g in enumerate(given) if g == variant]
            for j, text in zip(spots, texts.bank_answers(rng, q.id, len(spots), variant)):
                answers[j] = text
    else:
        answers = texts.bank_answers(rng, q.id, len(who))
    return _place(frame.n, who, answers, special.get(q.id, ()))


def _other_text(rng: "np.random.Generator", frame: Frame, q: Question, cols: Mapping[str, "np.ndarray"],
                eligible: "np.ndarray", special: Mapping[str, Sequence[str]]) -> list[str]:
    import numpy as np

    from surveykit.sample import texts

    column = q.other_text
    if q.id == "q45":
        rated_other = cols["q45_other"] >= 0
        # Most who rate their own measure describe it; a few raters describe one without rating it.
        extra = frame.q45_rater & ~rated_other
        spec = {"default": {"y": 0.04, SKIP: 0.96}}
        more = _assign_exact(rng, frame, extra, spec, ["y"]) == 0
        keep = _assign_exact(rng, frame, rated_other, {"default": {"y": 0.9, SKIP: 0.1}}, ["y"]) == 0
        who = rng.permutation(np.flatnonzero(keep | more))
    else:
        in_grid = np.zeros(frame.n, dtype=bool)
        for arr in cols.values():
            in_grid |= arr >= 0
        share = TEXT_SHARE[column][0]
        chosen = _assign_exact(rng, frame, in_grid, {"default": {"y": share, SKIP: 1 - share}}, ["y"]) == 0
        who = rng.permutation(np.flatnonzero(chosen))
    answers = texts.bank_answers(rng, column, len(who))
    return _place(frame.n, who, answers, special.get(column, ()))


def _place(n: int, who: "np.ndarray", answers: Sequence[str], special: Sequence[str]) -> list[str]:
    """Answers for the chosen respondents; the first few get the special (test-case) answers."""
    out = [""] * n
    answers = list(answers)
    for k, text in enumerate(special):
        if k < len(answers):
            answers[k] = text
    escaped: dict[str, str] = {}
    for i, text in zip(who.tolist(), answers):
        cell = escaped.get(text)
        if cell is None:
            cell = escaped[text] = csv_escape(text)
        out[i] = cell
    return out
