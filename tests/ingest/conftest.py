"""Fixtures for the ingest tests: hermetic settings, a writer for input files made at test
time (no binary fixtures in the repository), and a real S3-protocol server (moto)."""

from __future__ import annotations

import gzip
import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from moto.server import ThreadedMotoServer

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


@pytest.fixture
def s3_settings(s3_endpoint: str) -> Settings:
    return _settings(s3_endpoint_url=s3_endpoint)
