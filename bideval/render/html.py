"""The report as HTML (jinja2, autoescaped): what report.pdf is printed from.

Pure: Result + language → HTML text. Snapshot-tested; the PDF renderer only prints it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bideval.engine.result import (
    BidResult,
    CriterionInfo,
    CriterionScore,
    PanelScore,
    Reason,
    Result,
    StageResult,
)
from bideval.model.fields import METRICS
from bideval.render import common
from bideval.render.analysis_tables import analysis_tables
from bideval.render.charts import category_bars, price_share_scatter
from bideval.render.disclosure import Disclosure
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
KEEP_ROWS = 30  # a bid's criteria table or panel of at most this many rows is not split over two pages
ONE_PART_BIDS = 12  # a report of at most this many bids is printed as one document
BIDS_PER_PART = 25  # a longer one in two parts or more, of at most this many bid sections each


@dataclass(frozen=True)
class Part:
    """What one HTML document of the report holds: the front (cover, ranking, charts, method), a run of
    bid sections, the back (analysis, consistency, inputs, signatures), and whether it draws the running
    header and footer itself (a report printed in parts gets them from render_furniture)."""

    front: bool
    bids: tuple[BidResult, ...]
    back: bool
    furniture: bool


def report_parts(result: Result) -> list[Part]:
    """The report as printed: one document up to ONE_PART_BIDS bids; beyond, at least two parts (two
    cores share them) of at most BIDS_PER_PART bid sections, as even as they go. The front rides with
    the first part and the back with the last. How a report is cut depends on its bids only, never on
    the machine, so its bytes do not either."""
    bids = tuple(result.bids)
    count = 1 if len(bids) <= ONE_PART_BIDS else max(2, -(-len(bids) // BIDS_PER_PART))
    cuts = [len(bids) * i // count for i in range(count + 1)]
    return [Part(front=i == 0, bids=bids[cuts[i]:cuts[i + 1]], back=i == count - 1, furniture=count == 1)
            for i in range(count)]  # fmt: skip


def whole_report(result: Result) -> Part:
    return Part(front=True, bids=tuple(result.bids), back=True, furniture=True)


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"], default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_html(result: Result, lang: str, analysis: Analysis | None = None, part: Part | None = None,
                edition: str = "internal") -> str:  # fmt: skip
    """The report as one HTML document, or the given part of it; `edition`: internal (the committee's
    full record) or public (see `disclosure`)."""
    text, words = partial(t, lang=lang), Words.of(result, lang)
    disclosure = Disclosure(edition, tuple(result.rubric.confidential))
    notes = [(b.name.text(lang), reason_text(_disclosed(r, b, disclosure, lang), words)) for b in result.bids
             for r in b.reasons if r.code != "not_selected_rank"]  # fmt: skip
    bid_warnings: dict[str, list[str]] = {}
    for w in result.warnings:
        if w.bidder:
            bid_warnings.setdefault(w.bidder, []).append(warning_text(w, words))
    return _environment().get_template("report.html.j2").render(
        r=result,
        part=part or whole_report(result),
        KEEP_ROWS=KEEP_ROWS,
        lang=lang,
        t=lambda message, **params: text(message, **params),
        css=_css(),
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
        metric_rows=lambda bid: [(name, v) for name, v in _metric_rows(bid) if not disclosure.hides(name)],
        inputs=_inputs,
        evaluator_names={e.id: e.name.text(lang) for e in result.evaluators},
        bid_warnings=bid_warnings,
        warnings=[warning_text(w, words) for w in result.warnings],
        number=number,
        value=lambda v: value_text(v, lang),
        gate_rule=lambda op, v: gate_rule(op, v, lang),
        zip=zip,
        analysis=analysis_tables(analysis, lang) if analysis and not disclosure.public else [],
        revisions=revision_rows(result, lang),
        disclosure=disclosure,
        hides=disclosure.hides,
        **_procedure(result, lang, words),
    )


def _disclosed(reason: Reason, bid: BidResult, disclosure: Disclosure, lang: str) -> Reason:
    """The reason as this edition may print it: the actual value of a confidential field left out."""
    field = "price" if reason.code == "over_budget" else next((g.field for g in bid.gates if g.id == reason.subject
                                                               and reason.code == "gate_failed"), None)  # fmt: skip
    return reason.model_copy(update={"actual": t("confidential", lang)}) if disclosure.hides(field) else reason


@dataclass(frozen=True)
class RevisionRow:
    evaluator: str
    bidder: str
    criterion: str
    previous: Decimal
    score: Decimal
    date: str
    reason: str


def revision_rows(result: Result, lang: str) -> list[RevisionRow]:
    """Every score revision, with names and labels in `lang` (the appendix of the report)."""
    evaluators = {e.id: f"{e.name.text(lang)} ({e.id})" for e in result.evaluators}
    bidders = {b.bidder_id: b.name.text(lang) for b in result.bids}
    labels = {c.id: c.label.text(lang) for c in result.rubric.criteria}
    labels |= {c.id: c.label.text(lang) for lot in result.rubric.lots for c in lot.criteria or ()}
    return [RevisionRow(evaluators.get(r.evaluator, r.evaluator), bidders.get(r.bidder, r.bidder),
                        labels.get(r.criterion, r.criterion), r.previous, r.score, r.date.isoformat(), r.reason)
            for r in result.revisions]  # fmt: skip


def render_furniture(result: Result, lang: str, pages: int) -> str:
    """The running header and footer of a report of `pages` pages printed in parts (templates/furniture.html.j2)."""
    return _environment().get_template("furniture.html.j2").render(
        lang=lang, css=_css(), title=result.rubric.title.text(lang), date=result.rubric.evaluation_date.isoformat(),
        pages=pages,
    )


def _css() -> Markup:
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


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
        "panel_matrix": lambda bid: panel_matrix(result, bid, lang),
    }


@dataclass(frozen=True)
class PanelMatrix:
    """One bid's panel scores as the report prints them: a row per judged criterion the bid was scored
    on, a cell per evaluator (None where the evaluator gave that criterion no score); the evaluators'
    comments numbered in row order (`marks`: (criterion id, evaluator id) → its number) and, for a
    moderated panel, why it agreed on each score."""

    evaluators: list[str]  # ids, in the results' evaluator order
    rows: list[tuple[CriterionInfo, CriterionScore, list[PanelScore | None]]]
    scale: str | None  # the one scale of every row, or None when rows differ
    moderated: bool = False
    marks: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (evaluator id, criterion label, comment)
    rationales: list[tuple[str, str]] = field(default_factory=list)  # (criterion label, rationale)


def panel_matrix(result: Result, bid: BidResult, lang: str = "ko") -> PanelMatrix | None:
    judged = [(info, s) for info, s in common.criteria_rows(result, bid) if s is not None and s.panel]
    if not judged:
        return None
    scored = {p.evaluator for _, s in judged for p in s.panel.scores}
    evaluators = [e.id for e in result.evaluators if e.id in scored]
    rows, marks, notes = [], {}, []
    for info, s in judged:
        by_evaluator = {p.evaluator: p for p in s.panel.scores}
        rows.append((info, s, [by_evaluator.get(e) for e in evaluators]))
        for e in evaluators:
            if by_evaluator.get(e) is not None and by_evaluator[e].comment:
                marks[(info.id, e)] = len(notes) + 1
                notes.append((e, info.label.text(lang), by_evaluator[e].comment))
    scales = {s.panel.scale for _, s in judged}
    rationales = [(info.label.text(lang), s.panel.rationale) for info, s in judged if s.panel.rationale]
    return PanelMatrix(evaluators, rows, scales.pop() if len(scales) == 1 else None,
                       any(s.panel.method == "moderated" for _, s in judged), marks, notes, rationales)  # fmt: skip


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
