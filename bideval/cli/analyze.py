"""`bideval analyze`: how robust the decision is and how consistent the panel."""

from __future__ import annotations

from typing import Annotated

import typer

from bideval.cli.app import BidsArg, CatalogOpt, LangOpt, RubricArg, app, check_lang, fail, make_console


@app.command("analyze")
def analyze_command(
    rubric: RubricArg,
    bids_dir: BidsArg,
    catalog: CatalogOpt = None,
    lang: LangOpt = "ko",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo sampling.")] = 0,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Monte Carlo weight samples.")] = 2000,
    alpha: Annotated[float, typer.Option("--alpha", min=0.01, help="Dirichlet concentration.")] = 100.0,
    set_: Annotated[list[str] | None, typer.Option("--set", help="What-if: BIDDER.FIELD=VALUE (repeatable).")] = None,
    points: Annotated[list[str] | None, typer.Option("--points", help="What-if: CRITERION=POINTS (repeatable).")] = None,
) -> None:
    """How robust is the ranking, and how consistent the panel? Sensitivity, stability, reversal, what-if."""
    check_lang(lang)
    from bideval.analysis.run import analyze, too_many_bids
    from bideval.analysis.whatif import parse
    from bideval.errors import InputError
    from bideval.load.inputs import load_inputs
    from bideval.render.analysis import render_analysis

    try:
        overrides = tuple([parse("set", s) for s in set_ or []] + [parse("points", p) for p in points or []])
        inputs = load_inputs(rubric, bids_dir, catalog)
        oversized = too_many_bids(inputs, str(bids_dir))
        if oversized:
            fail(oversized)
        analysis = analyze(inputs, seed=seed, samples=samples, alpha=alpha, overrides=overrides)
    except InputError as exc:
        fail(exc.problems)
    render_analysis(analysis, make_console(), lang)
