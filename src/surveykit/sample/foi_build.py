"""Building the synthetic FOI returns: integer allocation under the published constraints, each
wave's numbers, and the messiness real returns have. Used by ``surveykit.sample.foi``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Sequence

from surveykit.sample.foi_targets import (BANDED, BANDS, CAP16, EPISODES16, FIXED16, LATER, NATIONALITY16,
                                          NOT_HELD_TEXTS, REFUSED_TEXTS, REGIONS, STILL16, SUPPRESSED_TEXTS, T16, U16,
                                          ZERO_TEXTS)


@dataclass
class _Authority:
    index: int
    nation: str
    region: str
    values: dict = field(default_factory=dict)  # (wave, cohort, measure) -> int | str (a status text)

    @property
    def id(self) -> str:
        return f"A{self.index:03d}"

    @property
    def name(self) -> str:
        return f"Authority {self.index:03d}"


# -- integer allocation -----------------------------------------------------------------------

def spread(rng: random.Random, total: int, lows: Sequence[int], highs: Sequence[int | None],
           weights: Sequence[float] | None = None) -> list[int]:
    """Integers between lows and highs summing to total, units placed at random by weight."""
    n = len(lows)
    vals = list(lows)
    rest = total - sum(lows)
    if rest < 0 or any(h is not None and h < lo for lo, h in zip(lows, highs)) or \
            (all(h is not None for h in highs) and sum(h for h in highs) < total):  # type: ignore[misc]
        raise ValueError("infeasible allocation")
    w = list(weights) if weights is not None else [rng.random() ** 2 + 0.05 for _ in range(n)]
    open_ = [i for i in range(n) if highs[i] is None or vals[i] < highs[i]]
    while rest > 0:
        # place a block of units at once for big totals, one at a time near the end
        step = max(1, rest // (4 * max(1, len(open_))))
        i = rng.choices(open_, weights=[w[j] for j in open_])[0]
        room = rest if highs[i] is None else min(rest, highs[i] - vals[i])  # type: ignore[operator]
        add = min(step, room)
        vals[i] += add
        rest -= add
        if highs[i] is not None and vals[i] >= highs[i]:  # type: ignore[operator]
            open_.remove(i)
    return vals


def proportional(total: int, weights: Sequence[float], caps: Sequence[int | None] | None = None,
                 lows: Sequence[int] | None = None) -> list[int]:
    """Largest-remainder allocation of total in proportion to weights, within lows and caps."""
    n = len(weights)
    lows = list(lows) if lows is not None else [0] * n
    caps = list(caps) if caps is not None else [None] * n
    vals = list(lows)
    fixed = [False] * n
    rest = total - sum(vals)
    while rest > 0:
        free = [i for i in range(n) if not fixed[i] and (caps[i] is None or vals[i] < caps[i])]
        if not free:
            raise ValueError("infeasible allocation")
        wsum = sum(weights[i] for i in free) or float(len(free))
        share = {i: rest * (weights[i] / wsum if wsum else 1 / len(free)) for i in free}
        given = 0
        for i in free:
            room = None if caps[i] is None else caps[i] - vals[i]
            add = int(share[i])
            if room is not None and add >= room:
                add = room
                fixed[i] = True
            vals[i] += add
            given += add
        rest -= given
        if given == 0:
            order = sorted(free, key=lambda i: (-(share[i] - int(share[i])), i))
            for i in order[:rest]:
                if caps[i] is None or vals[i] < caps[i]:
                    vals[i] += 1
                    rest -= 1
            if all(caps[i] is not None and vals[i] >= caps[i] for i in free) and rest > 0:
                raise ValueError("infeasible allocation")
    return vals


# -- building the returns -----------------------------------------------------------------------

def authorities(rng: random.Random) -> list[_Authority]:
    slots = [(nation, region) for nation, region, n in REGIONS for _ in range(n)]
    rng.shuffle(slots)
    return [_Authority(i + 1, nation, region) for i, (nation, region) in enumerate(slots)]


def _by_region(auths: list[_Authority]) -> dict[str, list[_Authority]]:
    out: dict[str, list[_Authority]] = {}
    for a in auths:
        out.setdefault(a.region, []).append(a)
    return out


def build_2016(rng: random.Random, auths: list[_Authority]) -> set[int]:
    """Build the 2016 wave; returns the indices of the authorities of Figures 6-7."""
    regions = _by_region(auths)
    fixed: dict[str, list[tuple[_Authority, dict]]] = {}
    taken: set[int] = set()
    for region, spec in FIXED16:
        a = next(x for x in regions[region] if x.index not in taken and x.index % 7 != 0)
        taken.add(a.index)
        fixed.setdefault(region, []).append((a, spec))
    np_trafficked: dict[str, list[_Authority]] = {}
    for cohort, table in (("trafficked", T16), ("unaccompanied", U16)):
        cap_care, cap_gone = CAP16[cohort]
        for region, (care, nonzero, ones, gone, k, n_np) in table.items():
            members = regions[region]
            fixed_here = [(a, spec[cohort]) for a, spec in fixed.get(region, []) if cohort in spec]
            fixed_ids = {a.index for a, _ in fixed_here}
            pool = [a for a in members if a.index not in fixed_ids]
            if cohort == "unaccompanied":  # authorities that refused one cohort mostly refused both
                prior = [a for a in np_trafficked[region] if a.index not in fixed_ids]
                rng.shuffle(prior)
                not_provided = (prior + [a for a in rng.sample(pool, len(pool)) if a not in prior])[:n_np]
            else:
                not_provided = rng.sample(pool, n_np)
                np_trafficked[region] = not_provided
            for a in not_provided:
                a.values[("2016", cohort, "in_care")] = None
            provided = [a for a in pool if a not in not_provided]
            for _attempt in range(200):
                chosen = rng.sample(provided, nonzero - len(fixed_here))
                singles = chosen[:ones]
                rest = chosen[ones:]
                left = care - sum(v for _, (v, _) in fixed_here) - ones
                try:
                    sizes = spread(rng, left, [2] * len(rest), [cap_care] * len(rest))
                except ValueError:
                    continue
                in_care = {a.index: 1 for a in singles}
                in_care.update({a.index: v for a, v in zip(rest, sizes)})
                in_care.update({a.index: v for a, (v, _) in fixed_here})
                # who went missing: fixed ones, plus authorities drawn at random (not by size: the
                # study found no link between size and the share missing)
                cands = [a for a in chosen]
                need = k - len(fixed_here)
                if need > len(cands):
                    continue
                goers = rng.sample(cands, need)
                left_gone = gone - sum(g for _, (_, g) in fixed_here)
                try:
                    counts = spread(rng, left_gone, [1] * len(goers),
                                    [min(in_care[a.index], cap_gone) for a in goers],
                                    [in_care[a.index] * rng.uniform(0.2, 1.0) for a in goers])
                except ValueError:
                    continue
                break
            else:  # pragma: no cover - the tables above are feasible
                raise RuntimeError(f"cannot calibrate {cohort} in {region}")
            went = {a.index: 0 for a in provided}
            went.update({a.index: c for a, c in zip(goers, counts)})
            went.update({a.index: g for a, (_, g) in fixed_here})
            for a in provided + [x for x, _ in fixed_here]:
                a.values[("2016", cohort, "in_care")] = in_care.get(a.index, 0)
                a.values[("2016", cohort, "went_missing")] = went.get(a.index, 0)
    _episodes_2016(rng, auths)
    _durations(rng, auths, "2016", share_reporting=0.6)
    _still_2016(rng, auths)
    _separated(rng, auths, "2016", provided=38, in_care=95, nonzero_share=0.45, gone=14)
    return taken


def _subset_with_sum(rng: random.Random, items: list[tuple[_Authority, int]], target: int) -> list[_Authority]:
    """Some of the (authority, count) items whose counts add up to target (a random exact subset)."""
    order = list(items)
    rng.shuffle(order)
    reach: dict[int, list[int]] = {0: []}
    for i, (_, v) in enumerate(order):
        for s, path in list(reach.items()):
            if s + v <= target and s + v not in reach:
                reach[s + v] = path + [i]
    if target not in reach:
        raise RuntimeError("no subset with the target sum")
    return [order[i][0] for i in reach[target]]


def _episodes_2016(rng: random.Random, auths: list[_Authority]) -> None:
    for cohort, (episodes, children) in EPISODES16.items():
        gone = [(a, a.values.get(("2016", cohort, "went_missing"))) for a in auths]
        with_missing = [(a, g) for a, g in gone if g]
        basis = _subset_with_sum(rng, with_missing, children)
        ids = {a.index for a in basis}
        lows = [a.values[("2016", cohort, "went_missing")] for a in basis]
        odd = None
        if cohort == "trafficked":  # one return with fewer episodes than children (validate finds it)
            odd = next(i for i, v in enumerate(lows) if 3 <= v <= 6)
            lows[odd] -= 1
        counts = spread(rng, episodes, lows, [None] * len(basis), [v * rng.uniform(0.5, 2.0) for v in lows])
        if odd is not None:  # keep the odd one below its children: move its extra episodes elsewhere
            extra = counts[odd] - lows[odd]
            counts[odd] = lows[odd]
            counts[(odd + 1) % len(counts)] += extra
        for a, c in zip(basis, counts):
            a.values[("2016", cohort, "episodes")] = c
        for a, g in gone:
            if g and a.index not in ids:
                a.values[("2016", cohort, "episodes")] = rng.choice(NOT_HELD_TEXTS[:4] + REFUSED_TEXTS[:1])
            elif g == 0:
                a.values[("2016", cohort, "episodes")] = rng.choice((0, 0, "", "n/a"))


def _durations(rng: random.Random, auths: list[_Authority], wave: str, *, share_reporting: float,
               over: float = 0.335) -> None:
    for cohort in BANDED:
        reporters = [a for a in auths if isinstance(a.values.get((wave, cohort, "episodes")), int)
                     and a.values[(wave, cohort, "episodes")] > 0]
        reporters = sorted(rng.sample(reporters, round(share_reporting * len(reporters))), key=lambda a: a.index)
        for a in reporters:
            e = a.values[(wave, cohort, "episodes")]
            long_ = round(e * min(max(rng.gauss(over, 0.08), 0.05), 0.8))
            short = round((e - long_) * min(max(rng.gauss(0.6, 0.1), 0.2), 0.9))
            for band, v in zip(BANDS, (short, e - long_ - short, long_)):
                a.values[(wave, cohort, f"duration_{band}")] = v


def _still_2016(rng: random.Random, auths: list[_Authority]) -> None:
    total, n_auth, largest = STILL16

    def gone(a: _Authority, c: str) -> int:
        v = a.values.get(("2016", c, "went_missing"))
        return v if isinstance(v, int) else 0

    big = max(auths, key=lambda a: gone(a, "unaccompanied"))
    welsh = [a for a in auths if a.region == "Wales" and gone(a, "unaccompanied")][:1]
    scots = [a for a in auths if a.region == "Scotland" and gone(a, "unaccompanied")][:1]
    cands = [a for a in auths if (gone(a, "trafficked") or gone(a, "unaccompanied"))
             and a not in [big] + welsh + scots and a.region not in ("Wales", "Scotland")]
    for _attempt in range(500):
        # the zeros are the authorities that lost fewest children; the others share the rest
        others = sorted(rng.sample(cands, n_auth - 3),
                        key=lambda a: (gone(a, "trafficked") + gone(a, "unaccompanied"), a.index))
        zeros, payers = others[:6], others[6:]
        # one return says more are still missing than went missing (children lost before the period)
        odds = [a for a in payers if gone(a, "unaccompanied")]
        if not odds:
            continue
        odd = min(odds, key=lambda a: (gone(a, "unaccompanied"), a.index))
        left = total - largest - 1 - 1 - (gone(odd, "unaccompanied") + 1)
        rest = [a for a in payers if a is not odd]
        caps = [min(gone(a, "trafficked") + gone(a, "unaccompanied"), 40) for a in rest]
        try:
            counts = spread(rng, left, [0] * len(rest), caps, [c + 0.5 for c in caps])
        except ValueError:
            continue
        break
    else:  # pragma: no cover - some draw always fits
        raise RuntimeError("cannot place the children still missing")
    big_split = (8, largest - 8)
    for a in auths:
        for c in ("trafficked", "unaccompanied"):
            if a.values.get(("2016", c, "in_care")) is not None:
                a.values[("2016", c, "still_missing")] = rng.choice(NOT_HELD_TEXTS + ("",) * 4)
    for a in zeros:
        for c in ("trafficked", "unaccompanied"):
            a.values[("2016", c, "still_missing")] = 0
    for c, v in zip(("trafficked", "unaccompanied"), big_split):
        big.values[("2016", c, "still_missing")] = v
    for a in welsh + scots:
        a.values[("2016", "unaccompanied", "still_missing")] = 1
        a.values[("2016", "trafficked", "still_missing")] = 0
    odd.values[("2016", "unaccompanied", "still_missing")] = gone(odd, "unaccompanied") + 1
    odd.values[("2016", "trafficked", "still_missing")] = 0
    for a, n in zip(rest, counts):
        t = min(gone(a, "trafficked"), round(n * gone(a, "trafficked") / max(1, gone(a, "trafficked")
                                                                           + gone(a, "unaccompanied"))))
        u = n - t
        if u > gone(a, "unaccompanied"):
            t, u = n - gone(a, "unaccompanied"), gone(a, "unaccompanied")
        a.values[("2016", "trafficked", "still_missing")] = t
        a.values[("2016", "unaccompanied", "still_missing")] = u


def _separated(rng: random.Random, auths: list[_Authority], wave: str, *, provided: int, in_care: int,
               nonzero_share: float, gone: int) -> None:
    """Few authorities record separated children apart: most answer not held; still missing is never held."""
    chosen = sorted(rng.sample(auths, provided), key=lambda a: a.index)
    nonzero = chosen[: max(1, round(nonzero_share * provided))]
    sizes = spread(rng, in_care, [1] * len(nonzero), [12] * len(nonzero))
    goers = nonzero[: max(1, len(nonzero) // 2)]
    gone_counts = spread(rng, gone, [0] * len(goers), [sizes[i] for i in range(len(goers))])
    for a in auths:
        a.values[(wave, "separated", "in_care")] = rng.choice(NOT_HELD_TEXTS + ("",) * 3)
        a.values[(wave, "separated", "went_missing")] = ""
        a.values[(wave, "separated", "episodes")] = ""
        a.values[(wave, "separated", "still_missing")] = rng.choice(("Not held", "", ""))
    for a in chosen:
        a.values[(wave, "separated", "in_care")] = 0
        a.values[(wave, "separated", "went_missing")] = 0
        a.values[(wave, "separated", "episodes")] = rng.choice(("Not held", ""))
    for a, v in zip(nonzero, sizes):
        a.values[(wave, "separated", "in_care")] = v
    for a, v in zip(goers, gone_counts):
        a.values[(wave, "separated", "went_missing")] = v


def build_later(rng: random.Random, auths: list[_Authority], wave: str, previous: str) -> None:
    for cohort, (n_provided, care, share_any, gone, per_child, still_share) in LATER[wave].items():
        if cohort == "separated":
            _separated(rng, auths, wave, provided=n_provided, in_care=care, nonzero_share=share_any, gone=gone)
            continue
        before = {a.index: a.values.get((previous, cohort, "in_care")) for a in auths}
        weights = [4.0 if isinstance(before[a.index], int) else 1.0 for a in auths]
        provided: list[_Authority] = []
        pool = list(auths)
        while len(provided) < n_provided:
            a = rng.choices(pool, weights=[weights[x.index - 1] for x in pool])[0]
            pool.remove(a)
            provided.append(a)
        provided.sort(key=lambda a: a.index)
        for a in pool:
            a.values[(wave, cohort, "in_care")] = None
        # size: last wave's number (or a small one) with noise; the smallest become zeros
        size = {a.index: (before[a.index] if isinstance(before[a.index], int) else rng.choice((0, 0, 1, 2)))
                * rng.uniform(0.6, 1.6) + rng.uniform(0, 3) for a in provided}
        ranked = sorted(provided, key=lambda a: -size[a.index])
        nonzero = ranked[: round(share_any * len(provided))]
        counts = proportional(care, [size[a.index] for a in nonzero], lows=[1] * len(nonzero))
        in_care = {a.index: 0 for a in provided}
        in_care.update({a.index: c for a, c in zip(nonzero, counts)})
        # went missing: a random share per authority, scaled to the total
        goers = rng.sample(nonzero, max(1, round(0.55 * len(nonzero))))
        wts = [in_care[a.index] * rng.uniform(0.2, 1.4) for a in goers]
        caps = [in_care[a.index] for a in goers]
        went = {a.index: 0 for a in provided}
        went.update({a.index: c for a, c in zip(goers, proportional(gone, wts, caps))})
        for a in provided:
            a.values[(wave, cohort, "in_care")] = in_care[a.index]
            a.values[(wave, cohort, "went_missing")] = went[a.index]
        # episodes: about four in five of the authorities with missing children can say
        with_missing = [a for a in provided if went[a.index]]
        basis = sorted(rng.sample(with_missing, round(0.8 * len(with_missing))), key=lambda a: a.index)
        children = sum(went[a.index] for a in basis)
        lows = [went[a.index] for a in basis]
        eps = proportional(round(per_child * children), [v * rng.uniform(0.5, 1.5) for v in lows], lows=lows)
        for a, e in zip(basis, eps):
            a.values[(wave, cohort, "episodes")] = e
        for a in with_missing:
            if a not in basis:
                a.values[(wave, cohort, "episodes")] = rng.choice(NOT_HELD_TEXTS[:3] + REFUSED_TEXTS[:1])
        for a in provided:
            if not went[a.index]:
                a.values[(wave, cohort, "episodes")] = rng.choice((0, "", "n/a"))
        # still missing: about a third of the authorities with missing children report it
        reporters = sorted(rng.sample(with_missing, round(len(with_missing) / 3)), key=lambda a: a.index)
        for a in provided:
            a.values[(wave, cohort, "still_missing")] = rng.choice(NOT_HELD_TEXTS + ("",) * 4)
        for a in reporters:
            g = went[a.index]
            a.values[(wave, cohort, "still_missing")] = min(g, round(g * rng.uniform(0.5, 1.5) * still_share))
    _durations(rng, auths, wave, share_reporting=0.5, over=0.3)


# -- messiness and layout -----------------------------------------------------------------------

def render(rng: random.Random, value: Any, *, measure: str, fixed: bool) -> Any:
    """The cell as an authority might write it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value == 0:
        return rng.choice(ZERO_TEXTS)
    if not fixed and measure in ("in_care", "went_missing") and value >= 8 and rng.random() < 0.05:
        return rng.choice((f"approx. {value}", f"c.{value}", f"{value}+", f"approximately {value}"))
    return value


