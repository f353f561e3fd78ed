"""Session-wide fixtures: a real Postgres database per test session and Prefect's harness.

The database comes from ``JDSKILLS_TEST_DATABASE_URL`` (a server you run) or, by default,
from the managed local Postgres in ``.jdskills/test-pg``; each session creates its own
database and drops it at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import psycopg
import pytest
from moto.server import ThreadedMotoServer

from jdskills.local_postgres import LocalPostgres
from jdskills.settings import PROJECT_ROOT, get_settings

TEST_PG_PORT = int(os.environ.get("JDSKILLS_TEST_PG_PORT", "54331"))


def _server_url() -> str:
    explicit = os.environ.get("JDSKILLS_TEST_DATABASE_URL")
    if explicit:
        return explicit.replace("postgresql+psycopg://", "postgresql://", 1)
    pg = LocalPostgres(PROJECT_ROOT / ".jdskills" / "test-pg", TEST_PG_PORT)
    return pg.ensure_running().replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    return _server_url()


def _with_db(server_url: str, name: str) -> str:
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def make_database(pg_server_url: str) -> Iterator:
    """Factory: a new empty database; returns its libpq URL. All are dropped at the end."""
    created: list[str] = []

    def make() -> str:
        name = f"jdskills_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return _with_db(pg_server_url, name)

    yield make
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch):
    """Point the settings (DATABASE_URL) at a given database for one test."""

    def use(url: str) -> str:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        return url

    yield use
    get_settings.cache_clear()


@pytest.fixture
def empty_db(make_database, use_database) -> str:
    """A fresh, un-migrated database that DATABASE_URL points at."""
    return use_database(make_database())


@pytest.fixture
def migrated_db(empty_db: str) -> str:
    from jdskills import migrate

    migrate.upgrade(url=empty_db)
    return empty_db


@pytest.fixture(scope="session")
def catalog_db_url(make_database) -> str:
    """One database per session with the schema and the default catalog loaded (read-only
    for tests: tests that change the catalog make their own)."""
    from catalog.load import load_catalog
    from jdskills import migrate

    url = make_database()
    migrate.upgrade(url=url)
    with psycopg.connect(url) as conn:
        load_catalog(conn)
    return url


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real moto S3 server on a free local port, with dummy credentials in the env."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
            mp.delenv(name, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> tuple[Any, str]:
    """A fresh bucket per test: (boto3 client, bucket name)."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    bucket = f"jd-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return client, bucket


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test harness (a temporary local server and database) per session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
