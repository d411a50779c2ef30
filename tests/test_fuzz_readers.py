"""Fuzzing the readers: damaged exports give one SurveykitError, never another exception, never a hang.

A seeded mutator damages the sample export and the real exports in ../shared/fixtures/external
(byte flips, insertions of awkward bytes, cuts, splices, and for workbooks damage inside the zip's
XML parts, re-zipped so that the damage reaches the XML parsers). Every mutant goes through the path
``surveykit validate`` takes (``load_responses``: sniff, detect, read, map, prepare); every tenth also
through the CLI in-process, which must exit 0, 1 or 2 with no traceback.

``make test`` runs a smoke subset of FUZZ_CASES (default 80) cases; ``make fuzz`` runs 3,000 (FUZZ_CASES=3000,
``pytest -m fuzz``). The
seed is FUZZ_SEED (default 13); a failure prints the seed, case number and mutation so it can be
replayed: FUZZ_SEED=13 FUZZ_ONLY=1234 pytest tests/test_fuzz_readers.py.
"""

from __future__ import annotations

import io
import os
import random
import signal
import time
import zipfile
from pathlib import Path

import pytest

from conftest import EXTERNAL, SAMPLE_SURVEY

CASES = int(os.environ.get("FUZZ_CASES", "80"))
SEED = int(os.environ.get("FUZZ_SEED", "13"))
ONLY = os.environ.get("FUZZ_ONLY")
LOG = os.environ.get("FUZZ_LOG")  # a file to append each case's label to before it runs (to find a crash)
CASE_LIMIT_S = 10.0
SEED_ROWS = 40  # the sample export is cut to its header and first rows: mutants stay quick to read

AWKWARD = [b"\x00", b"\xff", b"\xfe", b"\xe9", b"\xc3", b"\xef\xbb\xbf", b"\xff\xfe", b"\r", b"\n", b"\r\n", b'"',
           b'""', b",", b";", b"\t", b"=", b"\x1a", b"\x85", b"\xe2\x80\xa8", b"\\", b"<", b">", b"&", b"]]>",
           b"<!ENTITY", b"$FL2", b"PK\x03\x04", b"-99", b"NaN", b"1e309", b"\xf0\x9f\x98\x80", b"{'ImportId':",
           b'{"ImportId":"QID1"}', b"Respondent ID", b"Response", b"lfdn;dispcode"]


def _sample_seed() -> bytes:
    lines = SAMPLE_SURVEY.read_bytes().split(b"\n")
    return b"\n".join(lines[: 2 + SEED_ROWS]) + b"\n"


