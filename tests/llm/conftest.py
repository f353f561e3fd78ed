"""Fixtures of the LLM backend tests: the local OpenAI-compatible server (one per session,
faults and counters reset per test), a migrated database per module (LLM tables emptied per
test) and settings pointing at both, with a recognisable fake API key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from llm_server import TEST_API_KEY, LLMServer
from psycopg.rows import dict_row

from jdskills import migrate
from jdskills.settings import Settings


@pytest.fixture(scope="session")
def llm_server_session() -> Iterator[LLMServer]:
    server = LLMServer(timeout_sleep_s=1.5).start()
    yield server
    server.stop()


@pytest.fixture
def llm_server(llm_server_session: LLMServer) -> Iterator[LLMServer]:
    llm_server_session.reset()
    yield llm_server_session
    llm_server_session.reset()


@pytest.fixture
def impatient_settings(llm_settings: Settings) -> Settings:
    """Settings whose client gives up on a request before the server's "timeout" fault
    answers (the server sleeps 1.5 s)."""
    return llm_settings.model_copy(update={"llm_timeout_s": 0.5})


@pytest.fixture(scope="module")
def llm_db_url(make_database) -> str:
    url = make_database()
    migrate.upgrade(url=url)
    return url


@pytest.fixture
def llm_db(llm_db_url: str) -> str:
    with psycopg.connect(llm_db_url) as conn:
        conn.execute("TRUNCATE llm_call, llm_cache")
    return llm_db_url


@pytest.fixture
def llm_settings(llm_server: LLMServer, llm_db: str) -> Settings:
    return Settings(
        openai_api_key=TEST_API_KEY, openai_base_url=llm_server.url, database_url=llm_db,
        llm_timeout_s=10.0, llm_max_attempts=3, llm_backoff_initial_s=0.01,
        llm_backoff_max_s=0.05, llm_retry_after_max_s=1.0, llm_concurrency=4,
    )


@pytest.fixture
def llm_rows(llm_db: str) -> Callable[..., list[dict[str, Any]]]:
    """Rows of llm_call (or another table) in insertion order."""

    def rows(table: str = "llm_call") -> list[dict[str, Any]]:
        with psycopg.connect(llm_db) as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()

    return rows
