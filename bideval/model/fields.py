"""What a rubric may refer to: derived metric names and bid paths like `bidder.gpuaas_in_service`.

`field_kind` answers statically (for checking a rubric); `field_value` reads a bid.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from bideval.model.bid import Bid

# Derived metrics (DESIGN §3), each with its kind and whether it needs the rubric's precision.
METRICS: dict[str, str] = {
    "total_gpus": "number",
    "total_pflops": "number",
    "price_per_pflops": "number",
    "public_gpus": "number",
    "public_gpu_share": "number",
    "public_pflops": "number",
    "public_pflops_share": "number",
    "price_per_public_pflops": "number",
    "largest_cluster_nodes": "number",
    "largest_cluster_gpus": "number",
    "liquid_cooled_share": "number",
    "domestic_server_share": "number",
    "in_service_by": "number",
    "estimated_it_power_mw": "number",
    # Issue 18: domestic accelerators (국산화), the FP64-vector floor of the SPC, consortia.
    "fp64_eflops": "number",
    "npu_share": "number",
    "domestic_accelerator_share": "number",
    "domestic_pflops_share": "number",
    "consortium_members": "number",
    "consortium_public_share": "number",
    "consortium_cloud_operators": "number",
}
NEEDS_PRECISION = {"total_pflops", "price_per_pflops", "public_pflops", "public_pflops_share",
                   "price_per_public_pflops", "domestic_pflops_share"}  # fmt: skip
NEEDS_DEADLINE = {"in_service_by"}

Kind = Literal["number", "bool", "text", "date", "any"]


def field_kind(name: str) -> Kind | None:
    """Kind of a metric or bid path, or None if the rubric names something that does not exist."""
    if name in METRICS:
        return METRICS[name]  # type: ignore[return-value]
    parts = name.split(".")
    model: type[BaseModel] = Bid
    for i, part in enumerate(parts):
        if part == "facts" and model is Bid:
            return "any" if len(parts) == i + 2 and parts[i + 1] else None
        info = model.model_fields.get(part)
        if info is None or part == "schema_id":
            return None
        annotation = _unwrap(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            continue
        return _kind_of(annotation) if i == len(parts) - 1 else None
    return None


def bid_paths(model: type[BaseModel] = Bid, prefix: str = "") -> list[str]:
    """Every scalar bid path a rubric may name (for suggestions)."""
    paths = []
    for name, info in model.model_fields.items():
        annotation = _unwrap(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths += bid_paths(annotation, f"{prefix}{name}.")
        elif _kind_of(annotation) and name != "schema_id":
            paths.append(prefix + name)
    return paths


def field_value(bid: Bid, metrics: dict[str, Any], name: str) -> Any:
    """Value of a metric or bid path for one bid; None when the bid does not state it. A bid's
    whole numbers are read as Decimal (96 and 96.5 are one kind of value); booleans stay booleans."""
    if name in METRICS:
        return metrics.get(name)
    value: Any = bid
    for part in name.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return Decimal(value) if type(value) is int else value


def _unwrap(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` → X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _kind_of(annotation: Any) -> Kind | None:
    if annotation is bool:
        return "bool"
    if annotation in (int, Decimal):
        return "number"
    if annotation is date:
        return "date"
    if annotation is str or typing.get_origin(annotation) is Literal:
        return "text"
    return None
