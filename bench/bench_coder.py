"""The rule coder on 1,000,000 generated answers, against a naive regex baseline.

Answers are generated on the fly (streaming, seeded): each is 2-4 sentences drawn from the sample
study's q7 answers (``responses/sample/professional_survey.csv``; the codebook's own examples when
the sample is absent), which gives 25-40 words on average. They are coded in chunks by worker
processes (one per core); each chunk's rows (respondent_id, question_id, code_id, start, end,
matched, coder) are rendered as CSV and written to a temporary file, as ``surveykit code --out`` would.

Peak memory is the largest resident set of the parent plus the largest of the workers
(``ru_maxrss``), so it bounds what the run needed at any moment.

Baseline: the way desktop QDA autocoders work, it loops over the codes and runs ``re.search`` for
every pattern of the code on the answer (each pattern translated to one regular expression; no
negation handling, stopping at a code's first hit, which favours the baseline). It is timed on a
subset (BASELINE_N answers) and extrapolated; the rule coder is timed on the same subset in the
same process, and the ratio of those two single-process times is the speed-up reported.
"""

from __future__ import annotations

import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"
N_ANSWERS = int(os.environ.get("BENCH_CODER_N", 1_000_000))
CHUNK = 5_000
BASELINE_N = 3_000
SEED = 20161
_SENTENCE = re.compile(r"(?<=[.!?])\s+")

def source_sentences() -> tuple[list[str], str]:
    texts: list[str] = []
    origin = "codebook examples"
    if SAMPLE.exists():
        try:
            from surveykit.pipeline import load_responses

            data = load_responses(SAMPLE).data
            texts = [str(t) for t in data["q7"] if t is not None and str(t).strip() and str(t) != "nan"]
            origin = f"{len(texts)} q7 answers of the sample"
        except Exception as exc:  # the benchmark still runs on the codebook's examples
            print(f"  (sample not usable: {type(exc).__name__}; using codebook examples)", file=sys.stderr)
    if not texts:
        from surveykit.coding.codebook import load_codebook

        cb = load_codebook()
        texts = [e for c in cb.codes for e in (*c.examples, *c.counter_examples)]
    sentences = [s.strip() for t in texts for s in _SENTENCE.split(t) if len(s.split()) >= 3]
    return sentences, origin


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


def _cpu_seconds() -> float:
    """CPU seconds used by this process and its finished children (the workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024


def run() -> list[dict]:
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.rules import RuleCoder
    from surveykit.coding.stream import csv_header, iter_coded_csv

    sentences, origin = source_sentences()
    cb = load_codebook()
    n_patterns = sum(len(c.patterns) for c in cb.codes)

    # -- speed-up against the naive baseline (single process, same answers) -------------------
    subset = [t for _, t in generate(sentences, BASELINE_N, seed=SEED + 1)]
    table = [(c.id, [re.compile(naive_regex(p), re.IGNORECASE) for p in c.patterns]) for c in cb.codes]
    t0 = time.perf_counter()
    base_codes = [[cid for cid, rxs in table if any(rx.search(t) for rx in rxs)] for t in subset]
    t_base = time.perf_counter() - t0
    coder = RuleCoder(cb)
    for t in subset[:200]:  # warm the token cache as the long run does
        coder.code_text(t)
    t0 = time.perf_counter()
    ours = [coder.code_ids_of(t) for t in subset]
    t_ours = time.perf_counter() - t0
    ratio = t_base / t_ours
    same = sum(1 for a, b in zip(base_codes, ours) if set(a) == set(b)) / len(subset)

    # -- the million, streamed through worker processes ----------------------------------------
    workers = max(1, min(os.cpu_count() or 1, 4))
    rows = coded = 0
    counted = {"words": 0}

    def counting(pairs):
        for rid, text in pairs:
            counted["words"] += text.count(" ") + 1
            yield rid, text

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "coded.csv"
        load_before = os.getloadavg()[0]
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(csv_header())
            for chunk in iter_coded_csv(counting(generate(sentences, N_ANSWERS)), question_id="q7", workers=workers,
                                        chunk_size=CHUNK):
                fh.write(chunk.csv_text)
                rows += chunk.rows
                coded += chunk.coded
        elapsed = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0
        load = max(load_before, os.getloadavg()[0])
        size_mb = out.stat().st_size / 1e6
    peak = _peak_mb()
    mean_words = counted["words"] / N_ANSWERS
    return [
        {"name": f"rule coder, {N_ANSWERS:,} answers", "value": f"{elapsed:.1f}", "unit": "s", "target": "< 60 s",
         "ok": elapsed < 60,
         "detail": f"wall time; {cpu:.0f} CPU seconds in all ({cpu / N_ANSWERS * 1e6:.0f} us of CPU per answer); "
                   f"load average {load:.1f} on {os.cpu_count()} cores during the run (other work was sharing "
                   f"the machine); {workers} worker processes, chunks of {CHUNK}; {mean_words:.1f} words per answer on average "
                   f"(generated from {origin}); {rows:,} coded rows ({size_mb:.0f} MB CSV); "
                   f"{coded / N_ANSWERS:.1%} of answers got a code; {n_patterns} patterns"},
        {"name": "rule coder peak memory", "value": f"{peak:.0f}", "unit": "MB", "target": "< 1024 MB",
         "ok": peak < 1024, "detail": "parent + largest worker maximum resident set (ru_maxrss)"},
        {"name": "speed-up over naive re.search per pattern", "value": f"{ratio:.1f}", "unit": "x",
         "target": ">= 10x", "ok": ratio >= 10,
         "detail": f"single process, same {BASELINE_N:,} answers: baseline {t_base / BASELINE_N * 1e6:.0f} us/answer "
                   f"(extrapolated {t_base / BASELINE_N * 1_000_000:.0f} s per million), rule coder "
                   f"{t_ours / BASELINE_N * 1e6:.0f} us/answer; baseline ignores negation; same code set on "
                   f"{same:.0%} of answers"},
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
