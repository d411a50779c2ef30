"""The rule coder on 1,000,000 generated answers, timed through the command a user runs, against a
naive per-pattern baseline measured in the same run.

Answers are generated (seeded) from sentences of the sample study's q7 answers and of the
development gold set (``responses/gold/q7_dev.csv``: abbreviations, typos, negations), 2-4
sentences each, and written to a CSV. Then

    surveykit code ANSWERS.csv --text-column answer --out CODED.csv

runs in a subprocess (stdout, the table of every coded row, to /dev/null), with everything the
shipped codebook has switched on: the lexicon, typo tolerance, negation before and after the match,
sense filters, and its default number of workers (the cores available). Reported: its wall time as
a ratio to ``pandas.read_csv`` + ``to_csv`` of the same file (run before and after it, in a
subprocess too), and the peak memory of its whole process tree (the command and its workers: the
largest sum of their resident sets, sampled with psutil).

Baseline: the way desktop QDA autocoders work, it applies the lexicon by one ``re.sub`` per entry,
then loops over the codes and runs ``re.search`` for every pattern of the code on the answer (each
pattern translated to one regular expression; no negation, no sense filter, no typo tolerance,
stopping at a code's first hit, all of which favour the baseline). It is timed on BASELINE_N answers
in this process and extrapolated to N answers; the speed-up is that extrapolated time over the
command's measured wall time (a ratio of two measurements taken in the same run, on the same
machine load). The command's time includes reading the CSV, summarising and writing the output.
"""

from __future__ import annotations

import csv
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import host_probe  # noqa: E402

SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"
DEV_GOLD = ROOT / "responses" / "gold" / "q7_dev.csv"
N_ANSWERS = int(os.environ.get("BENCH_CODER_N", 1_000_000))
BASELINE_N = 3_000
SEED = 20161
TARGET_RATIO = 20
TARGET_PANDAS = 3
TARGET_MB = 300
SAMPLE_S = 0.25
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def source_sentences() -> tuple[list[str], str]:
    texts: list[str] = []
    origins = []
    if SAMPLE.exists():
        try:
            from surveykit.pipeline import load_responses

            data = load_responses(SAMPLE).data
            sample = [str(t) for t in data["q7"] if t is not None and str(t).strip() and str(t) != "nan"]
            texts += sample
            origins.append(f"{len(sample)} q7 answers of the sample")
        except Exception as exc:  # the benchmark still runs on the other sources
            print(f"  (sample not usable: {type(exc).__name__})", file=sys.stderr)
    if DEV_GOLD.exists():
        from surveykit.io.gold import read_gold

        dev = [" ".join(t.split()) for t in read_gold(DEV_GOLD).texts]
        texts += dev
        origins.append(f"{len(dev)} answers of the dev gold set")
    if not texts:
        from surveykit.coding.codebook import load_codebook

        cb = load_codebook()
        texts = [e for c in cb.codes for e in (*c.examples, *c.counter_examples)]
        origins.append("codebook examples")
    sentences = [s.strip() for t in texts for s in _SENTENCE.split(t) if len(s.split()) >= 2]
    return sentences, " and ".join(origins)


def generate(sentences: list[str], n: int, seed: int = SEED) -> Iterator[tuple[str, str]]:
    """(respondent_id, answer) pairs, streamed; 2-4 sentences each."""
    rng = random.Random(seed)
    k = len(sentences)
    for i in range(n):
        m = rng.randint(2, 4)
        yield f"R{i:07d}", " ".join(sentences[rng.randrange(k)] for _ in range(m))


def naive_regex(p) -> str:
    """One regular expression per pattern, as a desktop autocoder would search for it."""
    from surveykit.coding.codebook import pattern_tokens
    from surveykit.coding.patterns import stem

    if p.kind == "regex":
        return p.text
    if p.kind == "stem":
        return r"\b" + re.escape(stem(p.text.lower())) + r"\w*\b"

    def token(spec: str) -> str:
        alts = []
        for a in spec.split("|"):
            alts.append(re.escape(stem(a[1:])) + r"\w*" if a.startswith("~") else re.escape(a).replace(r"\*", r"\w*"))
        return "(?:" + "|".join(alts) + ")"

    toks = pattern_tokens(p.text)
    star = "*" in toks
    out: list[str] = []
    gap = 0
    for t in toks:
        if t == "*":
            gap = p.max_gap or 3
            continue
        if out:
            out.append(r"\W+(?:\w+\W+){0,%d}" % (gap if star else p.max_gap))
        out.append(token(t))
        gap = 0
    return r"\b" + "".join(out) + r"\b"