def mutated_csv_exports(folder: Path):
    """(case, path, mutation) for the damaged copies of the sample's first rows that the differential
    tests of the fast readers compare (a quarter of FUZZ_CASES, at least 60; seeded by FUZZ_SEED)."""
    seed = _sample_seed()
    rng = random.Random(SEED)
    for case in range(max(60, CASES // 4)):
        mutant, how = mutate(random.Random(rng.getrandbits(64)), "professional_survey.csv", seed, [seed])
        path = folder / f"case{case}.csv"
        path.write_bytes(mutant)
        yield case, path, how


def _seeds() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every seed: the sample (CSV, XLSX, SAV, Qualtrics) and the external exports."""
    seeds = [("professional_survey.csv", _sample_seed())]
    from surveykit.pipeline import load_responses
    from surveykit.sample.platforms import qualtrics_csv_text

    import tempfile

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "professional_survey.csv"
        src.write_bytes(_sample_seed())
        responses = load_responses(src)
        seeds.append(("qualtrics_export.csv", qualtrics_csv_text(responses).encode("utf-8")))
        from surveykit.io.sav_writer import write_responses_sav

        sav = write_responses_sav(responses, Path(d) / "survey.sav")
        seeds.append(("survey.sav", sav.read_bytes()))
        import openpyxl

        book = openpyxl.Workbook()
        import csv

        for row in csv.reader(io.StringIO(_sample_seed().decode("utf-8"))):
            book.active.append(row)
        buf = io.BytesIO()
        book.save(buf)
        seeds.append(("survey.xlsx", buf.getvalue()))
    if EXTERNAL.is_dir():
        for p in sorted(EXTERNAL.rglob("*")):
            if p.suffix.lower() in (".csv", ".tsv", ".xlsx", ".sav") and p.stat().st_size < 400_000:
                seeds.append((p.name, p.read_bytes()))
    return seeds


# -- mutations ------------------------------------------------------------------------------------

def _flip(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(AWKWARD) * rng.choice([1, 1, 2, 50]) + data[at:]


def _delete(rng: random.Random, data: bytes) -> bytes:
    if len(data) < 2:
        return data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice([1, 2, 10, 100, 1000]))
    return data[:a] + data[b:]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _duplicate(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, 500))
    return data[:b] + data[a:b] * rng.choice([1, 2, 20]) + data[b:]


def _swap_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    if len(lines) > 2:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    if rng.random() < 0.3 and len(lines) > 1:
        del lines[rng.randrange(min(3, len(lines)))]  # lose a header row
    return b"\n".join(lines)


def _splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    a = rng.randrange(len(data) + 1)
    b = rng.randrange(len(other) + 1)
    return data[:a] + other[b:]


BYTE_MUTATIONS = (_flip, _insert, _delete, _truncate, _duplicate, _swap_lines)


def _zip_member(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Damage one member of a zip package (an XML part) and zip it again with valid checksums."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        infos = src.infolist()
    except zipfile.BadZipFile:
        return _flip(rng, data), "flip(bad zip)"
    victim = rng.choice(infos)
    out = io.BytesIO()
    how = "zip:" + victim.filename
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            payload = src.read(info.filename)
            if info.filename == victim.filename:
                mutate = rng.choice(BYTE_MUTATIONS)
                payload = mutate(rng, payload)
                how += f":{mutate.__name__}"
                if rng.random() < 0.1:
                    continue  # the part goes missing altogether
            dst.writestr(info.filename, payload)
    return out.getvalue(), how


def mutate(rng: random.Random, name: str, data: bytes, others: list[bytes]) -> tuple[bytes, str]:
    if name.endswith(".xlsx") and rng.random() < 0.7:
        return _zip_member(rng, data)
    steps = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.08:
            data = _splice(rng, data, rng.choice(others))
            steps.append("splice")
        else:
            m = rng.choice(BYTE_MUTATIONS)
            data = m(rng, data)
            steps.append(m.__name__)
    return data, "+".join(steps)


# -- running a case -------------------------------------------------------------------------------

class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise _Timeout()


def _run_library(path: Path) -> str:
    from surveykit.errors import SurveykitError
    from surveykit.pipeline import load_responses

    try:
        responses = load_responses(path)
        [issue.as_dict() for issue in responses.issues]
    except SurveykitError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip(), "an error message must be one line"
        return "refused"
    return "read"


def _run_cli(path: Path) -> str:
    from typer.testing import CliRunner

    from surveykit.cli import app

    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, ["validate", str(path)])
    # A Python warning would be printed on the user's stderr beside (or instead of) the one error line.
    shown = [f"{w.category.__name__}: {str(w.message)[:80]}" for w in caught
             if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]
    assert not shown, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.exit_code
    stderr = result.stderr if hasattr(result, "stderr") else ""
    assert "Traceback" not in (result.output + stderr)
    return f"exit {result.exit_code}"


def _where(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "surveykit" in f.filename] or frames
    f = ours[-1]
    return f"{Path(f.filename).name}:{f.lineno} ({f.name})"


@pytest.mark.fuzz
def test_mutated_exports_fail_cleanly(tmp_path):
    seeds = _seeds()
    others = [d for _, d in seeds]
    rng = random.Random(SEED)
    slow: list[str] = []
    failures: list[str] = []
    outcomes: dict[str, int] = {}
    use_alarm = hasattr(signal, "SIGALRM")
    previous = signal.signal(signal.SIGALRM, _alarm) if use_alarm else None
    try:
        for case in range(CASES):
            name, data = seeds[rng.randrange(len(seeds))]
            case_rng = random.Random(rng.getrandbits(64))
            mutant, how = mutate(case_rng, name, data, others)
            if ONLY is not None and str(case) != ONLY:
                continue
            path = tmp_path / f"case{case}_{name}"
            path.write_bytes(mutant)
            label = f"seed {SEED} case {case}: {name} {how}"
            if LOG:
                with open(LOG, "a") as log:
                    log.write(label + "\n")
            start = time.perf_counter()
            if use_alarm:
                signal.alarm(int(CASE_LIMIT_S) + 5)
            outcome = "failed"
            try:
                outcome = _run_cli(path) if case % 10 == 0 else _run_library(path)
            except _Timeout:
                failures.append(f"{label}: still running after {CASE_LIMIT_S + 5:.0f} s")
            except AssertionError as exc:
                failures.append(f"{label}: {exc}")
            except Exception as exc:  # noqa: BLE001 - this is what the test looks for
                failures.append(f"{label}: uncaught {type(exc).__name__} at {_where(exc)}")
            finally:
                if use_alarm:
                    signal.alarm(0)
            elapsed = time.perf_counter() - start
            if elapsed > CASE_LIMIT_S:
                slow.append(f"{label}: {elapsed:.1f} s")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            path.unlink()
    finally:
        if use_alarm:
            signal.signal(signal.SIGALRM, previous)
    assert not failures, f"{len(failures)} of {CASES} mutants crashed:\n" + "\n".join(failures[:15])
    assert not slow, slow
    # The mutants must not all be refused at the door: some are read, some refused.
    if ONLY is None:
        assert outcomes.get("read", 0) + sum(v for k, v in outcomes.items() if k in ("exit 0", "exit 1")) > 0, outcomes
        assert outcomes.get("refused", 0) + outcomes.get("exit 2", 0) > 0, outcomes
