"""Programmes for the frozen-numbers test: the bundled samples and generated ones.

The generated programmes are drawn from a seeded `random.Random`, so seed N is the same
programme on every machine and Python version (Random's sequence is stable). Between them
they use every scoring method, both panel scales, drop rules of 0, 1 and 2 scores, conflicts,
every rounding mode, category minimums, the technical threshold, budgets, tie-breaks, single
and multiple awards, and bids that tie.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEEDS = range(40)
MODES = ("half_up", "half_even", "down")


def _criteria(rng: random.Random, places: int) -> list[dict]:
    """Two categories: a judged one and a computed one; halves of points when scores keep decimals."""
    judged = []
    for i in range(rng.randint(1, 3)):
        scale = rng.choice(("percent", "points"))
        leaf = {"id": f"j{i}", "label": {"ko": f"정성 {i}", "en": f"Judged {i}"}, "points": rng.choice((5, 10, 12.5, 15) if places else (5, 10, 15)),
                "method": "judged"}
        if scale == "points" or rng.random() < 0.5:
            leaf["scale"] = scale
        judged.append(leaf)
    computed = [{"id": "price", "label": "Price", "points": rng.choice((10, 20)), "method": "korean_price",
                 "metric": "price", "estimated_price": 1_000_000}
                if rng.random() < 0.5 else
                {"id": "price", "label": "Price", "points": rng.choice((10, 20)), "method": "ratio_to_best",
                 "metric": "price", "better": "lower"}]  # fmt: skip
    computed += [
        {"id": "power", "label": "Power", "points": 5, "method": "ratio_to_best", "metric": "datacenter.power_mw",
         "better": "higher"},
        {"id": "pue", "label": "PUE", "points": 5, "method": "linear", "metric": "datacenter.pue", "zero_at": 2,
         "full_at": 1.1},
        {"id": "uptime", "label": "Uptime", "points": 5, "method": "bands", "metric": "facts.uptime",
         "bands": [{"at_least": 99.9, "ratio": 1}, {"at_least": 99.5, "ratio": 0.6}, {"at_most": 90, "ratio": 0.1}]},
        {"id": "track", "label": "Track record", "points": 5, "method": "boolean", "field": "bidder.gpuaas_in_service"},
    ]
    judged_points = sum(leaf["points"] for leaf in judged)
    computed_points = sum(leaf["points"] for leaf in computed)
    return [
        {"id": "quality", "label": "Quality", "points": judged_points, "children": judged,
         **({"min_ratio": 0.4} if rng.random() < 0.3 else {})},
        {"id": "facts", "label": "Facts", "points": computed_points, "children": computed},
    ]


def generated(seed: int) -> dict:
    """Seed → {"rubric": …, "bids": [...], "panel": [...]}, as the input files' data."""
    rng = random.Random(seed)
    places = rng.choice((0, 2, 4))
    rubric = {
        "schema": "bideval/rubric/v1", "id": f"frozen-{seed}", "title": f"Frozen {seed}", "issuer": "Test",
        "currency": "KRW", "evaluation_date": "2025-01-01",
        "rounding": {"places": places, "mode": rng.choice(MODES), "metric_places": rng.choice((3, 6))},
        "criteria": _criteria(rng, places),
        "panel": {"drop_highest": rng.choice((0, 1, 1, 2)), "drop_lowest": rng.choice((0, 1, 1, 2)),
                  "when_at_least": rng.choice((3, 5)), "spread_warning": rng.choice((0.2, 0.4))},
    }  # fmt: skip
    if rng.random() < 0.5:
        rubric["thresholds"] = {"technical": {"criteria": ["quality"], "min_ratio": rng.choice((0.5, 0.7))}}
        rubric["ranking"] = {"tie_break": ["technical", "price"]}
    else:
        rubric["ranking"] = {"tie_break": rng.choice(([], ["quality"], ["price"]))}
    if rng.random() < 0.3:
        rubric.setdefault("thresholds", {})["budget"] = 1_100_000
    if rng.random() < 0.4:
        rubric["eligibility"] = [{"id": "pue", "label": "PUE at most 2", "field": "datacenter.pue", "op": "le",
                                  "value": 2}]
    if rng.random() < 0.3:
        rubric["award"] = {"mode": "multiple", "budget": rng.choice((2_000_000, 3_000_000)), "min_valid_bids": 2}
    bids = []
    for n in range(rng.randint(2, 9)):
        bid = {"schema": "bideval/bid/v1", "bidder": {"id": f"b{n}", "name": f"Bidder {n}",
                                                         "gpuaas_in_service": rng.random() < 0.6},
               "price": rng.choice((450_000, 590_000, 700_000, 790_000, 800_000, 950_000, 1_000_000, 1_200_000)),
               "datacenter": {"power_mw": rng.choice((10, 20, 35.5, 40)), "pue": rng.choice((1.1, 1.25, 1.4, 2.1))},
               "facts": {"uptime": rng.choice((99.95, 99.5, 99.0, 89))}}  # fmt: skip
        bids.append(bid)
    if len(bids) > 2 and rng.random() < 0.4:  # a bid identical to another but for its id: a tie
        twin = json.loads(json.dumps(bids[0]))
        twin["bidder"]["id"], twin["bidder"]["name"] = "twin", "Twin"
        bids.append(twin)  # scored as b0 by every evaluator (below)
    ids = [b["bidder"]["id"] for b in bids]
    judged = rubric["criteria"][0]["children"]
    panel = []
    for e in range(rng.randint(3, 7)):
        conflicts = [rng.choice(ids)] if rng.random() < 0.25 else []
        if "twin" in ids and conflicts == ["b0"]:
            conflicts.append("twin")
        scores = {}
        low = rng.choice((0.1, 0.3, 0.3))  # 0.1: some bids fall below a category minimum
        for bidder in ids:
            if bidder in conflicts:
                continue
            scores[bidder] = scores["b0"] if bidder == "twin" else {leaf["id"]: _score(rng, leaf, low) for leaf in judged}
        panel.append({"schema": "bideval/scores/v1", "evaluator": {"id": f"e{e}", "name": f"Evaluator {e}",
                                                                    "conflicts": conflicts}, "scores": scores})  # fmt: skip
    return {"rubric": rubric, "bids": bids, "panel": panel}


def _score(rng: random.Random, leaf: dict, low: float) -> float | int:
    top = leaf["points"] if leaf.get("scale") == "points" else 100
    whole = rng.randint(int(top * low), int(top))
    return whole + rng.choice((0, 0, 0.5, 0.25)) if whole < top else whole


def write(programme: dict, folder: Path) -> tuple[Path, Path]:
    """Write the programme's files under `folder`; (rubric path, bids folder)."""
    (folder / "bids" / "scores").mkdir(parents=True)
    rubric = folder / "rubric.json"
    rubric.write_text(json.dumps(programme["rubric"]), encoding="utf-8")
    for bid in programme["bids"]:
        (folder / "bids" / f"{bid['bidder']['id']}.json").write_text(json.dumps(bid), encoding="utf-8")
    for sheet in programme["panel"]:
        name = sheet["evaluator"]["id"]
        (folder / "bids" / "scores" / f"{name}.json").write_text(json.dumps(sheet), encoding="utf-8")
    return rubric, folder / "bids"
