"""`bideval catalog`: the GPU catalog as a table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bideval.model.catalog import PRECISIONS, Catalog
from bideval.render.terminal import visible


def render_catalog(catalog: Catalog, console: Console, precision: str | None = None) -> None:
    shown = [precision] if precision else list(PRECISIONS)
    table = Table(title="GPU catalog — dense peak TFLOPS per GPU (no sparsity)", title_justify="left")
    table.add_column("id")
    table.add_column("name")
    for p in shown:
        table.add_column(p, justify="right")
    table.add_column("mem GB", justify="right")
    table.add_column("TDP W", justify="right")
    table.add_column("source")
    for gpu_id, gpu in sorted(catalog.gpus.items()):
        figures = [getattr(gpu.tflops, p) for p in shown]
        name = gpu.name + (" (uncertain)" if gpu.uncertain else "")
        # The vendor's country decides what counts as domestic (issue 18 §6): under the name, so the
        # table keeps its width.
        country = f"{gpu.vendor_country or '?'}" + (" · NPU" if gpu.npu else "")
        # Text(visible()): a catalog passed with --catalog is input, never markup nor terminal controls.
        table.add_row(gpu_id, Text(f"{visible(name)}\n{visible(country)}"), *[f"{f:,}" if f is not None else "–" for f in figures],
                      str(gpu.memory_gb), f"{gpu.tdp_w:,}", Text(visible(gpu.source)))  # fmt: skip
    console.print(table)
