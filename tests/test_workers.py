"""Work alongside in a forked worker (bideval/workers.py): the same result as here, the same error."""

from __future__ import annotations

import os

import pytest

from bideval import workers


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail(message: str) -> None:
    raise ValueError(message)


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(workers, "cores", lambda: 2)


def test_work_alongside_runs_in_another_process_and_gives_its_result(two_cores):
    if not workers.can_fork():
        pytest.skip("forking is not safe here (not Linux, or more than one thread)")
    result = workers.alongside(_square_and_pid, 12)
    value, pid = result()
    assert value == 144 and pid != os.getpid()


def test_a_failure_alongside_is_raised_here_as_it_would_be(two_cores):
    result = workers.alongside(_fail, "no such bid")
    with pytest.raises(ValueError, match="no such bid"):
        result()


def test_without_a_second_core_the_work_is_done_here_when_asked_for(monkeypatch):
    monkeypatch.setattr(workers, "cores", lambda: 1)
    calls = []
    result = workers.alongside(lambda: calls.append(os.getpid()) or "done")
    assert calls == []  # not started: nothing to overlap with
    assert result() == "done" and calls == [os.getpid()]
    assert workers.pool(3) is None


def test_a_pool_has_a_worker_per_job_up_to_the_cores(monkeypatch):
    monkeypatch.setattr(workers, "cores", lambda: 8)
    pool = workers.pool(2)
    try:
        assert pool is not None and pool._max_workers == 2
    finally:
        pool.shutdown()
    pool = workers.pool(50)
    try:
        assert pool._max_workers == workers.MOST_WORKERS
    finally:
        pool.shutdown()
