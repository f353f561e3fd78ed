"""Which task runner a flow run uses, and running a chunk task on it in order.

``settings.task_runner`` picks the runner when a flow run starts, not at import:
``ConfiguredTaskRunner`` is a placeholder whose ``duplicate()`` (what Prefect calls to get a
run's own runner) returns a ``ThreadPoolTaskRunner`` or a ``prefect_dask.DaskTaskRunner``
(a local cluster of ``dask_workers`` processes, one thread each, or the scheduler at
``dask_address``). ``flow.with_options(task_runner=...)`` still overrides it.

Tasks leave the flow's process only when submitted: ``results_in_order`` hands results back
in input order so that what follows (the persist stage) sees the same sequence either way.
On Dask it submits one task per item, a few at a time. On the thread runner it calls the
task's function inline, or (offline backend, ``analysis_processes`` above one, a platform
that can fork) hands the items to worker processes forked from the flow's process once it
has loaded the catalog snapshot and its indexes, so that they start with them and use the
other cores while the flow's process writes.
"""

from __future__ import annotations

import contextvars
import gc
import importlib
import logging
import math
import multiprocessing
import os
import pickle
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from logging.handlers import QueueHandler, QueueListener
from typing import Any, TypeVar, cast

from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import Task
from prefect.utilities.annotations import BaseAnnotation

from jdskills.pipeline.warm import warm_analysis
from jdskills.settings import Settings, get_settings

T = TypeVar("T")
R = TypeVar("R")


class DaskNotInstalledError(RuntimeError):
    """task_runner is 'dask' but prefect-dask is not installed."""


def configured_task_runner(settings: Settings | None = None) -> TaskRunner[Any]:
    """A new task runner as the settings say (thread, or Dask local/remote)."""
    s = settings or get_settings()
    if s.task_runner == "thread":
        return ThreadPoolTaskRunner()
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as e:
        raise DaskNotInstalledError(
            "JDSKILLS_TASK_RUNNER=dask needs prefect-dask: pip install 'jdskills[dask]'") from e
    if s.dask_address:
        return DaskTaskRunner(address=s.dask_address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": s.dask_workers, "threads_per_worker": 1, "processes": True,
        "dashboard_address": ":0"})  # any free port: clusters may overlap


class ConfiguredTaskRunner(ThreadPoolTaskRunner):
    """Stands in a ``@flow(task_runner=...)``; each run gets ``configured_task_runner()``."""

    def duplicate(self) -> TaskRunner[Any]:  # type: ignore[override]
        return configured_task_runner()


def settings_task_runner() -> TaskRunner[PrefectFuture[Any]]:
    """For ``@flow(task_runner=settings_task_runner())``: the runner comes from the settings
    each time a run of the flow starts."""
    return cast(TaskRunner[PrefectFuture[Any]], ConfiguredTaskRunner())


def _dask_client() -> Any | None:
    """The Dask client of the current flow run's task runner, or None when it has none."""
    ctx = FlowRunContext.get()
    runner = ctx.task_runner if ctx else None
    # a DaskTaskRunner exists only once prefect_dask was imported; importing it here just to
    # find out that the runner is not one took 0.7 s at the start of every thread-runner run
    if runner is None or "prefect_dask" not in sys.modules:
        return None
    from prefect_dask import DaskTaskRunner

    return runner.client if isinstance(runner, DaskTaskRunner) else None


def results_in_order(
    task: Task[..., R], items: Iterable[T], *, prepare_workers: Callable[[], Any] | None = None,
    **kwargs: Any,
) -> Iterator[R]:
    """``task(item, **kwargs)`` for each item, results in input order.

    On the thread runner the task's function runs inline, one item after the other. On
    Dask, ``prepare_workers`` first runs once on every worker (e.g. to load shared read-only
    state before the caller writes anything), then items are submitted with at most two per
    worker thread in flight. On the thread runner with forked workers it runs once, here,
    before the fork.
    """
    client = _dask_client()
    if client is None:
        yield from _in_processes(task, list(items), kwargs, prepare_workers)
        return
    if prepare_workers is not None:
        client.run(prepare_workers)
    window = 2 * max(1, sum(client.nthreads().values()))
    in_flight: deque[Any] = deque()
    for item in items:
        in_flight.append(task.submit(item, **kwargs))
        if len(in_flight) >= window:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


