"""The pipeline_run row: opened when a flow starts, closed with counts taken from the rows
actually written (so the record and the tables cannot disagree).

LLM totals (``llm_calls``, ``cache_hits``, ``tokens_in``, ``tokens_out``, ``cost_usd``) are
summed from the run's ``llm_call`` rows when it finishes: one row per request the pipeline
made, whether the API or the cache answered it (``api_calls`` = the ones that reached the API).
``llm_by_stage`` breaks the calls down by stage."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
from prefect import task
from prefect.cache_policies import NONE

from jdskills import db

ROW_COUNTS = {
    "jd_skill": "SELECT count(*) FROM jd_skill WHERE jd_id = ANY(%(ids)s)",
    "jd_dimension_link": "SELECT count(*) FROM jd_dimension_link WHERE jd_id = ANY(%(ids)s)",
    "role_decision": "SELECT count(*) FROM role_decision WHERE jd_id = ANY(%(ids)s)",
    "quarantine": "SELECT count(*) FROM quarantine WHERE run_id = %(run)s",
}
LLM_FIELDS = ("llm_calls", "cache_hits", "tokens_in", "tokens_out", "cost_usd")
LLM_TOTALS = """
    SELECT stage, count(*), count(*) FILTER (WHERE cache_hit),
           count(*) FILTER (WHERE error IS NOT NULL), coalesce(sum(tokens_in), 0),
           coalesce(sum(tokens_out), 0), coalesce(sum(cost_usd), 0)
    FROM llm_call WHERE run_id = %s GROUP BY stage ORDER BY stage"""


def llm_totals(conn: psycopg.Connection, run_id: str) -> dict[str, Any]:
    """The run's LLM usage from its llm_call rows: the LLM_FIELDS, ``api_calls``,
    ``llm_errors`` and ``llm_by_stage`` ({stage: {calls, cache_hits, errors, tokens_in,
    tokens_out, cost_usd}})."""
    by_stage: dict[str, dict[str, Any]] = {}
    for stage, calls, hits, errors, tin, tout, cost in conn.execute(LLM_TOTALS, (run_id,)):
        by_stage[stage] = {"calls": int(calls), "cache_hits": int(hits), "errors": int(errors),
                           "tokens_in": int(tin), "tokens_out": int(tout),
                           "cost_usd": round(float(cost), 6)}

    def total(key: str) -> int:
        return sum(int(v[key]) for v in by_stage.values())

    calls, hits = total("calls"), total("cache_hits")
    return {"llm_calls": calls, "cache_hits": hits, "api_calls": calls - hits,
            "llm_errors": total("errors"), "tokens_in": total("tokens_in"),
            "tokens_out": total("tokens_out"),
            "cost_usd": round(sum(float(v["cost_usd"]) for v in by_stage.values()), 6),
            "llm_by_stage": by_stage}


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
        llm = llm_totals(conn, run_id)
        record = {**counts, "rows": written, **llm}
        conn.execute(
            "UPDATE pipeline_run SET status = %s, finished_at = now(), counts = %s, jd_ids = %s, "
            "stage_seconds = %s, data_quality = %s, error = %s, llm_calls = %s, cache_hits = %s, "
            "tokens_in = %s, tokens_out = %s, cost_usd = %s WHERE run_id = %s",
            ("failed" if error else "completed", json.dumps(record), json.dumps(jd_ids),
             json.dumps({k: round(v, 3) for k, v in stage_seconds.items()}),
             json.dumps(data_quality or {}, default=str), error,
             *(llm[k] for k in LLM_FIELDS), run_id))
    return record
