"""Flow ``backfill``: a date range of partitions ``<prefix>/dt=YYYY-MM-DD/``, in date order.

Each partition with files still to read runs ``ingest_batch`` as a subflow. A partition whose
files were all ingested before is skipped whole, and ``ingest_batch`` skips finished files
itself, so re-running an interrupted backfill redoes nothing that was finished. Missing and
empty partitions are reported, not errors. The first failing partition stops the backfill.
"""

from __future__ import annotations

import datetime
from typing import Any

from prefect import flow, get_run_logger
from pydantic import PositiveInt

from flows.ingest_batch import ingest_batch
from jdskills.partitions import PartitionPlan, PartitionStatus, check_prefix, dates_between
from jdskills.pipeline.artifacts import publish_partition_table
from jdskills.settings import get_settings
from tasks.partitions import plan_partition


class PartitionRunError(RuntimeError):
    """A partition's ingest_batch run failed; re-run the same range to resume."""


@flow(name="backfill", flow_run_name="backfill-{start}-to-{end}", log_prints=False)
def backfill(start: datetime.date, end: datetime.date, prefix: str | None = None,
             chunk_size: PositiveInt | None = None) -> list[dict[str, Any]]:
    """Ingest the partitions <prefix>/dt=YYYY-MM-DD/ from start to end in date order,
    skipping finished ones; returns one result per date.

    Args:
        start: First date (YYYY-MM-DD), included.
        end: Last date (YYYY-MM-DD), included; at most JDSKILLS_BACKFILL_MAX_DAYS days after
            start.
        prefix: Folder holding the dt=YYYY-MM-DD partitions (path, s3://, gs://); empty:
            JDSKILLS_PARTITION_PREFIX.
        chunk_size: JDs per task run; empty: JDSKILLS_CHUNK_SIZE.
    """
    settings = get_settings()
    days = dates_between(start, end, max_days=settings.backfill_max_days)
    root = check_prefix(prefix or settings.partition_prefix, settings)
    return ingest_partitions("backfill", root, days, chunk_size)


def ingest_partitions(flow_name: str, prefix: str, days: list[datetime.date],
                      chunk_size: int | None) -> list[dict[str, Any]]:
    """Plan and ingest each day's partition in order; publish one table row per day."""
    results: list[dict[str, Any]] = []
    try:
        for day in days:
            plan: PartitionPlan = plan_partition(prefix, day)
            if plan.status is not PartitionStatus.PENDING:
                get_run_logger().info("%s: %s (%d file(s))", plan.uri, plan.status, plan.files)
                results.append(plan.result())
                continue
            try:
                run = ingest_batch.with_options(flow_run_name=f"ingest-dt-{day.isoformat()}")(
                    uri=plan.uri, chunk_size=chunk_size)
            except Exception as e:
                results.append(plan.result(status="failed", error=f"{type(e).__name__}: {e}"))
                raise PartitionRunError(
                    f"{plan.uri} failed ({type(e).__name__}: {e}); {len(results) - 1} earlier "
                    "partition(s) are done: run the same range again to resume") from e
            results.append(plan.result(run))
    finally:
        publish_partition_table(flow_name, results)
    return results
