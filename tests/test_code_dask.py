"""`surveykit code INPUT... --engine dask` on a 2-worker LocalCluster gives the single-machine output.

Three CSV files of generated answers are coded by the Dask engine (one partition per file, coded
with map_partitions on two worker processes) and, concatenated into one file, by the default engine;
stdout and the summary line must be byte-identical, and with --out DIR the part files, put end to
end, must be the default engine's --out file. `make test` installs the `dask` extra, so these run
there; without Dask installed they skip (and the one-line error for a missing Dask is tested). The
first test starts its own cluster (no address, as a user without a cluster runs it); the others pass
``--scheduler`` the address of one cluster the module starts, as a user with a running cluster does.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_GOLD = ROOT / "responses" / "gold" / "q7_dev.csv"
CODEBOOK = str(ROOT / "codebooks" / "missing_reasons.yaml")


def _write(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["respondent_id", "answer", "sector"])
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """(three part files, the same rows in one file)."""
    with DEV_GOLD.open(newline="", encoding="utf-8") as fh:
        texts = [r["text"] for r in csv.DictReader(fh) if r["text"].strip()]
    rng = random.Random(11)
    folder = tmp_path_factory.mktemp("dask")
    parts, everything = [], []
    for f in range(3):
        rows = []
        for i in range(250):
            text = "" if i % 19 == 0 else " ".join(rng.choice(texts) for _ in range(rng.randint(1, 3)))
            if i % 41 == 3:
                text = text.replace(" ", "\n", 1)  # a quoted line break inside an answer
            rid = f"=F{f}-{i}" if i == 7 else f"F{f}-{i:03d}"
            rows.append([rid, text, rng.choice(["police", "health", "social_care", ""])])
        parts.append(_write(folder / f"authority_{f}.csv", rows))
        everything += rows
    return parts, _write(folder / "all.csv", everything)


@pytest.fixture(scope="module")
def scheduler():
    """The address of one 2-worker LocalCluster shared by the tests below that pass ``--scheduler`` (the
    path of a user with a running cluster): its workers start and import once, not once per test.
    ``test_dask_rows_equal_the_default_engine`` still starts a cluster of its own (no address)."""
    pytest.importorskip("distributed")
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster:
        yield cluster.scheduler_address


def _cli(*args, cwd):
    from conftest import run_cli

    return run_cli("code", *map(str, args), cwd=cwd)


COMMON = ("--text-column", "answer", "--sector-column", "sector", "--codebook", CODEBOOK)


# (Before the tests of the shared cluster: hiding the distributed module must not happen under a running one.)
def test_missing_dask_is_one_line_naming_the_extra(files, tmp_path, monkeypatch):
    parts, _ = files
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    res = _cli(*parts, *COMMON, "--engine", "dask", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip() == "surveykit: error: --engine dask needs Dask, which is not installed: " \
                                 "pip install 'surveykit[dask]'"


def test_default_engine_refuses_scheduler(files, tmp_path):
    parts, _ = files
    res = _cli(parts[0], *COMMON, "--scheduler", "tcp://127.0.0.1:8786", cwd=tmp_path)
    assert res.returncode == 2 and "--engine dask" in res.stderr


def test_dask_rows_equal_the_default_engine(files, tmp_path):
    pytest.importorskip("distributed")
    parts, whole = files
    local = _cli(whole, *COMMON, "--format", "csv", cwd=tmp_path)
    dask = _cli(str(parts[0].parent / "authority_*.csv"), *COMMON, "--format", "csv", "--engine", "dask",
                "--workers", "2", cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout
    assert dask.stderr == local.stderr
    assert local.stdout.count("\n") > 700


def test_dask_out_folder_and_table_equal_the_default_engine(files, scheduler, tmp_path):
    parts, whole = files
    local = _cli(whole, *COMMON, "--out", tmp_path / "local.csv", cwd=tmp_path)
    dask = _cli(*parts, *COMMON, "--engine", "dask", "--scheduler", scheduler, "--out", tmp_path / "coded",
                cwd=tmp_path)
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout  # the text table of every row, same widths
    # The summary line is the same; the 'wrote' line names the folder and its files.
    assert dask.stderr.splitlines()[1:] == local.stderr.splitlines()[1:]
    assert "3 part file(s)" in dask.stderr.splitlines()[0]
    out = tmp_path / "coded"
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["frequency.csv", "part-00000.csv", "part-00001.csv", "part-00002.csv"]
    pieces = [(out / n).read_text(encoding="utf-8") for n in names[1:]]
    joined = pieces[0] + "".join(p.split("\n", 1)[1] for p in pieces[1:])
    assert joined == (tmp_path / "local.csv").read_text(encoding="utf-8")
    freq = _cli(whole, *COMMON, "--view", "frequency", "--format", "csv", cwd=tmp_path)
    assert (out / "frequency.csv").read_text(encoding="utf-8") == freq.stdout


def test_dask_reads_parquet_like_csv(files, scheduler, tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    parts, whole = files
    for p in parts:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False)
        frame.to_parquet(tmp_path / (p.stem + ".parquet"), index=False)
    local = _cli(whole, *COMMON, "--view", "sectors", "--format", "json", cwd=tmp_path)
    dask = _cli(tmp_path / "*.parquet", *COMMON, "--view", "sectors", "--format", "json", "--engine", "dask",
                "--scheduler", scheduler, cwd=tmp_path)
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout and dask.stderr == local.stderr


def test_dask_repeated_id_across_files_is_one_line_and_writes_nothing(files, scheduler, tmp_path):
    parts, _ = files
    copy = _write(tmp_path / "again.csv", [["F0-010", "no one listens", "police"]])
    res = _cli(*parts, copy, *COMMON, "--engine", "dask", "--scheduler", scheduler, "--out", tmp_path / "coded",
               cwd=tmp_path)
    assert res.returncode == 2  # InputError, as the default engine gives for a repeated id
    assert res.stderr.strip().count("\n") == 0
    assert "appears on more than one row" in res.stderr and "again.csv" in res.stderr and "no one" not in res.stderr
    assert not (tmp_path / "coded").exists()
    assert res.stdout == ""
