"""The report as HTML (jinja2, autoescaped): what report.pdf is printed from.

Pure: Result + language → HTML text. Snapshot-tested; the PDF renderer only prints it.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bideval.engine.result import BidResult, Result, StageResult
from bideval.model.fields import METRICS
from bideval.render import common
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
        method_rules=rules_text(result, lang, procedure=False),
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
        **_procedure(result, lang, words),
    )


def input_digest(result: Result) -> str:
    """One hash standing for every input: sha256 over the inputs' sha256s in name order."""
    lines = "".join(f"{f.sha256}  {f.role}/{f.name}\n" for f in sorted(result.inputs, key=lambda f: (f.role, f.name)))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _rubric_gates(result: Result) -> list:
    """The rubric's gates, as recorded on the first bid (every bid is checked against all of them);
    a lot's size floor is shown with its lot."""
    floors = common.floor_gate_ids(result)
    return [g for g in result.bids[0].gates if g.id not in floors] if result.bids else []


def _procedure(result: Result, lang: str, words: Words) -> dict[str, object]:
    """What the templates need to show the procedure: rounds, suitability, stages, adjustments, lots."""
    rubric = result.rubric
    labels = {c.id: c.label.text(lang) for lot in rubric.lots for c in lot.criteria or ()}
    labels |= {c.id: c.label.text(lang) for c in rubric.criteria}
    return {
        "people": words.people,
        "lot_labels": {lot.id: lot.label.text(lang) for lot in rubric.lots},
        "stage_infos": {s.id: s for s in rubric.stages},
        "adjustment_infos": {a.id: a for a in rubric.adjustments},
        "combine": common.combine_text(result, lang) if rubric.stages else "",
        "caps": common.caps_text(result, lang) if rubric.adjustments else "",
        "suitability_rule": common.suitability_rule_text(result, lang) if rubric.suitability else "",
        "round_outcome_text": lambda kind: common.round_outcome_text(kind, lang),
        "check_label": lambda check_id: common.check_label(check_id, result, lang),
        "check_required": lambda check: common.check_required(check, lang),
        "suitability_verdict": lambda s: common.suitability_verdict(s, lang),
        "stage_rule": lambda stage: common.stage_rule_text(stage, lang),
        "stage_state": lambda stage: common.stage_state(stage, lang),
        "stage_equation": lambda bid: _stage_equation(result, bid),
        "stage_required": lambda stage: _stage_required(result, stage, lang),
        "category_labels": lambda ids: ", ".join(labels.get(i, i) for i in ids),
        "adjustment_rule": lambda item: common.adjustment_rule_text(item, lang),
        "adjustment_of": lambda bid, item: next((a for a in bid.adjustments if a.id == item), None),
        "adjustment_sum": common.adjustment_sum,
        "signed": common.signed,
        "equation": common.equation,
        "floors_text": lambda lot: common.floors_text(lot, lang),
        "award_text": lambda award: common.award_text(award, rubric.currency, lang),
        "lot_outcome_text": lambda lot: common.lot_outcome_text(result, lot, lang),
        "lot_bids": lambda lot: common.lot_bids(result, lot),
        "categories_of": lambda lot: categories(result, lot),
        "criteria_rows": lambda bid: common.criteria_rows(result, bid),
    }


def _stage_required(result: Result, stage: StageResult, lang: str) -> str:
    """What a stage asks: "≥ 49.0" (as recorded, or from its rule for a stage the bid did not reach), or its top-N rule."""
    if stage.required is not None:
        return f"≥ {stage.required}"
    info = next((s for s in result.rubric.stages if s.id == stage.id), None)
    rule = (info.passing or {}) if info else {}
    if rule.get("min_ratio") is not None:
        return f"≥ {stage.maximum * Decimal(str(rule['min_ratio']))}"
    if rule.get("min_score") is not None:
        return f"≥ {rule['min_score']}"
    return common.stage_rule_text(info, lang) if info else "–"


def _stage_equation(result: Result, bid: BidResult) -> str:
    """How the stage scores made the bid's score before bonus and penalty points, e.g. "55.5885 + 23.4500 = 79.0385"."""
    if bid.base_total is None or any(s.score is None for s in bid.stages):
        return ""
    if result.rubric.stage_scores == "last_stage":
        return f"{bid.stages[-1].score} = {bid.base_total}"
    weights = {s.id: s.weight for s in result.rubric.stages}
    terms = [f"{s.score}" if weights.get(s.id, 1) == 1 else f"{weights[s.id]} × {s.score}" for s in bid.stages]
    return f"{' + '.join(terms)} = {bid.base_total}"


# Renderers never depend on dict order: results.json sorts keys, so a reloaded Result differs.
INPUT_ORDER = ("value", "best", "lowest", "estimated_price", "low_price_rule", "band", "panel_mean")


def _metric_rows(bid: BidResult) -> list[tuple[str, object]]:
    return [(name, bid.metrics[name]) for name in METRICS if bid.metrics.get(name) is not None]


def _inputs(inputs: dict) -> list[tuple[str, object]]:
    return sorted(inputs.items(), key=lambda item: INPUT_ORDER.index(item[0]) if item[0] in INPUT_ORDER else 99)