def naive_coder(cb):
    lexicon = [(re.compile(r"\b" + re.escape(e.key) + r"\b", 0 if e.capitals_only else re.IGNORECASE), e.reading)
               for e in cb.lexicon.global_entries]
    table = [(c.id, [re.compile(naive_regex(p), re.IGNORECASE) for p in c.patterns]) for c in cb.codes]

    def code(text: str) -> list[str]:
        for rx, reading in lexicon:
            text = rx.sub(reading, text)
        return [cid for cid, rxs in table if any(rx.search(text) for rx in rxs)]

    return code


def run() -> list[dict]:
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.rules import RuleCoder

    sentences, origin = source_sentences()
    cb = load_codebook()
    n_patterns = sum(len(c.patterns) + len(c.exclude_context) for c in cb.codes) + len(cb.exclude_answers)

    # -- the naive baseline, in this process ---------------------------------------------------
    subset = [t for _, t in generate(sentences, BASELINE_N, seed=SEED + 1)]
    naive = naive_coder(cb)
    t0 = time.perf_counter()
    base_codes = [naive(t) for t in subset]
    t_base = time.perf_counter() - t0
    per_answer_base = t_base / BASELINE_N
    coder = RuleCoder(cb)
    same = sum(1 for a, t in zip(base_codes, subset) if set(a) == set(coder.code_ids_of(t))) / len(subset)

    # -- the command a user runs, on N answers, beside pandas reading and writing the same file ------
    with tempfile.TemporaryDirectory() as tmp:
        answers = Path(tmp) / "answers.csv"
        words = 0
        with open(answers, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["respondent_id", "answer"])
            for rid, text in generate(sentences, N_ANSWERS):
                words += text.count(" ") + 1
                w.writerow([rid, text])
        size_in = answers.stat().st_size / 1e6
        out = Path(tmp) / "coded.csv"
        cmd = [sys.executable, "-m", "surveykit", "code", str(answers), "--text-column", "answer", "--out", str(out)]
        pandas_cmd = [sys.executable, "-c", "import sys, pandas as pd; "
                      "pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).to_csv(sys.argv[2], index=False)",
                      str(answers), str(Path(tmp) / "pandas.csv")]
        load_before = os.getloadavg()[0]
        probe_before = host_probe()
        # Interleaved, the comparator first and last: the machine's load changes during a long run.
        t_pandas_1, mem_pandas, _ = measure(pandas_cmd)
        elapsed, mem, proc = measure(cmd)
        t_pandas_2, mem_pandas_2, _ = measure(pandas_cmd)
        load = max(load_before, os.getloadavg()[0])
        probe = f"host probe {probe_before:.2f} s before, {host_probe():.2f} s after"
        t_pandas = (t_pandas_1 + t_pandas_2) / 2
        mem_pandas = max(mem_pandas, mem_pandas_2, key=lambda u: u.rss)
        if proc.returncode != 0:
            raise RuntimeError(f"surveykit code failed: {proc.stderr.strip()[-500:]}")
        size_out = out.stat().st_size / 1e6
        with open(out, encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        # The same answers as Excel saves a CSV on Windows: Windows-1252, CRLF, typographic apostrophes.
        excel = Path(tmp) / "answers_cp1252.csv"
        excel.write_bytes(answers.read_text(encoding="utf-8").replace("'", "\u2019")
                          .encode("cp1252").replace(b"\n", b"\r\n"))
        elapsed_cp, mem_cp, proc_cp = measure([*cmd[:4], str(excel), *cmd[5:]])
        if proc_cp.returncode != 0:
            raise RuntimeError(f"surveykit code failed on the Windows-1252 file: {proc_cp.stderr.strip()[-500:]}")
    ratio = per_answer_base * N_ANSWERS / elapsed
    vs_pandas = elapsed / t_pandas
    coded_share = ""
    m = re.search(r"(\d+) with at least one code", summary)
    if m:
        coded_share = f"; {int(m.group(1)) / N_ANSWERS:.1%} of answers got a code"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        {"name": f"surveykit code, {N_ANSWERS:,} answers, against pandas read_csv + to_csv", "value": f"{vs_pandas:.1f}",
         "unit": "x", "target": f"<= {TARGET_PANDAS}x", "ok": vs_pandas <= TARGET_PANDAS,
         "detail": f"`surveykit code ANSWERS.csv --text-column answer --out CODED.csv` (default view: the table of "
                   f"every coded row, to /dev/null) {elapsed:.1f} s wall, {mem.cpu:.0f} CPU s, {cores} workers; pandas "
                   f"read_csv + to_csv of the same {size_in:.0f} MB file {t_pandas:.1f} s (mean of a run before and "
                   f"one after), {mem_pandas.rss:.0f} MB; the command wrote {rows:,} coded rows ({size_out:.0f} MB) with "
                   f"the lexicon ({len(cb.lexicon.entries)} entries), typo tolerance, negation and sense filters on; "
                   f"load average {load:.1f} on {os.cpu_count()} cores during the run; {probe}; "
                   f"{words / N_ANSWERS:.1f} words "
                   f"per answer (generated from {origin}){coded_share}; {n_patterns} patterns and filters"},
        {"name": "surveykit code peak memory (process and workers)", "value": f"{mem.rss:.0f}", "unit": "MB",
         "target": f"< {TARGET_MB} MB", "ok": mem.rss < TARGET_MB,
         "detail": f"largest sum of the resident sets of the command and its worker processes, sampled every "
                   f"{SAMPLE_S}s ({mem.how}); pages the forked workers share with the command are counted in each, "
                   f"so this overstates; proportional set size (shared pages split) at that moment: "
                   f"{mem.pss:.0f} MB"},
        {"name": "surveykit code peak memory, the same answers in Windows-1252 (process and workers)",
         "value": f"{mem_cp.rss:.0f}", "unit": "MB", "target": f"< {TARGET_MB} MB", "ok": mem_cp.rss < TARGET_MB,
         "detail": f"the same {N_ANSWERS:,} answers as Excel writes a CSV on Windows (Windows-1252, CRLF, "
                   f"typographic apostrophes): streamed in the encoding decided from all of its bytes first; "
                   f"{elapsed_cp:.1f} s wall ({elapsed_cp / elapsed:.2f}x the UTF-8 file), {mem_cp.cpu:.0f} CPU s; "
                   f"measured as the row above"},
        {"name": "speed-up over naive re.search per pattern", "value": f"{ratio:.1f}", "unit": "x",
         "target": f">= {TARGET_RATIO}x", "ok": ratio >= TARGET_RATIO,
         "detail": f"same run: baseline {per_answer_base * 1e6:.0f} us/answer in this process on {BASELINE_N:,} answers "
                   f"(extrapolated {per_answer_base * N_ANSWERS:.0f} s for {N_ANSWERS:,}) against the command's "
                   f"{elapsed:.1f} s wall ({elapsed / N_ANSWERS * 1e6:.0f} us/answer, everything included, "
                   f"{cores} workers); the baseline applies the lexicon but ignores negation, typos and sense "
                   f"filters; same code set as the rules on {same:.0%} of the baseline's answers"},
    ]


