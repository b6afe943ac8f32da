"""Run calls at the same instant on their own database connections — what the exactly-once tests need.

Each call runs in a thread of its own (Django's connections are per thread, so each has its own connection and
transaction), all released together by a barrier; each thread closes its connection when done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_at_once(*calls: Callable[[], Any], capture: bool = False, timeout: float = 120) -> list[Any]:
    """The calls' results, in order. An exception in a call fails the test (all of them listed), or with
    ``capture=True`` stands in the list in the call's place; a thread still running after ``timeout`` fails it."""
    barrier = threading.Barrier(len(calls), timeout=timeout)
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except BaseException as exc:  # surfaced below, in the test's thread
            results[i] = exc
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), f"still running after {timeout} s"
    assert capture or not errors, errors
    return results
