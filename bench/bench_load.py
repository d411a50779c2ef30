"""Loading 100,000 respondents: `surveykit validate` against `pandas.read_csv` of the same file.

Issue 14.2: within 1.5x of ``pandas.read_csv`` (a fresh ``python -c`` that imports pandas and reads
the file with its defaults) in time and in peak memory. Both are real processes, run alternately
(comparator, command, comparator, command ...) so that a busy machine slows both alike; the ratio of
the medians is the result. Peak memory is each command's max RSS, taken through ``_child.py`` (a small
launcher, so that this process's own size does not leak into it). CPU seconds (user +
system) are recorded beside the wall times: on a shared machine they move less than wall time.

Whether pyarrow is installed changes the comparator: pandas (3.x) then reads text into Arrow-backed
strings, several times faster than into Python objects (surveykit's parse does not change: it needs
the exact text of every cell). The detail names the pandas and pyarrow versions.

The sample generator writes plain ASCII with LF line ends. Exports from the platforms seldom are: answers
carry curly apostrophes and dashes, Excel and Windows write CRLF, and LimeSurvey and Qualtrics' legacy
exports start with a UTF-8 byte-order mark; Excel's "CSV" on Windows is Windows-1252. Each run therefore
also measures the same file rewritten those ways (``realistic``: every apostrophe a U+2019, every spaced
hyphen an en dash, CRLF line ends, a byte-order mark; then the same text in Windows-1252), against
``pandas.read_csv`` of that file (told the encoding, for Windows-1252: pandas reads UTF-8 unless told,
where surveykit detects it).
The generator also draws its free-text answers from a small bank of sentences, so that each open-ended
column holds a few hundred different answers; people's answers are each their own. One more file
(``FREE_TEXT``) makes every non-blank open-ended answer of the export different (a case number after
it), which is what reading a real export's free text costs.
``BENCH_LOAD_PYTHON=/path/to/python`` measures the same file again under another interpreter (e.g. a
virtual environment of the default install, without pyarrow), recorded as its own rows.

Where pyarrow is installed, one more row is recorded beside the target, not judged by it: the same
file against ``pandas.read_csv`` told to read what surveykit must read, every cell's exact text
(``COMPARATOR_EXACT``). It shows how much of the gap comes from the comparator's choice of types.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RESPONDENTS = 100_000
RUNS = 3
TARGET = 1.5
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import free_text, load_average, timed, write_sample  # noqa: E402
REALISTIC = "UTF-8 with BOM, CRLF, typographic punctuation"
WINDOWS = "Windows-1252, CRLF, typographic punctuation"
FREE_TEXT = "every free-text answer its own"
COMPARATOR = "import sys, pandas as pd; pd.read_csv(sys.argv[1])"
# pandas reads UTF-8 unless told: a pandas user with a Windows-1252 file names its encoding.
COMPARATOR_CP1252 = "import sys, pandas as pd; pd.read_csv(sys.argv[1], encoding='cp1252')"
# What surveykit must read, where pyarrow is installed: every cell's exact text (the header row as a
# record, no cell read as missing) in Arrow strings. Recorded beside the target, not judged by it.
COMPARATOR_EXACT = ("import sys, pandas as pd, pyarrow as pa; pd.read_csv(sys.argv[1], header=None, "
                    "dtype=pd.ArrowDtype(pa.large_string()), na_filter=False, keep_default_na=False)")


def environment(python: str) -> str:
    """The pandas and pyarrow versions an interpreter imports."""
    probe = ("import pandas\ntry:\n import pyarrow; a = 'pyarrow ' + pyarrow.__version__\n"
             "except ImportError:\n a = 'no pyarrow'\nprint('pandas', pandas.__version__ + ',', a)")
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def run() -> list[dict]:
    pythons = [("", sys.executable)]
    if os.environ.get("BENCH_LOAD_PYTHON"):
        pythons.append(("second interpreter", os.environ["BENCH_LOAD_PYTHON"]))
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        export = write_sample(tmp, RESPONDENTS)
        platform_like = realistic(export, Path(tmp) / "professional_survey_utf8_bom_crlf.csv")
        excel_like = Path(tmp) / "professional_survey_cp1252.csv"
        excel_like.write_bytes(platform_like.read_bytes()[3:].decode("utf-8").encode("cp1252"))
        written = free_text(export, Path(tmp) / "professional_survey_free_text.csv")
        for label, python in pythons:
            results += _measure(export, python, f" ({label})" if label else "")
            if "no pyarrow" not in environment(python):
                results += _exact_text(export, python, f" ({label})" if label else "")
            results += _measure(platform_like, python, f" ({label + '; ' if label else ''}{REALISTIC})")
            results += _measure(excel_like, python, f" ({label + '; ' if label else ''}{WINDOWS})",
                                comparator=COMPARATOR_CP1252)
            results += _measure(written, python, f" ({label + '; ' if label else ''}{FREE_TEXT})")
    return results


def _exact_text(export: Path, python: str, label: str) -> list[dict]:
    """``validate`` against ``pandas.read_csv`` told to read every cell's exact text (``COMPARATOR_EXACT``),
    alternated as in ``_measure``: a row recorded beside the target, to show how much of the gap is the
    comparator's choice of types."""
    ours, theirs = [], []
    for _ in range(RUNS):
        theirs.append(timed([python, "-c", COMPARATOR_EXACT, str(export)]))
        ours.append(timed([python, "-m", "surveykit", "validate", str(export)]))
    wall_o, wall_t = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
    ok_run = {r[3] for r in ours} == {0} and {r[3] for r in theirs} == {0}
    return [{"name": f"validate 100k respondents{label}: time ratio to pandas.read_csv of every cell's exact text",
             "value": f"{wall_o / wall_t:.2f}", "unit": "x", "target": f"<= {TARGET}x (judged on the row above)",
             "ok": ok_run, "met": "recorded beside the target" if ok_run else "NO (a command failed)",
             "detail": f"{environment(python)}; comparator: read_csv(header=None, dtype=ArrowDtype(large_string()), "
                       f"na_filter=False); median of {RUNS} alternated runs: validate {wall_o:.2f} s, "
                       f"pandas.read_csv {wall_t:.2f} s; {load_average()}"}]


