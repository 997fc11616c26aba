"""The message catalogue: every label a renderer prints, in Korean and English."""

from __future__ import annotations

from typing import Any

LANGS = ("ko", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "rank": {"ko": "순위", "en": "Rank"},
    "bidder": {"ko": "입찰자", "en": "Bidder"},
    "technical": {"ko": "기술", "en": "Technical"},
    "price": {"ko": "입찰가격", "en": "Bid price"},
    "total": {"ko": "총점", "en": "Total"},
    "status": {"ko": "상태", "en": "Status"},
    "status.selected": {"ko": "선정", "en": "selected"},
    "status.eligible": {"ko": "적격", "en": "eligible"},
    "status.below_threshold": {"ko": "기준 미달", "en": "below threshold"},
    "status.excluded": {"ko": "제외", "en": "excluded"},
    "outcome.awarded": {"ko": "선정: {winners}", "en": "Awarded to: {winners}"},
    "outcome.negotiation": {"ko": "단독 적격 입찰 — 수의계약 협상 대상: {winners}",
                            "en": "Single valid bid — negotiated contract with: {winners}"},
    "outcome.failed_tender": {"ko": "유찰 (유효 입찰 {valid}건, 최소 {minimum}건 필요)",
                              "en": "Failed tender (유찰): {valid} valid bid(s), {minimum} required"},
    "outcome.tie_unresolved": {"ko": "동점 미해소 — 추첨으로 결정: {tied}",
                               "en": "Unresolved tie — to be decided by lot: {tied}"},
    "reason.gate_failed": {"ko": "자격 미충족 {subject}: 실제 {actual}, 요건 {required}",
                           "en": "failed gate {subject}: actual {actual}, required {required}"},
    "reason.below_minimum": {"ko": "{subject} 최저 기준 미달: {actual} < {required}",
                             "en": "below the minimum on {subject}: {actual} < {required}"},
    "reason.below_technical": {"ko": "기술평가 기준 미달: {actual} < {required}",
                               "en": "technical score below threshold: {actual} < {required}"},
    "reason.over_budget": {"ko": "예산 초과: {actual} > {required}", "en": "over budget: {actual} > {required}"},
    "reason.not_selected_budget": {"ko": "예산 한도로 미선정", "en": "not selected (award budget)"},
    "reason.not_selected_rank": {"ko": "순위에 따라 미선정", "en": "not selected (rank)"},
    "reason.failed_tender": {"ko": "유찰", "en": "tender failed"},
    "reason.tie_unresolved": {"ko": "동점 — 추첨 대상", "en": "tied — to be decided by lot"},
    "warning.panel_spread": {
        "ko": "평가위원 편차: {bidder} / {criterion} 최고-최저 {spread} (한도 {limit}; 최고 {highest}, 최저 {lowest})",
        "en": "Panel spread: {bidder} / {criterion} high−low {spread} (limit {limit}; high {highest}, low {lowest})",
    },
    "warning.tie_unresolved": {"ko": "동점 미해소: {bidders} — 추첨 필요",
                               "en": "Unresolved tie: {bidders} — decide by lot"},
    "warning.uncertain_gpu_figure": {"ko": "{bidder}: 출처마다 성능 수치가 다른 GPU ({gpus})",
                                     "en": "{bidder}: GPU figures vary between sources ({gpus})"},
    "decided_by": {"ko": "총점 동점 — 동점 처리 기준 '{key}'으로 순위 결정",
                   "en": "tied on total — rank decided by tie-break '{key}'"},
    "not_stated": {"ko": "미기재", "en": "not stated"},
    "warnings": {"ko": "경고", "en": "Warnings"},
    "outcome": {"ko": "결과", "en": "Outcome"},
}


def t(message: str, lang: str, **params: Any) -> str:
    """The `message` in `lang`, with `{params}` filled in."""
    text = MESSAGES[message][lang]
    return text.format(**params) if params else text
