"""What a committee waits for (issue 19), whole processes as a user runs them:

- `evaluate` of the bundled GPU sample, every format (results.json, report.pdf, scorecard.xlsx);
- `evaluate` of 50 bids × 20 criteria × 10 evaluators (bench/synthetic.py), every format;
- `analyze` of the same 50 bids.

    .venv/bin/python bench/bench_committee.py [--turns 3] [--vs OTHER_BIDEVAL] [--only NAME]

Each bideval executable runs in turns (A B A B …), every run a fresh process: wall seconds and peak
resident memory (os.wait4), as bench/bench_budget.py measures them. `--vs` names a second
installation's `bideval` (see bench_budget.py for installing one from an earlier commit).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
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


def main() -> None:
    parser = argparse.ArgumentParser(description="The committee's waits, whole processes")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--vs", help="a second bideval executable, run in turns with this one")
    parser.add_argument("--only", help="one workload, by the start of its name (e.g. 'analyze')")
    args = parser.parse_args()
    from bench_budget import time_process

    executables = {"this": shutil.which("bideval") or f"{sys.prefix}/bin/bideval"}
    if args.vs:
        executables["vs"] = args.vs
    with tempfile.TemporaryDirectory(prefix="bideval-committee-") as folder:
        jobs = {n: a for n, a in workloads(Path(folder)).items() if not args.only or n.startswith(args.only)}
        print(f"{'workload':<22} {'bideval':<6} {'wall s min':>10} {'median':>8} {'max':>8} {'peak MB median':>15}")
        for name, arguments in jobs.items():
            figures: dict[str, list[tuple[float, float]]] = {e: [] for e in executables}
            for turn in range(args.turns):
                for label, bideval in executables.items():
                    out = str(Path(folder) / f"out-{label}-{turn}")
                    figures[label].append(time_process([bideval, *(out if a == "OUT" else a for a in arguments)]))
            for label, rows in figures.items():
                walls, peaks = [w for w, _ in rows], [p for _, p in rows]
                print(f"{name:<22} {label:<6} {min(walls):>10.2f} {statistics.median(walls):>8.2f} "
                      f"{max(walls):>8.2f} {statistics.median(peaks):>15.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
