"""Benchmark: scoring N synthetic bids × 20 criteria × 10 evaluators, against a numpy weighted sum.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/bench_scoring.py [--sizes 10 1000 10000] [--panel uniform]

Each size runs in a fresh process (so peak memory is its own): it writes the input files,
then times loading (strict YAML/JSON + validation) and evaluating (exact scoring, panel,
ranking) separately, and reports the peak resident memory. `--panel uniform` draws every
score at random instead of around each bid's quality (nearly every panel then warns). The baseline is numpy's
weighted sum over the same N × 20 matrix of earned shares — the arithmetic alone, in floats.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(size: int, panel: str) -> dict:
    sys.path.insert(0, str(HERE))
    import numpy as np
    from synthetic import write_programme

    from bideval.engine.pipeline import evaluate
    from bideval.load.inputs import load_inputs

    with tempfile.TemporaryDirectory() as folder:
        rubric, bids = write_programme(Path(folder), size, panel=panel)
        start = time.perf_counter()
        inputs = load_inputs(rubric, bids)
        loaded = time.perf_counter()
        result = evaluate(inputs)
        evaluated = time.perf_counter()
    points = np.array([5.0] * 20)
    shares = np.array([[float(c.score) / 5 for c in b.criteria if c.id not in ("judged", "computed")]
                       for b in result.bids])  # fmt: skip
    repeats = 20
    begin = time.perf_counter()
    for _ in range(repeats):
        totals = shares @ points
        np.argsort(-totals, kind="stable")
    numpy_seconds = (time.perf_counter() - begin) / repeats
    return {"size": size, "load_s": loaded - start, "evaluate_s": evaluated - loaded, "numpy_s": numpy_seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Scoring benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--panel", choices=["realistic", "uniform"], default="realistic")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.panel)))
        return
    print(f"{'bids':>6} {'load s':>8} {'evaluate s':>11} {'numpy s':>9} {'evaluate/numpy':>15} {'peak MB':>8}")
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--panel", args.panel], capture_output=True,
                             text=True, check=True)  # fmt: skip
        row = json.loads(out.stdout.strip().splitlines()[-1])
        ratio = row["evaluate_s"] / row["numpy_s"] if row["numpy_s"] else float("inf")
        print(f"{size:>6} {row['load_s']:>8.2f} {row['evaluate_s']:>11.2f} {row['numpy_s']:>9.5f} {ratio:>15,.0f} "
              f"{row['peak_mb']:>8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
