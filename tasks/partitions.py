"""Plan one date partition for nightly/backfill: list its files and check which were done.

The listing and the ``ingested_file`` check live in ``jdskills.partitions``; this task adds
retries for a flaky object store and makes each partition's plan visible in the UI.
"""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NONE

from jdskills.partitions import PartitionPlan
from jdskills.partitions import plan_partition as plan_partition_files
from jdskills.settings import get_settings


@task(name="plan-partition", cache_policy=NONE, retries=2, retry_delay_seconds=2,
      task_run_name="plan-partition-{day}")
def plan_partition(prefix: str, day: date) -> PartitionPlan:
    return plan_partition_files(prefix, day, get_settings())
