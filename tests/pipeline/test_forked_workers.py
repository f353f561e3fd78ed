"""Forked analysis workers (thread runner): results in input order from other processes,
arguments read at submit time, stage tasks called as plain functions there, errors raised
in the flow, and how many workers a run gets."""

from __future__ import annotations

import gc
import logging
import os
from typing import Any
from uuid import uuid4

import pytest
from prefect import flow, task
from prefect.utilities.annotations import quote

from jdskills.pipeline.runners import (
    chunked,
    forked_workers,
    in_forked_worker,
    results_in_order,
    stage,
)
from jdskills.settings import Settings, get_settings


@task
def double(n: int) -> int:
    return 2 * n


log = logging.getLogger("jdskills.test_forked_workers")


@task
def describe(item: int, seen: dict[str, int] | None = None) -> dict[str, Any]:
    log.warning("describing item %d in process %d", item, os.getpid())
    if item < 0:
        raise ValueError(f"bad item {item}")
    return {"item": item, "pid": os.getpid(), "seen": dict(seen or {}),
            "in_worker": in_forked_worker(), "gc_threshold": gc.get_threshold(),
            "doubled": stage(double)(item)}  # a task run here, a plain call in a worker


@flow
def fan_out(items: list[int]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    out = []
    for result in results_in_order(describe, items, seen=quote(seen),
                                   prepare_workers=lambda: seen.setdefault("prepared", 1)):
        seen[str(result["item"])] = 1  # the caller changes the arguments as results arrive
        out.append(result)
    return out


@pytest.fixture
def processes(monkeypatch: pytest.MonkeyPatch):
    def use(n: int) -> None:
        monkeypatch.setenv("JDSKILLS_ANALYSIS_PROCESSES", str(n))
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_items_after_the_warm_up_run_in_forked_processes_in_order(
        prefect_harness, processes, caplog: pytest.LogCaptureFixture) -> None:
    processes(2)
    with caplog.at_level(logging.WARNING, logger="jdskills.test_forked_workers"):
        out = fan_out(list(range(7)))
    assert [r["item"] for r in out] == list(range(7))
    assert [r["doubled"] for r in out] == [2 * i for i in range(7)]
    pids = {r["pid"] for r in out}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert all(r["in_worker"] for r in out) and not in_forked_worker()
    # workers collect the young generation less often; this process is left as it was
    assert all(r["gc_threshold"][0] == 10_000 for r in out)
    assert gc.get_threshold()[0] != 10_000
    # prepare_workers ran here before the fork, so every worker saw its effect; later items
    # see the results handed back before they were submitted (two per worker ahead)
    assert all(r["seen"].get("prepared") == 1 for r in out)
    assert "0" in out[-1]["seen"] and "5" not in out[-1]["seen"]
    # the workers' log records reached this process's handlers
    logged = {r.getMessage() for r in caplog.records if r.name == log.name}
    for r in out:
        assert f"describing item {r['item']} in process {r['pid']}" in logged


def test_one_process_means_inline(prefect_harness, processes) -> None:
    processes(1)
    out = fan_out([1, 2, 3])
    assert {r["pid"] for r in out} == {os.getpid()}
    assert not any(r["in_worker"] for r in out)
    assert [r["doubled"] for r in out] == [2, 4, 6]


def test_an_error_in_a_worker_is_raised_in_the_flow(prefect_harness, processes) -> None:
    processes(2)
    with pytest.raises(ValueError, match="bad item -1"):
        fan_out([1, 2, -1, 4])


def test_how_many_workers() -> None:
    cpus = os.cpu_count() or 1
    assert forked_workers(1, Settings(analysis_processes=4)) == 0  # one item: inline
    assert forked_workers(10, Settings(analysis_processes=1)) == 0
    assert forked_workers(10, Settings(analysis_processes=3)) == 3
    assert forked_workers(2, Settings(analysis_processes=3)) == 1  # the rest after one
    assert forked_workers(10, Settings()) == (0 if cpus < 2 else min(cpus, 9))
    # the LLM backend waits on the network (threads do) and needs the Prefect API
    assert forked_workers(10, Settings(analysis_processes=3, backend="llm")) == 0
    # on Dask the workers analyse (and the flow's process reads and warms nothing ahead)
    assert forked_workers(10, Settings(analysis_processes=3, task_runner="dask")) == 0


@pytest.mark.parametrize("n", [0, 1, 7, 499, 500, 1001, 1500, 2000, 4830])
def test_chunks_keep_every_item_in_order_and_end_shorter_for_forked_workers(n: int) -> None:
    items = list(range(n))
    plain = chunked(items, 500, Settings(analysis_processes=1))
    assert [len(c) for c in plain] == [500] * (n // 500) + ([n % 500] if n % 500 else [])
    forked = chunked(items, 500, Settings(analysis_processes=2))
    assert [i for c in forked for i in c] == items
    sizes = [len(c) for c in forked]
    assert all(0 < k <= 500 for k in sizes)
    if len(plain) >= 3:  # two workers: the last ~1,000 items in four chunks, the rest even
        assert all(250 <= k <= 251 for k in sizes[-4:])
        head = sizes[:-4]
        assert not head or max(head) - min(head) <= 1
        assert len(plain) < len(forked) <= len(plain) + 2
    else:
        assert sizes == [len(c) for c in plain]
    with pytest.raises(ValueError, match="at least 1"):
        chunked(items, 0)


@task
def pid_and(value: str) -> tuple[int, str]:
    if value == "boom":
        raise OSError("storage went away")
    return os.getpid(), value


def test_prefetch_runs_in_a_forked_process_and_raises_what_it_raised(processes) -> None:
    from jdskills.pipeline.runners import Prefetch, prefetch

    processes(2)
    thresholds = gc.get_threshold()
    ahead = prefetch(pid_and, "x")
    assert isinstance(ahead, Prefetch)
    assert gc.get_freeze_count() > 0  # frozen while the child runs
    pid, value = ahead.result()
    assert value == "x" and pid != os.getpid()
    ahead.close()  # closed twice (as the flow's error path may): unfrozen once
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    with pytest.raises(OSError, match="storage went away"):
        Prefetch(pid_and, "boom").result()
    processes(1)
    assert prefetch(pid_and, "x") is None  # no forking: the caller does the work itself


def test_a_failed_prefetch_of_a_file_is_read_again_in_the_flow(
        prefect_harness, processes, tmp_path, migrated_db, use_database,
        caplog: pytest.LogCaptureFixture) -> None:
    from jdskills.ingest import list_input_files
    from jdskills.pipeline.runners import Prefetch
    from tasks.ingest import ingest_file

    use_database(migrated_db)
    processes(2)
    batch = tmp_path / "one.jsonl"
    batch.write_text('{"id": "a", "title": "Data Engineer", "text": "We build pipelines in '
                     'Python and SQL on Airflow; you will own our Spark jobs and dbt models, '
                     'and help the analysts with their dashboards."}\n')
    [f] = list_input_files(str(batch), settings=get_settings())

    @flow
    def read_it() -> Any:
        return ingest_file(str(uuid4()), f, quote(Prefetch(pid_and, "boom")))

    with caplog.at_level(logging.WARNING, logger="tasks.ingest"):
        got = read_it()
    assert [r.external_id for r in got.records] == ["a"]
    assert any("OSError: storage went away" in r.getMessage() for r in caplog.records)
