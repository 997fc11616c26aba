"""The decision analysis as plain tables (title, headers, rows) for the PDF and the scorecard."""

from __future__ import annotations

from bideval.analysis.run import Analysis
from bideval.render.i18n import t

Table = tuple[str, list[str], list[list[object]]]


def analysis_tables(analysis: Analysis, lang: str) -> list[Table]:
    result = analysis.result
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    labels = {c.id: c.label.text(lang) for c in result.rubric.criteria}
    points = {c.id: c.points for c in result.rubric.criteria}
    evaluators = {e.id: f"{e.name.text(lang)} ({e.id})" for e in result.evaluators}

    def who(ids) -> str:
        return ", ".join(names.get(i, i) for i in ids) or "–"

    flips = []
    for f in analysis.flips:
        if f.delta is None:
            flips.append([labels[f.criterion], points[f.criterion], t("an_never", lang), "", "", ""])
        else:
            sign = "+" if f.direction > 0 else "-"
            shift = f"{sign}0" if f.delta == 0 else f"{float(f.delta):+.4f}"
            flips.append([labels[f.criterion], points[f.criterion], shift, f"{float(f.share):+.2%}" if f.delta else f"{sign}0%",
                          who(f.first_after), who(f.selected_after)])  # fmt: skip
    stability = [[names[s.bidder], f"{s.first:.1%}", f"{s.selected:.1%}"] for s in analysis.stability]
    reversals = [[r.change, t("yes" if r.reversed else "no", lang), who(r.before), who(r.after)]
                 for r in analysis.reversals]  # fmt: skip
    consistency = [[t("an_leniency", lang), evaluators.get(r.evaluator, r.evaluator), f"{r.mean_deviation:+.2f}"]
                   for r in analysis.leniency]  # fmt: skip
    consistency += [[t("an_outlier", lang), f"{evaluators.get(o.evaluator, o.evaluator)} · {names[o.bidder]} · "
                     f"{labels[o.criterion]}", f"{o.score:.1f} / {o.others_mean:.1f} ± {o.others_sd:.1f}"]
                    for o in analysis.outliers]  # fmt: skip
    consistency += [[t("an_kendall", lang), labels[a.criterion], "–" if a.kendall_w is None else f"{a.kendall_w:.3f}"]
                    for a in analysis.agreement]  # fmt: skip
    stability_title = t("an_stability", lang, samples=f"{analysis.samples:,}", alpha=f"{analysis.alpha:g}",
                        seed=analysis.seed)  # fmt: skip
    return [
        (t("an_flips", lang), [t("criterion", lang), t("points", lang), t("an_flip_at", lang), t("an_share", lang),
                               t("an_first", lang), t("an_selected", lang)], flips),  # fmt: skip
        (stability_title, [t("bidder", lang), t("an_p_first", lang), t("an_p_selected", lang)], stability),
        (t("an_reversal", lang), [t("an_change", lang), t("an_reversed", lang), t("an_before", lang),
                                  t("an_after", lang)], reversals),  # fmt: skip
        (t("an_panel", lang), ["", "", t("value", lang)], consistency),
    ]
