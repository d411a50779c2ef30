"""Agreement between coders: Krippendorff's alpha, Cohen's kappa, the coded-file readers, ``agree``."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from surveykit.coding.agreement import agreement, flag, krippendorff_alpha_nominal
from surveykit.io.coded import read_coded

N = None
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x 12
# units, nominal data with missing values; the paper gives alpha = 0.743.
KRIPP_NOMINAL = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Same paper, section A: 2 observers x 10 units, binary data; the paper gives alpha = 0.095.
KRIPP_BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


def test_alpha_published_nominal_example_with_missing_data():
    assert krippendorff_alpha_nominal(KRIPP_NOMINAL) == pytest.approx(0.743, abs=5e-4)


def test_alpha_published_binary_example():
    assert krippendorff_alpha_nominal(KRIPP_BINARY) == pytest.approx(0.095, abs=5e-4)


def test_alpha_edge_cases():
    assert krippendorff_alpha_nominal([[1, 2, 3], [1, 2, 3]]) == 1.0
    assert math.isnan(krippendorff_alpha_nominal([[1, 1], [1, 1]]))  # no variation: undefined
    assert math.isnan(krippendorff_alpha_nominal([[1, N], [N, 2]]))  # nothing pairable
    assert [flag(a) for a in (0.81, 0.8, 0.7, 0.667, 0.5, float("nan"))] == [
        "reliable", "reliable", "tentative", "tentative", "unreliable", "undefined"]


def _long(rows, coder):
    return pd.DataFrame([(r, "q7", c, coder) for r, c in rows],
                        columns=["respondent_id", "question_id", "code_id", "coder"], dtype=object)


def test_three_coders_with_missing_units_library():
    # Coder C did not see u3 (missing), which must not count as "no code".
    a = _long([("u1", "x"), ("u2", None), ("u3", "x"), ("u4", "y")], "a")
    b = _long([("u1", "x"), ("u2", "x"), ("u3", "x"), ("u4", None)], "b")
    c = _long([("u1", "x"), ("u2", None), ("u4", "y")], "c")
    res = agreement([a, b, c], ["a", "b", "c"], suppress=False)  # hand-computed figures: all shown
    x = res.per_code.set_index("code_id").loc["x"]
    # By hand for code x: units u1..u4 values a=(1,0,1,0) b=(1,1,1,0) c=(1,0,-,0)
    assert krippendorff_alpha_nominal([[1, 0, 1, 0], [1, 1, 1, 0], [1, 0, N, 0]]) == pytest.approx(x["alpha"])
    # percent agreement: u1 3/3 pairs, u2 1/3, u3 1/1, u4 3/3 -> mean
    assert x["percent_agreement"] == pytest.approx((1 + 1 / 3 + 1 + 1) / 4)
    assert math.isnan(x["kappa"])  # kappa is for two coders only
    assert res.overall["exact_set_match"] == pytest.approx(2 / 4)  # u1 and u3 match exactly
    assert set(res.disagreements["code_id"]) == {"x", "y"}


def test_cli_binary_published_example(cli, tmp_path):
    """The 2-coder binary example (Krippendorff 2011) as two coded files -> alpha 0.095."""
    for name, values in zip("ab", KRIPP_BINARY):
        rows = [(f"u{i}", "x" if v else None) for i, v in enumerate(values)]
        _long(rows, name).to_csv(tmp_path / f"{name}.csv", index=False)
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv", "--format", "json", "--no-suppress")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    row = next(x for x in out["rows"] if x["code_id"] == "x")
    assert row["alpha"] == pytest.approx(0.095, abs=5e-4)
    assert row["kappa"] == pytest.approx(cohen_kappa_score(*KRIPP_BINARY))
    assert row["flag"] == "unreliable"


GWUSEC = ["Q8", "Q5", "N2"]


def _wide_sets(path, *, uncoded="missing"):
    """Independent reading of a gwusec wide file: {ResponseId: set of codes}, respondents only.

    uncoded="missing": an answer the coder gave no code is not coded by that coder (left out);
    "none": it is in, with the empty set ("no code applies")."""
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    code_cols = [c for c in d.columns if c.startswith("Code ")]
    sets: dict[str, set] = {}
    for _, row in d.iterrows():
        codes = {row[c].strip() for c in code_cols if row[c].strip()}
        if not row.iloc[1].strip() and not codes:
            continue
        sets.setdefault(row["ResponseId"], set()).update(codes)
    if uncoded == "missing":
        sets = {u: s for u, s in sets.items() if s}
    return sets


@pytest.fixture(scope="module")
def gwusec_results(tmp_path_factory):
    from conftest import EXTERNAL, run_cli

    if not EXTERNAL.is_dir():
        pytest.skip("../shared/fixtures/external is not present")
    out = {}
    tmp = tmp_path_factory.mktemp("agree")
    for q in GWUSEC:
        a = EXTERNAL / "coded_datasets" / f"gwusec_proctoring_coded_{q}_primary.csv"
        b = EXTERNAL / "coded_datasets" / f"gwusec_proctoring_coded_{q}_secondary.csv"
        for uncoded in ("missing", "none"):
            dis = tmp / f"{q}_{uncoded}_dis.csv"
            args = ("--uncoded", uncoded) if uncoded == "none" else ()  # missing is the default
            r = run_cli("agree", a, b, "--format", "json", "--disagreements", dis, "--no-suppress", *args)
            assert r.returncode == 0, r.stderr
            out[q, uncoded] = (a, b, json.loads(r.stdout), pd.read_csv(dis, dtype=str, keep_default_na=False),
                               r.stderr)
    return out


@pytest.mark.parametrize("uncoded", ["missing", "none"])
@pytest.mark.parametrize("q", GWUSEC)
def test_gwusec_double_coded_per_code(gwusec_results, q, uncoded):
    a, b, out, dis, stderr = gwusec_results[q, uncoded]
    sa, sb = _wide_sets(a, uncoded=uncoded), _wide_sets(b, uncoded=uncoded)
    units = sorted(set(sa) & set(sb))
    codes = sorted(set().union(*sa.values(), *sb.values()))
    rows = {r["code_id"]: r for r in out["rows"]}
    assert set(rows) == set(codes) | {"ALL", "MEAN"}
    # The output says how many answers each coder coded and how many both did.
    assert out["overall"]["answers_per_coder"] == {"primary": len(sa), "secondary": len(sb)}
    assert f"answers coded: primary {len(sa)}, secondary {len(sb)}; coded by both: {len(units)}" in stderr
    for code in codes:
        ya = np.array([code in sa[u] for u in units], dtype=int)
        yb = np.array([code in sb[u] for u in units], dtype=int)
        row = rows[code]
        assert row["units"] == len(units)
        assert row["percent_agreement"] == pytest.approx((ya == yb).mean())
        if len(set(ya) | set(yb)) > 1:
            assert row["kappa"] == pytest.approx(cohen_kappa_score(ya, yb), abs=1e-9)
            # Two coders, no missing values: alpha = 1 - (2n-1) * d / (n0 * n1) (n0, n1: counts of
            # 0s and 1s among the 2n values, d: disagreeing units).
            n0, n1 = int((ya == 0).sum() + (yb == 0).sum()), int(ya.sum() + yb.sum())
            d = int((ya != yb).sum())
            assert row["alpha"] == pytest.approx(1 - (2 * len(units) - 1) * d / (n0 * n1))
        assert row["flag"] == (flag(row["alpha"]) if len(units) >= 10 else "too_few")
    # Overall: exact-set match and the disagreements file, recomputed directly.
    exact = np.mean([sa[u] == sb[u] for u in units])
    assert rows["ALL"]["exact_set_match"] == pytest.approx(exact)
    assert out["overall"]["exact_set_match"] == pytest.approx(exact)
    expected_dis = {(u, c) for u in units for c in (sa[u] ^ sb[u])}
    assert set(zip(dis["respondent_id"], dis["code_id"])) == expected_dis
    assert (dis["decision"] == "").all()


def test_gwusec_q8_known_counts(gwusec_results):
    # Read from the files: Q8 has 26 answers, both coders saw all of them.
    a, b, out, dis, _ = gwusec_results["Q8", "missing"]
    assert out["overall"]["units"] == 26
    assert len(dis) == sum(len(x) for x in (_wide_sets(a)[u] ^ _wide_sets(b)[u] for u in _wide_sets(a)))


def test_wide_reader_non_respondents_and_uncoded(external):
    p = external / "coded_datasets" / "gwusec_proctoring_coded_N2_secondary.csv"
    d = pd.read_csv(p, dtype=str, keep_default_na=False)
    answered = d[d.iloc[:, 1].str.strip() != ""]
    coded_rows = answered[[c for c in d.columns if c.startswith("Code ")]].apply(
        lambda s: s.str.strip() != "").any(axis=1)
    none = read_coded(p, uncoded="none")
    assert none.layout == "wide"
    assert none.frame["respondent_id"].nunique() == answered["ResponseId"].nunique()
    assert none.frame["code_id"].isna().sum() == int((~coded_rows).sum())
    missing = read_coded(p)  # the default: a wide row with no code was not coded
    assert missing.frame["respondent_id"].nunique() == int(coded_rows.sum())
    assert missing.frame["code_id"].notna().all()


def test_reliability_sample_is_missing_by_default(gwusec_results):
    """Q5: the secondary coder coded 24 of 125 answers; the other 101 are missing, not 'no code'."""
    a, b, out, _, stderr = gwusec_results["Q5", "missing"]
    d = pd.read_csv(b, dtype=str, keep_default_na=False)
    coded = d[[c for c in d.columns if c.startswith("Code ")]].apply(lambda s: s.str.strip() != "").any(axis=1)
    assert out["overall"]["units"] == int(coded.sum()) == 24
    # 125 rows, one respondent on two rows (pooled): 124 answers
    assert out["overall"]["answers_per_coder"] == {"primary": len(_wide_sets(a)), "secondary": 24}
    # Counting the 101 uncoded answers as "no code applies" gives a different (wrong) picture.
    _, _, none, _, _ = gwusec_results["Q5", "none"]
    assert none["overall"]["units"] == len(_wide_sets(a)) and none["overall"]["pooled_alpha"] != out["overall"]["pooled_alpha"]


def test_n2_too_few_shared_answers_never_reliable(gwusec_results):
    _, _, out, _, _ = gwusec_results["N2", "missing"]
    assert out["overall"]["units"] == 5
    assert {r["flag"] for r in out["rows"]} == {"too_few"}


def test_cli_three_files_table(cli, tmp_path):
    _long([("u1", "x"), ("u2", None)], "ann").to_csv(tmp_path / "a.csv", index=False)
    _long([("u1", "x"), ("u2", "x")], "bob").to_csv(tmp_path / "b.csv", index=False)
    _long([("u1", None), ("u2", None)], "cat").to_csv(tmp_path / "c.csv", index=False)
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv")
    assert r.returncode == 0, r.stderr
    assert "prevalence_ann" in r.stdout and "Pooled decisions (ALL): alpha" in r.stdout and "MEAN" in r.stdout


def test_cli_bad_input(cli, tmp_path):
    cb = tmp_path / "cb.yaml"
    cb.write_text("id: t\ntitle: T\nversion: '1'\nthemes: [{id: th, label: Th}]\n"
                  "codes: [{id: x, label: X, theme: th}]\n")
    _long([("u1", "x")], "a").to_csv(tmp_path / "a.csv", index=False)
    _long([("u1", "zzz_unknown")], "b").to_csv(tmp_path / "b.csv", index=False)
    dis = tmp_path / "dis.csv"
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv", "--codebook", cb, "--disagreements", dis)
    assert r.returncode == 2
    assert "zzz_unknown" in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not dis.exists()
    r = cli("agree", tmp_path / "a.csv")
    assert r.returncode == 2 and "at least two" in r.stderr
    (tmp_path / "junk.csv").write_text("foo,bar\n1,2\n")
    r = cli("agree", tmp_path / "a.csv", tmp_path / "junk.csv")
    assert r.returncode == 2 and "not a coded file" in r.stderr


def test_cli_unknown_respondents_against_survey(cli, tmp_path):
    from conftest import SAMPLE_SURVEY

    if not SAMPLE_SURVEY.exists():
        pytest.skip("sample survey not generated")
    real = pd.read_csv(SAMPLE_SURVEY, dtype=str, keep_default_na=False).iloc[1:, 0].tolist()[:3]
    _long([(r, "x") for r in real], "a").to_csv(tmp_path / "a.csv", index=False)
    _long([(r, "x") for r in real] + [("GHOST_ID", "x")], "b").to_csv(tmp_path / "b.csv", index=False)
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv", "--survey", SAMPLE_SURVEY)
    # GHOST_ID is not id-like (capitals could be a name): counted and located, not quoted
    assert r.returncode == 2 and "1 id(s) not in the survey" in r.stderr and "(row 5)" in r.stderr
    _long([(r, "x") for r in real], "b").to_csv(tmp_path / "b.csv", index=False)
    r = cli("agree", tmp_path / "a.csv", tmp_path / "b.csv", "--survey", SAMPLE_SURVEY, "--format", "csv")
    assert r.returncode == 0, r.stderr


def test_reader_ignores_extra_columns_and_unaccepted_suggestions(tmp_path):
    # The shape of 'surveykit code --out' with --suggest: evidence columns, and model rows with
    # accepted=False that are for review, not codes.
    p = tmp_path / "code_out.csv"
    p.write_text("respondent_id,question_id,code_id,start,end,matched,coder,probability,accepted\n"
                 "1,q7,isolation,3,9,lonely,rules,,True\n"
                 "1,q7,debt_bondage,,,,model,0.61,False\n"
                 "2,q7,debt_bondage,,,,model,0.55,False\n"
                 "3,q7,,,,,rules,,\n")
    f = read_coded(p).frame
    assert list(f.columns) == ["respondent_id", "question_id", "code_id", "coder"]
    assert [(r, c) for r, c in zip(f.respondent_id, f.code_id)] == [("1", "isolation"), ("2", None), ("3", None)]


# -- against an independent implementation: the `krippendorff` package (PyPI, Castro 2017) --------

def _random_coding(seed, n_units=60, coders=("a", "b", "c"), codes=("x", "y", "z"), p_missing=0.25):
    rng = np.random.default_rng(seed)
    frames, truth = [], rng.random((n_units, len(codes))) < 0.3
    for name in coders:
        rows = []
        for u in range(n_units):
            if rng.random() < p_missing:
                continue  # this coder did not code the answer: missing
            given = truth[u] ^ (rng.random(len(codes)) < 0.15)  # coders disagree now and then
            rows += [(f"u{u}", c) for c, g in zip(codes, given) if g] or [(f"u{u}", None)]
        frames.append(_long(rows, name))
    return frames


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_per_code_pooled_and_mean_match_krippendorff_package(seed):
    krippendorff = pytest.importorskip("krippendorff")
    frames = _random_coding(seed)
    coders, codes = ["a", "b", "c"], ["x", "y", "z"]
    res = agreement(frames, coders, codes=codes, suppress=False)  # checked against the krippendorff package
    table = res.per_code.set_index("code_id")
    units = sorted({r for f in frames for r in f.respondent_id}, key=lambda u: int(u[1:]))

    def matrix(code):
        # reliability_data[coder][unit]: 1/0 when coded, NaN when the coder did not code the unit
        out = np.full((len(frames), len(units)), np.nan)
        for i, f in enumerate(frames):
            for j, u in enumerate(units):
                got = f[f.respondent_id == u]
                if len(got):
                    out[i, j] = float(code in set(got.code_id.dropna()))
        return out

    per_code = []
    for code in codes:
        ref = krippendorff.alpha(reliability_data=matrix(code), level_of_measurement="nominal")
        assert table.loc[code, "alpha"] == pytest.approx(ref, abs=1e-12)
        per_code.append(ref)
    pooled = np.hstack([matrix(c) for c in codes])  # every (answer, code) pair is one unit
    assert table.loc["ALL", "alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal"), abs=1e-12)
    assert table.loc["MEAN", "alpha"] == pytest.approx(np.mean(per_code), abs=1e-12)
    assert res.overall["pooled_alpha"] == table.loc["ALL", "alpha"]
    assert res.overall["mean_alpha"] == table.loc["MEAN", "alpha"]
    assert "pooled decisions" in table.loc["ALL", "measure"] and "mean of per-code alpha" in table.loc["MEAN", "measure"]


def test_published_nominal_example_matches_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    data = np.array([[np.nan if v is None else v for v in row] for row in KRIPP_NOMINAL], dtype=float)
    assert krippendorff_alpha_nominal(KRIPP_NOMINAL) == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-12)


def test_reliable_only_with_ten_shared_answers():
    # Perfect agreement on 9 shared answers is not enough to call a code reliable; on 10 it is.
    for n, expected in ((9, "too_few"), (10, "reliable")):
        rows = [(f"u{i}", "x" if i % 2 else None) for i in range(n)]
        res = agreement([_long(rows, "a"), _long(rows + [("extra", "x")], "b")], ["a", "b"], suppress=False)
        table = res.per_code.set_index("code_id")
        assert table.loc["x", "alpha"] == 1.0 and table.loc["x", "units"] == n
        assert table.loc["x", "flag"] == expected and table.loc["ALL", "flag"] == expected
        assert res.overall["answers_per_coder"] == {"a": n, "b": n + 1}
    assert flag(0.9, shared=25, min_shared=30) == "too_few"


def test_long_file_explicit_no_code_rows_are_decisions(tmp_path):
    p = tmp_path / "a.csv"
    _long([("u1", "x"), ("u2", None)], "ann").to_csv(p, index=False)
    assert list(read_coded(p).frame.respondent_id) == ["u1", "u2"]  # u2: coded, no code applies
    assert list(read_coded(p, uncoded="missing-all").frame.respondent_id) == ["u1"]
    with pytest.raises(Exception, match="--uncoded"):
        read_coded(p, uncoded="maybe")


def test_cli_refuses_same_file_twice_and_identical_copies(cli, tmp_path):
    a = tmp_path / "a.csv"
    _long([("u1", "x"), ("u2", None)], "ann").to_csv(a, index=False)
    (tmp_path / "copy.csv").write_bytes(a.read_bytes())
    dis = tmp_path / "dis.csv"
    for args in ((a, a), (a, tmp_path / "." / "a.csv"), (a, tmp_path / "copy.csv")):
        r = cli("agree", *args, "--disagreements", dis)
        assert r.returncode == 2, r.stdout
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
        assert ("same file" in r.stderr) or ("byte-identical" in r.stderr)
        assert not dis.exists() and r.stdout == ""


def test_cli_help_defines_the_summary_rows(cli):
    r = cli("agree", "--help")
    text = " ".join(r.stdout.split())
    assert r.returncode == 0
    assert "pooled decisions" in text and "mean of the per-code alphas" in text and "Example:" in text
    assert "missing" in text and "--min-shared" in text
