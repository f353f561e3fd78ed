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

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import Task

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
        for item in items:
            yield task.fn(item, **kwargs)
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