class Usage:
    def __init__(self) -> None:
        self.rss = 0.0      # MB, the largest sum over the process tree
        self.pss = 0.0
        self.maxrss = 0.0
        self.cpu = 0.0
        self.how = "psutil"


def measure(cmd: list[str]) -> tuple[float, Usage, subprocess.CompletedProcess]:
    """Run ``cmd`` (stdout to /dev/null): wall time, memory of its process tree, the process."""
    usage = Usage()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        import psutil
    except ImportError:
        psutil = None
        usage.how = "psutil missing: ru_maxrss of the largest process only"
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        if psutil is not None:
            try:
                root = psutil.Process(proc.pid)
            except psutil.Error:
                root = None
            while proc.poll() is None and root is not None:
                try:
                    tree = [root, *root.children(recursive=True)]
                    total = 0
                    infos = []
                    for p in tree:
                        try:
                            total += p.memory_info().rss
                            infos.append(p)
                        except psutil.Error:
                            pass
                    if total / 2**20 > usage.rss:
                        usage.rss = total / 2**20
                        pss = 0
                        for p in infos:
                            try:
                                pss += p.memory_full_info().pss
                            except (psutil.Error, AttributeError):
                                pass
                        usage.pss = pss / 2**20
                except psutil.Error:
                    pass
                time.sleep(SAMPLE_S)
        proc.wait()
        elapsed = time.perf_counter() - t0
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    usage.cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    usage.maxrss = after.ru_maxrss / 1024
    if psutil is None:
        usage.rss = usage.maxrss
    return elapsed, usage, subprocess.CompletedProcess(cmd, proc.returncode, "", stderr)


if __name__ == "__main__":
    for r in run():
        print(r)
