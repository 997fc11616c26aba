"""Vector charts for the report, as inline SVG built from the Result.

Only geometry is computed here (positions from recorded scores and metrics); every
text that came from the inputs is escaped. The SVG uses the report's bundled font.
Text never runs past the drawing or into other text: widths are estimated on the
generous side (`text_width`), long labels are shortened with "…", the legend wraps.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from markupsafe import Markup, escape

from bideval.engine.result import Result
from bideval.render.common import equation
from bideval.render.i18n import t

PALETTE = ("#1f4e79", "#2e86c1", "#76b7b2", "#f28e2b", "#b07aa1", "#9c755f", "#59a14f", "#e15759")
FONT = "font-family=\"Bideval Gothic\" fill=\"#222\""
SIZE = 10  # the charts' font size (px); tick labels are 8
ASCENT, DESCENT = 0.92, 0.23  # Bideval Gothic's (Nanum Gothic's) ascent and descent, in em
ELLIPSIS = "…"
BARS_WIDTH = 640  # both charts fit the A4 text column (178 mm ≈ 672 px)


def text_width(text: str, size: float = SIZE) -> float:
    """An upper estimate of `text`'s advance in Bideval Gothic (Nanum Gothic) at `size` px.

    Hangul, CJK and full-width forms are 1 em (the font: 0.94); the widest Latin glyphs
    (m, w, M, W, %, @) 1.1 em; other capitals 0.8; everything else 0.62 (lower case and
    digits are at most 0.61)."""
    return size * sum(_em(char) for char in text)


def _em(char: str) -> float:
    if unicodedata.east_asian_width(char) in "WF" or char == ELLIPSIS:
        return 1.0
    if char in "mwMW%@":
        return 1.1
    return 0.8 if char.isupper() or char == "&" else 0.62


def fit(text: str, room: float, size: float = SIZE) -> str:
    """`text`, or its longest start followed by "…" whose estimated width is within `room`."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text.rstrip() + ELLIPSIS, size) > room:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS if text else ""


def category_bars(result: Result, lang: str) -> Markup:
    """Stacked horizontal bars: each scored bidder's category scores, on the rubric's total scale."""
    categories = [c for c in result.rubric.criteria if c.parent is None]
    bids = [b for b in result.bids if b.total is not None]
    total = result.rubric.total_points
    if not bids or not total > 0:
        return _note(t("chart_no_scores", lang))
    names = [b.name.text(lang) for b in bids]
    # The name column grows with the longest name, up to a third of the chart; longer names
    # end in "…" (the ranking table above the chart gives them in full).
    label_w = int(min(max(150, max(text_width(n) for n in names) + 12), 220))
    svg_w, row_h, top = BARS_WIDTH, 26, 10
    bar_w = svg_w - 70 - label_w
    axis_y = top + row_h * len(bids)
    legend = [f"{c.label.text(lang)} ({c.points})" for c in categories]
    legend_at, legend_h = _legend_layout(legend, svg_w, top=axis_y + 20)
    height = legend_h + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{svg_w}" height="{height}" '
             f'viewBox="0 0 {svg_w} {height}" font-size="{SIZE}">']  # fmt: skip
    for row, (bid, name) in enumerate(zip(bids, names)):
        y = top + row * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" {FONT}>'
                     f'{escape(fit(name, label_w - 10))}</text>')  # fmt: skip
        x = Decimal(label_w)
        for index, category in enumerate(categories):
            width = Decimal(bar_w) * max(bid.categories.get(category.id, Decimal(0)), Decimal(0)) / total
            parts.append(f'<rect x="{x:.2f}" y="{y + 3}" width="{width:.2f}" height="{row_h - 8}" '
                         f'fill="{PALETTE[index % len(PALETTE)]}"/>')  # fmt: skip
            x += width
        # The bar is the score before bonus and penalty points: a bid that has some says how it got its total.
        value = equation(bid) if any(a.points for a in bid.adjustments) else str(bid.total)
        x = min(x, Decimal(svg_w - 4) - Decimal(text_width(value)) - 4)  # a total over the scale stays in view
        parts.append(f'<text x="{x + 4:.2f}" y="{y + 14}" {FONT}>{escape(value)}</text>')
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + bar_w}" y2="{axis_y}" stroke="#888"/>')
    for tick in range(11):
        x = label_w + bar_w * tick / 10
        value = total * tick / 10
        parts.append(f'<text x="{x:.2f}" y="{axis_y + 11}" text-anchor="middle" font-size="8" {FONT}>'
                     f'{value.normalize():f}</text>')  # fmt: skip
    for index, (text, (x, y)) in enumerate(zip(legend, legend_at)):
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" {FONT}>{escape(fit(text, svg_w - 28))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend_layout(labels: list[str], svg_w: int, top: int) -> tuple[list[tuple[int, int]], int]:
    """Each legend item's swatch position (x, text baseline), filled row by row and wrapped
    before an item would pass the right edge; and the bottom of the last row."""
    row_h, gap, x, y = 16, 18, 10, top + 9
    places = []
    for label in labels:
        item_w = 14 + min(text_width(label), svg_w - 28)
        if x > 10 and x + item_w > svg_w - 10:
            x, y = 10, y + row_h
        places.append((x, y))
        x += int(item_w) + 1 + gap
    return places, y + int(DESCENT * SIZE) + 1


