"""The report as HTML (jinja2, autoescaped): what report.pdf is printed from.

Pure: Result + language → HTML text. Snapshot-tested; the PDF renderer only prints it.
"""

from __future__ import annotations

import hashlib
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bideval.engine.result import BidResult, Result
from bideval.model.fields import METRICS
from bideval.render.analysis_tables import analysis_tables
from bideval.render.charts import category_bars, price_share_scatter
from bideval.render.common import (
    Words,
    categories,
    outcome_text,
    reason_text,
    rules_text,
    shows_technical,
    warning_text,
)  # fmt: skip
from bideval.render.formatting import gate_rule, number, value_text
from bideval.render.i18n import t

if TYPE_CHECKING:
    from bideval.analysis.run import Analysis

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"], default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_html(result: Result, lang: str, analysis: Analysis | None = None) -> str:
    text, words = partial(t, lang=lang), Words.of(result, lang)
    notes = [(b.name.text(lang), reason_text(r, words)) for b in result.bids for r in b.reasons
             if r.code != "not_selected_rank"]  # fmt: skip
    bid_warnings: dict[str, list[str]] = {}
    for w in result.warnings:
        if w.bidder:
            bid_warnings.setdefault(w.bidder, []).append(warning_text(w, words))
    return _environment().get_template("report.html.j2").render(
        r=result,
        lang=lang,
        t=lambda message, **params: text(message, **params),
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        outcome=outcome_text(result, lang),
        digest=input_digest(result),
        categories=categories(result),
        show_technical=shows_technical(result),
        notes=notes,
        bars=category_bars(result, lang),
        scatter=price_share_scatter(result, lang),
        rules=rules_text(result, lang),
        gates=_rubric_gates(result),
        metric_rows=_metric_rows,
        inputs=_inputs,
        evaluator_names={e.id: e.name.text(lang) for e in result.evaluators},
        bid_warnings=bid_warnings,
        warnings=[warning_text(w, words) for w in result.warnings],
        number=number,
        value=lambda v: value_text(v, lang),
        gate_rule=lambda op, v: gate_rule(op, v, lang),
        zip=zip,
        analysis=analysis_tables(analysis, lang) if analysis else [],
    )


def input_digest(result: Result) -> str:
    """One hash standing for every input: sha256 over the inputs' sha256s in name order."""
    lines = "".join(f"{f.sha256}  {f.role}/{f.name}\n" for f in sorted(result.inputs, key=lambda f: (f.role, f.name)))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _rubric_gates(result: Result) -> list:
    """The rubric's gates, as recorded on the first bid (every bid is checked against all of them)."""
    return result.bids[0].gates if result.bids else []


# Renderers never depend on dict order: results.json sorts keys, so a reloaded Result differs.
INPUT_ORDER = ("value", "best", "lowest", "estimated_price", "low_price_rule", "band", "panel_mean")


def _metric_rows(bid: BidResult) -> list[tuple[str, object]]:
    return [(name, bid.metrics[name]) for name in METRICS if bid.metrics.get(name) is not None]


def _inputs(inputs: dict) -> list[tuple[str, object]]:
    return sorted(inputs.items(), key=lambda item: INPUT_ORDER.index(item[0]) if item[0] in INPUT_ORDER else 99)
