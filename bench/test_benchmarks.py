"""The benchmarks under pytest-benchmark: the scripts' measurements side by side in one table.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python -m pytest bench/ --benchmark-only --benchmark-group-by=group
    BIDEVAL_BENCH_LARGE=1 ...    also 10,000 bids (about a minute a round)

Not part of the test suite: pyproject's testpaths is tests/. Peak memory needs a process of
its own per size, so it stays in `bench_scoring.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from render_report import RUBRIC, SAMPLE, synthetic_bids
from synthetic import CRITERIA, write_programme

from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render.pdf import render_pdf
from bideval.render.xlsx import render_xlsx

SIZES = [10, 1000] + ([10_000] if os.environ.get("BIDEVAL_BENCH_LARGE") else [])
ROUNDS = 3


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}bids")
def programme(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, Path]:
    rubric, bids = write_programme(tmp_path_factory.mktemp(f"bids{request.param}"), request.param)
    return request.param, rubric, bids


def test_load(benchmark, programme) -> None:
    size, rubric, bids = programme
    benchmark.group = f"scoring {size:,} bids"
    inputs = benchmark.pedantic(load_inputs, args=(rubric, bids), rounds=ROUNDS, iterations=1)
    assert len(inputs.bids) == size


def test_evaluate(benchmark, programme) -> None:
    size, rubric, bids = programme
    benchmark.group = f"scoring {size:,} bids"
    inputs = load_inputs(rubric, bids)
    result = benchmark.pedantic(evaluate, args=(inputs,), rounds=ROUNDS, iterations=1)
    assert len(result.bids) == size and result.bids[0].rank == 1


def test_numpy_weighted_sum(benchmark, programme) -> None:
    """The baseline: the arithmetic alone, in floats, on the same N × 20 matrix of earned shares."""
    size, rubric, bids = programme
    benchmark.group = f"scoring {size:,} bids"
    result = evaluate(load_inputs(rubric, bids))
    leaves = [[float(c.ratio) for c in b.criteria if c.id not in ("judged", "computed")] for b in result.bids]
    shares, points = np.array(leaves), np.full(CRITERIA, 5.0)
    assert shares.shape == (size, CRITERIA)
    order = benchmark(lambda: np.argsort(-(shares @ points), kind="stable"))
    assert len(order) == size


@pytest.mark.parametrize("command", [["-c", "pass"], ["-m", "bideval", "--help"]], ids=["python", "help"])
def test_cli_start(benchmark, command: list[str]) -> None:
    benchmark.group = "CLI start-up (target: --help < 0.3 s)"
    done = benchmark.pedantic(subprocess.run, args=([sys.executable, *command],),
                              kwargs={"capture_output": True, "check": True}, rounds=5, iterations=1)  # fmt: skip
    assert done.returncode == 0


@pytest.fixture(scope="module", params=[4, 50], ids=lambda n: f"{n}bidders")
def report_result(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = SAMPLE if request.param == 4 else synthetic_bids(tmp_path_factory.mktemp("bids50"), 50)
    return request.param, evaluate(load_inputs(RUBRIC, folder))


@pytest.mark.parametrize("render", [render_pdf, render_xlsx], ids=["pdf", "xlsx"])
def test_render(benchmark, report_result, render) -> None:
    bidders, result = report_result
    benchmark.group = f"rendering {bidders} bidders"
    payload = benchmark.pedantic(render, args=(result, "ko"), rounds=ROUNDS, iterations=1)
    assert payload[:4] in (b"%PDF", b"PK\x03\x04")
