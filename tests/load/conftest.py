"""Fixtures for the loader tests: a private copy of the bundled NIPA 2025 sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_RUBRIC = ROOT / "rubrics" / "nipa-gpu-2025.yaml"
SAMPLE_BIDS = ROOT / "sample_bids" / "nipa-gpu-2025"


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """tmp_path holding `nipa-gpu-2025.yaml` and `bids/` (with `bids/scores/`), copied from the sample.

    Tests mutate these copies; the bundled sample is never touched.
    """
    shutil.copy(SAMPLE_RUBRIC, tmp_path / SAMPLE_RUBRIC.name)
    shutil.copytree(SAMPLE_BIDS, tmp_path / "bids")
    return tmp_path
