"""Shared fixtures: the repository's bundled samples and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bideval.cli import app

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
