"""Stage 0 — ingest: object-storage URI → JD records not processed before.

Files already ingested completely (same URI, size and etag/mtime) are skipped whole; JDs
already processed or rejected in an earlier run are dropped by content hash; inputs that
cannot become a JD come back as rejects for the quarantine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import cast

from prefect import task
from prefect.cache_policies import NONE

from jdskills import db
from jdskills.ingest import InputFile, list_input_files, read_input_file
from jdskills.pipeline.runners import Prefetch
from jdskills.records import JDRecord, RejectedInput
from jdskills.settings import get_settings

log = logging.getLogger(__name__)


@dataclass
class FilePlan:
    to_read: list[InputFile]
    done_before: list[InputFile]
    jds_in_done_files: int


@dataclass
class IngestedFile:
    file: InputFile
    records: list[JDRecord] = field(default_factory=list)
    rejected: list[RejectedInput] = field(default_factory=list)
    skipped_ids: list[str] = field(default_factory=list)
    duplicates: int = 0
    warnings: int = 0


@task(name="list-files", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def plan_files(uri: str) -> FilePlan:
    files = list_input_files(uri, settings=get_settings())
    with db.connect() as conn:
        done = dict(conn.execute(
            "SELECT fingerprint, jd_count FROM ingested_file WHERE status = 'done' "
            "AND fingerprint = ANY(%s)", ([f.fingerprint for f in files],)).fetchall())
    return FilePlan(to_read=[f for f in files if f.fingerprint not in done],
                    done_before=[f for f in files if f.fingerprint in done],
                    jds_in_done_files=sum(done.values()))


@task(name="ingest", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def ingest_file(run_id: str, f: InputFile, prefetched: Prefetch | None = None) -> IngestedFile:
    """``prefetched``: this same function already running in a forked process (see
    ``jdskills.pipeline.runners.prefetch``); its result is taken, or on any error the file
    is read here (with this task's retries)."""
    if prefetched is not None:
        try:
            return cast(IngestedFile, prefetched.result())
        except Exception as e:  # noqa: BLE001 - read again here, where retries apply
            log.warning("reading %s in a forked process failed (%s: %s); reading it here",
                        f.uri, type(e).__name__, e)
    result = read_input_file(f, settings=get_settings())
    ids = [r.jd_id for r in result.records]
    with db.connect() as conn, conn.transaction():
        known = {row[0] for row in conn.execute(
            "SELECT jd_id FROM job_description WHERE jd_id = ANY(%s) "
            "AND status IN ('processed', 'rejected')", (ids,))}
        conn.execute(
            """INSERT INTO ingested_file (uri, size, etag, fingerprint, status, jd_count, run_id)
               VALUES (%s, %s, %s, %s, 'pending', 0, %s)
               ON CONFLICT (fingerprint) DO UPDATE SET run_id = EXCLUDED.run_id""",
            (f.uri, f.size, f.etag_or_mtime[:200], f.fingerprint, run_id))
    return IngestedFile(
        file=f, records=[r for r in result.records if r.jd_id not in known],
        rejected=result.rejected, skipped_ids=[i for i in ids if i in known],
        duplicates=result.duplicate_count, warnings=len(result.warnings))


def jds_in(f: IngestedFile) -> int:
    """Every JD line of the file: to analyse, rejected, processed before or duplicated."""
    return len(f.records) + len(f.rejected) + len(f.skipped_ids) + f.duplicates


@task(name="mark-file-done", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def mark_file_done(fingerprint: str, jd_count: int) -> None:
    """The file's JDs are all written: later runs skip it whole. Takes the fingerprint and
    count, not the ingested file, whose records Prefect would walk as task inputs (1 s per
    5,000 JDs)."""
    with db.connect() as conn:
        conn.execute("UPDATE ingested_file SET status = 'done', jd_count = %s, "
                     "finished_at = now() WHERE fingerprint = %s", (jd_count, fingerprint))
