"""Shared fixtures: the repository's bundled samples and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from bideval.cli import app

# CI runs the property tests with a fixed derandomised sequence, so a landing never depends on a lucky
# draw; on a developer's machine they explore new examples on every run (a failure found there is
# fixed and kept as an explicit test, as tests/load/test_json_text.py does).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = ROOT / "rubrics"
SAMPLES = ROOT / "sample_bids"
NIPA = (RUBRICS / "nipa-gpu-2025.yaml", SAMPLES / "nipa-gpu-2025")
KR = (RUBRICS / "kr-negotiated-80-20.yaml", SAMPLES / "kr-negotiated-80-20")


def run(*args: str | Path):
    """Invoke the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def cli():
    return run
