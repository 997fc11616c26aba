"""The report's SVG charts on edge cases: zero ranges, one point, nothing to plot, odd values."""

from __future__ import annotations

import math
import re
import shutil
from decimal import Decimal

import pytest

from bideval.load.inputs import load_inputs
from bideval.pipeline import evaluate
from bideval.render.charts import category_bars, price_share_scatter
from tests.conftest import KR, NIPA, run

NUMBER_ATTRIBUTE = re.compile(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"')
PLOT = (60, 12, 480, 220)  # the scatter's plot box: left, top, width, height


@pytest.fixture(scope="module")
def nipa_result():
    return evaluate(load_inputs(*NIPA))


@pytest.fixture(scope="module")
def zero_price_inputs(tmp_path_factory):
    """The NIPA sample with every price per PF rounding to 0 (metric_places 0, a price of 1,000 KRW).

    Price-performance is scored on total petaflops instead: ratio_to_best refuses a 0 price per PF,
    but the chart plots that metric whatever the rubric scores."""
    root = tmp_path_factory.mktemp("zero-price")
    rubric, bids = root / "rubric.yaml", root / "bids"
    shutil.copytree(NIPA[1], bids)
    text = NIPA[0].read_text(encoding="utf-8")
    text = text.replace("  mode: half_up\n", "  mode: half_up\n  metric_places: 0\n", 1)
    scored_on = "metric: {}\n            better: {}"
    text = text.replace(scored_on.format("price_per_pflops", "lower"), scored_on.format("total_pflops", "higher"))
    rubric.write_text(text, encoding="utf-8")
    for bid in bids.glob("*.yaml"):
        bid.write_text(re.sub(r"(?m)^price: .*$", "price: 1000", bid.read_text(encoding="utf-8")), encoding="utf-8")
    return rubric, bids


def _with_metrics(result, values: dict[str, tuple[Decimal | None, Decimal | None]]):
    """`result` with each named bidder's price per PF and public share replaced."""
    bids = []
    for bid in result.bids:
        if bid.bidder_id in values:
            price, share = values[bid.bidder_id]
            bid = bid.model_copy(update={"metrics": {**bid.metrics, "price_per_pflops": price,
                                                     "public_pflops_share": share}})  # fmt: skip
        bids.append(bid)
    return result.model_copy(update={"bids": bids})


def _assert_finite(svg: str) -> None:
    assert not re.search(r"\b(s?nan|inf|infinity)\b", svg.replace("NanumGothic", ""), flags=re.I), svg
    for value in NUMBER_ATTRIBUTE.findall(svg):
        assert math.isfinite(float(value)), value


def _points(svg: str) -> list[tuple[float, float]]:
    points = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', svg)]
    left, top, width, height = PLOT
    for x, y in points:
        assert left <= x <= left + width and top <= y <= top + height, (x, y)
    return points


def _ticks(svg: str) -> list[str]:
    """The x-axis tick labels (the row of text under the plot box)."""
    return re.findall(rf'<text x="[^"]+" y="{PLOT[1] + PLOT[3] + 13}" text-anchor="middle"[^>]*>([^<]*)</text>', svg)


def test_every_price_per_pf_rounding_to_zero_renders(zero_price_inputs):
    result = evaluate(load_inputs(*zero_price_inputs))
    assert {b.metrics["price_per_pflops"] for b in result.bids} == {Decimal(0)}
    svg = price_share_scatter(result, "en")
    _assert_finite(svg)
    points = _points(svg)
    assert len(points) == len(result.bids) and {x for x, _ in points} == {PLOT[0]}  # all at 0, the left edge
    ticks = _ticks(svg)
    assert ticks[0] in ("0.0", "0.00") and len(set(ticks)) == 5, ticks  # an axis from 0 with distinct labels


def test_the_zero_price_report_renders_through_the_cli(zero_price_inputs, tmp_path):
    done = run("evaluate", *zero_price_inputs, "--out", tmp_path / "out", "--format", "pdf", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "report.pdf").read_bytes().startswith(b"%PDF")


def _metrics(**values: tuple[str | None, str | None]) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """Price per PF and public share by bidder (underscores for hyphens), as decimals."""
    return {bidder.replace("_", "-"): tuple(None if v is None else Decimal(v) for v in pair)  # type: ignore[misc]
            for bidder, pair in values.items()}  # fmt: skip


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(_metrics(hanbit_cloud=("0E-6", "0.5")), id="one-bid-at-zero"),
        pytest.param(_metrics(hanbit_cloud=("48000000", "0.5"), gaon_ai=(None, None), saebyeok_tech=(None, "0.3")),
                     id="one-bid-with-a-value"),  # fmt: skip
        pytest.param(_metrics(hanbit_cloud=("5E+7", "0.2"), gaon_ai=("50000000", "0.9"),
                              saebyeok_tech=("50000000.000", "0.4")), id="all-equal"),  # fmt: skip
        pytest.param(_metrics(hanbit_cloud=("-30000000", "0.5"), gaon_ai=("-10000000", "0.6"),
                              saebyeok_tech=("-20000000", "0.7")), id="all-negative"),  # fmt: skip
        pytest.param(_metrics(hanbit_cloud=("-10000000", "0.5"), gaon_ai=("20000000", "0.6")),
                     id="negative-and-positive"),  # fmt: skip
        pytest.param(_metrics(hanbit_cloud=("3", "0.5"), gaon_ai=("4", "1.5")), id="tiny-prices-and-a-share-over-one"),
    ],
)
def test_scatter_edge_cases_stay_inside_the_plot(nipa_result, values):
    result = _with_metrics(nipa_result, values)
    svg = price_share_scatter(result, "en")
    _assert_finite(svg)
    plotted = [b for b in result.bids if b.metrics["price_per_pflops"] is not None
               and b.metrics["public_pflops_share"] is not None]  # fmt: skip
    points = _points(svg)
    assert len(points) == len(plotted)
    ticks = _ticks(svg)
    assert len(set(ticks)) == 5 and "-0.0" not in ticks, ticks
    numbers = [Decimal(tick.replace(",", "")) for tick in ticks]
    assert numbers == sorted(numbers)  # the axis runs left to right, low to high
    prices = [b.metrics["price_per_pflops"] for b in plotted]
    lowest, highest = min(prices) / 1_000_000, max(prices) / 1_000_000
    assert numbers[0] <= lowest and highest <= numbers[-1]  # every point is within the labelled range
    by_price = sorted(zip(prices, (x for x, _ in points)))
    assert [x for _, x in by_price] == sorted(x for _, x in by_price)  # a higher price is further right


