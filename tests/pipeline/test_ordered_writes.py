"""OrderedWrites: writes run one at a time, in order, in the background on the thread runner;
a failed write surfaces in the flow."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

from jdskills.pipeline.runners import OrderedWrites


@task
def write(log: list[Any], n: int) -> int:
    time.sleep(0.05 * (3 - n))  # the first write is the slowest
    if n < 0:
        raise ValueError("disk full")
    log.append(("write", n, threading.get_ident()))
    return n


@flow(task_runner=ThreadPoolTaskRunner(max_workers=4))
def three_writes(background: bool) -> dict[str, Any]:
    log: list[Any] = []
    writes = OrderedWrites(write, background=background)
    for n in range(3):
        writes.submit(log, n, on_done=lambda r, s: log.append(("done", r, s >= 0)))
        log.append(("analysed", n, threading.get_ident()))
    writes.wait()
    return {"log": log, "flow_thread": threading.get_ident()}


@flow(task_runner=ThreadPoolTaskRunner(max_workers=4))
def failing_write() -> None:
    writes = OrderedWrites(write, background=True)
    writes.submit([], -1, on_done=lambda r, s: None)
    writes.wait()


@pytest.mark.parametrize("background", [True, False])
def test_writes_are_ordered_and_accounted(prefect_harness, background: bool) -> None:
    out = three_writes(background)
    log = out["log"]
    assert [n for kind, n, _ in log if kind == "write"] == [0, 1, 2]
    assert [n for kind, n, _ in log if kind == "done"] == [0, 1, 2]
    for n in range(3):  # each write is accounted for before the next one starts
        assert log.index(("done", n, True)) < [i for i, e in enumerate(log)
                                              if e[:2] == ("write", n + 1)][0] \
            if n < 2 else True
    write_threads = {t for kind, _, t in log if kind == "write"}
    if background:  # written on the runner's threads while the flow went on
        assert out["flow_thread"] not in write_threads
        assert log.index(("analysed", 0, out["flow_thread"])) < log.index(
            next(e for e in log if e[0] == "write"))
    else:
        assert write_threads == {out["flow_thread"]}


def test_a_failed_background_write_fails_the_flow(prefect_harness) -> None:
    with pytest.raises(ValueError, match="disk full"):
        failing_write()
