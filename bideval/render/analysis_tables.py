"""The decision analysis as plain tables (title, headers, rows) for the PDF and the scorecard.

With lots, each lot's tables follow one another, each title opening with the lot's label. With the
procedures of issue 18, a lot's tables open with what the weight analyses hold as evaluated.
"""

from __future__ import annotations

from bideval.analysis.run import Analysis, LotAnalysis
from bideval.engine.result import Result
from bideval.render.i18n import t

Table = tuple[str, list[str], list[list[object]]]


def held_text(code: str, lang: str) -> str:
    """The sentence for one code of `analysis.run.HELD` (literal ids, so extraction finds them)."""
    return {
        "stages": lambda: t("an_held_stages", lang),
        "stage_scores": lambda: t("an_held_stage_scores", lang),
        "adjustments": lambda: t("an_held_adjustments", lang),
        "suitability": lambda: t("an_held_suitability", lang),
        "rerun": lambda: t("an_held_rerun", lang),
    }[code]()


def analysis_tables(analysis: Analysis, lang: str) -> list[Table]:
    result = analysis.result
    lots = {info.id: info.label.text(lang) for info in result.rubric.lots}
    tables = []
    for part in analysis.lots:
        for title, headers, rows in _lot_tables(analysis, result, part, lang):
            if part.lot is not None:
                title = t("an_lot", lang, lot=lots[part.lot], title=title)
            tables.append((title, headers, rows))
    return tables


def _lot_tables(analysis: Analysis, result: Result, part: LotAnalysis, lang: str) -> list[Table]:
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    criteria = result.rubric.criteria_of(part.lot)
    labels = {c.id: c.label.text(lang) for c in criteria}
    points = {c.id: c.points for c in criteria}
    evaluators = {e.id: f"{e.name.text(lang)} ({e.id})" for e in result.evaluators}

    def who(ids) -> str:
        return ", ".join(names.get(i, i) for i in ids) or "–"

    flips = []
    for f in part.flips:
        if f.delta is None:
            flips.append([labels[f.criterion], points[f.criterion], t("an_never", lang), "", "", ""])
        else:
            sign = "+" if f.direction > 0 else "-"
            shift = f"{sign}0" if f.delta == 0 else f"{float(f.delta):+.4f}"
            flips.append([labels[f.criterion], points[f.criterion], shift, f"{float(f.share):+.2%}" if f.delta else f"{sign}0%",
                          who(f.first_after), who(f.selected_after)])  # fmt: skip
    stability = [[names[s.bidder], f"{s.first:.1%}", f"{s.selected:.1%}"] for s in part.stability]
    reversals = [[r.change, t("yes" if r.reversed else "no", lang), who(r.before), who(r.after)]
                 if r.problem is None else [r.change, "–", who(r.before), r.problem]
                 for r in part.reversals]  # fmt: skip
    consistency = [[t("an_leniency", lang), evaluators.get(r.evaluator, r.evaluator), f"{r.mean_deviation:+.2f}"]
                   for r in part.leniency]  # fmt: skip
    consistency += [[t("an_outlier", lang), f"{evaluators.get(o.evaluator, o.evaluator)} · {names[o.bidder]} · "
                     f"{labels[o.criterion]}", f"{o.score:.1f} / {o.others_mean:.1f} ± {o.others_sd:.1f}"]
                    for o in part.outliers]  # fmt: skip
    consistency += [[t("an_kendall", lang), labels[a.criterion], "–" if a.kendall_w is None else f"{a.kendall_w:.3f}"]
                    for a in part.agreement]  # fmt: skip
    stability_title = t("an_stability", lang, samples=f"{analysis.samples:,}", alpha=f"{analysis.alpha:g}",
                        seed=analysis.seed)  # fmt: skip
    held: list[Table] = [(t("an_held", lang), [""], [[held_text(code, lang)] for code in part.held])] if part.held else []
    return [
        *held,
        (t("an_flips", lang), [t("criterion", lang), t("points", lang), t("an_flip_at", lang), t("an_share", lang),
                               t("an_first", lang), t("an_selected", lang)], flips),  # fmt: skip
        (stability_title, [t("bidder", lang), t("an_p_first", lang), t("an_p_selected", lang)], stability),
        (t("an_reversal", lang), [t("an_change", lang), t("an_reversed", lang), t("an_before", lang),
                                  t("an_after", lang)], reversals),  # fmt: skip
        (t("an_panel", lang), ["", "", t("value", lang)], consistency),
    ]
