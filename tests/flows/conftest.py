"""A database with the schema and default catalog for flow tests (one per module, since
flows write to it)."""

from __future__ import annotations

import psycopg
import pytest

from catalog.load import load_catalog
from jdskills import migrate


@pytest.fixture(scope="module")
def pipeline_db_url(make_database) -> str:
    url = make_database()
    migrate.upgrade(url=url)
    with psycopg.connect(url) as conn:
        load_catalog(conn)
    return url


@pytest.fixture
def pipeline_db(pipeline_db_url: str, use_database, prefect_harness) -> str:
    return use_database(pipeline_db_url)
