"""Flow ``retry_quarantined``: quarantined JDs through the pipeline again, once the cause is
fixed. A JD that passes now leaves the quarantine (persist resolves its open entries).

The stages are deterministic and keep no partial output, so a JD is re-analysed from parse;
in LLM mode the calls before the failed stage are cache hits and cost nothing."""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.ingest_batch import _flow_run_id, analyse_chunk, persist_chunk
from jdskills import db
from jdskills.pipeline.catalog_snapshot import current_version
from jdskills.pipeline.run_record import finish_run, start_run
from jdskills.pipeline.tally import RunTally
from jdskills.records import JDRecord
from jdskills.settings import get_settings


@task(name="load-quarantined", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def load_quarantined(stage: str | None) -> list[JDRecord]:
    with db.connect() as conn:
        rows = conn.execute(
            """SELECT DISTINCT j.jd_id, j.source_uri, j.external_id, j.title, j.company, j.text,
                      j.posted_at FROM quarantine q JOIN job_description j ON j.jd_id = q.jd_id
               WHERE q.status = 'open' AND (%(stage)s::text IS NULL OR q.stage = %(stage)s)
               ORDER BY j.jd_id""", {"stage": stage}).fetchall()
    return [JDRecord(jd_id=r[0], source_uri=r[1], external_id=r[2], title=r[3], company=r[4],
                     text=r[5], posted_at=r[6]) for r in rows]


@flow(name="retry_quarantined", log_prints=False)
def retry_quarantined(stage: str | None = None, chunk_size: int | None = None) -> dict[str, Any]:
    """Re-run every open quarantined JD (optionally only those that failed ``stage``)."""
    size = chunk_size or get_settings().chunk_size
    run_id = start_run("retry_quarantined", {"stage": stage}, _flow_run_id())
    tally = RunTally()
    try:
        version = current_version()
        records = load_quarantined(stage)
        tally.counts["records"] += len(records)
        for start in range(0, len(records), size):
            persist_chunk(run_id, analyse_chunk(records[start:start + size], version=version),
                          version, tally)
    except BaseException as e:
        finish_run(run_id, tally.summary(), tally.jd_ids, dict(tally.stage_seconds),
                   error=f"{type(e).__name__}: {e}")
        raise
    record = finish_run(run_id, tally.summary(), tally.jd_ids, dict(tally.stage_seconds))
    return {"run_id": run_id, **record, "jd_ids": tally.jd_ids}
