"""Metrics of issue 18: the FP64-vector exaflops of the SPC floor, domestic accelerators (국산화) and
the consortium's make-up — hand-worked from the built-in catalog (brief §3: B200 FP64 37, BF16 2,250
TFLOPS; Rebellions REBEL-Quad BF16 1,000, no FP64 figure; H100 FP64 34) and brief §1 ("≥ 1 exaflops ≈
30,000 GPUs" fits FP64 vector; public 51 : private 49 in rounds 1–2).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bideval.engine.metrics import compute_metrics
from bideval.load.inputs import load_catalog
from bideval.model.bid import Bid
from tests.engine.test_metrics import bid, cluster, rubric

D = Decimal


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()
SPC = [
    cluster("b200-public", "b200", 2600, "public", "liquid"),  # 20,800 B200
    cluster("b200-own", "b200", 800, "own", "liquid"),  # 6,400 B200
    cluster("npu", "rebel-quad", 512, "public", "air"),  # 4,096 REBEL-Quad
]


def test_fp64_exaflops_counts_only_accelerators_with_an_fp64_figure(catalog):
    """27,200 B200 × 37 TFLOPS = 1,006,400 TFLOPS = 1.0064 EF; the 4,096 NPUs have no FP64 figure and
    add nothing. 30,000 H100 × 34 = 1.02 EF: brief §1's "1 EF ≈ 30,000 GPUs"."""
    assert compute_metrics(bid(1, SPC), rubric(), catalog)["fp64_eflops"] == D("1.0064")
    h100 = [cluster("h", "h100-sxm", 3750, "public", "air")]
    assert compute_metrics(bid(1, h100), rubric(), catalog)["fp64_eflops"] == D("1.02")


def test_domestic_and_npu_shares(catalog):
    """By count: 4,096 of 31,296 accelerators are Korean NPUs: 0.1308793… → 0.130879 (6 places, half-up).
    By compute at BF16: 4,096 × 1,000 = 4,096 PF of 27,200 × 2,250 ÷ 1,000 + 4,096 = 65,296 PF:
    0.0627297… → 0.062730."""
    metrics = compute_metrics(bid(1, SPC), rubric(), catalog)
    assert metrics["npu_share"] == metrics["domestic_accelerator_share"] == D("0.130879")
    assert metrics["domestic_pflops_share"] == D("0.062730")
    assert compute_metrics(bid(1, SPC[:2]), rubric(), catalog)["domestic_pflops_share"] == 0


def consortium_bid(members: list[dict]) -> Bid:
    return Bid.model_validate({"schema": "bideval/bid/v1", "bidder": {"id": "c", "name": "C", "consortium": members},
                               "price": 1})  # fmt: skip


def member(share: str, sector: str | None, kind: str | None = None) -> dict:
    return {"name": "m", "share": D(share), "sector": sector, "kind": kind}


def test_consortium_public_share_is_the_exact_sum_of_the_public_members(catalog):
    """Public 0.30 + 0.21 = 0.51 (brief §1: public 51 : private 49), exact — no rounding; two of the
    four members are cloud operators."""
    metrics = compute_metrics(consortium_bid([
        member("0.30", "public"), member("0.21", "public"),
        member("0.29", "private", "cloud_operator"), member("0.20", "private", "cloud_operator"),
    ]), rubric(), catalog)  # fmt: skip
    assert (metrics["consortium_public_share"], metrics["consortium_cloud_operators"]) == (D("0.51"), D(2))
    assert metrics["consortium_members"] == D(4)


def test_a_member_without_a_sector_leaves_the_public_share_undefined(catalog):
    metrics = compute_metrics(consortium_bid([member("0.5", "public"), member("0.5", None)]), rubric(), catalog)
    assert metrics["consortium_public_share"] is None
    assert compute_metrics(bid(1, []), rubric(), catalog)["consortium_members"] is None
