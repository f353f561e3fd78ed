"""The same batch through the default (thread) runner and a 2-worker local Dask cluster
(prefect-dask, JDSKILLS_TASK_RUNNER=dask) into two copies of one catalog database writes
the same rows; on Dask the chunks' stages run as submitted ``analyse-chunk`` tasks. So does
the thread runner with and without forked analysis workers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from flows.ingest_batch import ingest_batch
from jdskills.pipeline.runners import ConfiguredTaskRunner, configured_task_runner
from jdskills.settings import SAMPLE_BATCH_URI, Settings

COMPARED = {
    "job_description": "SELECT jd_id, status FROM job_description",
    "jd_skill": "SELECT jd_id, normalized, tag, matched_via, is_primary FROM jd_skill",
    "role_decision": "SELECT jd_id, decision_case, role_id FROM role_decision",
    "links per JD": "SELECT jd_id, count(*) FROM jd_dimension_link GROUP BY jd_id",
    "pending skills": "SELECT slug, status FROM skill WHERE status = 'pending'",
    "new-skill queue": "SELECT normalized, role_key, occurrences FROM review_new_skill",
}


@pytest.fixture(scope="module")
def copies(pipeline_db_url: str, pg_server_url: str) -> Iterator[dict[str, str]]:
    """Databases cloned from the module's catalog database (CREATE DATABASE ... TEMPLATE)."""
    base, _, source = pipeline_db_url.rpartition("/")
    names = {kind: f"{source}_{kind}_{uuid.uuid4().hex[:6]}"
             for kind in ("thread", "dask", "inline", "forked")}
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        # the module's database is only a template here: close what migrations left open
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (source,))
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    yield {kind: f"{base}/{name}" for kind, name in names.items()}
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def two_copies(copies: dict[str, str]) -> tuple[str, str]:
    return copies["thread"], copies["dask"]


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as conn:
        return {k: sorted(conn.execute(sql).fetchall()) for k, sql in COMPARED.items()}


def _chunk_task_runs(flow_run_id: Any) -> int:
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[flow_run_id])))
    return sum(1 for r in runs if r.name.startswith("analyse-chunk"))


def test_the_runner_is_chosen_from_settings_when_a_run_starts() -> None:
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(ingest_batch.task_runner, ConfiguredTaskRunner)
    assert type(configured_task_runner(Settings())) is ThreadPoolTaskRunner
    local = configured_task_runner(Settings(task_runner="dask"))
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["n_workers"] == 2
    assert local.cluster_kwargs["processes"] and local.cluster_kwargs["threads_per_worker"] == 1
    remote = configured_task_runner(Settings(task_runner="dask", dask_address="tcp://h:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://h:8786"


def test_dask_cluster_writes_the_same_rows_as_the_thread_runner(
        two_copies: tuple[str, str], prefect_harness, use_database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(Path(SAMPLE_BATCH_URI).read_text().splitlines()[:16]) + "\n")
    thread_db, dask_db = two_copies

    use_database(thread_db)
    on_threads = ingest_batch(uri=str(batch), chunk_size=4, return_state=True)
    monkeypatch.setenv("JDSKILLS_TASK_RUNNER", "dask")
    use_database(dask_db)  # also re-reads the settings
    on_dask = ingest_batch(uri=str(batch), chunk_size=4, return_state=True)

    thread_result, dask_result = on_threads.result(), on_dask.result()
    assert thread_result["processed"] >= 12
    for key in ("jds_in", "processed", "rejected", "quarantined", "skills_found", "links",
                "decisions", "new_skills", "queue_entries"):
        assert dask_result[key] == thread_result[key], key
    thread_rows, dask_rows = _rows(thread_db), _rows(dask_db)
    assert thread_rows["jd_skill"] and thread_rows["links per JD"]
    for table, expected in thread_rows.items():
        assert dask_rows[table] == expected, table
    assert _chunk_task_runs(on_threads.state_details.flow_run_id) == 0  # stages ran inline
    assert _chunk_task_runs(on_dask.state_details.flow_run_id) == 4  # one per chunk, on Dask


def test_forked_analysis_workers_write_the_same_rows_as_inline_analysis(
        copies: dict[str, str], prefect_harness, use_database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(Path(SAMPLE_BATCH_URI).read_text().splitlines()[:20]) + "\n")
    results = {}
    for kind, processes in (("inline", "1"), ("forked", "2")):
        monkeypatch.setenv("JDSKILLS_ANALYSIS_PROCESSES", processes)
        use_database(copies[kind])  # also re-reads the settings
        results[kind] = ingest_batch(uri=str(batch), chunk_size=3)
    inline, forked = results["inline"], results["forked"]
    assert inline["processed"] >= 15 and inline["jds_in"] == 20
    for key in ("jds_in", "processed", "rejected", "quarantined", "skills_found", "links",
                "decisions", "new_skills", "queue_entries"):
        assert forked[key] == inline[key], key
    inline_rows, forked_rows = _rows(copies["inline"]), _rows(copies["forked"])
    assert inline_rows["jd_skill"] and inline_rows["links per JD"]
    for table, expected in inline_rows.items():
        assert forked_rows[table] == expected, table
