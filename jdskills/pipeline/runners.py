"""Which task runner a flow run uses, and running a chunk task on it in order.

``settings.task_runner`` picks the runner when a flow run starts, not at import:
``ConfiguredTaskRunner`` is a placeholder whose ``duplicate()`` (what Prefect calls to get a
run's own runner) returns a ``ThreadPoolTaskRunner`` or a ``prefect_dask.DaskTaskRunner``
(a local cluster of ``dask_workers`` processes, one thread each, or the scheduler at
``dask_address``). ``flow.with_options(task_runner=...)`` still overrides it.

Tasks leave the flow's process only when submitted: ``results_in_order`` calls a task's
function inline on the thread runner (exactly as before) and on Dask submits one task per
item, a few at a time, handing results back in input order so that what follows (the
persist stage) sees the same sequence either way.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import Task
from prefect.utilities.annotations import BaseAnnotation

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
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        return None
    return runner.client if isinstance(runner, DaskTaskRunner) else None


def results_in_order(
    task: Task[..., R], items: Iterable[T], *, prepare_workers: Callable[[], Any] | None = None,
    **kwargs: Any,
) -> Iterator[R]:
    """``task(item, **kwargs)`` for each item, results in input order.

    On the thread runner the task's function runs inline, one item after the other. On
    Dask, ``prepare_workers`` first runs once on every worker (e.g. to load shared read-only
    state before the caller writes anything), then items are submitted with at most two per
    worker thread in flight.
    """
    client = _dask_client()
    if client is None:
        plain = {k: v.unwrap() if isinstance(v, BaseAnnotation) else v
                 for k, v in kwargs.items()}  # what submit would pass: quote() undone
        for item in items:
            yield task.fn(item, **plain)
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


def warm_catalog_snapshot() -> int:
    """Load the catalog snapshot in this process now (run on every Dask worker before a
    run's chunks, so that no worker reads the catalog after the run started writing)."""
    from jdskills.pipeline.catalog_snapshot import get_snapshot

    return get_snapshot().version


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
