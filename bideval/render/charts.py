"""Vector charts for the report, as inline SVG built from the Result.

Only geometry is computed here (positions from recorded scores and metrics); every
text that came from the inputs is escaped. The SVG uses the report's bundled font.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from bideval.i18n import t
from bideval.result import Result

PALETTE = ("#1f4e79", "#2e86c1", "#76b7b2", "#f28e2b", "#b07aa1", "#9c755f", "#59a14f", "#e15759")
FONT = "font-family=\"NanumGothic\" fill=\"#222\""


def category_bars(result: Result, lang: str) -> Markup:
    """Stacked horizontal bars: each scored bidder's category scores, on the rubric's total scale."""
    categories = [c for c in result.rubric.criteria if c.parent is None]
    bids = [b for b in result.bids if b.total is not None]
    total = result.rubric.total_points
    if not bids or not total > 0:
        return _note(t("chart_no_scores", lang))
    label_w, bar_w, row_h, top = 150, 420, 26, 10
    height = top + row_h * len(bids) + 30 + 18 * ((len(categories) + 2) // 3)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" height="{height}" '
             f'viewBox="0 0 {label_w + bar_w + 70} {height}" font-size="10">']  # fmt: skip
    for row, bid in enumerate(bids):
        y = top + row * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" {FONT}>{escape(bid.name.text(lang))}</text>')
        x = Decimal(label_w)
        for index, category in enumerate(categories):
            width = Decimal(bar_w) * max(bid.categories.get(category.id, Decimal(0)), Decimal(0)) / total
            parts.append(f'<rect x="{x:.2f}" y="{y + 3}" width="{width:.2f}" height="{row_h - 8}" '
                         f'fill="{PALETTE[index % len(PALETTE)]}"/>')  # fmt: skip
            x += width
        parts.append(f'<text x="{x + 4:.2f}" y="{y + 14}" {FONT}>{escape(str(bid.total))}</text>')
    axis_y = top + row_h * len(bids)
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + bar_w}" y2="{axis_y}" stroke="#888"/>')
    for tick in range(0, 11):
        x = label_w + bar_w * tick / 10
        value = total * tick / 10
        parts.append(f'<text x="{x:.2f}" y="{axis_y + 11}" text-anchor="middle" font-size="8" {FONT}>'
                     f'{value.normalize():f}</text>')  # fmt: skip
    for index, category in enumerate(categories):
        x = 10 + (index % 3) * 210
        y = axis_y + 28 + (index // 3) * 18
        parts.append(f'<rect x="{x}" y="{y - 8}" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 1}" {FONT}>{escape(category.label.text(lang))} '
                     f'({category.points})</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))


def price_share_scatter(result: Result, lang: str) -> Markup:
    """Price per PF (x) against public share of compute (y), one labelled point per bidder.

    Empty where the rubric counts no petaflops (no precision); a note where no bid has both figures."""
    points = [(b, b.metrics.get("price_per_pflops"), b.metrics.get("public_pflops_share")) for b in result.bids]
    points = [(b, x, y) for b, x, y in points if _finite(x) and _finite(y)]
    if not points:
        return _note(t("chart_no_price_share", lang)) if result.rubric.precision else Markup("")
    left, width, top, height = 60, 480, 12, 220
    x_min, x_max = _x_range([x for _, x, _ in points])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" height="{top + height + 45}" '
             f'viewBox="0 0 {left + width + 20} {top + height + 45}" font-size="10">']  # fmt: skip
    parts.append(f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#888"/>')
    for tick in range(0, 6):
        share = Decimal(tick) / 5
        y = top + height - height * share
        parts.append(f'<line x1="{left}" y1="{y:.2f}" x2="{left + width}" y2="{y:.2f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 3:.2f}" text-anchor="end" {FONT}>{int(share * 100)}%</text>')
    places = _tick_places((x_max - x_min) / 4 / MILLION)
    for tick in range(0, 5):
        value = x_min + (x_max - x_min) * tick / 4
        x = left + width * tick / 4
        parts.append(f'<text x="{x:.2f}" y="{top + height + 13}" text-anchor="middle" {FONT}>'
                     f'{_tick_text(value, places)}</text>')  # fmt: skip
    placed: list[tuple[Decimal, Decimal]] = []
    for index, (bid, price, share) in enumerate(points):
        x = left + width * (price - x_min) / (x_max - x_min)
        y = top + height - height * min(max(share, Decimal(0)), Decimal(1))  # a share is 0–1; keep it in the box
        label_y = _free_label_y(x, y + 4, placed, bottom=Decimal(top + height))
        placed.append((x, label_y))
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="5" fill="{colour}"/>')
        parts.append(f'<text x="{x + 8:.2f}" y="{label_y:.2f}" {FONT}>{escape(bid.name.text(lang))}</text>')
    axis = t("axis_price_per_pf", lang, currency=result.rubric.currency)
    parts.append(f'<text x="{left + width / 2}" y="{top + height + 32}" text-anchor="middle" {FONT}>'
                 f'{escape(axis)}</text>')  # fmt: skip
    parts.append(f'<text x="12" y="{top + height / 2}" transform="rotate(-90 12 {top + height / 2})" '
                 f'text-anchor="middle" {FONT}>{escape(t("axis_public_share", lang))}</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))


MILLION = Decimal(1_000_000)
PAD = Decimal("0.15")  # the x axis reaches 15 % beyond the extreme prices


def _free_label_y(x: Decimal, start: Decimal, placed: list[tuple[Decimal, Decimal]], bottom: Decimal) -> Decimal:
    """Where a label at `start` overlaps none already placed nearby: nudged down, or up where
    going down would leave the plot (points that coincide, at a low share)."""

    def free(y: Decimal) -> bool:
        return not any(abs(y - py) < 12 and abs(x - px) < 110 for px, py in placed)

    below = start
    while not free(below):
        below += 12
    if below <= bottom:
        return below
    above = start
    while not free(above) and above > 12:
        above -= 12
    return above if free(above) else below


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
