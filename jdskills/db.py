"""The database: where it is, the one engine, and sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from jdskills.local_postgres import LocalPostgres
from jdskills.settings import Settings, get_settings


def local_postgres(settings: Settings | None = None) -> LocalPostgres:
    s = settings or get_settings()
    return LocalPostgres(s.data_dir, s.local_pg_port, s.local_pg_start_timeout_s)


def database_url(settings: Settings | None = None) -> str:
    """DATABASE_URL when set; otherwise the managed local Postgres, started on demand."""
    s = settings or get_settings()
    if s.database_url:
        return s.database_url
    return local_postgres(s).ensure_running()


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


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
    return psycopg.connect(libpq_url(settings), autocommit=autocommit)
