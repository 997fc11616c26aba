"""Worker processes, for the work a committee waits for: a long report's parts, and the analyses that
need none of the others' results.

Used only where the machine has a core to spare. Workers are forked where that is safe — on Linux, from
a process running a single thread, as the CLI does — so they start at once with what this process
has loaded; otherwise a pool's workers are spawned, and work alongside is simply done here when it
is needed. What is computed is the same either way; only when differs.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

MOST_WORKERS = 4  # each report part takes its own memory (about 150–250 MB): more would gain little


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def pool(jobs: int) -> ProcessPoolExecutor | None:
    """Workers for `jobs` independent jobs, or None where there is no second core to give them."""
    workers = min(jobs, cores(), MOST_WORKERS)
    if workers < 2:
        return None
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork" if can_fork() else "spawn"))


def alongside(function: Callable[..., T], *args: object) -> Callable[[], T]:
    """Start `function(*args)` in a forked worker while the caller goes on; returns what gives its
    result. Without a second core, or where forking is not safe, the function runs here when its
    result is asked for. If the worker fails, the function is run here too, so its error is raised
    as any other (the work is pure: the same inputs give the same result or the same error)."""
    if not (can_fork() and cores() >= 2):
        return lambda: function(*args)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_send_result, args=(send, function, args), daemon=True)
    worker.start()
    send.close()

    def result() -> T:
        try:
            return receive.recv()
        except EOFError:  # the worker failed: run it here, where its error shows
            return function(*args)
        finally:
            receive.close()
            worker.join()

    return result


def _send_result(send, function: Callable, args: tuple) -> None:
    try:
        send.send(function(*args))
    except BaseException:  # noqa: BLE001, S110 - the caller re-runs the work and raises the error itself
        pass
    finally:
        send.close()
