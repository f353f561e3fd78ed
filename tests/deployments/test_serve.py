"""``jdskills serve`` end to end: a real Prefect server and worker in child processes, the
deployments of prefect.yaml, a deployment run picked up by the worker, and Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from jdskills.settings import PROJECT_ROOT

JDSKILLS = Path(sys.executable).parent / "jdskills"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Lines:
    """The serve process's output, line by line, with a deadline."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._q: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(proc,), daemon=True).start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._q.put(line.rstrip("\n"))

    def until(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._q.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if m := re.search(pattern, line):
                return m
        raise AssertionError(f"no {pattern!r} within {timeout}s; output:\n" + "\n".join(self.seen))


@pytest.fixture
def served(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "COLUMNS": "200"}
    proc = subprocess.Popen(
        [str(JDSKILLS), "serve", "--port", str(port), "--prefect-home", str(tmp_path / "pf"),
         "--no-bootstrap"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = Lines(proc)
    try:
        yield proc, lines, f"http://127.0.0.1:{port}/api"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


def test_serve_deploys_runs_and_stops_on_ctrl_c(served, tmp_path: Path) -> None:
    proc, lines, api = served
    server_pid = int(lines.until(r"server: pid (\d+)", 120).group(1))
    lines.until(r"Prefect server up", 300)
    lines.until(r"deployed .*prefect\.yaml", 300)
    worker_pid = int(lines.until(r"worker: pid (\d+)", 60).group(1))
    lines.until(r"Prefect UI: http://127\.0\.0\.1:\d+", 30)

    with httpx.Client(base_url=api, timeout=30) as http:
        deployments = {d["name"]: d for d in http.post("/deployments/filter", json={}).json()}
        assert set(deployments) == {"ingest-batch", "nightly", "backfill", "retry-quarantined"}
        assert all(d["enforce_parameter_schema"] for d in deployments.values())
        assert all(d["work_pool_name"] == "jdskills-pool" for d in deployments.values())
        (schedule,) = deployments["nightly"]["schedules"]
        assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == (
            "0 2 * * *", "UTC")
        pull = deployments["backfill"]["pull_steps"][0]
        assert pull["prefect.deployments.steps.set_working_directory"]["directory"] == str(
            PROJECT_ROOT)
        backfill_id = deployments["backfill"]["id"]
        refused = http.post(f"/deployments/{backfill_id}/create_flow_run",
                            json={"parameters": {"start": "2026-01-01", "end": "2026-01-02",
                                                 "chunk_size": "lots"}})
        assert refused.status_code == 409, refused.text
        run = http.post(f"/deployments/{backfill_id}/create_flow_run", json={"parameters": {
            "start": "2026-01-01", "end": "2026-01-02", "prefix": str(tmp_path)}}).json()
        deadline, state = time.monotonic() + 300, None
        while time.monotonic() < deadline:
            state = http.get(f"/flow_runs/{run['id']}").json()["state"]["type"]
            if state in TERMINAL:
                break
            time.sleep(2)
        assert state == "COMPLETED", lines.seen
        artifacts = http.post("/artifacts/filter", json={
            "artifacts": {"flow_run_id": {"any_": [run["id"]]}}}).json()
        assert [a["key"] for a in artifacts] == ["backfill-partitions"]

    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert proc.wait(120) == 0, lines.seen
    lines.until(r"stopped server", 5)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (_alive(server_pid) or _alive(worker_pid)):
        time.sleep(0.5)
    assert not _alive(server_pid) and not _alive(worker_pid)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{api}/health", timeout=5)
