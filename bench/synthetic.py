"""Synthetic programmes for benchmarks: N bids × 20 criteria × 10 evaluators, as input files."""

from __future__ import annotations

import json
import random
from pathlib import Path

CRITERIA = 20  # 10 judged by the panel, 10 computed from bid facts and the price
EVALUATORS = 10


def rubric() -> dict:
    judged = [{"id": f"j{i:02d}", "label": f"Judged {i}", "points": 5, "method": "judged"} for i in range(10)]
    computed = [{"id": "price", "label": "Price", "points": 5, "method": "ratio_to_best", "metric": "price",
                 "better": "lower"}]  # fmt: skip
    computed += [{"id": f"f{i:02d}", "label": f"Fact {i}", "points": 5, "method": "linear",
                  "metric": f"facts.f{i:02d}", "zero_at": 0, "full_at": 100} for i in range(9)]  # fmt: skip
    return {
        "schema": "bideval/rubric/v1", "id": "bench", "title": "Benchmark", "issuer": "bench", "currency": "KRW",
        "evaluation_date": "2025-01-01",
        "criteria": [{"id": "judged", "label": "Judged", "points": 50, "children": judged},
                     {"id": "computed", "label": "Computed", "points": 50, "children": computed}],
        "ranking": {"tie_break": ["judged"]},
    }  # fmt: skip


def write_programme(folder: Path, bids: int, seed: int = 1, panel: str = "realistic") -> tuple[Path, Path]:
    """Write rubric.json and bids/ (with scores/) for `bids` bidders; returns (rubric, bids dir).
    `panel`: "realistic" (scores scatter around each bid's quality) or "uniform" (all at random)."""
    rng = random.Random(seed)
    (folder / "bids" / "scores").mkdir(parents=True)
    (folder / "rubric.json").write_text(json.dumps(rubric()), encoding="utf-8")
    ids = [f"b{n:05d}" for n in range(bids)]
    for bidder in ids:
        bid = {"schema": "bideval/bid/v1", "bidder": {"id": bidder, "name": bidder}, "price": rng.randint(10**9, 10**10),
               "facts": {f"f{i:02d}": rng.randint(0, 100) for i in range(9)}}  # fmt: skip
        (folder / "bids" / f"{bidder}.json").write_text(json.dumps(bid), encoding="utf-8")
    quality = {(b, i): rng.randint(50, 95) for b in ids for i in range(10)}
    for e in range(EVALUATORS):
        def score(bidder: str, item: int) -> int:
            if panel == "uniform":  # every evaluator at random: ~90 % of panels raise a spread warning
                return rng.randint(40, 100)
            # A panel agrees within ±10 around the bid's quality; 2 % of scores are outliers (45 off),
            # so about one panel in six raises a spread warning, as a real, uneven panel might.
            off = rng.choice((-45, 45)) if rng.random() < 0.02 else rng.randint(-10, 10)
            return max(0, min(100, quality[bidder, item] + off))

        sheet = {"schema": "bideval/scores/v1", "evaluator": {"id": f"e{e:02d}", "name": f"E{e}", "conflicts": []},
                 "scores": {b: {f"j{i:02d}": score(b, i) for i in range(10)} for b in ids}}  # fmt: skip
        (folder / "bids" / "scores" / f"e{e:02d}.json").write_text(json.dumps(sheet), encoding="utf-8")
    return folder / "rubric.json", folder / "bids"
