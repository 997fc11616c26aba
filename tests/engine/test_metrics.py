"""Derived metrics (bideval.engine.metrics.compute_metrics, DESIGN §3), hand-worked from the built-in
catalog figures (brief §3, dense TFLOPS per GPU: B200 bf16 2,250; H100/H200 bf16 989;
TDP B200 1,000 W, H100/H200 700 W). Every division is rounded once to the rubric's
`metric_places` (default 6, half-up).

The main example is operator N of the 2025 GPU program (brief §1): 7,656 B200, of which 6,120
public in one 510-node cluster (4,080 GPUs) and one 255-node cluster (2,040 GPUs), liquid cooled.
The remaining 7,656 − 6,120 = 1,536 GPUs = 192 nodes × 8 are modelled as the operator's own
cluster (domestic servers, to give that share a value). The price is chosen so the division is
checkable by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bideval.engine.metrics import compute_metrics
from bideval.load.inputs import load_catalog
from bideval.model.bid import Bid
from bideval.model.rubric import Rubric

D = Decimal


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def rubric(precision: str | None = "bf16", deadline: date | None = date(2025, 12, 31), metric_places: int = 6):
    data = {
        "schema": "bideval/rubric/v1",
        "id": "gpu",
        "title": "GPU",
        "issuer": "NIPA",
        "currency": "KRW",
        "evaluation_date": date(2025, 7, 1),
        "rounding": {"metric_places": metric_places},
        "criteria": [{"id": "price", "label": "Price", "points": 20, "method": "ratio_to_best",
                      "metric": "price", "better": "lower"}],  # fmt: skip
    }
    if precision is not None:
        data["compute"] = {"precision": precision}
    if deadline is not None:
        data["service_deadline"] = deadline
    return Rubric.model_validate(data)


def cluster(cid, gpu, nodes, use, cooling, domestic=False, per_node=8):
    return {"id": cid, "gpu": gpu, "nodes": nodes, "gpus_per_node": per_node, "use": use, "cooling": cooling,
            "domestic_server": domestic}  # fmt: skip


def bid(price: int, clusters: list[dict], start: date | None = None) -> Bid:
    data = {"schema": "bideval/bid/v1", "bidder": {"id": "n", "name": "N"}, "price": price, "clusters": clusters}
    if start is not None:
        data["schedule"] = {"service_start": start}
    return Bid.model_validate(data)


OPERATOR_N = [
    cluster("pub-510", "b200", 510, "public", "liquid"),  # 510 × 8 = 4,080
    cluster("pub-255", "b200", 255, "public", "liquid"),  # 255 × 8 = 2,040
    cluster("own-192", "b200", 192, "own", "liquid", domestic=True),  # 192 × 8 = 1,536
]
N_PRICE = 857_472_000_000


def test_operator_n_price_per_pflops(catalog):
    """brief §1 operator N, brief §3 B200 bf16 = 2,250 TFLOPS dense.

    total_gpus = 4,080 + 2,040 + 1,536 = 7,656
    total_pflops = 7,656 × 2,250 / 1,000 = 17,226 PF
    price_per_pflops = 857,472,000,000 / 17,226. Since 17,226 = 9 × 1,914 and
    857,472,000,000 = 1,914 × 448,000,000, this is 448,000,000 / 9 = 49,777,777.777…
    → 6 places half-up 49,777,777.777778.
    """
    m = compute_metrics(bid(N_PRICE, OPERATOR_N), rubric(), catalog)
    assert m["total_gpus"] == 7656
    assert m["total_pflops"] == D(17226)
    assert m["price_per_pflops"] == D("49777777.777778")
    assert str(m["price_per_pflops"]) == "49777777.777778"


def test_operator_n_public_shares(catalog):
    """brief §1: N gives 6,120 of 7,656 GPUs to public use (≈ 80%).

    public_gpus = 4,080 + 2,040 = 6,120
    public_gpu_share = 6,120 / 7,656 = (÷24) 255 / 319 = 0.8 − 0.2/319 = 0.8 − 0.000626959… = 0.799373040…
    → 0.799373
    public_pflops = 6,120 × 2.25 = 13,770 PF; public_pflops_share = 13,770 / 17,226 = 255/319 → 0.799373
    (one GPU model, so the PF share equals the GPU share).
    price_per_public_pflops = 857,472,000,000 / 13,770 = 28,582,400,000 / 459
      (857,472,000,000 = 2¹³·3·5⁶·7·11·29, 13,770 = 2·3⁴·5·17);
      459 × 62,271,023 = 28,582,399,557, remainder 443; 443/459 = 0.9651416…
    → 62,271,023.965142.
    """
    m = compute_metrics(bid(N_PRICE, OPERATOR_N), rubric(), catalog)
    assert m["public_gpus"] == 6120
    assert m["public_gpu_share"] == D("0.799373")
    assert m["public_pflops"] == D(13770)
    assert m["public_pflops_share"] == D("0.799373")
    assert m["price_per_public_pflops"] == D("62271023.965142")


def test_operator_n_cluster_cooling_servers_power(catalog):
    """largest cluster: 510 nodes, 510 × 8 = 4,080 GPUs.
    liquid_cooled_share: all three clusters liquid → 7,656/7,656 = 1 → 1.000000.
    domestic_server_share: 1,536 / 7,656 = (÷24) 64 / 319 = 0.2006269… → 0.200627.
    estimated_it_power_mw: 7,656 × 1,000 W = 7,656,000 W = 7.656 MW (brief §3 TDP)."""
    m = compute_metrics(bid(N_PRICE, OPERATOR_N), rubric(), catalog)
    assert m["largest_cluster_nodes"] == 510
    assert m["largest_cluster_gpus"] == 4080
    assert m["liquid_cooled_share"] == 1
    assert m["domestic_server_share"] == D("0.200627")
    assert m["estimated_it_power_mw"] == D("7.656")


MIXED = [
    cluster("own-b200", "b200", 10, "own", "liquid"),  # 10 × 8 = 80 B200
    cluster("pub-h100", "h100-sxm", 20, "public", "air"),  # 20 × 8 = 160 H100
]
MIXED_PRICE = 33_824_000_000


def test_mixed_gpus_each_cluster_uses_its_own_figure(catalog):
    """brief §1 "B offering more PF for less money beats A with more GPUs": PF, not GPUs, count.

    B200: 80 × 2,250 = 180,000 TF = 180 PF; H100: 160 × 989 = 158,240 TF = 158.24 PF.
    total_pflops = 338.24; price_per_pflops = 33,824,000,000 / 338.24 = 100,000,000 → 100000000.000000
    public_gpu_share = 160 / 240 = 2/3 → 0.666667
    public_pflops_share = 158.24 / 338.24 = (÷16 on 15,824/33,824) 989 / 2,114 = 0.4678334… → 0.467833
    price_per_public_pflops = 33,824,000,000 / 158.24 = 100,000,000 × 2,114 / 989 = 211,400,000,000 / 989;
      989 × 213,751,263 = 211,399,999,107, remainder 893; 893/989 = 0.9029322… → 213,751,263.902932
    liquid_cooled_share = 80 / 240 = 1/3 → 0.333333; domestic_server_share = 0/240 → 0.000000
    largest cluster: 20 nodes, 160 GPUs; power 80 × 1,000 + 160 × 700 = 192,000 W = 0.192 MW.
    """
    m = compute_metrics(bid(MIXED_PRICE, MIXED), rubric(), catalog)
    assert m["total_gpus"] == 240
    assert m["total_pflops"] == D("338.24")
    assert m["price_per_pflops"] == D(100_000_000)
    assert m["public_gpus"] == 160
    assert m["public_gpu_share"] == D("0.666667")
    assert m["public_pflops"] == D("158.24")
    assert m["public_pflops_share"] == D("0.467833")
    assert m["price_per_public_pflops"] == D("213751263.902932")
    assert m["liquid_cooled_share"] == D("0.333333")
    assert m["domestic_server_share"] == 0
    assert m["largest_cluster_nodes"] == 20
    assert m["largest_cluster_gpus"] == 160
    assert m["estimated_it_power_mw"] == D("0.192")


def test_metric_places_setting(catalog):
    """rounding.metric_places 2: 448,000,000 / 9 = 49,777,777.77|77… → 49,777,777.78."""
    m = compute_metrics(bid(N_PRICE, OPERATOR_N), rubric(metric_places=2), catalog)
    assert str(m["price_per_pflops"]) == "49777777.78"


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (date(2025, 12, 1), 30),  # 2025-12-31 − 2025-12-01 = 30 days early (brief §1: build complete by December)
        (date(2025, 12, 31), 0),  # on the deadline
        (date(2026, 1, 15), -15),  # 2025-12-31 − 2026-01-15 = −15: 15 days late
        (date(2025, 1, 1), 364),  # 2025 is not a leap year: 365 − 1
    ],
)
def test_in_service_by_sign(catalog, start, days):
    """DESIGN §3 in_service_by: days before (+) / after (−) the rubric deadline = deadline − start."""
    m = compute_metrics(bid(N_PRICE, OPERATOR_N, start=start), rubric(), catalog)
    assert m["in_service_by"] == days


def test_in_service_by_needs_both_dates(catalog):
    """DESIGN §3: days relative to *a rubric deadline*: no start date or no deadline → undefined."""
    assert compute_metrics(bid(N_PRICE, OPERATOR_N), rubric(), catalog)["in_service_by"] is None
    started = bid(N_PRICE, OPERATOR_N, start=date(2025, 12, 1))
    assert compute_metrics(started, rubric(deadline=None), catalog)["in_service_by"] is None


def test_bid_without_clusters_has_no_gpu_metrics(catalog):
    """DESIGN §2.2: a rubric not about GPUs needs no clusters; every GPU metric is then None
    (undefined), but in_service_by (schedule only) is still computed: 2025-12-31 − 2025-12-21 = 10."""
    m = compute_metrics(bid(1_000_000, [], start=date(2025, 12, 21)), rubric(), catalog)
    assert m["in_service_by"] == 10
    for name, value in m.items():
        if name != "in_service_by":
            assert value is None, name


def test_gpu_without_figure_at_precision(catalog):
    """brief §3: "a GPU with no figure at that precision" — H200 has no FP4 figure. With the
    rubric counting fp4, the PF metrics are None (the scoring step reports it as an error);
    counts stay defined: 3,056 H200 (brief §1 operator V: 255-node and 32-node public clusters,
    95 own nodes: 2,040 + 256 + 760 = 3,056)."""
    clusters = [
        cluster("pub-255", "h200-sxm", 255, "public", "liquid"),
        cluster("pub-32", "h200-sxm", 32, "public", "air"),
        cluster("own-95", "h200-sxm", 95, "own", "air"),
    ]
    m = compute_metrics(bid(1_000_000_000, clusters), rubric(precision="fp4"), catalog)
    assert m["total_gpus"] == 3056
    assert m["public_gpus"] == 2296
    for name in ("total_pflops", "price_per_pflops", "public_pflops", "public_pflops_share", "price_per_public_pflops"):
        assert m[name] is None, name


def test_one_cluster_without_figure_voids_the_sum(catalog):
    """Mixed B200 (fp4 9,000) + H100 (no fp4): the total would silently leave the H100s out,
    so every PF metric is None rather than a partial sum."""
    m = compute_metrics(bid(MIXED_PRICE, MIXED), rubric(precision="fp4"), catalog)
    assert m["total_pflops"] is None and m["price_per_pflops"] is None
    assert m["total_gpus"] == 240


def test_operator_v_bf16_pflops(catalog):
    """brief §1 operator V, 3,056 H200 at bf16 989: 3,056 × 989 = 3,022,384 TF = 3,022.384 PF;
    public 2,296 × 989 = 2,270,744 TF = 2,270.744 PF."""
    clusters = [
        cluster("pub-255", "h200-sxm", 255, "public", "liquid"),
        cluster("pub-32", "h200-sxm", 32, "public", "air"),
        cluster("own-95", "h200-sxm", 95, "own", "air"),
    ]
    m = compute_metrics(bid(1_000_000_000, clusters), rubric(), catalog)
    assert m["total_pflops"] == D("3022.384")
    assert m["public_pflops"] == D("2270.744")


def test_no_compute_section_means_no_pflops(catalog):
    """DESIGN §2.1 compute.precision is the rubric's explicit choice: without it, no PF metric."""
    m = compute_metrics(bid(N_PRICE, OPERATOR_N), rubric(precision=None), catalog)
    assert m["total_gpus"] == 7656
    assert m["total_pflops"] is None and m["price_per_pflops"] is None


def test_no_public_cluster(catalog):
    """All GPUs own use: public_gpus 0, shares 0/7,656 = 0; price per public PF divides by 0
    → undefined (None)."""
    own = [cluster("own", "b200", 10, "own", "air")]
    m = compute_metrics(bid(N_PRICE, own), rubric(), catalog)
    assert m["public_gpus"] == 0 and m["public_gpu_share"] == 0
    assert m["public_pflops"] == 0 and m["public_pflops_share"] == 0
    assert m["price_per_public_pflops"] is None


def test_metrics_are_exact_decimals(catalog):
    """DESIGN §3: money and scores are Decimal end to end; never floats."""
    m = compute_metrics(bid(MIXED_PRICE, MIXED, start=date(2025, 12, 1)), rubric(), catalog)
    for name, value in m.items():
        if name.startswith("consortium_"):  # the bid has no consortium: None (tested in test_procedure_metrics)
            assert value is None, name
            continue
        assert isinstance(value, Decimal), (name, type(value))
