"""Flow ``nightly``: one day's partition ``<prefix>/dt=YYYY-MM-DD/`` (docs/partitions.md)."""

from __future__ import annotations

import datetime
from typing import Any

from prefect import flow
from pydantic import PositiveInt

from flows.backfill import ingest_partitions
from jdskills.partitions import check_prefix, yesterday
from jdskills.settings import get_settings


@flow(name="nightly", log_prints=False)
def nightly(date: datetime.date | None = None, prefix: str | None = None,
            chunk_size: PositiveInt | None = None) -> dict[str, Any]:
    """Ingest one day's partition <prefix>/dt=YYYY-MM-DD/; a missing one is reported, not an
    error.

    Args:
        date: The partition's date (YYYY-MM-DD); empty: yesterday in JDSKILLS_TIMEZONE.
        prefix: Folder holding the dt=YYYY-MM-DD partitions (path, s3://, gs://); empty:
            JDSKILLS_PARTITION_PREFIX.
        chunk_size: JDs per task run; empty: JDSKILLS_CHUNK_SIZE.
    """
    settings = get_settings()
    day = date or yesterday(settings.timezone)
    root = check_prefix(prefix or settings.partition_prefix, settings)
    return ingest_partitions("nightly", root, [day], chunk_size)[0]
