"""Prefect artifacts that show a run in the UI (call these from a flow run).

- ``ingest-batch-summary`` (table): JDs in / processed / rejected / quarantined / skipped,
  new skills, aliases and dimensions, links, queue entries, decisions, LLM calls, tokens,
  cost, cache hits and seconds per stage.
- ``ingest-batch-progress`` (progress): created when the run starts, updated per chunk.
- ``jd-<first 16 hex of jd_id>`` (markdown): one page per JD for every JD of a batch of at
  most 20, else for a sample of 20 (the same sample for the same run).
- ``nightly-partitions`` / ``backfill-partitions`` (table): one row per date partition.

Keys are lowercase letters, digits and dashes; runs of the same key form its history.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast
from uuid import UUID

import psycopg
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from jdskills import db
from jdskills.normalize import normalize_alias
from jdskills.pipeline.jd_markdown import render_jd_markdown
from jdskills.pipeline.run_record import LLM_FIELDS, llm_totals
from jdskills.reports import jd_report

SUMMARY_KEY = "ingest-batch-summary"
PROGRESS_KEY = "ingest-batch-progress"
JD_REPORT_SAMPLE = 20


def artifact_key(text: str) -> str:
    """``text`` as a valid artifact key (lowercase letters, digits, single dashes)."""
    key = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not key:
        raise ValueError(f"no artifact key can be made from {text!r}")
    return key


def jd_report_key(jd_id: str) -> str:
    return artifact_key(f"jd-{jd_id[:16]}")


class RunProgress:
    """The run's progress artifact: files done plus the share of the current file's chunks."""

    def __init__(self, files: int) -> None:
        self.files = files
        self.artifact_id = cast(UUID, create_progress_artifact(
            0.0 if files else 100.0, key=PROGRESS_KEY,
            description=f"{files} file(s) to read" if files else "nothing new to read"))

    def chunk_done(self, file_index: int, chunk: int, chunks: int) -> None:
        share = (file_index + chunk / max(chunks, 1)) / max(self.files, 1)
        update_progress_artifact(self.artifact_id, round(min(share, 1.0) * 100, 1),
                                 description=f"file {file_index + 1}/{self.files}, "
                                             f"chunk {chunk}/{chunks}")

    def finish(self) -> None:
        update_progress_artifact(self.artifact_id, 100.0, description="done")


def llm_usage(conn: psycopg.Connection, run_id: str) -> dict[str, Any]:
    totals = llm_totals(conn, run_id)
    return {k: totals[k] for k in LLM_FIELDS}


def summary_rows(result: Mapping[str, Any], stage_seconds: Mapping[str, float],
                 llm: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The run summary dict as (metric, value) rows."""
    rows: list[tuple[str, Any]] = [(k.replace("_", " "), result.get(k, 0)) for k in (
        "jds_in", "processed", "rejected", "quarantined", "skipped", "skills_found",
        "new_skills", "new_aliases", "new_dimensions", "links")]
    rows += [(f"decisions case {k}", v) for k, v in (result.get("decisions") or {}).items()]
    rows += [(f"queue {k.replace('_', ' ')}", v)
             for k, v in (result.get("queue_entries") or {}).items()]
    rows += [("queue entries (all)", sum((result.get("queue_entries") or {}).values()))]
    rows += [(k.replace("_", " "), llm.get(k, 0)) for k in LLM_FIELDS]
    rows += [(f"files {k}", v) for k, v in (result.get("files") or {}).items()]
    rows += [(f"seconds {stage}", round(float(s), 3)) for stage, s in stage_seconds.items()]
    rows += [("seconds total", result.get("seconds"))]
    return [{"metric": m, "value": v} for m, v in rows]


