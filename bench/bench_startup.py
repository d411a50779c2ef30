"""Start-up: `surveykit --help` against a one-command Typer app (issue 14.3: at most 1.2x), and
`surveykit validate` on the sample.

The comparator is the smallest real Typer program (one command with one option and a docstring),
with the presentation settings surveykit's app uses (plain help without rich, no completion option,
plain exceptions: a default Typer app imports rich for its help and would be slower, which would
flatter the ratio), started the same way (a fresh interpreter running a script), so both pay for
Python and Typer; what is left is surveykit's own start-up. The two are run alternately, REPEATS times each, and the ratio
of the medians is the result.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SURVEYKIT = Path(sys.executable).with_name("surveykit")
SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"
REPEATS = 15
TARGET = 1.2

ONE_COMMAND_APP = '''import typer

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@app.command()
def greet(name: str = typer.Option("world", help="Who to greet.")) -> None:
    """Print a greeting.

    Example:  app --name you
    """
    typer.echo(f"hello {name}")


if __name__ == "__main__":
    app()
'''


def _seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def _median_seconds(cmd: list[str], repeats: int = REPEATS) -> float:
    return statistics.median(_seconds(cmd) for _ in range(repeats))


def run() -> list[dict]:
    baseline = _median_seconds([sys.executable, "-c", "pass"])
    with tempfile.TemporaryDirectory(prefix="bench_startup_") as tmp:
        script = Path(tmp) / "one_command.py"
        script.write_text(ONE_COMMAND_APP)
        ours, theirs = [], []
        for _ in range(REPEATS):
            theirs.append(_seconds([sys.executable, str(script), "--help"]))
            ours.append(_seconds([str(SURVEYKIT), "--help"]))
    help_time, typer_time = statistics.median(ours), statistics.median(theirs)
    ratio = help_time / typer_time
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results = [
        {"name": "python -c pass (baseline)", "value": f"{baseline:.3f}", "unit": "s", "target": "-",
         "ok": True, "detail": f"median of {REPEATS}"},
        {"name": "surveykit --help: ratio to a one-command Typer app", "value": f"{ratio:.2f}", "unit": "x",
         "target": f"<= {TARGET}x", "ok": ratio <= TARGET,
         "detail": f"medians of {REPEATS} alternated runs: surveykit --help {help_time:.3f} s, one-command Typer app "
                   f"--help {typer_time:.3f} s (python -c pass {baseline:.3f} s); load average {load}"},
    ]
    if SAMPLE.exists():
        validate = _median_seconds([str(SURVEYKIT), "validate", str(SAMPLE)], repeats=5)
        results.append({"name": "surveykit validate (sample, 288 respondents)", "value": f"{validate:.3f}",
                        "unit": "s", "target": "< 2 s", "ok": validate < 2.0, "detail": "median of 5"})
    return results


if __name__ == "__main__":
    for r in run():
        print(r)
