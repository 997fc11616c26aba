"""Property tests (issue 7, item 2) over generated rubrics, bids and panels.

Each example is a small programme — a rubric with 1–3 categories of 1–4 leaves (every
scoring method), 2–8 bids and 1–7 evaluators — written as JSON files to a fresh temporary
folder and run through the real loader and `evaluate`, so the properties cover the whole
pipeline, not just the scoring functions. Every property says in its docstring which
breakage it would catch.
"""

from __future__ import annotations

import copy
import json
import math
import re
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bideval.engine.pipeline import evaluate
from bideval.engine.result import Result
from bideval.errors import InputError
from bideval.load.inputs import load_inputs
from bideval.render.json import render_json

SETTINGS = settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
NUMBER_FACTS = ("f1", "f2", "f3")
FLAG_FACTS = ("flag1", "flag2")
METHODS = ("ratio_to_best", "linear", "bands", "boolean", "korean_price", "judged")
SLUGS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,7}", fullmatch=True)

# ---------------------------------------------------------------------------------------
# Strategies: plain dicts, exactly what the files will hold (numbers as Decimal or int).


def decimals(low: int | Decimal, high: int | Decimal, places: int = 2) -> st.SearchStrategy[Decimal]:
    """Exact decimals in [low, high] with at most `places` decimals."""
    scale = 10**places
    return st.integers(int(Decimal(low) * scale), int(Decimal(high) * scale)).map(
        lambda n: Decimal(n).scaleb(-places).normalize() if n else Decimal(0)
    )


def amounts(low: int | Decimal, high: int | Decimal) -> st.SearchStrategy[Decimal]:
    """Whole or decimal numbers, with a few round ones so that ties are common."""
    whole = st.integers(math.ceil(low), math.floor(high)).map(Decimal)
    return st.one_of(whole, decimals(low, high)) if math.ceil(low) <= high else decimals(low, high)


