"""What every renderer shows the same way: the outcome, reasons, warnings, the ranking columns."""

from __future__ import annotations

from dataclasses import dataclass

from bideval.engine.result import CriterionInfo, Reason, Result, ResultWarning
from bideval.render.formatting import number, value_text
from bideval.render.i18n import t


def outcome_text(result: Result, lang: str) -> str:
    outcome = result.outcome
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    return t(
        f"outcome.{outcome.kind}", lang,
        winners=", ".join(names[w] for w in outcome.winners) or "–",
        tied=", ".join(names[w] for w in outcome.tied), valid=outcome.valid_bids,
        minimum=result.rubric.award["min_valid_bids"],
    )  # fmt: skip


@dataclass(frozen=True)
class Words:
    """What reasons and warnings refer to by id, in one language, looked up once per rendering:
    built again for each reason, they made the console summary of 10,000 bids take minutes."""

    lang: str
    people: dict[str, str]  # bidder id → name, then evaluator id → "name (id)"
    criteria: dict[str, str]  # criterion id → label
    subjects: dict[str, str]  # criterion, then gate id → label

    @classmethod
    def of(cls, result: Result, lang: str) -> Words:
        criteria = {c.id: c.label.text(lang) for c in result.rubric.criteria}
        gates = {g.id: g.label.text(lang) for bid in result.bids for g in bid.gates}
        people = {b.bidder_id: b.name.text(lang) for b in result.bids}
        people |= {e.id: f"{e.name.text(lang)} ({e.id})" for e in result.evaluators}
        return cls(lang, people, criteria, criteria | gates)


def reason_text(reason: Reason, words: Words) -> str:
    subject = words.subjects.get(reason.subject or "", reason.subject or "")
    required = reason.required
    if reason.code == "gate_failed" and required == "true":  # a gate with `op: true`: the field must be true
        required = True
    return t(f"reason.{reason.code}", words.lang, subject=subject, actual=value_text(reason.actual, words.lang),
             required=value_text(required, words.lang))  # fmt: skip


def warning_text(warning: ResultWarning, words: Words) -> str:
    names = words.people
    detail = {k: ", ".join(names.get(x, x) for x in v) if isinstance(v, list) else names.get(v, v)
              for k, v in warning.detail.items()}  # fmt: skip
    return t(f"warning.{warning.code}", words.lang, bidder=names.get(warning.bidder or "", ""),
             criterion=words.criteria.get(warning.criterion or "", ""), **detail)  # fmt: skip




def categories(result: Result) -> list[CriterionInfo]:
    """The top-level criteria: the columns of a ranking table."""
    return [c for c in result.rubric.criteria if c.parent is None]


def shows_technical(result: Result) -> bool:
    """Whether a ranking table needs a technical column (not when it repeats one category)."""
    technical = result.rubric.thresholds.get("technical")
    return bool(technical) and technical["criteria"] not in ([c.id] for c in categories(result))


def rules_text(result: Result, lang: str) -> list[str]:
    rubric = result.rubric
    rounding, panel, award = rubric.rounding, rubric.panel, rubric.award
    rules = [
        t("rule_rounding", lang, places=rounding["places"], mode=rounding["mode"],
          metric_places=rounding["metric_places"]),
        t("rule_panel", lang, when=panel["when_at_least"], high=panel["drop_highest"], low=panel["drop_lowest"],
          spread=panel["spread_warning"]),
    ]  # fmt: skip
    technical = rubric.thresholds.get("technical")
    if technical:
        rules.append(t("rule_technical", lang, criteria=", ".join(technical["criteria"]), ratio=technical["min_ratio"]))
    if rubric.thresholds.get("budget") is not None:
        rules.append(t("rule_budget", lang, budget=number(rubric.thresholds["budget"]), currency=rubric.currency))
    keys = ", ".join(["total", *rubric.tie_break]) if rubric.tie_break else t("none", lang)
    rules.append(t("rule_tie_break", lang, keys=keys))
    if award["mode"] == "multiple" and award.get("budget") is not None:
        rules.append(t("rule_award_multiple", lang, budget=number(award["budget"]), currency=rubric.currency,
                       min=award["min_valid_bids"]))  # fmt: skip
    else:
        rules.append(t("rule_award_single", lang, min=award["min_valid_bids"]))
    return rules
