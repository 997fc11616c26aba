"""The performance budget: N bids × 20 criteria × 10 evaluators, `bideval evaluate --format json`,
whole process. On the 2-core reference machine 10,000 bids must take at most 20 s and 2 GB
(a guard against blow-ups, not a race: committees score 4 to 50 bids).

    .venv/bin/python bench/bench_budget.py [--bids 10000] [--turns 3] [--vs OTHER_BIDEVAL]

The programme is written once (bench/synthetic.py). Each bideval executable then runs in turns
(A B A B …), every run a fresh process measured from outside: wall seconds, and the peak resident
memory the kernel reports for it (os.wait4). `--vs` names a second installation's `bideval`, for
example one installed from an earlier commit into its own virtual environment:

    git worktree add ../bideval-before <commit> && python3 -m venv ../bideval-before/.venv \\
        && ../bideval-before/.venv/bin/pip install ../bideval-before
    .venv/bin/python bench/bench_budget.py --vs ../bideval-before/.venv/bin/bideval
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUDGET_SECONDS, BUDGET_MB = 20, 2048


def run_once(bideval: str, rubric: Path, bids: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one `evaluate --format json` in a fresh process."""
    return time_process([bideval, "evaluate", str(rubric), str(bids), "--format", "json", "--out", str(out), "--force"])


def time_process(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one run of `command` in a fresh process, measured from outside."""
    bideval = command[0]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{bideval} failed: {process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description="Whole-process budget of evaluate --format json")
    parser.add_argument("--bids", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--vs", help="a second bideval executable, run in turns with this one")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from synthetic import write_programme

    executables = {"this": shutil.which("bideval") or f"{sys.prefix}/bin/bideval"}
    if args.vs:
        executables["vs"] = args.vs
    with tempfile.TemporaryDirectory(prefix="bideval-budget-") as folder:
        rubric, bids = write_programme(Path(folder), args.bids)
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in executables}
        for _ in range(args.turns):
            for name, bideval in executables.items():
                figures[name].append(run_once(bideval, rubric, bids, Path(folder) / f"out-{name}"))
        if args.vs:
            same = (Path(folder) / "out-this/results.json").read_bytes() == (Path(folder) / "out-vs/results.json").read_bytes()
            print(f"results.json of both: {'byte-identical' if same else 'DIFFERENT'}")
    print(f"{args.bids:,} bids, {args.turns} turns; budget at 10,000 bids: {BUDGET_SECONDS} s, {BUDGET_MB:,} MB")
    print(f"{'bideval':<8} {'wall s min':>10} {'median':>8} {'max':>8} {'peak MB median':>15}")
    for name, rows in figures.items():
        walls, peaks = [w for w, _ in rows], [p for _, p in rows]
        print(f"{name:<8} {min(walls):>10.2f} {statistics.median(walls):>8.2f} {max(walls):>8.2f} "
              f"{statistics.median(peaks):>15.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