def _not_provided_text(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.55:
        return rng.choice(REFUSED_TEXTS)
    if r < 0.85:
        return rng.choice(NOT_HELD_TEXTS)
    if r < 0.93:
        return rng.choice(SUPPRESSED_TEXTS)
    return ""


def mess(rng: random.Random, auths: list[_Authority], wave: str) -> None:
    """Replace the 'no number' markers by what authorities write, and add a few odd answers."""
    for a in auths:
        for cohort in ("trafficked", "unaccompanied"):
            if a.values.get((wave, cohort, "in_care"), 0) is None:
                text = _not_provided_text(rng)
                a.values[(wave, cohort, "in_care")] = text
                for m in ("went_missing", "episodes", "still_missing"):
                    a.values[(wave, cohort, m)] = text if rng.random() < 0.7 else ""
            elif a.values.get((wave, cohort, "in_care")) == 0:
                for m in ("went_missing", "episodes", "still_missing"):
                    if rng.random() < 0.25:
                        a.values[(wave, cohort, m)] = rng.choice(("n/a", "", "N/A"))


def odd_answers(rng: random.Random, auths: list[_Authority]) -> None:
    """A few returns a research team would have to query (validate lists them)."""
    # a range and a suppressed count in the duration bands: those returns leave the band basis
    banded = [a for a in auths if isinstance(a.values.get(("2016", "unaccompanied", "duration_over_7_days")), int)]
    a = banded[len(banded) // 2]
    v = a.values[("2016", "unaccompanied", "duration_over_7_days")]
    a.values[("2016", "unaccompanied", "duration_over_7_days")] = f"{max(v - 1, 0)}-{v + 2}"
    b = banded[len(banded) // 3]
    if 1 <= b.values[("2016", "unaccompanied", "duration_under_24h")] < 5:
        b.values[("2016", "unaccompanied", "duration_under_24h")] = "<5"
    # 2018: a return counting a child twice (more went missing than were in care)
    small = [x for x in auths if isinstance(x.values.get(("2018", "trafficked", "in_care")), int)
             and 1 <= x.values[("2018", "trafficked", "in_care")] <= 3
             and x.values.get(("2018", "trafficked", "went_missing"), 0) >= 1]
    other = max((x for x in auths if isinstance(x.values.get(("2018", "trafficked", "went_missing")), int)),
                key=lambda x: (x.values[("2018", "trafficked", "went_missing")], -x.index))
    if small:
        extra = small[0].values[("2018", "trafficked", "in_care")] + 1 - small[0].values[("2018", "trafficked",
                                                                                          "went_missing")]
        small[0].values[("2018", "trafficked", "went_missing")] += extra
        other.values[("2018", "trafficked", "went_missing")] -= extra
    # 2020: duration bands adding up to more episodes than reported
    bands20 = [x for x in auths if isinstance(x.values.get(("2020", "trafficked", "duration_over_7_days")), int)
               and x.values[("2020", "trafficked", "episodes")] >= 6]
    if bands20:
        bands20[0].values[("2020", "trafficked", "duration_over_7_days")] += 2


def nationality_2016(rng: random.Random, auths: list[_Authority]) -> list[tuple]:
    """Spread Figures 12-13 over the authorities with the most children missing (within what each lost)."""
    rows = []
    spellings = {"male": ("Male", "Male", "M", "male"), "female": ("Female", "Female", "F", "female")}
    unknown = ("No further information given", "Not known", "Unknown", "No further information given")
    for cohort, (n_auth, table) in NATIONALITY16.items():
        ranked = sorted((a for a in auths if isinstance(a.values.get(("2016", cohort, "went_missing")), int)),
                        key=lambda a: (-a.values[("2016", cohort, "went_missing")], a.index))[:n_auth]
        room = {a.index: a.values[("2016", cohort, "went_missing")] for a in ranked}
        cells: dict[tuple[int, str, str], int] = {}
        units = [(nat, g) for nat, m, f in table for g, k in (("male", m), ("female", f)) for _ in range(k)]
        rng.shuffle(units)
        for nat, g in units:
            open_ = [a for a in ranked if room[a.index] > 0]
            a = rng.choices(open_, weights=[room[x.index] for x in open_])[0]
            room[a.index] -= 1
            cells[(a.index, nat, g)] = cells.get((a.index, nat, g), 0) + 1
        for (idx, nat, g), n in sorted(cells.items()):
            shown = rng.choice(unknown) if nat.startswith("No further") else nat
            rows.append(("2016", f"A{idx:03d}", cohort, shown, rng.choice(spellings[g]), n))
    return rows
