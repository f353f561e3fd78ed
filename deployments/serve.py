"""A local Prefect stack for jdskills: server with UI, work pool, deployments, worker.

``LocalPrefect`` starts ``prefect server start`` (127.0.0.1, a chosen port) as a child
process, waits until ``/api/health`` answers, creates the process work pool when missing,
runs ``prefect deploy --all`` on the project's ``prefect.yaml`` against that server, and
starts ``prefect worker start --pool ...`` (the pool prefect.yaml names). Every child runs
in its own process group and ``stop()`` ends them (worker first), so Ctrl-C on ``jdskills
serve`` leaves nothing behind.
The server keeps its SQLite database in ``prefect_home`` between runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

from jdskills.settings import PROJECT_ROOT

PREFECT = [sys.executable, "-m", "prefect"]


class ServeError(RuntimeError):
    """The local Prefect stack could not be started."""


@dataclass
class ServeOptions:
    port: int = 4200
    host: str = "127.0.0.1"
    prefect_home: Path = PROJECT_ROOT / ".jdskills" / "prefect"
    project_dir: Path = PROJECT_ROOT
    deploy: bool = True
    worker: bool = True
    startup_timeout_s: float = 180.0
    stop_timeout_s: float = 20.0


@dataclass
class LocalPrefect:
    options: ServeOptions
    say: Callable[[str], None] = print
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://{self.options.host}:{self.options.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://{self.options.host}:{self.options.port}"

    @property
    def prefect_file(self) -> Path:
        return self.options.project_dir / "prefect.yaml"

    @property
    def pool(self) -> str:
        """The one work pool the deployments of prefect.yaml use."""
        config = yaml.safe_load(self.prefect_file.read_text())
        pools = {(d.get("work_pool") or {}).get("name") for d in config.get("deployments", [])}
        if len(pools) != 1 or None in pools:
            raise ServeError(f"{self.prefect_file}: expected one work pool for every "
                             f"deployment, found {sorted(map(str, pools))}")
        return str(pools.pop())

    @property
    def log_dir(self) -> Path:
        return self.options.prefect_home / "logs"

    def env(self) -> dict[str, str]:
        """The children's environment: this one, pointed at the local server."""
        return {**os.environ, "PREFECT_API_URL": self.api_url,
                "PREFECT_HOME": str(self.options.prefect_home),
                "PREFECT_SERVER_API_HOST": self.options.host,
                "PREFECT_SERVER_API_PORT": str(self.options.port),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                "JDSKILLS_PROJECT_DIR": str(self.options.project_dir)}

    # --- the steps ------------------------------------------------------------------------
    def start(self) -> None:
        """Server, health, work pool, deployments, worker; stops what started on failure."""
        try:
            self.start_server()
            self.wait_healthy()
            self.ensure_work_pool()
            if self.options.deploy:
                self.deploy_all()
            if self.options.worker:
                self.start_worker()
        except BaseException:
            self.stop()
            raise

    def start_server(self) -> None:
        if _port_in_use(self.options.host, self.options.port):
            raise ServeError(f"{self.options.host}:{self.options.port} is in use; choose "
                             "another port (--port)")
        self._spawn("server", [*PREFECT, "server", "start", "--host", self.options.host,
                               "--port", str(self.options.port)])

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + self.options.startup_timeout_s
        while time.monotonic() < deadline:
            server = self.processes["server"]
            if server.poll() is not None:
                raise ServeError(f"prefect server exited ({server.returncode}):\n"
                                 + self._log_tail("server"))
            if _healthy(self.api_url):
                self.say(f"Prefect server up: {self.api_url}")
                return
            time.sleep(0.5)
        raise ServeError(f"prefect server not healthy after {self.options.startup_timeout_s:.0f}"
                         f" s:\n{self._log_tail('server')}")

    def ensure_work_pool(self) -> None:
        pool = self.pool
        found = self._run("work-pool-inspect", [*PREFECT, "work-pool", "inspect", pool],
                          check=False)
        if found == 0:
            self.say(f"work pool {pool} exists")
            return
        self._run("work-pool-create", [*PREFECT, "work-pool", "create", pool, "--type",
                                        "process"])
        self.say(f"work pool {pool} created (process)")

    def deploy_all(self) -> None:
        self._run("deploy", [*PREFECT, "--no-prompt", "deploy", "--all", "--prefect-file",
                             str(self.prefect_file)])
        self.say(f"deployed {self.prefect_file}")

    def start_worker(self) -> None:
        pool = self.pool
        self._spawn("worker", [*PREFECT, "worker", "start", "--pool", pool, "--type",
                               "process", "--install-policy", "never"])
        self.say(f"worker polling {pool} (pid {self.processes['worker'].pid})")

    def stop(self) -> None:
        """End every child (worker first): SIGINT to its process group, then SIGKILL."""
        for name in reversed(list(self.processes)):
            proc = self.processes.pop(name)
            if proc.poll() is None:
                _signal_group(proc, signal.SIGINT)
                try:
                    proc.wait(self.options.stop_timeout_s)
                except subprocess.TimeoutExpired:
                    _signal_group(proc, signal.SIGKILL)
                    proc.wait(self.options.stop_timeout_s)
            else:  # the leader is gone; its group may not be
                _signal_group(proc, signal.SIGKILL)
            self.say(f"stopped {name} (pid {proc.pid})")

    def wait(self) -> str:
        """Block until a child exits (returns its name) or Ctrl-C."""
        while True:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    return name
            time.sleep(0.5)

    # --- processes --------------------------------------------------------------------------
    def _log(self, name: str) -> IO[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return (self.log_dir / f"{name}.log").open("ab")

    def _log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _spawn(self, name: str, argv: list[str]) -> None:
        with self._log(name) as log:
            self.processes[name] = subprocess.Popen(
                argv, cwd=self.options.project_dir, env=self.env(), stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.say(f"{name}: pid {self.processes[name].pid}, log {self.log_dir / name}.log")

    def _run(self, name: str, argv: list[str], check: bool = True) -> int:
        with self._log(name) as log:
            done = subprocess.run(argv, cwd=self.options.project_dir, env=self.env(),
                                  stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=self.options.startup_timeout_s)
        if check and done.returncode != 0:
            raise ServeError(f"{' '.join(argv[2:])} failed ({done.returncode}):\n"
                             + self._log_tail(name))
        return done.returncode


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex((host, port)) == 0


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is already gone
        os.killpg(proc.pid, sig)  # the child leads its own group (start_new_session)


def serve(options: ServeOptions, say: Callable[[str], None] = print) -> str | None:
    """Start the stack, print the UI address, and run until Ctrl-C (returns None) or until a
    child exits on its own (returns its name); either way every child is stopped."""
    stack = LocalPrefect(options, say)
    stack.start()
    say(f"Prefect UI: {stack.ui_url}  (Ctrl-C stops the server and the worker)")
    try:
        gone = stack.wait()
        say(f"{gone} exited on its own; stopping the rest")
        return gone
    except KeyboardInterrupt:
        say("stopping")
        return None
    finally:
        stack.stop()
