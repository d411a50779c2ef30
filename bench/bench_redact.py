"""The redaction detector: throughput on realistic answers and growth with answer length.

Answers are the planted-PII set (tests/data/pii_planted*.jsonl) and the sample study's free-text
answers, cycled to 20,000 answers in one process; the time per answer extrapolates to 1,000,000
answers (the detector is per-answer and stateless, so the work is linear in the number of answers
and splits over processes). Growth: one answer repeated to 10x and 100x its length must take
about 10x and 100x the time (a quadratic detector would take 100x and 10,000x).
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N = 20_000


def _answers() -> list[str]:
    texts: list[str] = []
    for name in ("pii_planted.jsonl", "pii_planted_fresh.jsonl"):
        p = ROOT / "tests" / "data" / name
        if p.exists():
            texts += [json.loads(line)["text"] for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    sample = ROOT / "responses" / "sample" / "professional_survey.csv"
    if sample.exists():
        with open(sample, encoding="utf-8-sig", newline="") as fh:
            texts += [c for row in list(csv.reader(fh))[1:] for c in row if len(c) > 25 and " " in c]
    return texts


def run() -> list[dict]:
    from surveykit.coding.redact import Redactor

    red = Redactor()
    texts = _answers()
    red.redact(texts[0])  # load the banks outside the timing
    t0 = time.perf_counter()
    chars = 0
    for i in range(N):
        t = texts[i % len(texts)]
        chars += len(t)
        red.redact(t)
    per = (time.perf_counter() - t0) / N
    one_m = per * 1_000_000
    base = "DC Patel told Ahmed to ring 07700 900123 from 12 Acacia Road in Croydon, aged 15. "
    times = {}
    for k in (10, 100, 1000):
        text = base * k
        t0 = time.perf_counter()
        for _ in range(3):
            red.redact(text)
        times[k] = (time.perf_counter() - t0) / 3
    ratio = times[1000] / times[10]
    return [
        {"name": "redact: time per answer", "value": round(per * 1e6, 1), "unit": "us",
         "target": "< 1000 us (1M answers in under 17 min on one core)", "ok": per < 1e-3,
         "detail": f"{N} answers, {chars / N:.0f} characters on average"},
        {"name": "redact: 1,000,000 answers, one core (extrapolated)", "value": round(one_m / 60, 1), "unit": "min",
         "target": "< 17 min", "ok": one_m < 17 * 60, "detail": "linear in the number of answers"},
        {"name": "redact: time for 100x longer answer / 1x", "value": round(ratio, 1), "unit": "x",
         "target": "< 200x (linear; quadratic would be 10,000x)", "ok": ratio < 200,
         "detail": ", ".join(f"{k * len(base)} chars: {v * 1e3:.1f} ms" for k, v in times.items())},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
