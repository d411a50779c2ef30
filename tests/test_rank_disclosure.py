"""What the youth ranking outputs give away about the numbers of groups they hide.

``protect_scores`` hides a measure's number of groups calling it effective where it, or the rest of the
groups, is 1 to 4. Cochran's Q is computed from those numbers, so beside the numbers that are shown it
can give a hidden one back. The attack below is written here, apart from surveykit: the attacker takes
the published table's shown numbers and Q as printed, tries every value the hidden number could take,
and keeps those for which some whole sum of squared pile sizes (the one other unknown in Q) prints the
same Q. These tests show that the attack works on Q where it is published (``--no-suppress``), and
that by default Q is withheld while a number is hidden, in the library, the command and the report.
The Plackett-Luce worths (``rank --model plackett-luce``) are computed from each group's whole order;
a second attack, also written here, shows that those orders with the shown numbers leave one value of
the sample's hidden rights_info, and the worths are withheld likewise.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from conftest import SAMPLE_RANKINGS, run_cli

import surveykit as sk
from surveykit.ranking import load_measures, parse_rankings

HEADER = ["workshop", "group", "group_size", "measure_id", "verdict", "rank_in_verdict"]
MEASURES = list(load_measures().ids)


def _hidden(k: int, m: int) -> bool:
    return 0 < k < 5 or 0 < m - k < 5


def one_hidden_count(rng: random.Random, m: int) -> tuple[list[list[str]], str, int]:
    """Rankings of ``m`` groups in which exactly one measure's number of groups is hidden."""
    while True:
        verdicts = [[rng.random() < 0.5 for _ in MEASURES] for _ in range(m)]
        counts = [sum(v[j] for v in verdicts) for j in range(len(MEASURES))]
        hidden = [j for j, k in enumerate(counts) if _hidden(k, m)]
        if len(hidden) == 1:
            break
    rows = [HEADER]
    for g, v in enumerate(verdicts):
        piles = {"effective": [j for j in range(len(MEASURES)) if v[j]],
                 "not_effective": [j for j in range(len(MEASURES)) if not v[j]]}
        for verdict, members in piles.items():
            rng.shuffle(members)
            rows += [["1", f"G{g}", "2", MEASURES[j], verdict, str(r)] for r, j in enumerate(members, 1)]
    return rows, MEASURES[hidden[0]], counts[hidden[0]]