@st.composite
def leaves(draw, leaf_id: str, base: int, method: str | None = None, points_places: int = 2) -> dict:
    """One scored criterion. `base` is the programme's price level (the estimated price is near it);
    its points have at most `points_places` decimals."""
    method = method or draw(st.sampled_from(METHODS))
    points_places = draw(st.sampled_from([0, 0, 1, 2]).map(lambda p: min(p, points_places)))
    leaf: dict = {"id": leaf_id, "label": f"Leaf {leaf_id}", "points": draw(decimals(1, 40, points_places)),
                  "method": method}  # fmt: skip
    if draw(st.integers(0, 14)) == 0:
        leaf["min_ratio"] = draw(decimals(0, Decimal("0.5")))
    metric = draw(st.sampled_from(["price", *(f"facts.{f}" for f in NUMBER_FACTS)]))
    lo, hi = (base * 3 // 10, base * 15 // 10) if metric == "price" else (0, 120)
    if method == "ratio_to_best":
        leaf |= {"metric": metric, "better": draw(st.sampled_from(["lower", "higher"]))}
    elif method == "linear":
        zero_at, full_at = draw(st.lists(st.integers(lo, hi).map(Decimal) | decimals(lo, hi), min_size=2,
                                         max_size=2, unique=True))  # fmt: skip
        leaf |= {"metric": metric, "zero_at": zero_at, "full_at": full_at}
    elif method == "bands":
        bands = [{draw(st.sampled_from(["at_least", "at_most"])): draw(st.integers(lo, hi).map(Decimal)),
                  "ratio": draw(decimals(0, 1))} for _ in range(draw(st.integers(1, 4)))]  # fmt: skip
        leaf |= {"metric": metric, "bands": bands}
    elif method == "boolean":
        leaf["field"] = f"facts.{draw(st.sampled_from(FLAG_FACTS))}"
    elif method == "korean_price":
        leaf |= {"metric": "price", "estimated_price": draw(st.integers(base * 8 // 10, base * 12 // 10))}
    elif draw(st.booleans()):  # judged: default scale (percent), or stated
        leaf["scale"] = draw(st.sampled_from(["percent", "points"]))
    return leaf


@st.composite
def rubrics(draw, base: int, force: str | None = None, fine_points: bool = False) -> dict:
    """A valid rubric; `force` makes the first leaf use that method. `fine_points=False` keeps every
    leaf's points within the rubric's rounding places (points 4.5 with rounding to 0 places is refused
    by the loader: see test_rounding_never_lifts_a_score_above_its_points)."""
    places = draw(st.integers(0, 6))
    most = 2 if fine_points else places
    categories = []
    for c in range(draw(st.integers(1, 3))):
        children = [draw(leaves(f"c{c}-l{i}", base, force if (c, i) == (0, 0) else None, most))
                    for i in range(draw(st.integers(1, 4)))]  # fmt: skip
        top = {"id": f"c{c}", "label": f"Category {c}", "points": sum(ch["points"] for ch in children),
               "children": children}  # fmt: skip
        if draw(st.integers(0, 9)) == 0:
            top["min_ratio"] = draw(decimals(0, Decimal("0.5")))
        categories.append(top)
    rubric: dict = {
        "schema": "bideval/rubric/v1", "id": "generated", "title": "Generated", "issuer": "Hypothesis",
        "currency": "KRW", "evaluation_date": "2025-01-01", "criteria": categories,
        "rounding": {"places": places, "mode": draw(st.sampled_from(["half_up", "half_even", "down"]))},
    }  # fmt: skip
    if draw(st.booleans()):
        rubric["panel"] = {"drop_highest": draw(st.integers(0, 2)), "drop_lowest": draw(st.integers(0, 2)),
                           "when_at_least": draw(st.integers(1, 7))}  # fmt: skip
    thresholds: dict = {}
    if draw(st.integers(0, 3)) == 0:
        named = draw(st.lists(st.sampled_from([c["id"] for c in categories]), min_size=1, unique=True))
        thresholds["technical"] = {"criteria": named, "min_ratio": draw(decimals(0, Decimal("0.9")))}
    if draw(st.integers(0, 3)) == 0:
        thresholds["budget"] = draw(st.integers(base, base * 13 // 10))
    if thresholds:
        rubric["thresholds"] = thresholds
    ids = [n["id"] for c in categories for n in [c, *c["children"]]] + (
        ["technical"] if "technical" in thresholds else []
    )
    if draw(st.booleans()):
        rubric["ranking"] = {"tie_break": draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))}
    if draw(st.integers(0, 3)) == 0:
        award: dict = {"mode": "multiple"}
        if draw(st.booleans()):
            award["budget"] = draw(st.integers(base, base * 4))
        if draw(st.booleans()):
            award["max_winners"] = draw(st.integers(1, 3))
    else:
        award = {"mode": "single"}
    award |= {"min_valid_bids": draw(st.integers(1, 3)), "sole_bid": draw(st.sampled_from(["negotiate", "fail"]))}
    rubric["award"] = award
    if draw(st.integers(0, 4)) == 0:
        rubric["eligibility"] = [{"id": "flag", "label": "Flag", "field": "facts.flag2", "op": "true"}]
    return rubric


def judged_leaves(rubric: dict) -> list[dict]:
    return [leaf for c in rubric["criteria"] for leaf in c["children"] if leaf["method"] == "judged"]


def all_leaves(rubric: dict) -> list[dict]:
    return [leaf for c in rubric["criteria"] for leaf in c["children"]]


@st.composite
def panel_score(draw, leaf: dict) -> Decimal:
    if leaf.get("scale") == "points":
        points = leaf["points"]
        return draw(st.sampled_from([Decimal(0), points]) | st.integers(0, 100).map(lambda r: points * r / 100))
    return draw(st.sampled_from([Decimal(v) for v in (0, 50, 70, 100)]) | amounts(0, 100))


@st.composite
def programmes(draw, force: str | None = None, fine_points: bool = False) -> dict:
    """{"rubric": …, "bids": {bidder id: bid}, "panel": {evaluator id: score sheet}}."""
    base = draw(st.integers(100, 10**7))
    rubric = draw(rubrics(base, force, fine_points))
    bidders = draw(st.lists(SLUGS, min_size=2, max_size=8, unique=True))
    common_prices = draw(st.lists(st.integers(max(1, base * 4 // 10), base * 13 // 10), min_size=1, max_size=3))
    bids: dict = {}
    twin_of: dict[str, str] = {}  # a twin offers what an earlier bidder offers, so totals tie often
    for bidder in bidders:
        if bids and draw(st.integers(0, 2)) == 0:
            twin_of[bidder] = draw(st.sampled_from(sorted(bids)))
            bids[bidder] = copy.deepcopy(bids[twin_of[bidder]])
            bids[bidder]["bidder"] = {"id": bidder, "name": f"Bidder {bidder}"}
            continue
        price = draw(st.sampled_from(common_prices) | st.integers(max(1, base * 4 // 10), base * 13 // 10))
        facts: dict = {f: draw(st.sampled_from([Decimal(1), Decimal(10)]) | amounts(Decimal("0.01"), 100))
                       for f in NUMBER_FACTS}  # fmt: skip
        facts |= {f: draw(st.booleans()) for f in FLAG_FACTS}
        bids[bidder] = {"schema": "bideval/bid/v1", "bidder": {"id": bidder, "name": f"Bidder {bidder}"},
                        "price": price, "facts": facts}  # fmt: skip
    size = draw(st.integers(1, 7) | st.integers(5, 7))  # 5+ evaluators: the default panel trims
    evaluators = draw(st.lists(SLUGS, min_size=size, max_size=size, unique=True))
    conflicts = {e: draw(st.lists(st.sampled_from(bidders), max_size=2, unique=True)) if draw(st.integers(0, 2)) == 0
                 else [] for e in evaluators}  # fmt: skip
    for bidder in bidders:  # someone must be able to score every bidder
        if all(bidder in conflicts[e] for e in evaluators):
            conflicts[draw(st.sampled_from(evaluators))].remove(bidder)
    judged = judged_leaves(rubric)
    panel = {}
    for e in evaluators:
        scores = {b: {leaf["id"]: draw(panel_score(leaf)) for leaf in judged} for b in bidders if b not in conflicts[e]}
        for twin, original in twin_of.items():
            if twin in scores and original in scores and draw(st.integers(0, 3)):
                scores[twin] = dict(scores[original])
        panel[e] = {"schema": "bideval/scores/v1", "evaluator": {"id": e, "name": f"Evaluator {e}",
                    "conflicts": conflicts[e]}, "scores": scores}  # fmt: skip
    return {"rubric": rubric, "bids": bids, "panel": panel}


# ---------------------------------------------------------------------------------------
# Writing, evaluating and transforming programmes.

_NUMBER = re.compile(r'"@(-?[0-9.E+-]+)@"')


def _dumps(data) -> str:
    """JSON with Decimals written as plain numbers (the reader turns them back into exact Decimals)."""
    return _NUMBER.sub(r"\1", json.dumps(data, default=lambda d: f"@{d:f}@", indent=1))


def write(
    folder: Path, prog: dict, bid_files: dict | None = None, score_files: dict | None = None
) -> tuple[Path, Path]:
    """Write a programme; `bid_files` / `score_files` map bidder / evaluator id → file stem."""
    bids_dir = folder / "bids"
    (bids_dir / "scores").mkdir(parents=True)
    rubric_path = folder / "rubric.json"
    rubric_path.write_text(_dumps(prog["rubric"]), encoding="utf-8")
    for bidder, bid in prog["bids"].items():
        (bids_dir / f"{(bid_files or {}).get(bidder, bidder)}.json").write_text(_dumps(bid), encoding="utf-8")
    for evaluator, sheet in prog["panel"].items():
        name = (score_files or {}).get(evaluator, evaluator)
        (bids_dir / "scores" / f"{name}.json").write_text(_dumps(sheet), encoding="utf-8")
    return rubric_path, bids_dir


def run(prog: dict, **files) -> Result:
    # tempfile rather than tmp_path: hypothesis runs the test body many times per fixture.
    with tempfile.TemporaryDirectory() as tmp:
        try:
            return evaluate(load_inputs(*write(Path(tmp), prog, **files)))
        except InputError as exc:  # a generator bug (or a loader bug): show what was refused
            raise AssertionError("\n".join(str(p) for p in exc.problems)) from exc


def rename_bidders(prog: dict, mapping: dict[str, str]) -> dict:
    prog = copy.deepcopy(prog)
    bids = {}
    for bidder, bid in prog["bids"].items():
        bid["bidder"]["id"] = mapping[bidder]
        bids[mapping[bidder]] = bid
    prog["bids"] = bids
    for sheet in prog["panel"].values():
        sheet["evaluator"]["conflicts"] = [mapping[b] for b in sheet["evaluator"]["conflicts"]]
        sheet["scores"] = {mapping[b]: given for b, given in sheet["scores"].items()}
    return prog


def rename_evaluators(prog: dict, mapping: dict[str, str]) -> dict:
    prog = copy.deepcopy(prog)
    panel = {}
    for evaluator, sheet in prog["panel"].items():
        sheet["evaluator"]["id"] = mapping[evaluator]
        panel[mapping[evaluator]] = sheet
    prog["panel"] = panel
    return prog


def scale_currency(prog: dict, factor: int) -> dict:
    prog = copy.deepcopy(prog)
    for bid in prog["bids"].values():
        bid["price"] *= factor
    rubric = prog["rubric"]
    for leaf in all_leaves(rubric):
        if "estimated_price" in leaf:
            leaf["estimated_price"] *= factor
    for holder in (rubric.get("thresholds", {}), rubric["award"]):
        if "budget" in holder:
            holder["budget"] *= factor
    return prog


def renaming(draw, old: list[str]) -> dict[str, str]:
    """A one-to-one map of `old` onto a permutation of the same ids, or onto fresh ids: either way
    sorting by id changes arbitrarily."""
    if draw(st.booleans()):
        return dict(zip(old, draw(st.permutations(old))))
    return dict(zip(old, draw(st.lists(SLUGS, min_size=len(old), max_size=len(old), unique=True))))


def standing(result: Result, bidder: str) -> tuple:
    b = result.bid(bidder)
    return (b.total, b.categories, b.status, b.rank, b.rank_decided_by, [(c.id, c.score) for c in b.criteria],
            sorted(r.code for r in b.reasons))  # fmt: skip


def order_groups(result: Result, mapping: dict[str, str] | None = None) -> list[tuple]:
    """The bids list as consecutive groups of equal rank: (rank, set of bidders). Inside a tied group, and
    among unranked bids, the order is by id, which a renaming is allowed to change."""
    groups: list[tuple] = []
    for b in result.bids:
        bidder = (mapping or {}).get(b.bidder_id, b.bidder_id)
        if groups and groups[-1][0] == b.rank:
            groups[-1][1].add(bidder)
        else:
            groups.append((b.rank, {bidder}))
    return groups


# ---------------------------------------------------------------------------------------
# Properties.


def assert_within_points(prog: dict, result: Result) -> None:
    points = {leaf["id"]: leaf["points"] for leaf in all_leaves(prog["rubric"])}
    total_points = sum((top["points"] for top in prog["rubric"]["criteria"]), Decimal(0))
    for bid in result.bids:
        for score in bid.criteria:
            if score.id in points:
                assert Decimal(0) <= score.score <= points[score.id], (bid.bidder_id, score.id, score.score)
                assert score.ratio is None or Decimal(0) <= score.ratio <= 1, (bid.bidder_id, score.id, score.ratio)
        assert bid.total is None or Decimal(0) <= bid.total <= total_points, (bid.bidder_id, bid.total)


@SETTINGS
@given(programmes(fine_points=False))
def test_every_leaf_score_is_within_its_points(prog):
    """Property 1a. Catches: a method returning a ratio outside 0…1 (a missing clamp in linear or
    korean_price, ratio_to_best 'higher' dividing the wrong way, a band ratio applied twice), a panel
    mean read on the wrong scale (percent scores taken as points), a total above the rubric's points."""
    assert_within_points(prog, run(prog))


def _fine_points_example() -> dict:
    """The smallest failing case hypothesis found (hand-tidied): points 4.5, rounding to 0 places."""
    leaf = {"id": "c0-l0", "label": "Price", "points": Decimal("4.5"), "method": "ratio_to_best",
            "metric": "price", "better": "lower"}  # fmt: skip
    rubric = {"schema": "bideval/rubric/v1", "id": "generated", "title": "Generated", "issuer": "Hypothesis",
              "currency": "KRW", "evaluation_date": "2025-01-01", "rounding": {"places": 0, "mode": "half_up"},
              "criteria": [{"id": "c0", "label": "C0", "points": Decimal("4.5"), "children": [leaf]}]}  # fmt: skip
    bids = {b: {"schema": "bideval/bid/v1", "bidder": {"id": b, "name": b}, "price": price}
            for b, price in (("a", 100), ("b", 200))}  # fmt: skip
    panel = {"e1": {"schema": "bideval/scores/v1", "evaluator": {"id": "e1", "name": "E1", "conflicts": []},
                    "scores": {}}}  # fmt: skip
    return {"rubric": rubric, "bids": bids, "panel": panel}


@SETTINGS
@example(_fine_points_example())
@given(programmes(fine_points=True))
def test_rounding_never_lifts_a_score_above_its_points(prog):
    """Property 1a on every rubric, including points with more decimals than `rounding.places`.

    Hypothesis found (example above): points 4.5 rounded to 0 places let a full score round to 5.
    The fix is a rubric rule: points may not be finer than the rounding places; such a rubric is
    refused with its location, and every rubric that loads keeps scores within their points."""
    places = prog["rubric"].get("rounding", {}).get("places", 4)
    nodes = [n for top in prog["rubric"]["criteria"] for n in [top, *top.get("children", [])]]
    if any(-Decimal(n["points"]).normalize().as_tuple().exponent > places for n in nodes):
        with tempfile.TemporaryDirectory() as tmp, pytest.raises(InputError) as refused:
            load_inputs(*write(Path(tmp), prog))
        assert any("finer than" in p.message and p.line > 0 for p in refused.value.problems)
        return
    assert_within_points(prog, run(prog))


@SETTINGS
@given(programmes())
def test_parents_and_totals_are_sums_of_their_parts(prog):
    """Property 1b. Catches: a parent scored from unrounded children (or re-rounded), a category missing
    from the total, a bid's categories not matching its criteria, a gate-failed bid getting scores."""
    result = run(prog)
    tops = prog["rubric"]["criteria"]
    assert {b.bidder_id for b in result.bids} == set(prog["bids"])
    for bid in result.bids:
        if bid.status == "excluded" and any(not g.passed for g in bid.gates):
            assert bid.criteria == [] and bid.total is None and bid.rank is None
            continue
        by_id = {c.id: c.score for c in bid.criteria}
        assert list(by_id) == [n["id"] for top in tops for n in [top, *top["children"]]]  # every node, rubric order
        for top in tops:
            assert by_id[top["id"]] == sum((by_id[ch["id"]] for ch in top["children"]), Decimal(0))
            assert bid.categories[top["id"]] == by_id[top["id"]]
        assert list(bid.categories) == [top["id"] for top in tops]
        assert bid.total == sum(bid.categories.values(), Decimal(0))


@SETTINGS
@given(programmes(), st.data())
def test_ranking_does_not_depend_on_file_order_or_bidder_ids(prog, data):
    """Property 2. Catches: ranking or tie-breaking by file name or bidder id (e.g. `sorted(..., key=id)`
    deciding a tie instead of reporting it), scores or conflicts attached by file position rather than by
    id, or 'best' of a relative method taken from the first file."""
    first = run(prog)
    mapping = renaming(data.draw, list(prog["bids"]))
    files = renaming(data.draw, list(mapping.values()))  # file names unrelated to the ids
    second = run(rename_bidders(prog, mapping), bid_files=files)
    for bidder, new in mapping.items():
        assert standing(second, new) == standing(first, bidder), bidder
    assert sorted(b.rank or 0 for b in first.bids) == sorted(b.rank or 0 for b in second.bids)
    assert order_groups(second) == order_groups(first, mapping)
    assert (second.outcome.kind, second.outcome.valid_bids) == (first.outcome.kind, first.outcome.valid_bids)
    assert set(second.outcome.winners) == {mapping[w] for w in first.outcome.winners}
    assert set(second.outcome.tied) == {mapping[t] for t in first.outcome.tied}


@SETTINGS
@given(programmes(force="ratio_to_best"), st.data())
def test_improving_a_bid_on_a_ratio_metric_never_lowers_its_score(prog, data):
    """Property 3 (and its mirror for `better: higher`). Improve one bid's value on a ratio_to_best
    metric — lower for `better: lower`, higher for `better: higher` — staying best or not: its score on
    that criterion must not fall. Catches: best taken with the wrong min/max, the ratio inverted
    (this ÷ best for lower), or the improved bid's own value left out of the best."""
    leaf = data.draw(st.sampled_from([x for x in all_leaves(prog["rubric"]) if x["method"] == "ratio_to_best"]))
    bidder = data.draw(st.sampled_from(sorted(prog["bids"])))
    better = copy.deepcopy(prog)
    bid = better["bids"][bidder]
    if leaf["metric"] == "price":
        old = bid["price"]
        if leaf["better"] == "lower":
            assume(old > 1)
            bid["price"] = data.draw(st.integers(1, old - 1) | st.just(old // 2 or 1))
        else:
            bid["price"] = data.draw(st.integers(old + 1, old * 3))
    else:
        fact = leaf["metric"].split(".")[1]
        old = bid["facts"][fact]
        if leaf["better"] == "lower":
            assume(old > Decimal("0.01"))
            bid["facts"][fact] = data.draw(decimals(Decimal("0.01"), old - Decimal("0.01")))
        else:
            bid["facts"][fact] = old + data.draw(decimals(Decimal("0.01"), 100))
    before, after = run(prog), run(better)
    scored_before = {c.id: c.score for c in before.bid(bidder).criteria}
    scored_after = {c.id: c.score for c in after.bid(bidder).criteria}
    if leaf["id"] in scored_before:  # not when a gate (on a flag, unchanged here) excluded the bid
        assert scored_after[leaf["id"]] >= scored_before[leaf["id"]], (bidder, leaf["id"], old)


@SETTINGS
@given(programmes(force="korean_price"), st.sampled_from([10, 1000]))
def test_scaling_the_currency_leaves_price_ratios_unchanged(prog, factor):
    """Property 4. Multiply every price, estimated price and budget by 10 or 1000. Catches: a constant
    in money units (a floor like 'at least 1 won', an absolute tolerance), a rounding of prices or
    of the 80 % / 60 % thresholds to whole units, or an estimated price that is not scaled with the bids.
    When no other criterion reads the price in absolute units, the whole evaluation must be unchanged."""
    before, after = run(prog), run(scale_currency(prog, factor))
    invariant = [leaf["id"] for leaf in all_leaves(prog["rubric"])
                 if leaf["method"] in ("ratio_to_best", "korean_price")]  # fmt: skip
    for bidder in prog["bids"]:
        old = {c.id: (c.score, c.ratio) for c in before.bid(bidder).criteria}
        new = {c.id: (c.score, c.ratio) for c in after.bid(bidder).criteria}
        assert {i: old[i] for i in invariant if i in old} == {i: new[i] for i in invariant if i in new}, bidder
    absolute = [leaf for leaf in all_leaves(prog["rubric"]) if leaf["method"] in ("linear", "bands")
                and leaf["metric"] == "price"]  # fmt: skip
    if not absolute:
        for bidder in prog["bids"]:
            assert standing(after, bidder) == standing(before, bidder), bidder
        assert after.outcome == before.outcome


def panel_view(result: Result) -> dict:
    """Per bidder and judged criterion: what must not depend on which evaluator is which."""
    view = {}
    for bid in result.bids:
        for c in bid.criteria:
            if c.panel is not None:
                marks = Counter((s.score, s.status) for s in c.panel.scores)
                view[bid.bidder_id, c.id] = (c.score, c.panel.mean, c.panel.trimmed, c.panel.spread, marks)
    return view


@SETTINGS
@given(programmes(force="judged"), st.data())
def test_panel_trimming_does_not_depend_on_evaluator_order(prog, data):
    """Property 5. Shuffle which file holds which evaluator, and map evaluator ids through a permutation
    of fresh ids. Catches: trimming by position instead of by value (dropping the first and last
    evaluator's scores, in file or id order), a tie among the highest or lowest scores resolved so that a
    different value goes, or a conflict applied to the evaluator at some index rather than by id.
    (Dropping every score equal to the maximum is wrong too, but order-independent: not this test's job.)"""
    first = run(prog)
    evaluators = list(prog["panel"])
    mapping = renaming(data.draw, evaluators)
    shuffled = data.draw(st.permutations(evaluators))
    files = {mapping[e]: f"sheet-{shuffled.index(e)}" for e in evaluators}
    second = run(rename_evaluators(prog, mapping), score_files=files)
    assert panel_view(second) == panel_view(first)
    for bidder in prog["bids"]:
        assert standing(second, bidder) == standing(first, bidder), bidder


@SETTINGS
@given(programmes())
def test_evaluation_is_deterministic(prog):
    """Property 6. Evaluate the same inputs twice, and the same files written afresh to another folder.
    Catches: set or dict iteration order leaking into results, a machine path or clock in the Result,
    or state kept between runs (a cache keyed on something unstable)."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs = load_inputs(*write(Path(tmp), prog))
        once, twice = evaluate(inputs), evaluate(inputs)
    again = run(prog)
    assert once == twice == again
    assert render_json(once) == render_json(again)
