"""GPU catalog `bideval/catalog/v1` (DESIGN §2.4): dense peak TFLOPS per precision."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bideval.model.common import Count, PositiveNumber, Slug, Strict, Text

CATALOG_SCHEMA = "bideval/catalog/v1"
PRECISIONS = ("fp64", "fp64_tensor", "tf32", "bf16", "fp8", "fp4")
Precision = Literal["fp64", "fp64_tensor", "tf32", "bf16", "fp8", "fp4"]


class Tflops(Strict):
    """Dense (no sparsity) peak TFLOPS per GPU. A missing precision means no figure."""

    fp64: PositiveNumber | None = None
    fp64_tensor: PositiveNumber | None = None
    tf32: PositiveNumber | None = None
    bf16: PositiveNumber | None = None
    fp8: PositiveNumber | None = None
    fp4: PositiveNumber | None = None


class Gpu(Strict):
    name: Text
    vendor: Text
    vendor_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # ISO 3166 code: domestic share
    npu: bool = False  # a neural processing unit rather than a GPU
    tflops: Tflops
    memory_gb: Count
    tdp_w: Count
    source: Text
    uncertain: bool = False


class Catalog(Strict):
    schema_id: Literal["bideval/catalog/v1"] = Field(alias="schema")
    gpus: dict[Slug, Gpu]
