"""The built-in catalog (bideval/catalog/gpus.yaml) against the domain brief §3 table: dense TFLOPS,
memory and TDP as the brief gives them, each entry with a source, and (issue 18 §6) each vendor's
country and whether the accelerator is an NPU — the Korean NPUs are domestic."""

from __future__ import annotations

from decimal import Decimal

from bideval.load.inputs import load_catalog

# Brief §3: FP64, FP64 tensor, TF32, BF16, FP8, FP4 (None: no figure), memory GB, TDP W.
BRIEF = {
    "h100-sxm": ("34", "67", "495", "989", "1979", None, 80, 700),
    "h200-sxm": ("34", "67", "495", "989", "1979", None, 141, 700),
    "b200": ("37", "37", "1100", "2250", "4500", "9000", 180, 1000),
    "gb200": ("40", "40", "1250", "2500", "5000", "10000", 186, 1200),
    "a100-sxm-80gb": ("9.7", "19.5", "156", "312", None, None, 80, 400),
    "mi300x": ("81.7", "163.4", "654", "1307", "2615", None, 192, 750),
    "mi325x": ("81.7", "163.4", "654", "1307", "2615", None, 256, 1000),
    "gaudi3": (None, None, None, "1835", "1835", None, 128, 900),
    "rngd": (None, None, None, "256", "512", None, 48, 180),
    "rebel-quad": (None, None, None, "1000", "2000", None, 144, 600),
}
PRECISIONS = ("fp64", "fp64_tensor", "tf32", "bf16", "fp8", "fp4")


def test_figures_are_the_briefs():
    gpus = load_catalog().gpus
    for gpu_id, (*figures, memory, tdp) in BRIEF.items():
        entry = gpus[gpu_id]
        got = tuple(getattr(entry.tflops, p) for p in PRECISIONS)
        assert got == tuple(None if f is None else Decimal(f) for f in figures), gpu_id
        assert (entry.memory_gb, entry.tdp_w) == (memory, tdp), gpu_id
        assert entry.source


def test_every_accelerator_has_its_vendor_country_and_the_korean_npus_are_domestic():
    gpus = load_catalog().gpus
    assert all(entry.vendor_country for entry in gpus.values())
    assert {gpu_id for gpu_id, entry in gpus.items() if entry.vendor_country == "KR"} == {"rngd", "rebel-quad"}
    assert {gpu_id for gpu_id, entry in gpus.items() if entry.npu} == {"rngd", "rebel-quad"}