def _may_fork(s: Settings) -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if s.backend != "offline":  # waits on the network: threads do; and needs the Prefect API
        return False
    # on Dask the Dask workers analyse: the flow's process needs no catalog
    return s.task_runner == "thread" and _wanted_processes(s) >= 2


def _wanted_processes(s: Settings) -> int:
    return s.analysis_processes or (os.cpu_count() or 1)


def forked_workers(n_items: int, settings: Settings | None = None) -> int:
    """How many forked processes analyse ``n_items`` items (0: inline; never more than
    one per item after the first)."""
    s = settings or get_settings()
    if n_items < 2 or not _may_fork(s):
        return 0
    return min(_wanted_processes(s), n_items - 1)


def chunked(items: list[T], size: int, settings: Settings | None = None) -> list[list[T]]:
    """``items`` in order, in chunks of at most ``size``.

    When the chunks go to forked workers (W ≥ 2 of them), the chunks are evened out, and the
    last W × ``size`` items are cut into 2W chunks of about half the size: the workers
    finish closer together, and the write of the last chunk (the one part of a run that
    nothing overlaps) is shorter. Elsewhere (inline, Dask) the chunks are ``size`` long, the
    last one shorter."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    plain = [items[i:i + size] for i in range(0, len(items), size)]
    workers = forked_workers(len(plain), settings) if _dask_client() is None else 0
    if workers < 2:
        return plain
    tail = min(len(items), workers * size)
    if len(items) - tail < size // 2:  # no short chunk ahead of the tail: it takes all
        tail = len(items)
    head = len(items) - tail
    return (_even(items[:head], math.ceil(head / size)) if head else []) + _even(
        items[head:], min(2 * workers, tail))


def _even(items: list[T], parts: int) -> list[list[T]]:
    """``items`` cut into ``parts`` contiguous pieces whose lengths differ by one at most."""
    q, r = divmod(len(items), parts)
    bounds = [i * q + min(i, r) for i in range(parts + 1)]
    return [items[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _unquote(value: Any) -> Any:
    return value.unwrap() if isinstance(value, BaseAnnotation) else value


def _plain(kwargs: dict[str, Any]) -> dict[str, Any]:
    """What a task's submit would pass: quote() undone."""
    return {k: _unquote(v) for k, v in kwargs.items()}


def _in_processes(task: Task[..., R], items: list[T], kwargs: dict[str, Any],
                  prepare: Callable[[], Any] | None) -> Iterator[R]:
    """The thread runner's path: inline, or on forked workers. Before the fork, ``prepare``
    runs here (or, without it, the first item is analysed here) so that the workers start
    with what it loaded. Keyword arguments are read when an item is submitted, at most two
    per worker ahead of the one handed back."""
    workers = forked_workers(len(items))
    if not workers:
        for item in items:
            yield task.fn(item, **_plain(kwargs))
        return
    first: list[R] = []
    if prepare is not None:
        prepare()
    else:
        first.append(task.fn(items[0], **_plain(kwargs)))
    # fork now: no write is in flight (a child must not inherit a connection in use)
    with ForkedWorkers(workers) as pool:
        pending = deque(items[len(first):])
        in_flight: deque[Future[R]] = deque()

        def top_up() -> None:
            while pending and len(in_flight) < 2 * workers:
                in_flight.append(pool.submit(task, pending.popleft(), **_plain(kwargs)))

        top_up()
        yield from first
        while in_flight:
            result = in_flight.popleft().result()
            top_up()
            yield result


