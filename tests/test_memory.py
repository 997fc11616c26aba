"""bideval.memory: pooled values and the paused cyclic collector."""

from __future__ import annotations

import gc
from decimal import Decimal

from bideval.memory import Pool, cyclic_gc_paused


def test_a_pool_builds_each_value_once_and_shares_it() -> None:
    made = []
    pool = Pool(lambda key: made.append(key) or Decimal(key[0]).scaleb(-key[1]))
    first, again = pool[1234, 2], pool[1234, 2]
    assert str(first) == "12.34" and again is first and made == [(1234, 2)]


def test_a_pool_never_holds_more_than_its_limit() -> None:
    pool = Pool(str, limit=3)
    for n in range(10):
        assert pool[n] == str(n)
        assert len(pool) <= 3


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_by_the_caller_stays_disabled() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error() -> None:
    try:
        with cyclic_gc_paused():
            raise ValueError("bad input")
    except ValueError:
        pass
    assert gc.isenabled()


def test_what_was_built_while_paused_goes_to_the_oldest_generation() -> None:
    """So the young collections that follow do not walk it again; a full collection still can."""
    with cyclic_gc_paused():
        built = [[n] for n in range(3)]
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(item) in oldest for item in built)
    assert gc.get_freeze_count() == 0


def test_objects_the_caller_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with cyclic_gc_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
