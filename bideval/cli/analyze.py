"""`bideval analyze`: how robust the decision is and how consistent the panel."""

from __future__ import annotations

import time
from typing import Annotated, Self

import typer

from bideval.analysis.limits import LEAST_ALPHA, LEAST_SAMPLES, MOST_ALPHA, MOST_SAMPLES
from bideval.cli.app import BidsArg, CatalogOpt, LangOpt, RubricArg, app, check_lang, fail, make_console

SamplesOpt = Annotated[int, typer.Option(
    "--samples", min=LEAST_SAMPLES, max=MOST_SAMPLES,
    help=f"Monte Carlo weight samples ({LEAST_SAMPLES} to {MOST_SAMPLES:,}).")]  # fmt: skip
AlphaOpt = Annotated[float, typer.Option(
    "--alpha", min=LEAST_ALPHA, max=MOST_ALPHA,
    help=f"Dirichlet concentration ({LEAST_ALPHA:g} to {MOST_ALPHA:,.0f}).")]  # fmt: skip


@app.command("analyze")
def analyze_command(
    rubric: RubricArg,
    bids_dir: BidsArg,
    catalog: CatalogOpt = None,
    lang: LangOpt = "ko",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo sampling.")] = 0,
    samples: SamplesOpt = 2000,
    alpha: AlphaOpt = 100.0,
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
        with ProgressBar() as progress:
            analysis = analyze(inputs, seed=seed, samples=samples, alpha=alpha, overrides=overrides, progress=progress)
    except InputError as exc:
        fail(exc.problems)
    render_analysis(analysis, make_console(), lang)


class ProgressBar:
    """A progress bar for the long steps of the analysis, on stderr so stdout stays the same text.

    Shown only on a terminal, and only once the analysis has taken a second (a quick one shows
    nothing); transient, so it is gone before the results print."""

    DELAY = 1.0  # seconds before the bar appears

    def __init__(self, console=None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.started = time.monotonic()
        self.bar = None
        self.tasks: dict[str, object] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.bar is None:
            if not self.console.is_terminal or time.monotonic() - self.started < self.DELAY:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=self.console, transient=True)  # fmt: skip
            self.bar.start()
        if step not in self.tasks:
            self.tasks[step] = self.bar.add_task(step, total=total)
        self.bar.update(self.tasks[step], completed=done)  # type: ignore[arg-type]
