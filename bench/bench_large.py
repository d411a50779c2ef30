"""Commands other than loading, coding and reporting on a large export (issue 14: fast on the path
users take, at every size): drafting an instrument, writing SPSS, quoting a code, exporting a coded
question as a REFI-QDA project. The issue sets no target for these; the rows are recorded so that a step that
grows faster than its input (a pass over every answer per respondent took `code export` from
seconds to minutes) shows at once.

Each command runs on the sample generator's 100,000 respondents, beside its comparator in the same
run, alternated (comparator, command, ...):

* ``instrument draft`` against ``pandas.read_csv`` of the export (drafting reads it and looks at
  every column's answers), and again on the export with every free-text answer its own
  (``_measure.free_text``: the generator's answers repeat, people's do not; a check of each answer
  given once made this draft 4x slower until 2026-12-07);
* ``export-sav`` against a plain script doing the same job without labels: ``pandas.read_csv`` of the
  export and ``pyreadstat.write_sav`` of that frame;
* ``quotes`` (every q7 answer coded by the rules, in the worker pool, to pick a code's quotes) against
  ``pandas.read_csv`` of the export;
* ``code export --to qdpx`` (the coded q7 answers, redacted, with their respondents' profiles) against
  ``pandas.read_csv`` of its two inputs, the export and the coded file: a floor, not the same job
  (redacting 80,000 answers is most of the command's time).

Peak memory is each process's own (``_child.py``).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RESPONDENTS = 100_000
SURVEYKIT = [sys.executable, "-m", "surveykit"]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import free_text, load_average, timed, write_sample  # noqa: E402

READ = "import sys, pandas as pd; [pd.read_csv(p) for p in sys.argv[1:]]"
# SPSS variable names have no spaces: the plain script numbers its columns.
PLAIN_SAV = ("import sys, pandas as pd, pyreadstat; df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False); "
             "df.columns = [f'v{i}' for i in range(len(df.columns))]; pyreadstat.write_sav(df, sys.argv[2])")


def run() -> list[dict]:
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench_large_") as tmp:
        t = Path(tmp)
        export = write_sample(t, RESPONDENTS)
        coded = t / "coded.csv"
        subprocess.run([*SURVEYKIT, "code", str(export), "--question", "q7", "--out", str(coded)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        n_coded = sum(1 for _ in coded.open(encoding="utf-8")) - 1
        results += _pair("instrument draft", [*SURVEYKIT, "instrument", "draft", str(export), "--out",
                                              str(t / "draft.yaml"), "--force"],
                         "pandas.read_csv of the export", [sys.executable, "-c", READ, str(export)], runs=3)
        written = free_text(export, t / "free_text.csv")
        results += _pair("instrument draft, every free-text answer its own",
                         [*SURVEYKIT, "instrument", "draft", str(written), "--out", str(t / "draft_free.yaml"),
                          "--force"],
                         "pandas.read_csv of the export", [sys.executable, "-c", READ, str(written)], runs=3)
        results += _pair("export-sav", [*SURVEYKIT, "export-sav", str(export), "--out", str(t / "survey.sav"),
                                        "--force"],
                         "pandas.read_csv + pyreadstat.write_sav (no labels)",
                         [sys.executable, "-c", PLAIN_SAV, str(export), str(t / "plain.sav")], runs=3)
        results += _pair("quotes (q7, lack_of_trust)", [*SURVEYKIT, "quotes", str(export), "--question", "q7", "--code",
                                                        "lack_of_trust"],
                         "pandas.read_csv of the export", [sys.executable, "-c", READ, str(export)], runs=3)
        results += _pair(f"code export --to qdpx ({n_coded:,} coded rows of q7)",
                         [*SURVEYKIT, "code", "export", str(coded), "--to", "qdpx", "--survey", str(export), "--out",
                          str(t / "project.qdpx"), "--force"],
                         "pandas.read_csv of the export and the coded file",
                         [sys.executable, "-c", READ, str(export), str(coded)], runs=1)
    return results


def _pair(what: str, command: list[str], versus: str, comparator: list[str], *, runs: int) -> list[dict]:
    before = load_average()
    ours, theirs = [], []
    for _ in range(runs):
        theirs.append(timed(comparator))
        ours.append(timed(command))
    after = load_average()
    wall_o, wall_t = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
    cpu_o, cpu_t = statistics.median(r[1] for r in ours), statistics.median(r[1] for r in theirs)
    mem_o, mem_t = max(r[2] for r in ours), max(r[2] for r in theirs)
    ok_run = {r[3] for r in ours} == {0} and {r[3] for r in theirs} == {0}
    met = "recorded" if ok_run else "NO (a command failed)"
    detail = (f"{RESPONDENTS:,} respondents (the sample generator); median of {runs} alternated run(s): surveykit "
              f"{wall_o:.2f} s wall / {cpu_o:.2f} s CPU / {mem_o:.0f} MiB, {versus} {wall_t:.2f} s / {cpu_t:.2f} s / "
              f"{mem_t:.0f} MiB; {before} before, {after} after")
    return [
        {"name": f"{what}, 100k respondents: time ratio to {versus}", "value": f"{wall_o / wall_t:.2f}", "unit": "x",
         "target": "recorded (no target)", "ok": ok_run, "met": met, "detail": detail},
        {"name": f"{what}, 100k respondents: peak memory ratio to {versus}", "value": f"{mem_o / mem_t:.2f}",
         "unit": "x", "target": "recorded (no target)", "ok": ok_run, "met": met,
         "detail": f"max RSS: surveykit {mem_o:.0f} MiB, {versus} {mem_t:.0f} MiB"},
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
