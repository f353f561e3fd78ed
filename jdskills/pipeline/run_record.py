"""The pipeline_run row: opened when a flow starts, closed with counts taken from the rows
actually written (so the record and the tables cannot disagree)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from prefect import task
from prefect.cache_policies import NONE

from jdskills import db

ROW_COUNTS = {
    "jd_skill": "SELECT count(*) FROM jd_skill WHERE jd_id = ANY(%(ids)s)",
    "jd_dimension_link": "SELECT count(*) FROM jd_dimension_link WHERE jd_id = ANY(%(ids)s)",
    "role_decision": "SELECT count(*) FROM role_decision WHERE jd_id = ANY(%(ids)s)",
    "quarantine": "SELECT count(*) FROM quarantine WHERE run_id = %(run)s",
}


@task(name="start-run", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def start_run(flow_name: str, parameters: dict[str, Any], flow_run_id: str | None) -> str:
    run_id = uuid.uuid4().hex
    with db.connect() as conn:
        conn.execute(
            "INSERT INTO pipeline_run (run_id, flow_run_id, flow_name, parameters, status, "
            "counts, jd_ids, stage_seconds, data_quality, llm_calls, cache_hits, tokens_in, "
            "tokens_out, cost_usd) VALUES (%s, %s, %s, %s, 'running', '{}', '[]', '{}', '{}', "
            "0, 0, 0, 0, 0)",
            (run_id, flow_run_id, flow_name, json.dumps(parameters, default=str)))
    return run_id


@task(name="finish-run", cache_policy=NONE, retries=2, retry_delay_seconds=2)
def finish_run(run_id: str, counts: dict[str, Any], jd_ids: list[str],
               stage_seconds: dict[str, float], error: str | None = None,
               data_quality: dict[str, Any] | None = None) -> dict[str, Any]:
    with db.connect() as conn:
        written = {k: int(conn.execute(sql, {"ids": jd_ids, "run": run_id}).fetchone()[0])  # type: ignore[index]
                   for k, sql in ROW_COUNTS.items()}
        record = {**counts, "rows": written}
        conn.execute(
            "UPDATE pipeline_run SET status = %s, finished_at = now(), counts = %s, jd_ids = %s, "
            "stage_seconds = %s, data_quality = %s, error = %s WHERE run_id = %s",
            ("failed" if error else "completed", json.dumps(record), json.dumps(jd_ids),
             json.dumps({k: round(v, 3) for k, v in stage_seconds.items()}),
             json.dumps(data_quality or {}, default=str), error, run_id))
    return record
