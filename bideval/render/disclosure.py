"""Which editions of the report there are, and what the public one leaves out (issue 22 §6).

The internal edition (the default) is the committee's full record. The public edition is the report
as published after the award — evaluator names, each evaluator's scores and comments, totals,
ranking and reasons — without the bid fields the rubric lists under `confidential:` and without
anything worked out from them (a confidential `price` hides price per petaflop too), and without
the decision analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

EDITIONS = ("internal", "public")

# The bid fields each derived metric is worked out from (DESIGN §3; engine/metrics.py).
METRIC_FIELDS: dict[str, tuple[str, ...]] = {
    "total_gpus": ("clusters",), "total_pflops": ("clusters",), "price_per_pflops": ("price", "clusters"),
    "public_gpus": ("clusters",), "public_gpu_share": ("clusters",), "public_pflops": ("clusters",),
    "public_pflops_share": ("clusters",), "price_per_public_pflops": ("price", "clusters"),
    "largest_cluster_nodes": ("clusters",), "largest_cluster_gpus": ("clusters",),
    "liquid_cooled_share": ("clusters",), "domestic_server_share": ("clusters",),
    "in_service_by": ("schedule.service_start",), "estimated_it_power_mw": ("clusters",),
    "fp64_eflops": ("clusters",), "npu_share": ("clusters",), "domestic_accelerator_share": ("clusters",),
    "domestic_pflops_share": ("clusters",), "consortium_members": ("bidder.consortium",),
    "consortium_public_share": ("bidder.consortium",), "consortium_cloud_operators": ("bidder.consortium",),
}  # fmt: skip


@dataclass(frozen=True)
class Disclosure:
    edition: str
    confidential: tuple[str, ...]

    @property
    def public(self) -> bool:
        return self.edition == "public"

    def hides(self, source: str | None) -> bool:
        """Whether this edition leaves out `source` — a bid field path or a metric name — because it
        is, holds, lies inside or is worked out from a confidential field."""
        if not self.public or not source:
            return False
        fields = METRIC_FIELDS.get(source, (source,))
        return any(_overlap(field, secret) for field in fields for secret in self.confidential)


def _overlap(field: str, secret: str) -> bool:
    return field == secret or field.startswith(f"{secret}.") or secret.startswith(f"{field}.")