def publish_run_summary(result: Mapping[str, Any],
                        stage_seconds: Mapping[str, float] | None = None) -> None:
    """The summary table of an ingest_batch run from its result dict (LLM usage and, when
    not given, stage seconds come from the run's rows)."""
    run_id = str(result["run_id"])
    with db.connect() as conn:
        llm = ({k: result[k] for k in LLM_FIELDS} if all(k in result for k in LLM_FIELDS)
               else llm_usage(conn, run_id))
        if stage_seconds is None:
            row = conn.execute("SELECT stage_seconds FROM pipeline_run WHERE run_id = %s",
                               (run_id,)).fetchone()
            stage_seconds = row[0] if row else {}
    create_table_artifact(summary_rows(result, stage_seconds or {}, llm), key=SUMMARY_KEY,
                          description=f"ingest_batch run {run_id}")


def sample_jd_ids(jd_ids: Sequence[str], run_id: str, size: int = JD_REPORT_SAMPLE) -> list[str]:
    """All ids when there are at most ``size``; else a sample, the same for the same run."""
    if len(jd_ids) <= size:
        return list(jd_ids)
    picked = set(random.Random(run_id).sample(range(len(jd_ids)), size))
    return [j for i, j in enumerate(jd_ids) if i in picked]


def queue_entries(conn: psycopg.Connection, jd: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Review-queue rows this JD fed: its new skills under its role, the new-role or alias-
    collision entry of its title, and responsibility statements it is an example of."""
    role = (jd.get("role") or {}).get("slug") or ""
    title = normalize_alias(jd.get("parsed_title") or jd.get("title") or "")
    sql = """
        SELECT 'new skill', name, role_key, occurrences, status FROM review_new_skill
         WHERE role_key = %(role)s AND normalized IN (
               SELECT normalized FROM jd_skill WHERE jd_id = %(jd)s AND tag = 'new')
        UNION ALL
        SELECT 'new role', title, '', occurrences, status FROM review_new_role
         WHERE %(case)s = 'C' AND (normalized_title = %(title)s OR example_jd_ids ? %(jd)s)
        UNION ALL
        SELECT 'alias collision', c.normalized_title, r.slug, c.occurrences, c.status
          FROM review_alias_collision c JOIN role r ON r.id = c.decided_role_id
         WHERE c.normalized_title = %(title)s AND r.slug = %(role)s
        UNION ALL
        SELECT 'responsibility', q.statement, r.slug, q.occurrences, q.status
          FROM review_responsibility q JOIN role r ON r.id = q.role_id
         WHERE q.example_jd_ids ? %(jd)s
        ORDER BY 1, 2"""
    params = {"role": role, "case": jd.get("case") or "", "title": title,
              "jd": jd["jd_id"]}
    return [dict(zip(("queue", "item", "role", "occurrences", "status"), r, strict=True))
            for r in conn.execute(sql, params)]


def publish_jd_reports(jd_ids: Sequence[str], run_id: str) -> list[str]:
    """A Markdown page per JD of the sample; returns the artifact keys."""
    keys: list[str] = []
    with db.connect() as conn:
        cost: dict[str, Any] = dict(llm_usage(conn, run_id))
        cost["cost_usd_per_jd"] = cost["cost_usd"] / max(len(jd_ids), 1)
        for jd_id in sample_jd_ids(jd_ids, run_id):
            report = jd_report(conn, jd_id)
            key = jd_report_key(jd_id)
            create_markdown_artifact(
                render_jd_markdown(report, queue_entries(conn, report), cost), key=key,
                description=f"JD {report.get('external_id') or jd_id[:16]} ({report['status']})")
            keys.append(key)
    return keys


def publish_run_artifacts(result: Mapping[str, Any],
                          stage_seconds: Mapping[str, float] | None = None) -> None:
    """Everything for a finished ingest_batch run: the summary table and the JD pages."""
    publish_run_summary(result, stage_seconds)
    publish_jd_reports(result.get("jd_ids") or [], str(result["run_id"]))


def publish_partition_table(flow_name: str, results: Sequence[Mapping[str, Any]]) -> None:
    """One row per date partition of a nightly/backfill run."""
    columns = ("day", "status", "files", "files_done", "run_id", "jds_in", "processed",
               "rejected", "quarantined", "skipped", "uri", "error")
    create_table_artifact([{c: r.get(c) for c in columns} for r in results],
                          key=artifact_key(f"{flow_name}-partitions"),
                          description=f"{flow_name}: {len(results)} partition(s)")
