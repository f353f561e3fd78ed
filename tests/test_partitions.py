"""Partition dates, prefixes and plans (jdskills.partitions), without Prefect."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from jdskills.partitions import (
    PartitionParameterError,
    PartitionStatus,
    check_prefix,
    dates_between,
    partition_uri,
    plan_partition,
    yesterday,
)
from jdskills.settings import Settings


def test_yesterday_is_taken_in_the_configured_timezone() -> None:
    # 00:30 UTC on 26 Nov is still 25 Nov in New York and already 26 Nov in London
    now = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
    assert yesterday("UTC", now) == date(2026, 11, 25)
    assert yesterday("Europe/London", now) == date(2026, 11, 25)
    assert yesterday("America/New_York", now) == date(2026, 11, 24)
    assert yesterday("Asia/Kolkata", datetime(2026, 3, 1, 20, 0, tzinfo=UTC)) == date(2026, 3, 1)


def test_unknown_timezone_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        Settings(timezone="Mars/Olympus_Mons")


def test_dates_between_is_inclusive_and_ordered() -> None:
    days = dates_between(date(2026, 2, 27), date(2026, 3, 2), max_days=10)
    assert days == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]
    assert dates_between(date(2026, 1, 1), date(2026, 1, 1), max_days=1) == [date(2026, 1, 1)]


def test_reversed_or_too_long_ranges_are_refused() -> None:
    with pytest.raises(PartitionParameterError, match="after end"):
        dates_between(date(2026, 3, 2), date(2026, 3, 1), max_days=10)
    with pytest.raises(PartitionParameterError, match="367 days.*at most 366"):
        dates_between(date(2025, 1, 1), date(2026, 1, 2), max_days=366)


def test_partition_uri_joins_once() -> None:
    assert partition_uri("s3://b/jds/", date(2026, 11, 5)) == "s3://b/jds/dt=2026-11-05"
    assert partition_uri("/data/in", date(2026, 1, 9)) == "/data/in/dt=2026-01-09"


def test_check_prefix(tmp_path: Path) -> None:
    s = Settings()
    assert check_prefix(f"{tmp_path}/", s) == str(tmp_path)
    (tmp_path / "file.jsonl").write_text("{}")
    for bad, message in [("ftp://host/jds", "unsupported scheme"),
                         (str(tmp_path / "nope"), "does not exist"),
                         (str(tmp_path / "file.jsonl"), "is a file"),
                         (f"{tmp_path}/dt=*", "is a glob"), ("  ", "empty")]:
        with pytest.raises(PartitionParameterError, match=message):
            check_prefix(bad, s)


def test_missing_and_empty_partitions_need_no_database(tmp_path: Path) -> None:
    s = Settings(database_url="postgresql://nobody@127.0.0.1:1/none")
    (tmp_path / "dt=2026-11-02").mkdir()
    (tmp_path / "dt=2026-11-02" / "_SUCCESS").write_text("")
    missing = plan_partition(str(tmp_path), date(2026, 11, 1), s)
    empty = plan_partition(str(tmp_path), date(2026, 11, 2), s)
    assert (missing.status, empty.status) == (PartitionStatus.MISSING, PartitionStatus.EMPTY)
    assert missing.result()["status"] == "missing" and missing.result()["day"] == "2026-11-01"
