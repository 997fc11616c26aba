"""Benchmark: time to render report.pdf and scorecard.xlsx for the GPU sample (4 bidders) and 50 bidders.

    .venv/bin/python bench/render_report.py [--runs 5]

The 50-bidder set is synthetic: the sample's bids repeated with new ids and prices,
scored by the sample's seven evaluators. Prints the median and all runs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render.pdf import render_pdf
from bideval.render.xlsx import render_xlsx

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "rubrics" / "nipa-gpu-2025.yaml"
SAMPLE = ROOT / "sample_bids" / "nipa-gpu-2025"


def synthetic_bids(folder: Path, count: int) -> Path:
    """`count` bids cycling through the sample's four, with unique ids and prices."""
    (folder / "scores").mkdir(parents=True)
    templates = sorted(SAMPLE.glob("*.yaml"))
    ids = []
    for n in range(count):
        source = templates[n % len(templates)]
        bidder = f"{source.stem}-{n:03d}"
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}", f"id: {bidder}")
        text = re.sub(r"^price: (\d+)", lambda m: f"price: {int(m.group(1)) + n * 1_000_000}", text, flags=re.MULTILINE)
        (folder / f"{bidder}.yaml").write_text(text, encoding="utf-8")
        ids.append((source.stem, bidder))
    for sheet in sorted((SAMPLE / "scores").glob("*.yaml")):
        text = sheet.read_text(encoding="utf-8")
        head, body = text.split("scores:\n", 1)
        blocks = dict(re.findall(r"^  ([a-z-]+):\n((?:    .*\n)+)", body, flags=re.MULTILINE))
        conflicts = re.search(r"conflicts: \[(.*)\]", head).group(1)
        new_conflicts = [b for stem, b in ids if stem in conflicts.split(", ")]
        head = head.replace(f"conflicts: [{conflicts}]", f"conflicts: [{', '.join(new_conflicts)}]")
        lines = [f"  {b}:\n{blocks[stem]}" for stem, b in ids if stem in blocks and b not in new_conflicts]
        (folder / "scores" / sheet.name).write_text(head + "scores:\n" + "".join(lines), encoding="utf-8")
    return folder


def time_render(bids: Path, runs: int, render=render_pdf) -> tuple[float, list[float], int, int]:
    result = evaluate(load_inputs(RUBRIC, bids))
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        payload = render(result, "ko")
        times.append(time.perf_counter() - start)
        size = len(payload)
    pages = payload.count(b"/Type /Page\n") or payload.count(b"/Type /Page")
    return statistics.median(times), times, size, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {"sample (4 bidders)": SAMPLE, "50 bidders": synthetic_bids(Path(tmp) / "bids50", 50)}
        for name, folder in cases.items():
            for label, render in (("pdf", render_pdf), ("xlsx", render_xlsx)):
                median, times, size, _ = time_render(folder, args.runs, render)
                runs = ", ".join(f"{t:.2f}" for t in times)
                print(f"{label:4s} {name:20s} median {median:.2f} s  (runs: {runs})  {size / 1024:.0f} KiB")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
