"""Data-quality gates inside real flow runs: quarantine with the failing expectation, retry
after the cause is fixed, the batch threshold, and a clean run leaving the quarantine empty."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from expectations.errors import DataQualityThresholdError
from flows.ingest_batch import ingest_batch
from flows.retry_quarantined import retry_quarantined
from jdskills.settings import SAMPLE_BATCH_URI, get_settings

SAMPLE = Path(SAMPLE_BATCH_URI).read_text().splitlines()


def _batch(tmp_path: Path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


def test_a_clean_run_leaves_the_quarantine_empty(pipeline_db: str, tmp_path: Path) -> None:
    result = ingest_batch(uri=_batch(tmp_path, "clean.jsonl", SAMPLE[1:5]))
    assert result["quarantined"] == 0
    with psycopg.connect(pipeline_db) as conn:
        open_rows = conn.execute("SELECT count(*) FROM quarantine WHERE run_id = %s",
                                 (result["run_id"],)).fetchone()[0]
        dq = conn.execute("SELECT data_quality FROM pipeline_run WHERE run_id = %s",
                          (result["run_id"],)).fetchone()[0]
    assert open_rows == 0
    assert {"jdskills.ingest", "jdskills.parse", "jdskills.extract", "jdskills.match",
            "jdskills.classify", "jdskills.link", "jdskills.persist"} <= set(dq)
    assert all(suite["failed"] == 0 for suite in dq.values())


def test_failing_jds_are_quarantined_then_retried_after_the_fix(
    pipeline_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a skill cap of 3 makes every JD with more skills fail the extract suite
    _env(monkeypatch, JDSKILLS_DQ_MAX_SKILLS_PER_JD="3", JDSKILLS_DQ_FAIL_THRESHOLD="1.0")
    result = ingest_batch(uri=_batch(tmp_path, "capped.jsonl", SAMPLE[5:9]))
    assert result["quarantined"] >= 1
    assert result["jds_in"] == result["processed"] + result["rejected"] + result["quarantined"] \
        + result["skipped"]
    with psycopg.connect(pipeline_db) as conn:
        rows = conn.execute(
            "SELECT jd_id, stage, expectation, details FROM quarantine WHERE run_id = %s "
            "AND status = 'open'", (result["run_id"],)).fetchall()
        statuses = {r[0] for r in conn.execute(
            "SELECT status FROM job_description WHERE jd_id = ANY(%s)", ([r[0] for r in rows],))}
    assert rows and {r[1] for r in rows} == {"extract"}
    assert all("skill_count" in (r[2] or "") for r in rows)
    assert all(r[3].get("values") for r in rows)
    assert statuses == {"quarantined"}

    _env(monkeypatch, JDSKILLS_DQ_MAX_SKILLS_PER_JD="60")
    retried = retry_quarantined(stage="extract")
    assert set(retried["jd_ids"]) == {r[0] for r in rows}
    assert retried["processed"] == len(rows)
    with psycopg.connect(pipeline_db) as conn:
        still_open = conn.execute("SELECT count(*) FROM quarantine WHERE status = 'open' AND "
                                  "jd_id = ANY(%s)", ([r[0] for r in rows],)).fetchone()[0]
        processed = conn.execute("SELECT count(*) FROM job_description WHERE status = "
                                 "'processed' AND jd_id = ANY(%s)",
                                 ([r[0] for r in rows],)).fetchone()[0]
    assert still_open == 0 and processed == len(rows)


def test_the_batch_threshold_fails_the_run_and_writes_nothing_of_that_chunk(
    pipeline_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, JDSKILLS_DQ_MAX_SKILLS_PER_JD="2", JDSKILLS_DQ_FAIL_THRESHOLD="0.2")
    lines = SAMPLE[20:24]
    ids = [json.loads(line)["id"] for line in lines]
    with pytest.raises(DataQualityThresholdError, match="jdskills.extract"):
        ingest_batch(uri=_batch(tmp_path, "threshold.jsonl", lines))
    with psycopg.connect(pipeline_db) as conn:
        written = conn.execute("SELECT count(*) FROM job_description WHERE external_id = "
                               "ANY(%s)", (ids,)).fetchone()[0]
        run = conn.execute("SELECT status, error FROM pipeline_run ORDER BY started_at DESC "
                           "LIMIT 1").fetchone()
    assert written == 0
    assert run[0] == "failed" and "skill_count" in run[1]
