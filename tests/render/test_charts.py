"""The report's SVG charts on edge cases: zero ranges, one point, nothing to plot, odd values."""

from __future__ import annotations

import itertools
import math
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

import bideval
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.model.common import Label
from bideval.render.charts import ASCENT, DESCENT, category_bars, price_share_scatter, text_width
from tests.conftest import KR, NIPA, run

NUMBER_ATTRIBUTE = re.compile(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"')
PLOT = (60, 12, 480, 220)  # the scatter's plot box: left, top, width, height
SVG = "{http://www.w3.org/2000/svg}"
LONG_NAMES = {  # 40+ characters, for every bidder of a sample in turn
    "en": ["Hanbit Cloud Infrastructure and Hyperscale Computing Services Consortium Ltd.",
           "Gaon AI GPU Cloud Joint Venture (lead member Gaon AI) Worldwide",
           "Saebyeok Technology National AI Computing Centre Special Purpose Company",
           "WWWWWWWWWWMMMMMMMMMMmmmmmmmmmmwwwwwwwwww %%%% @@@@",
           "Alpha Soft", "Beta Systems", "Gamma Data", "Delta Info"],
    "ko": ["한빛클라우드 인프라스트럭처 앤드 하이퍼스케일 컴퓨팅 서비스 주식회사 컨소시엄",
           "가온AI 그래픽처리장치 클라우드 서비스 공동수급체 (대표사 가온AI) 및 협력사 일동",
           "새벽테크놀로지 국가인공지능컴퓨팅센터 구축 운영 특수목적법인 주식회사",
           "장터마켓 공공부문 인공지능 컴퓨팅 자원 통합 조달 및 운영 지원 사업단 주식회사",
           "알파소프트", "베타시스템즈", "감마데이터", "델타정보"],
}


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
    assert not re.search(r"\b(s?nan|inf|infinity)\b", svg.replace("Bideval Gothic", ""), flags=re.IGNORECASE), svg
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
    assert len(points) == len(_scored(result)) and {x for x, _ in points} == {PLOT[0]}  # all at 0, the left edge
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
    _assert_text_inside_the_drawing(svg)
    _assert_apart(_label_boxes(svg))
    plotted = [b for b in _scored(result) if b.metrics["price_per_pflops"] is not None
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
    same = (Decimal(50000000), Decimal(0))
    svg = price_share_scatter(_with_metrics(nipa_result, {b.bidder_id: same for b in nipa_result.bids}), "en")
    _assert_finite(svg)
    _assert_text_inside_the_drawing(svg)
    labels = _label_boxes(svg)
    assert len(labels) == len(_scored(nipa_result))
    _assert_apart(labels)
    _assert_inside_the_plot(labels)


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
    odd = nipa_result.bids[0].model_copy(update={"categories": {"readiness": Decimal(-5)}})
    svg = category_bars(nipa_result.model_copy(update={"bids": [odd, *nipa_result.bids[1:]]}), "en")
    _assert_finite(svg)
    assert min(float(w) for w in re.findall(r'<rect [^>]*width="([^"]+)"', svg)) >= 0


# --- geometry read back from the SVG: every text's estimated extent --------------------------------


def _svg(markup: str) -> ET.Element:
    """The chart's <svg> element (a note may follow it)."""
    return ET.fromstring(markup[markup.index("<svg"):markup.index("</svg>") + 6])


def _extent(text: ET.Element, root_size: float) -> tuple[float, float, float, float]:
    """A <text>'s estimated box (left, top, right, bottom), by the chart's own width estimate."""
    size = float(text.get("font-size", root_size))
    x, y, width = float(text.get("x")), float(text.get("y")), text_width(text.text or "", size)
    shift = {"start": 0, "middle": width / 2, "end": width}[text.get("text-anchor", "start")]
    left, right, top, bottom = x - shift, x - shift + width, y - ASCENT * size, y + DESCENT * size
    rotation = text.get("transform")
    if rotation:  # rotate(-90 cx cy), about the text's own anchor: (x + dx, y + dy) → (x + dy, y - dx)
        assert rotation == f"rotate(-90 {text.get('x')} {text.get('y')})", rotation
        return x + top - y, y - (right - x), x + bottom - y, y - (left - x)
    return left, top, right, bottom


def _texts(markup: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    root = _svg(markup)
    size = float(root.get("font-size"))
    return [(t.text or "", _extent(t, size)) for t in root.iter(f"{SVG}text")]


def _assert_text_inside_the_drawing(markup: str) -> None:
    """Every text's anchor and estimated extent lie within the viewBox."""
    root = _svg(markup)
    x0, y0, width, height = (float(v) for v in root.get("viewBox").split())
    assert (float(root.get("width")), float(root.get("height"))) == (width, height)
    for text in root.iter(f"{SVG}text"):
        assert x0 <= float(text.get("x")) <= x0 + width and y0 <= float(text.get("y")) <= y0 + height, text.text
    for text, box in _texts(markup):
        assert x0 <= box[0] and box[2] <= x0 + width and y0 <= box[1] and box[3] <= y0 + height, (text, box)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _assert_apart(boxes) -> None:
    for (one, a), (other, b) in itertools.combinations(boxes, 2):
        assert not _overlap(a, b), (one, a, other, b)


def _scored(result):
    return [b for b in result.bids if b.status != "excluded"]


def _label_boxes(markup: str):
    """The scatter's point labels: the texts inside the plot box (ticks and axis titles are outside)."""
    return [(text, box) for text, box in _texts(markup) if box[0] >= PLOT[0] and box[3] <= PLOT[1] + PLOT[3] + 6]


def _assert_inside_the_plot(labels) -> None:
    """Labels are within the plot box, off its frame (the axes)."""
    left, top, width, height = PLOT
    for text, (x0, y0, x1, y1) in labels:
        assert left < x0 and x1 < left + width and top < y0 and y1 < top + height, (text, x0, y0, x1, y1)


def _legend(markup: str):
    """Each legend item (swatch and text) as one box: the swatches are the 10×10 rects."""
    root = _svg(markup)
    swatches = [r for r in root.iter(f"{SVG}rect") if r.get("width") == "10" and r.get("height") == "10"]
    texts = _texts(markup)[-len(swatches):]
    items = []
    for swatch, (text, (_, top, right, bottom)) in zip(swatches, texts):
        x, y = float(swatch.get("x")), float(swatch.get("y"))
        items.append((text, (x, min(y, top), right, max(y + 10, bottom))))
    return items


def _renamed(result, names: list[str], lang: str):
    """`result` with its bidders renamed in `lang`, in order."""
    bids = [b.model_copy(update={"name": Label(**{**b.name.model_dump(), lang: name})})
            for b, name in zip(result.bids, names)]  # fmt: skip
    return result.model_copy(update={"bids": bids})


@pytest.fixture(scope="module")
def kr_result():
    return evaluate(load_inputs(*KR))


def test_the_width_estimate_is_never_below_the_fonts_own_advances(nipa_result, kr_result):
    """What the layout relies on: Hangul ≈ 1 em, Latin 0.55–0.6 em, a few wide glyphs more."""
    from fontTools.ttLib import TTFont

    font = TTFont(Path(bideval.__file__).parent / "render" / "assets" / "fonts" / "BidevalGothic-Regular.ttf")
    cmap, advances, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    samples = [*LONG_NAMES["en"], *LONG_NAMES["ko"], "…", "0123456789.,%", "ABCDEFGHIJKLMNOPQRSTUVWXYZ&@",
               "abcdefghijklmnopqrstuvwxyz"]  # fmt: skip
    for result in (nipa_result, kr_result):
        for lang in ("ko", "en"):
            samples += [b.name.text(lang) for b in result.bids]
            samples += [f"{c.label.text(lang)} ({c.points})" for c in result.rubric.criteria]
    for text in samples:
        actual = sum(advances[cmap[ord(char)]][0] for char in text) / em * 10
        assert actual <= text_width(text) <= actual * 1.6 + 10, (text, actual, text_width(text))


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("sample", ["nipa", "kr"])
def test_category_legend_items_never_overlap_and_stay_in_the_drawing(nipa_result, kr_result, sample, lang):
    result = nipa_result if sample == "nipa" else kr_result
    svg = category_bars(result, lang)
    _assert_text_inside_the_drawing(svg)
    legend = _legend(svg)
    assert [text for text, _ in legend] == [f"{c.label.text(lang)} ({c.points})"
                                            for c in result.rubric.criteria if c.parent is None]  # fmt: skip
    _assert_apart(legend)
    _assert_apart(_texts(svg))


def test_a_legend_of_long_labels_wraps_onto_more_rows_and_the_drawing_grows(nipa_result):
    long = "Business readiness, competitiveness and long-term financial soundness of the consortium"
    criteria = [c.model_copy(update={"label": Label(ko=c.label.ko, en=long)}) if c.parent is None else c
                for c in nipa_result.rubric.criteria]  # fmt: skip
    result = nipa_result.model_copy(update={"rubric": nipa_result.rubric.model_copy(update={"criteria": criteria})})
    short, wrapped = category_bars(nipa_result, "en"), category_bars(result, "en")
    legend = _legend(wrapped)
    assert len({box[1] for _, box in legend}) == len(legend)  # one item a row: none fits beside another
    _assert_apart(legend)
    _assert_text_inside_the_drawing(wrapped)
    assert float(_svg(wrapped).get("height")) > float(_svg(short).get("height"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_long_bidder_names_on_the_bars_end_in_an_ellipsis_inside_the_drawing(nipa_result, lang):
    result = _renamed(nipa_result, LONG_NAMES[lang], lang)
    svg = category_bars(result, lang)
    _assert_text_inside_the_drawing(svg)
    _assert_apart(_texts(svg))
    bars_start = min(float(r.get("x")) for r in _svg(svg).iter(f"{SVG}rect") if r.get("height") == "18")
    axis_y = float(next(_svg(svg).iter(f"{SVG}line")).get("y1"))
    names = [(text, box) for text, box in _texts(svg) if box[2] <= bars_start and box[3] <= axis_y]
    scored = [b.name.text(lang) for b in result.bids if b.total is not None]
    assert len(names) == len(scored)
    for (text, _), full in zip(names, scored):
        assert text.endswith("…") and full.startswith(text[:-1].rstrip()) and len(text) > 8, (text, full)
    assert category_bars(nipa_result, lang).count("…") == 0  # short names stay whole


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_long_name_on_the_highest_price_stays_inside_the_plot(nipa_result, lang):
    result = _renamed(nipa_result, LONG_NAMES[lang], lang)
    svg = price_share_scatter(result, lang)
    _assert_text_inside_the_drawing(svg)
    labels = _label_boxes(svg)
    assert len(labels) == len(_scored(result))
    _assert_apart(labels)
    _assert_inside_the_plot(labels)
    markers = [(float(c.get("cx")) - 5, float(c.get("cy")) - 5, float(c.get("cx")) + 5, float(c.get("cy")) + 5)
               for c in _svg(svg).iter(f"{SVG}circle")]  # fmt: skip
    for text, box in labels:
        assert not any(_overlap(box, marker) for marker in markers), text
    highest = max(_scored(result), key=lambda b: b.metrics["price_per_pflops"]).name.text(lang)
    label = next(text for text, _ in labels if highest.startswith(text.rstrip("…").rstrip()))
    assert len(label) > len(highest) / 2  # to the left of its point, with room for most of the name


def test_crowded_points_near_the_right_edge_keep_labels_apart_inside_the_plot(nipa_result):
    bid = nipa_result.bids[0]
    bids = [bid.model_copy(update={"bidder_id": f"bid-{i}", "status": "eligible",
                                   "name": Label(ko=name, en=name),
                                   "metrics": {"price_per_pflops": Decimal(90_000_000 + i * 1_000_000),
                                               "public_pflops_share": Decimal("0.9") - Decimal(i) / 100}})
            for i, name in enumerate(LONG_NAMES["en"])]  # fmt: skip
    svg = price_share_scatter(nipa_result.model_copy(update={"bids": bids}), "en")
    _assert_text_inside_the_drawing(svg)
    labels = _label_boxes(svg)
    assert len(labels) == len(bids)
    _assert_apart(labels)
    _assert_inside_the_plot(labels)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_bids_excluded_at_the_gates_are_not_plotted_and_a_note_names_them(nipa_result, lang):
    excluded = [b for b in nipa_result.bids if b.status == "excluded"]
    assert excluded and all(b.metrics["price_per_pflops"] and b.metrics["public_pflops_share"] for b in excluded)
    markup = price_share_scatter(nipa_result, lang)
    svg, note = markup[:markup.index("</svg>")], markup[markup.index("</svg>"):]
    assert len(list(_svg(markup).iter(f"{SVG}circle"))) == len(_scored(nipa_result))
    for bid in excluded:
        assert bid.name.text(lang) not in svg and bid.name.text(lang) in note
    assert note.startswith('</svg><p class="note">')
    for bid in _scored(nipa_result):
        assert bid.name.text(lang) in svg and bid.name.text(lang) not in note
    # the axis spans the scored bids' prices only (the excluded bid's lower price would widen it)
    lowest = min(b.metrics["price_per_pflops"] for b in _scored(nipa_result)) / 1_000_000
    assert min(b.metrics["price_per_pflops"] for b in excluded) / 1_000_000 < lowest
    assert float(_ticks(markup)[0]) == pytest.approx(float(lowest) * 0.85, abs=0.1)


def test_when_only_excluded_bids_have_both_figures_the_scatter_says_so(nipa_result):
    result = _with_metrics(nipa_result, {b.bidder_id: (None, None) for b in _scored(nipa_result)})
    markup = price_share_scatter(result, "en")
    assert "<svg" not in markup and "passed the gates" in markup and "Jangteo Market" in markup
    assert price_share_scatter(_with_metrics(nipa_result, {b.bidder_id: (None, None) for b in nipa_result.bids}),
                               "en").count("<p") == 1  # nothing excluded to name: the plain note  # fmt: skip
