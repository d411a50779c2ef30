"""The synthetic youth workshops' ranking file, seeded and calibrated to the published order.

Two workshops, nine young people working in pairs (one group of one or three). Each group sorts
all 14 measures into effective / not effective from a noisy shared preference, ranks both piles
(rank 1 = best in the effective pile, 1 = worst in the other), and some groups leave the
not-effective pile unranked. Draws are repeated, with the same seeded generator, until the
aggregated combined order (``surveykit rank``) reproduces the study: the published top six and
bottom four in order, the four reconstructed ("assumed") measures between them. The same seed
always gives the same bytes.
"""

from __future__ import annotations

import csv
import io

from surveykit.errors import AnalysisError

# Ways to seat nine young people in two workshops: pairs, with one group of one or three.
LAYOUTS = (
    ((2, 2), (2, 2, 1)),
    ((2, 1), (2, 2, 2)),
    ((2, 2), (2, 3)),
    ((3, 2), (2, 2)),
)
NOISE_SD = 1.6  # spread of a group's view around the shared order, in positions
MAX_DRAWS = 20_000


def youth_ranking_csv(seed: int) -> str:
    """The rankings CSV text (``workshop, group, group_size, measure_id, verdict, rank_in_verdict``)."""
    import numpy as np

    from surveykit.ranking.measures import load_measures

    measures = load_measures()
    ids = measures.ids
    target = _target_positions(measures)
    rng = np.random.default_rng(seed)
    layout = LAYOUTS[int(rng.integers(0, len(LAYOUTS)))]
    for _ in range(MAX_DRAWS):
        groups = []
        for w, sizes in enumerate(layout, start=1):
            for letter, size in zip("ABCDEFG", sizes):
                utility = {m: -target[m] + rng.normal(0.0, NOISE_SD) for m in ids}
                n_effective = int(rng.integers(6, 11))  # groups differ in how many measures they back
                leave_unranked = bool(rng.random() < 0.4)
                groups.append((str(w), letter, size, utility, n_effective, leave_unranked))
        rows = [_group_rows(g, ids) for g in groups]
        if _calibrated(rows, measures):
            return _to_csv([r for group_rows in rows for r in group_rows])
    raise AnalysisError(f"could not draw a calibrated youth sample with seed {seed}")  # pragma: no cover


def _target_positions(measures) -> dict[str, float]:
    """The study's order: published top places, then the assumed ones, then the bottom places."""
    n = len(measures)
    out: dict[str, float] = {}
    assumed = [m.id for m in measures.measures if m.assumed]
    for m in measures.measures:
        if m.published and m.published[0] == "top":
            out[m.id] = float(m.published[1])
        elif m.published:
            out[m.id] = float(n - m.published[1] + 1)
    first_assumed = len(measures.published_top()) + 1
    for i, mid in enumerate(assumed):
        out[mid] = float(first_assumed + i)
    return out


def _group_rows(group, ids) -> list[tuple[str, str, int, str, str, str]]:
    workshop, letter, size, utility, n_effective, leave_unranked = group
    order = sorted(ids, key=lambda m: (-utility[m], m))
    effective = order[:n_effective]
    not_effective = list(reversed(order[n_effective:]))  # rank 1 = worst
    verdict = {m: "effective" for m in effective} | {m: "not_effective" for m in not_effective}
    rank = {m: str(i) for i, m in enumerate(effective, start=1)}
    rank |= {m: "" if leave_unranked else str(i) for i, m in enumerate(not_effective, start=1)}
    return [(workshop, letter, size, m, verdict[m], rank[m]) for m in ids]


def _calibrated(rows, measures) -> bool:
    from surveykit.ranking.rankings import parse_rankings
    from surveykit.ranking.scores import score_measures

    if not any(r[5] == "" for g in rows for r in g) or all(r[5] == "" for g in rows for r in g
                                                            if r[4] == "not_effective"):
        return False  # want some groups ranking their not-effective pile and some not
    table = [list(HEADER)] + [[str(c) for c in r] for g in rows for r in g]
    scores = score_measures(parse_rankings(table, measures=measures))
    if scores["rank"].duplicated().any():
        top, bottom = measures.published_top(), measures.published_bottom()
        strict = set(top) | set(bottom)
        dupes = scores[scores["rank"].duplicated(keep=False)]
        if strict & set(dupes["measure_id"]):
            return False
    got = list(scores["measure_id"])
    top, bottom = list(measures.published_top()), list(measures.published_bottom())
    if got[: len(top)] != top or list(reversed(got))[: len(bottom)] != bottom:
        return False
    return True


HEADER = ("workshop", "group", "group_size", "measure_id", "verdict", "rank_in_verdict")


def _to_csv(rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue()
