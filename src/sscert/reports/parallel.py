"""A second process for the lists and the report: on a machine with two cores or more, the
workbooks and the charts are made there while this process makes the rest — the same files.

:func:`second_process` starts it ahead (its imports done while the store is read);
:class:`Jobs` gives it work, and does here whatever it cannot run (shut down, or its process
died).
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

__all__ = ["Jobs", "second_process", "start_second_process"]

_T = TypeVar("_T")


class _Job(Generic[_T]):
    """One piece of work: its value, from the executor, or made here when it could not be."""

    def __init__(
        self, future: Future[_T] | None, function: Callable[..., _T], args: tuple[Any, ...]
    ) -> None:
        self._future, self._function, self._args = future, function, args
        self._done = False
        self._value: _T | None = None

    def value(self) -> _T:
        if not self._done:
            try:
                if self._future is None:
                    raise BrokenExecutor
                self._value = self._future.result()
            except (BrokenExecutor, OSError):  # its process died, or could not start
                self._value = self._function(*self._args)
            self._done = True
        return self._value  # type: ignore[return-value]


class Jobs:
    """Work given to an executor when there is one, or done here — also when the executor
    is shut down or its process dies."""

    def __init__(self, executor: Executor | None) -> None:
        self._executor = executor
        self._jobs: list[_Job[Any]] = []

    def run(self, function: Callable[..., _T], *args: Any) -> Callable[[], _T]:
        """Start ``function(*args)``; what is given back waits for its value."""
        future = None
        if self._executor is not None:
            try:
                future = self._executor.submit(function, *args)
            except (BrokenExecutor, RuntimeError, OSError):  # shut down, or it cannot start
                self._executor = None
        job = _Job(future, function, args)
        if future is None:
            job.value()
        self._jobs.append(job)
        return job.value

    def wait(self) -> None:
        """Wait for every piece of work (what the executor could not do is done here)."""
        for job in self._jobs:
            job.value()
        self._jobs.clear()


def start_second_process(*ready: str) -> ProcessPoolExecutor:
    """A second process, started now and importing the modules named in ``ready`` so that
    it is ready by the time there is work for it (an import that fails there is left to the
    work, done here then). It is spawned, not forked (the batch engine runs threads), so the
    program that starts it must guard its entry point with ``if __name__ == "__main__":``,
    as a console script does. The caller shuts it down."""
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    for name in ready:
        with contextlib.suppress(BrokenExecutor, RuntimeError, OSError):
            pool.submit(importlib.import_module, name)  # what fails is done here (Jobs)
    return pool


@contextlib.contextmanager
def second_process(*ready: str) -> Iterator[Executor]:
    """:func:`start_second_process` for the length of a ``with`` block, waited for at its
    end."""
    with start_second_process(*ready) as pool:
        yield pool
