"""Memory for large evaluations: shared values, and no cyclic collection while building.

Scoring 10,000 bids makes a million panel scores and several hundred thousand rounded
decimals, but only a few thousand distinct ones; sharing them took ~100 MB off the run.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any


class Pool(dict):
    """`pool[key]` is `make(key)`, built on first use and kept (at most `limit` of them: a
    long-running process never grows without bound). Only for immutable values whose key
    determines them entirely, spelling included."""

    def __init__(self, make: Callable[[Any], Any], limit: int = 100_000):
        super().__init__()
        self._make, self._limit = make, limit

    def __missing__(self, key: Hashable) -> Any:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._make(key)
        return value


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Loading and scoring build large trees of objects without cycles. While they grow, the
    cyclic collector walks them again and again and finds nothing: at 10,000 bids that was
    about a third of the run. Reference counting still frees everything as usual.

    On the way out, what was built goes straight to the collector's oldest generation: each
    younger collection would otherwise walk all of it once more (half a million objects after
    scoring 10,000 bids) to find nothing again. A full collection still looks at everything.
    Skipped when the caller has frozen objects of its own (`gc.freeze`), which must stay frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()  # every tracked object, young or old, set aside...
                gc.unfreeze()  # ...and put back, all in the oldest generation
            gc.enable()
