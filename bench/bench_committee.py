"""What a committee waits for (issue 19), whole processes as a user runs them:

- `evaluate` of the bundled GPU sample, every format (results.json, report.pdf, scorecard.xlsx);
- `evaluate` of 50 bids × 20 criteria × 10 evaluators (bench/synthetic.py), every format;
- `analyze` of the same 50 bids.

    .venv/bin/python bench/bench_committee.py [--turns 3] [--vs OTHER_BIDEVAL] [--only NAME]

Each bideval executable runs in turns (A B A B …), every run a fresh process: wall seconds; the peak
resident memory of its largest process (os.wait4, as bench/bench_budget.py measures it); and, since
a long report is printed by worker processes side by side, the peak of all its processes together
(their proportional set sizes, Linux's /proc/PID/smaps_rollup, summed every 20 ms). `--vs` names a
second installation's `bideval` (see bench_budget.py for installing one from an earlier commit).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = (ROOT / "rubrics" / "nipa-gpu-2025.yaml", ROOT / "sample_bids" / "nipa-gpu-2025")


def workloads(folder: Path) -> dict[str, list[str]]:
    """Each workload's arguments after `bideval` (`OUT` stands for a fresh output folder)."""
    sys.path.insert(0, str(HERE))
    from synthetic import write_programme

    rubric, bids = write_programme(folder / "p50", 50)
    return {
        "sample, all formats": ["evaluate", *map(str, SAMPLE), "--out", "OUT", "--force"],
        "50 bids, all formats": ["evaluate", str(rubric), str(bids), "--out", "OUT", "--force"],
        "analyze, 50 bids": ["analyze", str(rubric), str(bids)],
    }


def run_tree(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak MB of the largest process, peak MB of all its processes together)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], sum(_pss_kb(pid) for pid in _tree(process.pid)) / 1024)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed: {process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, peak[0]


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sorted(tree)


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description="The committee's waits, whole processes")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--vs", help="a second bideval executable, run in turns with this one")
    parser.add_argument("--only", help="one workload, by the start of its name (e.g. 'analyze')")
    args = parser.parse_args()
    executables = {"this": shutil.which("bideval") or f"{sys.prefix}/bin/bideval"}
    if args.vs:
        executables["vs"] = args.vs
    with tempfile.TemporaryDirectory(prefix="bideval-committee-") as folder:
        jobs = {n: a for n, a in workloads(Path(folder)).items() if not args.only or n.startswith(args.only)}
        print(f"{'workload':<22} {'bideval':<6} {'wall s min':>10} {'median':>8} {'max':>8} "
              f"{'largest MB':>11} {'all MB':>7}")  # fmt: skip
        for name, arguments in jobs.items():
            figures: dict[str, list[tuple[float, float, float]]] = {e: [] for e in executables}
            for turn in range(args.turns):
                for label, bideval in executables.items():
                    out = str(Path(folder) / f"out-{label}-{turn}")
                    figures[label].append(run_tree([bideval, *(out if a == "OUT" else a for a in arguments)]))
            for label, rows in figures.items():
                walls, largest, total = ([row[i] for row in rows] for i in range(3))
                print(f"{name:<22} {label:<6} {min(walls):>10.2f} {statistics.median(walls):>8.2f} "
                      f"{max(walls):>8.2f} {statistics.median(largest):>11.0f} {statistics.median(total):>7.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