class ForkedWorkers:
    """A pool of worker processes forked from this one, for a task's plain function.

    The children run each item in an empty ``contextvars`` context (no Prefect flow or task
    run: they have no API client) and forget the database engine's pooled connections,
    which belong to the parent. Their log records are handed to this process's loggers
    (so they reach the same handlers as when analysed here). The collector is frozen from
    the fork until the pool closes (``_freeze``): it writes to no shared object in the
    children (copy-on-write stays shared) and scans none of them here.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._listener: QueueListener | None = None
        self._frozen = False

    def __enter__(self) -> ForkedWorkers:
        ctx = multiprocessing.get_context("fork")
        logs: Any = ctx.Queue()
        self._listener = QueueListener(logs, _Redispatch())
        self._listener.start()
        _freeze()
        self._frozen = True
        try:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx,
                                             initializer=_after_fork, initargs=(logs,))
            # with fork, every worker starts at the first submit: make it happen here
            for f in [self._pool.submit(os.getpid) for _ in range(self.workers)]:
                f.result()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def submit(self, task: Task[..., R] | Callable[..., R], *args: Any,
               **kwargs: Any) -> Future[R]:
        """``task``'s function on a worker (arguments as a task's submit takes them). The
        worker finds the function by module and name, as the module defines it."""
        assert self._pool is not None
        fn = task.fn if isinstance(task, Task) else task
        # pickled here, not in the pool's feeder thread: the caller may change the
        # arguments (e.g. add to a dict) once submit returns
        payload = pickle.dumps(([_unquote(a) for a in args], _plain(kwargs)),
                               protocol=pickle.HIGHEST_PROTOCOL)
        return self._pool.submit(_run_in_worker, fn.__module__, fn.__qualname__, payload)

    def __exit__(self, *exc: Any) -> None:
        try:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
        finally:
            if self._listener is not None:
                self._listener.stop()  # after the workers: their last records are in
                self._listener = None
            if self._frozen:  # once, however often the pool is closed
                self._frozen = False
                _unfreeze()


_FROZEN_LOCK = threading.Lock()
# pools alive that froze the collector (a Prefetch may overlap a pool), and the thresholds
# the first of them replaced
_FROZEN: dict[str, Any] = {"pools": 0, "thresholds": None}
# chunks allocate millions of short-lived objects: collecting the young generation every
# 10,000 allocations instead of 700 cut the time in GC from 3.0 s to 1.0 s for 4,830 NHS
# JDs (stages 1-7, one process, snapshot frozen); the same holds for the flow's process
# while it unpickles and writes the workers' results
BUSY_THRESHOLDS = (10_000, 20, 20)


def _freeze() -> None:
    """Move every tracked object to the collector's permanent generation: the children
    inherit them untouched by their collections, and this process's full collections skip
    them while the workers run (they scanned the ~1.2 GB catalog snapshot: 3 of them, 1 s
    each, in a 5,000-JD run). Refcounting still frees what is dropped meanwhile; only
    cyclic garbage waits for ``_unfreeze``."""
    with _FROZEN_LOCK:
        gc.freeze()
        _FROZEN["pools"] += 1
        if _FROZEN["pools"] == 1:
            _FROZEN["thresholds"] = gc.get_threshold()
            gc.set_threshold(*BUSY_THRESHOLDS)


def _unfreeze() -> None:
    with _FROZEN_LOCK:
        _FROZEN["pools"] -= 1
        if _FROZEN["pools"] == 0:
            gc.unfreeze()
            gc.set_threshold(*_FROZEN["thresholds"])


class _Redispatch(logging.Handler):
    """A worker's log record, handled here by the logger of the same name."""

    def handle(self, record: logging.LogRecord) -> bool:  # type: ignore[override]
        logging.getLogger(record.name).handle(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:  # pragma: no cover - handle() above
        self.handle(record)


_IN_WORKER = False


def in_forked_worker() -> bool:
    """True in a ``ForkedWorkers`` child: tasks must be called as plain functions there."""
    return _IN_WORKER


def stage(task: Task[..., R] | Callable[..., R]) -> Callable[..., R]:
    """``task`` as a chunk task calls a stage: a task run in the flow's process, its plain
    function (quote() undone) in a forked worker."""
    if not (_IN_WORKER and isinstance(task, Task)):
        return task
    fn = task.fn

    def plain(*args: Any, **kwargs: Any) -> R:
        return fn(*[_unquote(a) for a in args], **_plain(kwargs))

    return plain


def _after_fork(logs: Any) -> None:
    global _IN_WORKER
    _IN_WORKER = True
    from jdskills import db

    db.after_fork()
    logging.getLogger().handlers = [QueueHandler(logs)]  # to the parent, not to our stderr
    gc.set_threshold(*BUSY_THRESHOLDS)  # as the parent's while it has workers (_freeze)


def _run_in_worker(module: str, qualname: str, payload: bytes) -> Any:
    args, kwargs = pickle.loads(payload)
    target = getattr(importlib.import_module(module), qualname)
    fn = target.fn if isinstance(target, Task) else target
    return contextvars.Context().run(fn, *args, **kwargs)


class Prefetch:
    """A task's function computed in a forked child while this process does other work
    (e.g. reading the first input file while the catalog snapshot loads). ``result()``
    waits for it and raises what it raised; the child exits then."""

    def __init__(self, task: Task[..., R] | Callable[..., R], *args: Any) -> None:
        self._workers = ForkedWorkers(1).__enter__()
        try:
            self._future = self._workers.submit(task, *args)
        except BaseException:
            self.close()
            raise

    def result(self) -> Any:
        try:
            return self._future.result()
        finally:
            self.close()

    def close(self) -> None:
        self._workers.__exit__(None, None, None)


def prefetch(task: Task[..., R] | Callable[..., R], *args: Any,
             settings: Settings | None = None) -> Prefetch | None:
    """``Prefetch(task, *args)`` when the run may fork (as for analysis workers), else None."""
    return Prefetch(task, *args) if _may_fork(settings or get_settings()) else None


def warm_catalog_snapshot() -> int:
    """Load the catalog snapshot and what the stages derive from it in this process now
    (on every Dask worker, or before forking workers, ahead of a run's chunks: no worker
    reads the catalog after the run started writing)."""
    return warm_analysis()


class OrderedWrites:
    """Runs a write task once per item, one at a time and in submission order.

    With ``background`` (the flow's thread runner), each write is submitted to the runner and
    runs while the flow analyses the next chunk; ``submit`` first waits for the previous
    write, so writes never overlap each other and a failure surfaces at the next ``submit``
    or ``wait``. Otherwise the write runs inline. Each write's ``on_done(result, seconds)``
    runs in the caller's thread, in order, once the write is done.
    """

    def __init__(self, write: Task[..., R] | Callable[..., R], *, background: bool) -> None:
        self._write = write
        self._background = background and _dask_client() is None
        self._pending: tuple[Any, float, Callable[[R, float], Any]] | None = None
        self._thread: ThreadPoolExecutor | None = None

    def submit(self, *args: Any, on_done: Callable[[R, float], Any]) -> None:
        self.wait()
        started = time.perf_counter()
        if not self._background:
            result = self._write(*args)
            on_done(result, time.perf_counter() - started)
            return
        if FlowRunContext.get() is not None and isinstance(self._write, Task):
            future: Any = self._write.submit(*args)  # a task run on the flow's thread runner
        else:  # outside a flow (a plain function): one background thread
            if self._thread is None:
                self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="writes")
            future = self._thread.submit(self._write, *args)
        self._pending = (future, started, on_done)

    def wait(self) -> None:
        """Block until the write in flight (if any) is done and accounted for."""
        if self._pending is None:
            return
        future, started, on_done = self._pending
        self._pending = None
        on_done(future.result(), time.perf_counter() - started)