def price_share_scatter(result: Result, lang: str) -> Markup:
    """Price per PF (x) against public share of compute (y), one labelled point per bidder not
    excluded at the gates; a note under it names the excluded ones.

    Empty where the rubric counts no petaflops (no precision); a note where no bid has both figures."""
    points = [(b, b.metrics.get("price_per_pflops"), b.metrics.get("public_pflops_share")) for b in result.bids]
    points = [(b, x, y) for b, x, y in points if _finite(x) and _finite(y)]
    # Bids excluded at the gates are not plotted: they were never scored, so the committee
    # compares only the offers still in the running; an excluded low price would also stretch
    # the axis and look like a bargain. A note under the chart names them (the ranking table
    # above gives their price and reason).
    excluded = [b.name.text(lang) for b, _, _ in points if b.status == "excluded"]
    points = [(b, x, y) for b, x, y in points if b.status != "excluded"]
    left_out = _note(t("chart_excluded_not_plotted", lang, names=", ".join(excluded))) if excluded else Markup("")
    if not points:
        if not result.rubric.precision:
            return Markup("")
        return _note(t("chart_no_price_share_scored" if excluded else "chart_no_price_share", lang)) + left_out
    left, width, top, height = 60, 480, 12, 220
    x_min, x_max = _x_range([x for _, x, _ in points])
    places = _tick_places((x_max - x_min) / 4 / MILLION)
    ticks = [_tick_text(x_min + (x_max - x_min) * tick / 4, places) for tick in range(5)]
    svg_w = left + width + max(20, int(text_width(ticks[-1]) / 2) + 4)  # room for the last tick's text
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{svg_w}" height="{top + height + 45}" '
             f'viewBox="0 0 {svg_w} {top + height + 45}" font-size="{SIZE}">']  # fmt: skip
    parts.append(f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#888"/>')
    for tick in range(6):
        share = Decimal(tick) / 5
        y = top + height - height * share
        parts.append(f'<line x1="{left}" y1="{y:.2f}" x2="{left + width}" y2="{y:.2f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 3:.2f}" text-anchor="end" {FONT}>{int(share * 100)}%</text>')
    for tick, text in enumerate(ticks):
        parts.append(f'<text x="{left + width * tick / 4:.2f}" y="{top + height + 13}" text-anchor="middle" {FONT}>'
                     f'{text}</text>')  # fmt: skip
    marks = []
    for bid, price, share in points:
        x = left + width * (price - x_min) / (x_max - x_min)
        y = top + height - height * min(max(share, Decimal(0)), Decimal(1))  # a share is 0–1; keep it in the box
        marks.append((float(x), float(y)))
    box = (left + 2, top + 2, left + width - 2, top + height - 2)  # labels stay clear of the axes
    labels = _place_labels([b.name.text(lang) for b, _, _ in points], marks, box)
    for index, ((x, y), (text, anchor, lx, ly)) in enumerate(zip(marks, labels)):
        if abs(ly - 4 - y) > 6:  # moved off its point: a leader line tells whose label it is
            parts.append(f'<line x1="{x:.2f}" y1="{y:.2f}" x2="{lx:.2f}" y2="{ly - 4:.2f}" stroke="#aaa" '
                         f'stroke-width="0.6"/>')  # fmt: skip
        parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="5" fill="{PALETTE[index % len(PALETTE)]}"/>')
    for text, anchor, lx, ly in labels:
        parts.append(f'<text x="{lx:.2f}" y="{ly:.2f}" text-anchor="{anchor}" {FONT}>{escape(text)}</text>')
    axis = t("axis_price_per_pf", lang, currency=result.rubric.currency)
    parts.append(f'<text x="{left + width / 2}" y="{top + height + 32}" text-anchor="middle" {FONT}>'
                 f'{escape(axis)}</text>')  # fmt: skip
    parts.append(f'<text x="12" y="{top + height / 2}" transform="rotate(-90 12 {top + height / 2})" '
                 f'text-anchor="middle" {FONT}>{escape(t("axis_public_share", lang))}</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts)) + left_out


MILLION = Decimal(1_000_000)
PAD = Decimal("0.15")  # the x axis reaches 15 % beyond the extreme prices
Box = tuple[float, float, float, float]  # left, top, right, bottom


def _place_labels(names: list[str], marks: list[tuple[float, float]], box: Box) -> list[tuple[str, str, float, float]]:
    """Each point's label as (text, anchor, x, baseline y): inside `box`, clear of the labels
    placed before it and of every marker where that is possible, else clear of the labels."""
    markers = [(x - 6, y - 6, x + 6, y + 6) for x, y in marks]
    taken: list[Box] = []
    placed = []
    for (x, y), name in zip(marks, names):
        candidates = _label_candidates(name, x, y, box)
        if not candidates:  # a plot too small for any label: on the point
            placed.append((fit(name, box[2] - box[0]), "middle", x, y + 4))
            continue
        label, extent = next((c for c in candidates if _clear(c[1], taken + markers)),
                             next((c for c in candidates if _clear(c[1], taken)), candidates[0]))  # fmt: skip
        taken.append(extent)
        placed.append(label)
    return placed


def _label_candidates(name: str, x: float, y: float, box: Box) -> list[tuple[tuple[str, str, float, float], Box]]:
    """Where a point's label may go, best first, each with its estimated extent: right or left
    of the point, or one, two, … lines higher or lower. Only places inside `box`; a name too
    long for a side ends in "…". Best is the least moved, where a shortened name counts as up
    to three lines of moving (so a label moves a line rather than lose its end), and the right
    side wins a tie."""
    room = {"start": box[2] - (x + 8), "end": x - 8 - box[0]}
    line = (ASCENT + DESCENT) * SIZE + 1
    offsets = [0.0]
    for step in range(1, int((box[3] - box[1]) / line) + 1):
        offsets += [-step * line, step * line]
    candidates = []
    for dy in offsets:
        for anchor in ("start", "end"):
            text = fit(name, room[anchor])
            lx, ly = (x + 8, y + 4 + dy) if anchor == "start" else (x - 8, y + 4 + dy)
            start = lx if anchor == "start" else lx - text_width(text)
            extent = (start, ly - ASCENT * SIZE, start + text_width(text), ly + DESCENT * SIZE)
            cost = abs(dy) / line + 3 * (len(name) - len(text) + (text != name)) / max(len(name), 1)
            if text and _inside(extent, box):
                candidates.append((cost, len(candidates), (text, anchor, lx, ly), extent))
    return [(label, extent) for _, _, label, extent in sorted(candidates)]


def _clear(extent: Box, obstacles: list[Box]) -> bool:
    return not any(_overlap(extent, other) for other in obstacles)


def _inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _note(text: str) -> Markup:
    """What a chart shows when it has nothing to draw."""
    return Markup('<p class="note">{}</p>').format(text)


def _finite(value: Decimal | None) -> bool:
    return value is not None and value.is_finite()


def _x_range(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The x axis's ends: 15 % beyond the extremes on either side of zero, never an empty span.

    One value or equal values give a span around it; values that are all 0 give 0 to one million."""
    low, high = min(values), max(values)
    low, high = low - abs(low) * PAD, high + abs(high) * PAD
    if high == low:
        high = low + MILLION
    return low, high


def _tick_places(step: Decimal) -> int:
    """Decimal places that tell ticks `step` apart (at least one, as for millions)."""
    return max(1, 1 - step.adjusted())


def _tick_text(value: Decimal, places: int) -> str:
    """A price tick in millions; never "-0.0"."""
    text = f"{value / MILLION:,.{places}f}"
    return text[1:] if text.startswith("-") and not any(digit in text for digit in "123456789") else text