def realistic(export: Path, out: Path) -> Path:
    """``export`` as a platform would write it: typographic apostrophes and dashes (so not ASCII), CRLF
    line ends, a UTF-8 byte-order mark. Closed answers such as "Don\u2019t know" still match their
    options (labels are matched with their quotes folded), so the command finds the same problems."""
    data = export.read_bytes().replace(b"'", "\u2019".encode()).replace(b" - ", " \u2013 ".encode())
    out.write_bytes(b"\xef\xbb\xbf" + data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return out


def _measure(export: Path, python: str, label: str, *, comparator: str = COMPARATOR) -> list[dict]:
    size = export.stat().st_size
    env = environment(python)
    before = load_average()
    ours, theirs = [], []
    for _ in range(RUNS):
        theirs.append(timed([python, "-c", comparator, str(export)]))
        ours.append(timed([python, "-m", "surveykit", "validate", str(export)]))
    after = load_average()
    codes = {r[3] for r in ours}
    wall_o, wall_t = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
    cpu_o, cpu_t = statistics.median(r[1] for r in ours), statistics.median(r[1] for r in theirs)
    mem_o, mem_t = max(r[2] for r in ours), max(r[2] for r in theirs)
    ok_run = codes == {0}
    told = "pandas.read_csv with encoding='cp1252'; " if comparator == COMPARATOR_CP1252 else ""
    detail = (f"{RESPONDENTS:,} respondents ({size / 1e6:.0f} MB, the sample generator); {told}{env}; median of {RUNS} "
              f"alternated runs: validate {wall_o:.2f} s wall / {cpu_o:.2f} s CPU, pandas.read_csv {wall_t:.2f} s / "
              f"{cpu_t:.2f} s (CPU ratio {cpu_o / cpu_t:.2f}x); exit {sorted(codes)}; {before} before, {after} after")
    return [
        {"name": f"validate 100k respondents{label}: time ratio to pandas.read_csv", "value": f"{wall_o / wall_t:.2f}",
         "unit": "x", "target": f"<= {TARGET}x", "ok": ok_run and wall_o / wall_t <= TARGET, "detail": detail},
        {"name": f"validate 100k respondents{label}: peak memory ratio to pandas.read_csv",
         "value": f"{mem_o / mem_t:.2f}", "unit": "x", "target": f"<= {TARGET}x", "ok": ok_run and mem_o / mem_t <= TARGET,
         "detail": f"{env}; max RSS: validate {mem_o:.0f} MiB, pandas.read_csv {mem_t:.0f} MiB"},
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
