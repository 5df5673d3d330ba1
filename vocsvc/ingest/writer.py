"""Group commit for customers' answers: one writer thread per process stores them in batches.

Answers that arrive while a batch is being written wait for the next one, so under load one
transaction (one BEGIN, at most one catalog check, one rollup upsert, one commit) carries many
answers, and on SQLite each process takes the database's write lock once per batch instead of
once per answer. Nobody waits for a batch to fill: a lone answer is written at once. An answer's
future is resolved only after its batch committed, so a 201 still means "stored". A batch that
fails as a whole (a database error) is tried once more, whole: on a new connection if the
database dropped the old one, with fresh copies of journeys and webhooks (vocsvc.process_cache).
If it fails again, it is retried answer by answer, so one bad answer fails alone, unless the
database itself is unavailable: then every answer of the batch gets that error (a 503, nothing
acknowledged).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from vocsvc import process_cache
from vocsvc.db import UnitOfWork, unavailable_reason
from vocsvc.ingest.pipeline import PublicAnswer, Submitted, submit_public_batch

MAX_BATCH = 64


@dataclass(frozen=True)
class _Job:
    answer: PublicAnswer
    unit_of_work: UnitOfWork
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Submitted]


class AnswerWriter:
    """Stores answers handed over by request handlers, in batches, from one thread."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self.batches = 0  # how many transactions were written (batching is visible in tests)
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    async def submit(self, answer: PublicAnswer, unit_of_work: UnitOfWork) -> Submitted:
        """Store `answer`; returns once its transaction committed, or raises its error."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Submitted] = loop.create_future()
        self._start()
        self._queue.put(_Job(answer, unit_of_work, loop, future))
        # A cancelled request (the client went away) does not cancel the write: a retry with
        # the same Idempotency-Key is then answered with the stored answer's id.
        return await future

    def close(self, timeout: float = 30) -> None:
        """Write what is queued, then stop the thread."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        thread.join(timeout)
        self._thread = None

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="vocsvc-answer-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        stopping = False
        while True:
            # Once asked to stop, it writes what is still queued without waiting for more.
            jobs, stop = self._next_batch(wait=not stopping)
            stopping = stopping or stop
            if not jobs and stopping:
                return
            for group in _by_unit_of_work(jobs):
                self._write(group)

    def _next_batch(self, wait: bool) -> tuple[list[_Job], bool]:
        """Up to `max_batch` queued jobs, and whether `close` asked the thread to stop."""
        jobs: list[_Job] = []
        stop = False
        try:
            item = self._queue.get(block=wait)
            while True:
                if item is None:
                    stop = True
                else:
                    jobs.append(item)
                if len(jobs) >= self.max_batch:
                    break
                item = self._queue.get_nowait()
        except queue.Empty:
            pass
        return jobs, stop

    def _write(self, jobs: Sequence[_Job], *, retry_whole: bool = True) -> None:
        try:
            with jobs[0].unit_of_work() as session:
                results = submit_public_batch(session, [job.answer for job in jobs])
            self.batches += 1
        except Exception as error:
            if retry_whole:
                # Tried once more before anyone is told: on a new connection if the database
                # dropped this one (a restart, a failover), and on fresh copies of journeys and
                # webhooks, in case a copy outlived its rows (a webhook deleted elsewhere).
                process_cache.forget_all()
                self._write(jobs, retry_whole=False)
                return
            # The database itself failing (down, unreachable) fails every answer alike: trying
            # each alone would only make each wait for its own connection attempt.
            if len(jobs) > 1 and unavailable_reason(error) is None:
                for job in jobs:  # find the answer that failed; the others are stored
                    self._write([job], retry_whole=False)
                return
            results = [error] * len(jobs)  # the request's error handler logs it
        except BaseException as error:  # never leave a customer's request waiting forever
            _settle(jobs, [error] * len(jobs))
            raise
        _settle(jobs, results)


def _by_unit_of_work(jobs: list[_Job]) -> list[list[_Job]]:
    groups: dict[int, list[_Job]] = {}
    for job in jobs:
        groups.setdefault(id(job.unit_of_work), []).append(job)
    return list(groups.values())


def _settle(jobs: Sequence[_Job], results: Sequence[Submitted | BaseException]) -> None:
    """Hand each result to its request; one wake-up per event loop, not one per answer."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, Submitted | BaseException]]] = {}
    for job, result in zip(jobs, results, strict=True):
        by_loop.setdefault(job.loop, []).append((job, result))
    for loop, settled in by_loop.items():
        # A closed event loop (RuntimeError): nobody is waiting for these answers any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_resolve, settled)


def _resolve(settled: list[tuple[_Job, Submitted | BaseException]]) -> None:
    for job, result in settled:
        if job.future.done():  # cancelled: the client stopped waiting
            continue
        if isinstance(result, BaseException):
            job.future.set_exception(result)
        else:
            job.future.set_result(result)


@functools.cache
def get_answer_writer() -> AnswerWriter:
    """This process's writer (its thread starts with the first answer)."""
    return AnswerWriter()
