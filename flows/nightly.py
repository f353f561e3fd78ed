"""Flow ``nightly``: one day's partition ``<prefix>/dt=YYYY-MM-DD/`` (docs/partitions.md)."""

from __future__ import annotations

import datetime
from typing import Any

from prefect import flow

from flows.backfill import ingest_partitions
from jdskills.partitions import check_prefix, yesterday
from jdskills.settings import get_settings


@flow(name="nightly", log_prints=False)
def nightly(date: datetime.date | None = None, prefix: str | None = None,
            chunk_size: int | None = None) -> dict[str, Any]:
    """Ingest the partition of ``date`` (default: yesterday in JDSKILLS_TIMEZONE) under
    ``prefix`` (default: JDSKILLS_PARTITION_PREFIX). A missing partition is reported as
    such, not an error."""
    settings = get_settings()
    day = date or yesterday(settings.timezone)
    root = check_prefix(prefix or settings.partition_prefix, settings)
    return ingest_partitions("nightly", root, [day], chunk_size)[0]
