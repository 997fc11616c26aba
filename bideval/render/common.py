"""What every renderer shows the same way: the outcome, reasons, warnings, the ranking columns, and
the procedure (rounds, the suitability check, stages, bonus and penalty points, lots) in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bideval.engine.result import (
    AdjustmentInfo,
    BidResult,
    CriterionInfo,
    CriterionScore,
    LotInfo,
    Reason,
    Result,
    ResultWarning,
    StageInfo,
    StageResult,
    Suitability,
    SuitabilityCheck,
)  # fmt: skip
from bideval.render.formatting import gate_rule, number, value_text
from bideval.render.i18n import t


def outcome_text(result: Result, lang: str) -> str:
    outcome = result.outcome
    if outcome.kind == "failed_tender" and outcome.suitability and not any(s.suitable for s in outcome.suitability):
        names = {b.bidder_id: b.name.text(lang) for b in result.bids}
        return t("outcome.failed_not_suitable", lang, bidder=", ".join(names[s.bidder] for s in outcome.suitability))
    return _outcome_words(result, outcome.kind, outcome.winners, outcome.tied, outcome.valid_bids,
                          result.rubric.award["min_valid_bids"], lang)  # fmt: skip


def lot_outcome_text(result: Result, lot: LotInfo, lang: str) -> str:
    """One lot's outcome in words (`outcome.lots`), as `outcome_text` words the call's."""
    outcome = result.outcome.lots.get(lot.id)
    if outcome is None:
        return "–"
    failed = [s for s in result.outcome.suitability if s.lot == lot.id and not s.suitable]
    if outcome.kind == "failed_tender" and failed:
        names = {b.bidder_id: b.name.text(lang) for b in result.bids}
        return t("outcome.failed_not_suitable", lang, bidder=", ".join(names[s.bidder] for s in failed))
    return _outcome_words(result, outcome.kind, outcome.winners, outcome.tied, outcome.valid_bids,
                          lot.award.get("min_valid_bids", 1), lang)  # fmt: skip


def _outcome_words(result: Result, kind: str, winners: list[str], tied: list[str], valid: int, minimum: Any,
                   lang: str) -> str:  # fmt: skip
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    return t(f"outcome.{kind}", lang, winners=", ".join(names.get(w, w) for w in winners) or "–",
             tied=", ".join(names.get(w, w) for w in tied), valid=valid, minimum=minimum)  # fmt: skip


@dataclass(frozen=True)
class Words:
    """What reasons and warnings refer to by id, in one language, looked up once per rendering:
    built again for each reason, they made the console summary of 10,000 bids take minutes."""

    lang: str
    people: dict[str, str]  # bidder id → name, then evaluator id → "name (id)"
    criteria: dict[str, str]  # criterion id → label
    subjects: dict[str, str]  # criterion, then gate id → label
    stages: dict[str, str] = field(default_factory=dict)  # stage id → label (a stage may share a category's id)
    floors: dict[str, str] = field(default_factory=dict)  # a lot's size-floor gate id → its rule in words
    stage_top: dict[str, int] = field(default_factory=dict)  # stage id → N of a top-N pass rule
    checks: dict[str, str] = field(default_factory=dict)  # suitability check id → label

    @classmethod
    def of(cls, result: Result, lang: str) -> Words:
        rubric = result.rubric
        infos = [*rubric.criteria, *(c for lot in rubric.lots for c in lot.criteria or ())]
        criteria = {c.id: c.label.text(lang) for c in reversed(infos)}  # the rubric's own label wins
        gates = {g.id: g.label.text(lang) for bid in result.bids for g in bid.gates}
        floors = {g.id: gate_rule(g.op, g.value, lang) for bid in result.bids for g in bid.gates if g.op == "any"}
        stages = {s.id: s.label.text(lang) for s in rubric.stages}
        people = {b.bidder_id: b.name.text(lang) for b in result.bids}
        people |= {e.id: f"{e.name.text(lang)} ({e.id})" for e in result.evaluators}
        top = {s.id: s.passing["top"] for s in rubric.stages if s.passing and s.passing.get("top") is not None}
        checks = {c.id: check_label(c.id, result, lang) for s in result.outcome.suitability for c in s.checks}
        return cls(lang, people, criteria, criteria | gates, stages, floors, top, checks)


def reason_text(reason: Reason, words: Words) -> str:
    subjects = words.stages if reason.code == "stage_failed" else words.subjects
    subject = subjects.get(reason.subject or "", reason.subject or "")
    required = reason.required
    if reason.code == "gate_failed" and required == "true":  # a gate with `op: true`: the field must be true
        required = True
    if reason.code == "gate_failed" and reason.subject in words.floors:  # a lot's size floor: its alternatives
        required = words.floors[reason.subject]
    if reason.code == "stage_failed" and reason.required is None and reason.subject in words.stage_top:
        return t("reason.stage_failed_top", words.lang, subject=subject, actual=value_text(reason.actual, words.lang),
                 top=words.stage_top[reason.subject])  # fmt: skip
    if reason.code == "not_suitable":
        ids = [part.strip() for part in (reason.subject or "").split(",") if part.strip()]
        subject = ", ".join(words.checks.get(i, i) for i in ids) or "–"
    return t(f"reason.{reason.code}", words.lang, subject=subject, actual=value_text(reason.actual, words.lang),
             required=value_text(required, words.lang))  # fmt: skip


def warning_text(warning: ResultWarning, words: Words) -> str:
    names = words.people
    detail = {k: ", ".join(names.get(x, x) for x in v) if isinstance(v, list) else names.get(v, v)
              for k, v in warning.detail.items()}  # fmt: skip
    return t(f"warning.{warning.code}", words.lang, bidder=names.get(warning.bidder or "", ""),
             criterion=words.criteria.get(warning.criterion or "", ""), **detail)  # fmt: skip


def categories(result: Result, lot: str | None = None) -> list[CriterionInfo]:
    """The top-level criteria (of `lot`'s criteria when it has its own): the columns of a ranking table."""
    return [c for c in result.rubric.criteria_of(lot) if c.parent is None]


def shows_technical(result: Result) -> bool:
    """Whether a ranking table needs a technical column (not when it repeats one category)."""
    technical = result.rubric.thresholds.get("technical")
    return bool(technical) and technical["criteria"] not in ([c.id] for c in categories(result))


def rules_text(result: Result, lang: str, procedure: bool = True) -> list[str]:
    """The rules applied, one line each. `procedure=False` leaves out what the report's method shows
    in its own tables: how stages combine, the caps on bonus and penalty points, the suitability
    rules and each lot's award."""
    rubric = result.rubric
    rounding, panel = rubric.rounding, rubric.panel
    rules = [
        t("rule_rounding", lang, places=rounding["places"], mode=rounding["mode"],
          metric_places=rounding["metric_places"]),
        t("rule_panel_moderated", lang, spread=panel["spread_warning"]) if panel.get("method") == "moderated" else
        t("rule_panel", lang, when=panel["when_at_least"], high=panel["drop_highest"], low=panel["drop_lowest"],
          spread=panel["spread_warning"]),
    ]  # fmt: skip
    if panel.get("comment_required") == "all":
        rules.append(t("rule_comments_all", lang))
    elif panel.get("comment_required_beyond") is not None:
        rules.append(t("rule_comments_beyond", lang, share=panel["comment_required_beyond"]))
    technical = rubric.thresholds.get("technical")
    if technical:
        rules.append(t("rule_technical", lang, criteria=", ".join(technical["criteria"]), ratio=technical["min_ratio"]))
    if rubric.thresholds.get("budget") is not None:
        rules.append(t("rule_budget", lang, budget=number(rubric.thresholds["budget"]), currency=rubric.currency))
    if rubric.stages and procedure:
        rules.append(combine_text(result, lang))
    if rubric.adjustments and procedure:
        rules.append(caps_text(result, lang))
    if rubric.suitability and procedure:
        rules.append(suitability_rule_text(result, lang))
    keys = ", ".join(["total", *rubric.tie_break]) if rubric.tie_break else t("none", lang)
    rules.append(t("rule_tie_break", lang, keys=keys))
    if rubric.lots:
        rules += [f"{lot.label.text(lang)}: {award_text(lot.award, rubric.currency, lang)}" for lot in rubric.lots
                  if procedure]  # fmt: skip
    else:
        rules.append(award_text(rubric.award, rubric.currency, lang))
    return rules


def award_text(award: dict, currency: str, lang: str) -> str:
    """An award rule (the rubric's, or a lot's) in words."""
    minimum = award.get("min_valid_bids", 1)
    if award.get("mode") != "multiple":
        return t("rule_award_single", lang, min=minimum)
    if award.get("budget") is not None:
        text = t("rule_award_multiple", lang, budget=number(award["budget"]), currency=currency, min=minimum)
    else:
        text = t("rule_award_multiple_all", lang, min=minimum)
    if award.get("max_winners"):
        text += " · " + t("rule_max_winners", lang, n=award["max_winners"])
    return text


# ---- the procedure (issue 18) ------------------------------------------------------------------------


def round_outcome_text(kind: str, lang: str) -> str:
    """A call round's outcome in a word or two (유찰 for a failed round)."""
    return t(f"round_outcome.{kind}", lang)


def rounds_lines(result: Result, lang: str) -> list[str]:
    """Each round of the call on one line, for the console: only when there were several."""
    rounds = result.outcome.rounds
    if len(rounds) < 2:
        return []
    return [t("rounds.line", lang, n=r.round, date=r.announced.isoformat() if r.announced else "–",
              outcome=round_outcome_text(r.outcome, lang), applicants=r.applicants)
            + (f" — {r.note.text(lang)}" if r.note else "") for r in rounds]  # fmt: skip


def check_label(check_id: str, result: Result, lang: str) -> str:
    """A suitability check (`gates`, `stages`, `stage:<id>`, `thresholds`, `min_total`, `category:<id>`) in words."""
    rubric, rule = result.rubric, result.rubric.suitability or {}
    kind, _, subject = check_id.partition(":")
    if kind == "min_total":
        return t("check.min_total_adjusted" if rule.get("after_adjustments") else "check.min_total", lang)
    if kind == "category":
        labels = {c.id: c.label.text(lang) for lot in rubric.lots for c in lot.criteria or ()}
        labels |= {c.id: c.label.text(lang) for c in rubric.criteria}
        return t("check.category", lang, label=labels.get(subject, subject), ratio=rule.get("min_category_ratio", "–"))
    if kind == "stage":
        labels = {s.id: s.label.text(lang) for s in rubric.stages}
        return t("check.stage", lang, label=labels.get(subject, subject))
    if kind in ("gates", "stages", "thresholds"):
        return t(f"check.{kind}", lang)
    return check_id


def check_required(check: SuitabilityCheck, lang: str) -> str:
    """What a check asks: yes, or at least a number of points."""
    if isinstance(check.required, bool):
        return value_text(check.required, lang)
    return f"≥ {value_text(check.required, lang)}"


def suitability_verdict(suitability: Suitability, lang: str) -> str:
    return t("suitability.suitable" if suitability.suitable else "suitability.not_suitable", lang)


def suitability_rule_text(result: Result, lang: str) -> str:
    rule = result.rubric.suitability or {}
    parts = []
    if rule.get("min_total") is not None:
        parts.append(f"{check_label('min_total', result, lang)} ≥ {value_text(rule['min_total'], lang)}")
    if rule.get("min_category_ratio") is not None:
        parts.append(t("rule_suitability_categories", lang, ratio=rule["min_category_ratio"]))
    return t("rule_suitability", lang, rules="; ".join(parts))


def stage_rule_text(stage: StageInfo, lang: str) -> str:
    """A stage's pass rule in words: a share of its points, a score, the top N, or none."""
    rule = stage.passing or {}
    if rule.get("min_ratio") is not None:
        score = stage.maximum * Decimal(str(rule["min_ratio"]))
        return t("stages.rule.min_ratio", lang, ratio=rule["min_ratio"], score=score)
    if rule.get("min_score") is not None:
        return t("stages.rule.min_score", lang, score=rule["min_score"])
    if rule.get("top") is not None:
        return t("stages.rule.top", lang, top=rule["top"])
    return t("none", lang)


def combine_text(result: Result, lang: str) -> str:
    """How the stage scores make the score before bonus and penalty points."""
    rubric = result.rubric
    if rubric.stage_scores == "last_stage":
        return t("stages.combine.last_stage", lang, stage=rubric.stages[-1].label.text(lang))
    formula = " + ".join(s.label.text(lang) if s.weight == 1 else f"{s.weight} × {s.label.text(lang)}"
                         for s in rubric.stages)  # fmt: skip
    return t("stages.combine.weighted_sum", lang, formula=formula)


def stage_state(stage: StageResult, lang: str) -> str:
    """Passed, failed or not reached, in words."""
    if stage.passed is None:
        return t("stages.not_reached", lang)
    return t("passed" if stage.passed else "failed", lang)


def stage_cell(stage: StageResult, lang: str) -> str:
    """A bid's stage result in a few characters, for the console: score and a mark, or 'not reached'."""
    if stage.score is None:
        return t("stages.not_reached", lang)
    return f"{stage.score} {'✓' if stage.passed else '✗'}"


def adjustment_rule_text(item: AdjustmentInfo, lang: str) -> str:
    """An adjustment item's rule: points per unit above a level (at most its max), or points when true."""
    sign = "+" if item.kind == "bonus" else "-"
    if item.rule == "boolean":
        return t("adj.rule.boolean", lang, points=f"{sign}{item.points}", source=item.source)
    text = t("adj.rule.per_unit", lang, points=f"{sign}{item.points}", source=item.source, above=item.above)
    if item.max is not None:
        text += " · " + t("adj.rule.item_max", lang, max=item.max)
    return text


def caps_text(result: Result, lang: str) -> str:
    """The caps on all bonus and on all penalty points."""
    rubric = result.rubric
    limits = {"bonus": rubric.max_bonus, "penalty": rubric.max_penalty}
    caps = [t(f"adj.cap.{kind}", lang, points=cap) for kind, cap in limits.items() if cap is not None]
    return t("adj.caps", lang, caps=", ".join(caps) or t("none", lang))


def signed(points: Decimal) -> str:
    """Points with their sign: +2, -1.5, 0."""
    if points > 0:
        return f"+{points}"
    if points < 0:
        return f"-{-points}"  # ASCII: the report's font has no U+2212
    return f"{points}"


def adjustment_sum(bid: BidResult) -> Decimal | None:
    """The bonus and penalty points that counted, together (None for a bid with no total)."""
    if bid.base_total is None or bid.total is None:
        return None
    return sum((a.points for a in bid.adjustments), Decimal(0))


def equation(bid: BidResult) -> str:
    """base total ± each adjustment that counted = total, e.g. "79.0385 + 2 = 81.0385"."""
    if bid.base_total is None or bid.total is None:
        return "–"
    terms = "".join(f" {'+' if a.points > 0 else '-'} {abs(a.points)}" for a in bid.adjustments if a.points)
    if not terms:
        terms = " + 0"
    return f"{bid.base_total}{terms} = {bid.total}"


def floors_text(lot: LotInfo, lang: str) -> str:
    """A lot's size floor: its alternatives, any one of which suffices."""
    alternatives = [f"{' + '.join(f['gpus'])} ≥ {number(f['at_least'])}" for f in lot.floors]
    return f" {t('or', lang)} ".join(alternatives) if alternatives else t("none", lang)


def lot_bids(result: Result, lot: str | None) -> list[BidResult]:
    """The bids of one lot, in the results' order (ranked first, in rank order)."""
    return [b for b in result.bids if b.lot == lot]


def floor_gate_ids(result: Result) -> set[str]:
    return {f"floor-{lot.id}" for lot in result.rubric.lots}


def criteria_rows(result: Result, bid: BidResult) -> list[tuple[CriterionInfo, CriterionScore | None]]:
    """Each criterion the bid's lot is scored on, with the bid's score (None: in a stage not reached)."""
    scores = {s.id: s for s in bid.criteria}
    return [(info, scores.get(info.id)) for info in result.rubric.criteria_of(bid.lot)]