def values_left(shown: dict[str, object], m: int, q_text: str) -> set[int]:
    """The attacker: every value of the one hidden number that, with some sum of squared pile sizes
    (R2, a whole number of the parity of N, between N^2/m and N x measures), prints Q as published."""
    n = len(shown)
    hidden = [k for k, v in shown.items() if not isinstance(v, int)]
    assert len(hidden) == 1
    left = set()
    for c in range(m + 1):
        if not _hidden(c, m):
            continue
        counts = [c if k == hidden[0] else v for k, v in shown.items()]
        total, squares = sum(counts), sum(x * x for x in counts)
        for r2 in range(-(-total * total // m), total * n + 1):
            if r2 % 2 == total % 2 and n * total > r2 and \
                    f"{(n - 1) * (n * squares - total * total) / (n * total - r2):.2f}" == q_text:
                left.add(c)
    return left


def _published(rows: list[list[str]], tmp_path, *extra: str) -> dict:
    path = tmp_path / "rankings.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    res = run_cli("rank", path, "--format", "json", *extra)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_cochran_q_gives_a_lone_hidden_count_away_so_it_is_withheld(tmp_path):
    rng = random.Random(20261207)
    pinned = 0
    cases = 30
    for case in range(cases):
        m = (12, 15, 20)[case % 3]
        rows, measure, count = one_hidden_count(rng, m)
        # --no-suppress (internal use) publishes Q; the attacker uses the suppressed table's shown numbers
        q = _published(rows, tmp_path, "--no-suppress")["agreement"]["cochran_q"]
        doc = _published(rows, tmp_path)
        shown = {r["measure_id"]: r["n_effective"] for r in doc["rows"]}
        assert shown[measure] == "[c]" and sum(1 for v in shown.values() if v == "[c]") == 1
        left = values_left(shown, m, f"{q:.2f}")
        assert count in left
        pinned += left == {count}
        # by default Q and its p-value are not published, while W and Friedman are
        agree = doc["agreement"]
        assert agree["cochran_q"] is None and agree["cochran_p"] is None and agree["cochran_withheld"] is True
        assert agree["kendall_w"] is not None and agree["friedman_chi2"] is not None
        ranked = sk.rank(parse_rankings(rows, measures=load_measures()))
        assert ranked.agreement.cochran_withheld and ranked.agreement.as_dict()["cochran_q"] is None
        assert ranked.scores.set_index("measure_id").loc[measure, "n_effective"] == "[c]"
    # the reason for withholding: Q as printed leaves only the true value in many of these cases
    assert pinned >= cases // 4, pinned


def test_cochran_q_is_shown_when_no_count_is_hidden(tmp_path):
    from statsmodels.stats.contingency_tables import cochrans_q

    rng = random.Random(5)
    m = 12
    while True:  # every number of groups 0, 5 to 7, or 12: nothing hidden
        verdicts = [[rng.random() < 0.5 for _ in MEASURES] for _ in range(m)]
        if not any(_hidden(sum(v[j] for v in verdicts), m) for j in range(len(MEASURES))):
            break
    rows = [HEADER] + [["1", f"G{g}", "2", MEASURES[j], "effective" if v[j] else "not_effective", ""]
                       for g, v in enumerate(verdicts) for j in range(len(MEASURES))]
    doc = _published(rows, tmp_path)
    assert doc["agreement"]["cochran_withheld"] is False
    assert doc["agreement"]["cochran_q"] == pytest.approx(cochrans_q([[int(x) for x in v] for v in verdicts]).statistic)
    res = run_cli("rank", tmp_path / "rankings.csv")
    assert res.returncode == 0, res.stderr
    assert "Cochran's Q on the effective / not-effective sort: Q(13) = " in res.stdout


def test_the_samples_published_numbers_cannot_tell_three_groups_from_four():
    """tests/data/youth_ranking_same_published.csv is the sample's five groups sorted differently: an
    exact search (a mixed-integer programme over every way five groups can sort and rank the 14
    measures, solved with HiGHS) found it with 3 groups calling rights_info effective instead of 4, and
    location_secret 1 instead of 2. Every number the ranking outputs publish is the same for both files,
    even Cochran's Q as --no-suppress prints it, and so is the published comparison with the
    respondents (whose order of gaps, before it was worked out from published shares only, gave
    location_secret's 2 and photo_on_arrival's 1 away). With Q published, the same search found no file
    with 1 or 2 groups for rights_info: a hidden count can still be narrowed (README, privacy defaults)."""
    other = Path(__file__).parent / "data" / "youth_ranking_same_published.csv"
    truth, alt = sk.read_rankings(SAMPLE_RANKINGS), sk.read_rankings(other)
    unprotected = {r.measure_id: r.n_effective for r in sk.rank(truth, suppress=False).scores.itertuples()}
    moved = {r.measure_id: r.n_effective for r in sk.rank(alt, suppress=False).scores.itertuples()}
    assert (unprotected["rights_info"], moved["rights_info"]) == (4, 3)
    assert (unprotected["location_secret"], moved["location_secret"]) == (2, 1)
    for extra in ((), ("--no-suppress",)):
        a = run_cli("rank", SAMPLE_RANKINGS, "--format", "json", *extra)
        b = run_cli("rank", other, "--format", "json", *extra)
        docs = [json.loads(x.stdout) for x in (a, b)]
        for doc in docs:
            del doc["file"], doc["sha256"]
        if extra:  # internal use: the counts themselves differ, and so do the shares; nothing else
            for doc in docs:
                for row in doc["rows"]:
                    del row["n_effective"], row["pct_effective"]
        assert docs[0] == docs[1]
    from surveykit.voices import compare_voices

    pro = sk.read(sk.sample_path())
    tables = [compare_voices(r, pro, suppress=True).group_table("all") for r in (truth, alt)]
    assert tables[0].equals(tables[1])


def test_the_sample_report_withholds_q_and_orders_the_comparison_by_published_gaps(sample_report):
    """`surveykit report` on the sample: the youth section says Q is not shown, and the comparison with
    respondents lists the measures whose young people's share is hidden after every shown gap (the
    order before put photo_on_arrival, 1 group, first)."""
    md = (sample_report.folder / "report.md").read_text(encoding="utf-8")
    assert "Cochran's Q on the effective / not-effective sort: not shown" in md and "Q(13)" not in md
    with (sample_report.folder / "tables" / "youth_vs_respondents.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    hidden = [r["youth_pct_effective"] == "[c]" for r in rows]
    assert any(hidden) and hidden == sorted(hidden)  # every hidden gap after every shown one
    finding = next(line for line in md.splitlines() if "Largest differences between the two views" in line)
    assert not any(r["measure_label"].rstrip(" *") in finding for r, h in zip(rows, hidden) if h)


# -- Plackett-Luce (rank --model plackett-luce) ---------------------------------------------------

def group_orders(path: Path) -> dict[str, dict[str, float]]:
    """Each group's position of each measure, worked out here from the file: the effective pile first
    (rank 1 first), then the not-effective pile (rank 1 = worst, last); a pile's unranked measures
    share the mid-rank of the positions its ranked ones leave (at the pile's end for the effective
    pile, at its start for the other)."""
    piles: dict[str, dict[str, list[tuple[str, int | None]]]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = f"{row['workshop']}/{row['group']}"
            rank = int(row["rank_in_verdict"]) if row["rank_in_verdict"].strip() else None
            piles.setdefault(key, {"effective": [], "not_effective": []})[row["verdict"]].append(
                (row["measure_id"], rank))
    out = {}
    for key, pile in piles.items():
        pos: dict[str, float] = {}
        eff, other = pile["effective"], pile["not_effective"]
        ranked = [m for m, r in eff if r is not None]
        loose = [m for m, r in eff if r is None]
        for m, r in eff:
            if r is not None:
                pos[m] = float(r)
        for m in loose:
            pos[m] = len(ranked) + (len(loose) + 1) / 2
        e, k = len(eff), len(other)
        loose = [m for m, r in other if r is None]
        for m, r in other:
            pos[m] = float(e + k - r + 1) if r is not None else e + (len(loose) + 1) / 2
        out[key] = pos
    return out


def boundaries(pos: dict[str, float]) -> list[frozenset[str]]:
    """Every effective pile a group with these positions could have sorted: the measures above a cut
    that splits no tie, with each pile's tied (unranked) measures where they can stand (the end of the
    effective pile, the start of the other)."""
    def fits(values: list[float], at_end: bool) -> bool:
        tied = [v for v in set(values) if values.count(v) > 1]
        if not tied:
            return True
        if len(tied) > 1:
            return False
        first = values.index(tied[0])
        return first + values.count(tied[0]) == len(values) if at_end else first == 0

    out = []
    for cut in range(len(pos) + 1):
        top = sorted(v for v in pos.values() if v <= cut)
        rest = sorted(v for v in pos.values() if v > cut)
        if len(top) == cut and fits(top, True) and fits(rest, False):
            out.append(frozenset(m for m, v in pos.items() if v <= cut))
    return out


def test_each_groups_order_with_the_shown_numbers_leaves_the_samples_rights_info_one_value():
    """What the Plackett-Luce worths are computed from gives a hidden number away: knowing every
    group's order (and so every statistic of the positions), the attacker tries every way each group
    could have cut its order into its two piles, and keeps those that give every shown number as
    published and leave every hidden one hidden. For the sample, rights_info has one value left."""
    orders = group_orders(SAMPLE_RANKINGS)
    doc = json.loads(run_cli("rank", SAMPLE_RANKINGS, "--format", "json").stdout)
    shown = {r["measure_id"]: r["n_effective"] for r in doc["rows"]}
    m = len(orders)
    left: dict[str, set[int]] = {k: set() for k, v in shown.items() if not isinstance(v, int)}
    import itertools

    for piles in itertools.product(*(boundaries(pos) for pos in orders.values())):
        counts = {k: sum(k in pile for pile in piles) for k in shown}
        if all(counts[k] == v for k, v in shown.items() if k not in left) and \
                all(_hidden(counts[k], m) for k in left):
            for k, values in left.items():
                values.add(counts[k])
    truth = {r["measure_id"]: r["n_effective"]
             for r in json.loads(run_cli("rank", SAMPLE_RANKINGS, "--format", "json", "--no-suppress").stdout)["rows"]}
    assert all(truth[k] in v for k, v in left.items())  # the groups' own piles are among those tried
    assert left["rights_info"] == {4}  # the true number, and the only one left


def test_plackett_luce_is_withheld_while_a_count_is_hidden():
    """By default the worths are not shown while a number of groups is hidden: the command prints the
    same for the sample and for the file with the sample's published numbers whose rights_info is 3
    (``--no-suppress``, for internal use, shows worths that tell the two apart), and the library returns
    them withheld."""
    from surveykit.ranking import plackett_luce

    other = Path(__file__).parent / "data" / "youth_ranking_same_published.csv"
    args = ("--model", "plackett-luce", "--bootstrap", "50", "--format", "json")
    docs = {}
    for extra in ((), ("--no-suppress",)):
        pair = []
        for path in (SAMPLE_RANKINGS, other):
            res = run_cli("rank", path, *args, *extra)
            assert res.returncode == 0, res.stderr
            doc = json.loads(res.stdout)
            del doc["file"], doc["sha256"]
            pair.append(doc)
        docs[extra] = pair
    a, b = docs[()]
    assert a == b
    assert a["plackett_luce"]["withheld"] is True and "not shown" in a["plackett_luce"]["note"]
    assert all(row["pl_worth"] is None and row["pl_worth_low"] is None for row in a["rows"])
    a, b = docs[("--no-suppress",)]
    assert [r["pl_worth"] for r in a["rows"]] != [r["pl_worth"] for r in b["rows"]]
    text = run_cli("rank", SAMPLE_RANKINGS, "--model", "plackett-luce", "--bootstrap", "50").stdout
    assert "Plackett-Luce worths: not shown" in text and "pl_worth" not in text
    fitted = plackett_luce(sk.read_rankings(SAMPLE_RANKINGS), n_boot=20)
    assert fitted.withheld and fitted.table["pl_worth"].isna().all() and fitted.table["pl_rank"].isna().all()
    assert not plackett_luce(sk.read_rankings(SAMPLE_RANKINGS), n_boot=20, suppress=False).withheld


def test_plackett_luce_is_shown_when_no_count_is_hidden(tmp_path):
    """Twenty groups that all sort every measure the same way hide nothing: the worths are fitted."""
    rows = [HEADER]
    for g in range(20):
        for r, measure in enumerate(MEASURES, 1):
            verdict = "effective" if r <= 7 else "not_effective"
            rows.append(["1", f"G{g}", "2", measure, verdict, str(r if r <= 7 else 15 - r)])
    doc = _published(rows, tmp_path, "--model", "plackett-luce", "--bootstrap", "20")
    assert doc["plackett_luce"]["withheld"] is False
    assert sum(r["pl_worth"] for r in doc["rows"]) == pytest.approx(1.0, abs=1e-3)
