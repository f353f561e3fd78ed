"""Stage 8 — persist: a chunk's results in one transaction, idempotently.

A JD's derived rows are replaced as a whole (delete + bulk COPY), so re-processing a JD never
duplicates anything; review queues are upserts that count occurrences. Returns the number
of rows written per table, which the run record adds up.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from prefect import task
from prefect.cache_policies import NONE

from jdskills import db
from jdskills.pipeline import rows, writes
from jdskills.pipeline.state import Enrichment, JDState
from jdskills.records import RejectedInput
from tasks.link import RoleLearning


@task(name="persist", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def persist_batch(
    run_id: str, batch: list[JDState], enrichments: dict[str, Enrichment],
    learning: RoleLearning, catalog_version: int,
) -> dict[str, int]:
    counts: Counter[str] = Counter()
    ids = [s.jd_id for s in batch]
    with db.connect() as conn, conn.transaction():
        writes.upsert_jds(conn, [rows.jd_row(s) for s in batch], run_id)
        writes.delete_derived(conn, ids)
        pending_ids = writes.upsert_pending_skills(conn, enrichments, counts)
        writes.upsert_pending_dimensions(conn, enrichments, counts)
        writes.link_pending_skills(conn, enrichments, pending_ids)
        v = catalog_version
        counts["jd_parse"] = writes.copy_rows(
            conn, "jd_parse", rows.PARSE_COLUMNS, [r for s in batch if (r := rows.parse_row(s))])
        counts["jd_location"] = writes.copy_rows(
            conn, "jd_location", rows.LOCATION_COLUMNS,
            [r for s in batch for r in rows.location_rows(s)])
        live = [s for s in batch if s.outcome == "pending"]
        counts["jd_skill"] = writes.copy_rows(
            conn, "jd_skill", rows.SKILL_COLUMNS,
            [r for s in live for r in rows.skill_rows(s, pending_ids, v)])
        counts["jd_dimension_link"] = writes.insert_links(conn, live, v)
        counts["role_decision"] = writes.copy_rows(
            conn, "role_decision", rows.DECISION_COLUMNS,
            [r for s in live if (r := rows.decision_row(s, v))])
        counts["jd_summary"] = writes.copy_rows(
            conn, "jd_summary", rows.SUMMARY_COLUMNS,
            [r for s in live if (r := rows.summary_row(s))])
        writes.queue_new_skills(conn, live, pending_ids, counts)
        writes.queue_roles_and_collisions(conn, live, counts)
        writes.record_role_evidence(conn, live, counts)
        writes.learn_roles(conn, learning, counts)
        counts["new_aliases"] = writes.persist_aliases(conn, live)
        counts["quarantine"] = writes.quarantine_states(
            conn, run_id, [s for s in batch if s.outcome == "quarantined"])
        writes.resolve_quarantine(conn, [s.jd_id for s in batch if s.outcome != "quarantined"])
    counts["processed"] = len(live)
    counts["rejected"] = sum(1 for s in batch if s.outcome == "rejected")
    counts["quarantined"] = sum(1 for s in batch if s.outcome == "quarantined")
    counts.update({f"case_{s.decision.case}": 0 for s in live if s.decision})
    for s in live:
        if s.decision:
            counts[f"case_{s.decision.case}"] += 1
    return dict(counts)


@task(name="persist-rejected-inputs", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def persist_rejected_inputs(run_id: str, rejected: list[RejectedInput]) -> int:
    """Inputs that never became a JD (broken line, binary file) go to the quarantine."""
    if not rejected:
        return 0
    with db.connect() as conn, conn.transaction():
        return writes.quarantine_inputs(conn, run_id, rejected)


def summarize_counts(parts: list[dict[str, Any]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return dict(total)