def test_coinciding_points_keep_their_labels_apart_and_inside_the_plot(nipa_result):
    same = (Decimal("50000000"), Decimal(0))
    svg = price_share_scatter(_with_metrics(nipa_result, {b.bidder_id: same for b in nipa_result.bids}), "en")
    _assert_finite(svg)
    label_ys = [float(y) for y in re.findall(r'<text x="[^"]+" y="([^"]+)" font-family', svg)]
    label_ys = label_ys[-len(nipa_result.bids):]  # the bidder labels are the last plain texts before the axis titles
    assert len(set(label_ys)) == len(nipa_result.bids)
    assert all(PLOT[1] <= y <= PLOT[1] + PLOT[3] + 4 for y in label_ys), label_ys


def test_scatter_with_nothing_to_plot_says_so(nipa_result):
    result = _with_metrics(nipa_result, {b.bidder_id: (None, None) for b in nipa_result.bids})
    note = price_share_scatter(result, "en")
    assert "<svg" not in note and "price per PF" in note
    _assert_finite(note)


def test_scatter_is_left_out_where_the_rubric_has_no_compute():
    result = evaluate(load_inputs(*KR))
    assert result.rubric.precision is None
    assert price_share_scatter(result, "en") == ""


def test_category_bars_without_a_scored_bid_say_so(nipa_result):
    bids = [b.model_copy(update={"total": None, "categories": {}}) for b in nipa_result.bids]
    note = category_bars(nipa_result.model_copy(update={"bids": bids}), "en")
    assert "<svg" not in note and "no bid" in note.lower()


def test_category_bars_stay_finite_and_non_negative(nipa_result):
    svg = category_bars(nipa_result, "en")
    _assert_finite(svg)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([^"]+)"', svg)]
    assert widths and min(widths) >= 0
    odd = nipa_result.bids[0].model_copy(update={"categories": {"readiness": Decimal("-5")}})
    svg = category_bars(nipa_result.model_copy(update={"bids": [odd, *nipa_result.bids[1:]]}), "en")
    _assert_finite(svg)
    assert min(float(w) for w in re.findall(r'<rect [^>]*width="([^"]+)"', svg)) >= 0
