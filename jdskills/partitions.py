"""Date partitions of an input prefix, for the nightly and backfill flows.

Layout (docs/partitions.md): ``<prefix>/dt=YYYY-MM-DD/`` holds the JD files of one day, in
any format jdskills reads, possibly in sub-folders. This module checks nightly/backfill
parameters before any work is done and plans one partition: its files, and whether every
one of them was ingested completely before (then the partition is skipped whole).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from jdskills import db
from jdskills.ingest.storage import UnsupportedStorageError, filesystem_for, list_input_files
from jdskills.settings import Settings

PARTITION_KEY = "dt"


class PartitionParameterError(ValueError):
    """A nightly/backfill parameter cannot be used: a reversed or too long date range, a
    prefix with an unsupported scheme, or a prefix that does not exist."""


class PartitionStatus(StrEnum):
    MISSING = "missing"  # no dt=YYYY-MM-DD folder: reported as empty, not an error
    EMPTY = "empty"  # the folder has no file jdskills reads
    DONE = "done"  # every file was ingested completely by an earlier run
    PENDING = "pending"  # at least one file still to ingest


@dataclass(frozen=True)
class PartitionPlan:
    day: date
    uri: str
    status: PartitionStatus
    files: int = 0
    files_done: int = 0
    jds_in_done_files: int = 0

    def result(self, run: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        """What nightly/backfill report for this partition (with its ingest_batch result)."""
        out = {**asdict(self), "day": self.day.isoformat(), "status": str(self.status)}
        if run is not None:
            out["status"] = "processed"
            out.update({k: run.get(k) for k in (
                "run_id", "jds_in", "processed", "rejected", "quarantined", "skipped")})
        return {**out, **extra}


def partition_uri(prefix: str, day: date) -> str:
    return f"{prefix.rstrip('/')}/{PARTITION_KEY}={day.isoformat()}"


def yesterday(timezone: str, now: datetime | None = None) -> date:
    """The day before today in ``timezone`` (the nightly run's default partition)."""
    current = (now or datetime.now(tz=ZoneInfo(timezone))).astimezone(ZoneInfo(timezone))
    return current.date() - timedelta(days=1)


def dates_between(start: date, end: date, *, max_days: int) -> list[date]:
    """Every day from ``start`` to ``end``, both included, in order."""
    if start > end:
        raise PartitionParameterError(
            f"start {start.isoformat()} is after end {end.isoformat()}")
    days = (end - start).days + 1
    if days > max_days:
        raise PartitionParameterError(
            f"{start.isoformat()}..{end.isoformat()} is {days} days; one backfill covers at "
            f"most {max_days} (JDSKILLS_BACKFILL_MAX_DAYS): split the range")
    return [start + timedelta(days=i) for i in range(days)]


def check_prefix(prefix: str, settings: Settings) -> str:
    """``prefix`` without a trailing slash, once its scheme is supported and it exists as a
    folder (on object storage: at least one object under it)."""
    cleaned = prefix.strip().rstrip("/")
    if not cleaned:
        raise PartitionParameterError("prefix is empty")
    if any(c in cleaned for c in "*?["):
        raise PartitionParameterError(f"prefix {prefix!r} is a glob; give the folder that "
                                      f"holds the {PARTITION_KEY}=YYYY-MM-DD partitions")
    try:
        fs, path = filesystem_for(cleaned, settings)
    except UnsupportedStorageError as e:
        raise PartitionParameterError(str(e)) from e
    fs.invalidate_cache()
    if not fs.isdir(path):
        what = "is a file, not a folder" if fs.exists(path) else "does not exist"
        raise PartitionParameterError(f"prefix {cleaned} {what}")
    return cleaned


def plan_partition(prefix: str, day: date, settings: Settings) -> PartitionPlan:
    """The partition of ``day`` under ``prefix``: its files and how many were done before."""
    uri = partition_uri(prefix, day)
    try:
        files = list_input_files(uri, settings=settings)
    except FileNotFoundError:
        return PartitionPlan(day=day, uri=uri, status=PartitionStatus.MISSING)
    if not files:
        return PartitionPlan(day=day, uri=uri, status=PartitionStatus.EMPTY)
    with db.connect(settings) as conn:
        done: dict[str, int] = dict(conn.execute(
            "SELECT fingerprint, jd_count FROM ingested_file WHERE status = 'done' "
            "AND fingerprint = ANY(%s)", ([f.fingerprint for f in files],)).fetchall())
    status = PartitionStatus.DONE if len(done) == len(files) else PartitionStatus.PENDING
    return PartitionPlan(day=day, uri=uri, status=status, files=len(files),
                         files_done=len(done), jds_in_done_files=sum(done.values()))
