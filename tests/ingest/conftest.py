"""Fixtures for the ingest tests: hermetic settings, a writer for input files made at test
time (no binary fixtures in the repository), and a real S3-protocol server (moto)."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jdskills.settings import Settings

WriteInput = Callable[..., Path]


def _settings(**overrides: Any) -> Settings:
    """Settings that ignore .env and the pipeline's env vars for the fields ingest reads."""
    values: dict[str, Any] = {"s3_endpoint_url": None, "field_map": {}, "max_jd_chars": 200_000}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    return _settings


@pytest.fixture
def settings() -> Settings:
    return _settings()


@pytest.fixture
def to_parquet() -> Callable[[list[dict[str, Any]]], bytes]:
    def write(rows: list[dict[str, Any]]) -> bytes:
        buf = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows), buf)
        return buf.getvalue()

    return write


@pytest.fixture
def write_input(tmp_path: Path) -> WriteInput:
    """write_input("a/b.jsonl", content, gz=False) -> path; str content is UTF-8 encoded."""

    def write(name: str, content: str | bytes, *, gz: bool = False) -> Path:
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = tmp_path / (name + ".gz" if gz else name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(data) if gz else data)
        return path

    return write


@pytest.fixture
def s3_settings(s3_endpoint: str) -> Settings:
    return _settings(s3_endpoint_url=s3_endpoint)
