"""The database: where it is, the one engine, and sessions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from jdskills.local_postgres import LocalPostgres
from jdskills.settings import Settings, get_settings


def local_postgres(settings: Settings | None = None) -> LocalPostgres:
    s = settings or get_settings()
    return LocalPostgres(s.data_dir, s.local_pg_port, s.local_pg_start_timeout_s)


# managed local servers this process has seen running: checking costs a pg_isready run and
# a connection, so it is done once; ``connect`` checks again when a connection is refused
_RUNNING: dict[LocalPostgres, str] = {}


def database_url(settings: Settings | None = None) -> str:
    """DATABASE_URL when set; otherwise the managed local Postgres, started on demand."""
    s = settings or get_settings()
    if s.database_url:
        return s.database_url
    server = local_postgres(s)
    if server not in _RUNNING:
        _RUNNING[server] = server.ensure_running()
    return _RUNNING[server]


def after_fork() -> None:
    """In a forked child: drop the parent's pooled connections without closing them (they
    are the parent's sockets; the child opens its own)."""
    for engine in _ENGINES.values():
        engine.dispose(close=False)


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_for(url: str) -> Engine:
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = create_engine(url, pool_pre_ping=True, pool_size=5,
                                          max_overflow=5)
        return _ENGINES[url]


def get_engine(settings: Settings | None = None) -> Engine:
    """The engine for this process (created once per URL)."""
    return _engine_for(database_url(settings))


@contextmanager
def session_scope(settings: Settings | None = None) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on error."""
    with Session(get_engine(settings)) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def libpq_url(settings: Settings | None = None) -> str:
    """The database URL in libpq form (for psycopg.connect, psql, pg_dump)."""
    return database_url(settings).replace("postgresql+psycopg://", "postgresql://", 1)


def connect(settings: Settings | None = None, *, autocommit: bool = False) -> psycopg.Connection:
    """A new psycopg connection; as a context manager it commits on success."""
    try:
        return psycopg.connect(libpq_url(settings), autocommit=autocommit)
    except psycopg.OperationalError:
        s = settings or get_settings()
        if s.database_url or not _RUNNING.pop(local_postgres(s), None):
            raise
        # the managed server seen running earlier has stopped since: start it again
        return psycopg.connect(libpq_url(s), autocommit=autocommit)
