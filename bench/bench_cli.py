"""Benchmark: `bideval --help` start-up against `python -c pass` (median of N runs).

    .venv/bin/python bench/bench_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="CLI start-up benchmark")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bideval = shutil.which("bideval") or f"{sys.prefix}/bin/bideval"
    baseline = median_seconds([sys.executable, "-c", "pass"], args.runs)
    help_time = median_seconds([bideval, "--help"], args.runs)
    print(f"python -c pass   median {baseline:.3f} s")
    print(f"bideval --help   median {help_time:.3f} s  (target < 0.3 s)")


if __name__ == "__main__":
    main()
