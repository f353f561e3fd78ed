"""Operations: prefect.yaml deployments, the nightly and backfill flows over date partitions
(a local folder and moto's S3 server), parameter validation, and run artifacts.

Real Prefect (the session harness), real Postgres with the default catalog (one database for
the module), real S3 protocol. Each test writes JDs whose text is unique to it (a sample JD
plus a reference line), so the module's tests do not skip each other's JDs."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.schedules import CronSchedule
from prefect.exceptions import ParameterTypeError
from prefect.flows import load_flow_from_entrypoint
from prefect.server.schemas.schedules import CronSchedule as ServerCronSchedule
from prefect.utilities.callables import parameter_schema

from flows.backfill import PartitionRunError, backfill
from flows.ingest_batch import ingest_batch
from flows.nightly import nightly
from jdskills.partitions import PartitionParameterError
from jdskills.pipeline.artifacts import PROGRESS_KEY, SUMMARY_KEY, jd_report_key
from jdskills.settings import PROJECT_ROOT, SAMPLE_BATCH_URI, Settings, get_settings

SAMPLE = Path(SAMPLE_BATCH_URI).read_text().splitlines()
D1, D2, D3 = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)


def jd_lines(tag: str, rows: range) -> str:
    """Sample JDs made unique to ``tag`` (a reference line changes their content hash)."""
    out = []
    for i in rows:
        item = json.loads(SAMPLE[i])
        item["id"] = f"{tag}-{i}"
        item["text"] += f"\n\nReference: {tag}-{i}"
        out.append(json.dumps(item))
    return "\n".join(out) + "\n"


def rows(url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, args).fetchall()


def artifacts_of(flow_run_id: Any) -> dict[str, Any]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a for a in found}


# --- prefect.yaml ------------------------------------------------------------------------------
def test_prefect_yaml_deployments_load_and_validate() -> None:
    from prefect.cli.deploy._models import PrefectYamlModel

    raw = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    model = PrefectYamlModel.model_validate(raw)
    assert {d.name for d in model.deployments} == {"ingest-batch", "nightly", "backfill",
                                                   "retry-quarantined"}
    assert "definitions" in raw  # shared settings through anchors
    pools = [d["work_pool"] for d in raw["deployments"]]
    assert all(p is pools[0] for p in pools) and pools[0]["name"] == "jdskills-pool"
    assert raw["pull"] == [{"prefect.deployments.steps.set_working_directory": {
        "directory": "{{ $JDSKILLS_PROJECT_DIR }}"}}]
    examples = {"backfill": {"start": "2026-11-01", "end": "2026-11-02"}}
    for d in model.deployments:
        assert d.enforce_parameter_schema is True and d.description and d.tags
        flow = load_flow_from_entrypoint(str(PROJECT_ROOT / d.entrypoint))
        schema = parameter_schema(flow).model_dump_for_openapi()
        assert set(d.parameters) <= set(schema["properties"]), d.name
        # deployment defaults plus what a trigger must add are valid flow parameters
        flow.validate_parameters({**d.parameters, **examples.get(d.name, {})})
    nightly_deployment = next(d for d in model.deployments if d.name == "nightly")
    (schedule,) = nightly_deployment.schedules
    cron = CronSchedule(cron=schedule.cron, timezone=schedule.timezone)
    assert (cron.cron, cron.timezone) == ("0 2 * * *", Settings().timezone)
    runs = asyncio.run(ServerCronSchedule(cron=cron.cron, timezone=cron.timezone).get_dates(
        n=2, start=datetime(2026, 11, 25, 1, 0, tzinfo=UTC)))
    assert runs == [datetime(2026, 11, 25, 2, 0, tzinfo=UTC), datetime(2026, 11, 26, 2, 0,
                                                                      tzinfo=UTC)]


# --- parameter validation ----------------------------------------------------------------------
@pytest.mark.parametrize("call, error, message", [
    (lambda p: backfill(start=D3, end=D1, prefix=p), PartitionParameterError, "after end"),
    (lambda p: backfill(start=date(2025, 1, 1), end=date(2026, 1, 31), prefix=p),
     PartitionParameterError, "at most 366"),
    (lambda p: backfill(start=D1, end=D2, prefix="ftp://example.org/jds"),
     PartitionParameterError, "unsupported scheme"),
    (lambda p: backfill(start=D1, end=D2, prefix=f"{p}/no-such-folder"),
     PartitionParameterError, "does not exist"),
    (lambda p: nightly(date=D1, prefix=f"{p}/no-such-folder"), PartitionParameterError,
     "does not exist"),
    (lambda p: backfill(start="2026-02-30", end="2026-03-01", prefix=p), ParameterTypeError,
     "start"),
    (lambda p: nightly(date="yesterday", prefix=p), ParameterTypeError, "date"),
    (lambda p: nightly(date=D1, prefix=p, chunk_size=0), ParameterTypeError, "chunk_size"),
])
def test_bad_parameters_fail_before_any_work(pipeline_db: str, tmp_path: Path, call: Any,
                                             error: type[Exception], message: str) -> None:
    (tmp_path / f"dt={D1}").mkdir()
    (tmp_path / f"dt={D1}" / "part-0.jsonl").write_text(jd_lines("never", range(1)))
    runs_before = rows(pipeline_db, "SELECT count(*) FROM pipeline_run")
    with pytest.raises(error, match=message):
        call(str(tmp_path))
    assert rows(pipeline_db, "SELECT count(*) FROM pipeline_run") == runs_before


def test_an_s3_prefix_must_exist(pipeline_db: str, s3_endpoint: str, s3_bucket,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    client, bucket = s3_bucket
    monkeypatch.setenv("JDSKILLS_S3_ENDPOINT_URL", s3_endpoint)
    get_settings.cache_clear()
    client.put_object(Bucket=bucket, Key=f"jds/dt={D1}/part-0.jsonl", Body=b"{}")
    for prefix in (f"s3://{bucket}/typo", f"s3://no-such-bucket-{bucket}/jds"):
        with pytest.raises(PartitionParameterError, match="does not exist"):
            backfill(start=D1, end=D1, prefix=prefix)
    assert backfill(start=D2, end=D2, prefix=f"s3://{bucket}/jds")[0]["status"] == "missing"


# --- nightly -----------------------------------------------------------------------------------
def test_nightly_ingests_only_its_date_from_a_folder(pipeline_db: str, tmp_path: Path) -> None:
    tag = f"n{uuid.uuid4().hex[:6]}"
    for i, day in enumerate((D1, D2, D3)):
        folder = tmp_path / f"dt={day}" / "source=a"
        folder.mkdir(parents=True)
        (folder / "part-0.jsonl").write_text(jd_lines(f"{tag}-{day}", range(i * 3, i * 3 + 3)))
    (tmp_path / f"dt={D2}" / "_SUCCESS").write_text("")
    result = nightly(date=D2, prefix=str(tmp_path), chunk_size=2)
    assert result["status"] == "processed" and result["day"] == str(D2)
    assert result["jds_in"] == 3 and result["files"] == 1
    sources = {r[0] for r in rows(pipeline_db, "SELECT source_uri FROM job_description "
                                  "WHERE external_id LIKE %s", f"{tag}-%")}
    assert sources and all(f"dt={D2}" in s for s in sources)
    missing = nightly(date=date(2026, 1, 1), prefix=str(tmp_path))
    assert missing["status"] == "missing" and missing.get("run_id") is None


def test_nightly_defaults_to_yesterday(pipeline_db: str, tmp_path: Path) -> None:
    day = datetime.now(UTC).date() - timedelta(days=1)  # the default timezone is UTC
    tag = f"y{uuid.uuid4().hex[:6]}"
    for d in (day, day + timedelta(days=1)):
        (tmp_path / f"dt={d}").mkdir()
        (tmp_path / f"dt={d}" / "jds.jsonl").write_text(jd_lines(f"{tag}-{d}", range(20, 21)))
    result = nightly(prefix=str(tmp_path))
    assert (result["day"], result["processed"]) == (str(day), 1)


def test_nightly_reads_its_partition_from_s3(pipeline_db: str, s3_endpoint: str, s3_bucket,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    client, bucket = s3_bucket
    monkeypatch.setenv("JDSKILLS_S3_ENDPOINT_URL", s3_endpoint)
    get_settings.cache_clear()
    tag = f"s{uuid.uuid4().hex[:6]}"
    for i, day in enumerate((D1, D2)):
        client.put_object(Bucket=bucket, Key=f"jds/dt={day}/part-0.jsonl",
                          Body=jd_lines(f"{tag}-{day}", range(30 + i * 2, 32 + i * 2)).encode())
    result = nightly(date=D1, prefix=f"s3://{bucket}/jds/")
    assert (result["status"], result["jds_in"], result["processed"]) == ("processed", 2, 2)
    assert result["uri"] == f"s3://{bucket}/jds/dt={D1}"
    read = rows(pipeline_db, "SELECT uri FROM ingested_file WHERE uri LIKE %s", f"%{bucket}%")
    assert [r[0] for r in read] == [f"s3://{bucket}/jds/dt={D1}/part-0.jsonl"]


# --- backfill ----------------------------------------------------------------------------------
POISON = """CREATE FUNCTION refuse_poison() RETURNS trigger AS $$
BEGIN
  IF NEW.external_id LIKE '%-poison' THEN
    RAISE EXCEPTION 'poisoned JD %', NEW.external_id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_poison BEFORE INSERT ON job_description
  FOR EACH ROW EXECUTE FUNCTION refuse_poison();"""


def test_backfill_over_s3_resumes_without_rereading(
        pipeline_db: str, s3_endpoint: str, s3_bucket, monkeypatch: pytest.MonkeyPatch) -> None:
    client, bucket = s3_bucket
    monkeypatch.setenv("JDSKILLS_S3_ENDPOINT_URL", s3_endpoint)
    get_settings.cache_clear()
    tag = f"b{uuid.uuid4().hex[:6]}"
    files = {f"jds/dt={D1}/part-0.jsonl": jd_lines(f"{tag}-1", range(40, 43)),
             f"jds/dt={D2}/part-0.jsonl": jd_lines(f"{tag}-2a", range(43, 45)),
             f"jds/dt={D2}/part-1.jsonl.gz": None,  # written below, gzip
             f"jds/dt={D3}/part-0.csv": None}
    import csv
    import gzip
    import io

    poison = json.loads(jd_lines(f"{tag}-2b", range(45, 46)))
    poison["id"] = f"{tag}-poison"
    files[f"jds/dt={D2}/part-1.jsonl.gz"] = gzip.compress(
        (jd_lines(f"{tag}-2b", range(46, 47)) + json.dumps(poison) + "\n").encode())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "title", "text"], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(json.loads(line) for line in jd_lines(f"{tag}-3", range(47, 49)).splitlines())
    files[f"jds/dt={D3}/part-0.csv"] = out.getvalue()
    for key, body in files.items():
        client.put_object(Bucket=bucket, Key=key,
                          Body=body if isinstance(body, bytes) else body.encode())
    prefix = f"s3://{bucket}/jds"
    with psycopg.connect(pipeline_db) as conn:
        conn.execute(POISON)
    try:
        with pytest.raises(PartitionRunError, match=f"(?s)dt={D2}.*1 earlier partition"):
            backfill(start=D1, end=D3, prefix=prefix, chunk_size=2)
    finally:
        with psycopg.connect(pipeline_db) as conn:
            conn.execute("DROP TRIGGER refuse_poison ON job_description; "
                         "DROP FUNCTION refuse_poison()")
    state = dict(rows(pipeline_db, "SELECT uri, status FROM ingested_file WHERE uri LIKE %s",
                      f"{prefix}/%"))
    assert state == {f"{prefix}/dt={D1}/part-0.jsonl": "done",
                     f"{prefix}/dt={D2}/part-0.jsonl": "done",
                     f"{prefix}/dt={D2}/part-1.jsonl.gz": "pending"}
    first_runs = dict(rows(pipeline_db, "SELECT uri, run_id FROM ingested_file "
                                        "WHERE uri LIKE %s", f"{prefix}/%"))

    resumed = backfill(start=D1, end=D3, prefix=prefix, chunk_size=2)

    assert [(r["day"], r["status"]) for r in resumed] == [
        (str(D1), "done"), (str(D2), "processed"), (str(D3), "processed")]
    assert resumed[0]["files_done"] == 1 and resumed[0].get("run_id") is None
    d2, d3 = resumed[1], resumed[2]
    assert (d2["files"], d2["files_done"], d2["skipped"]) == (2, 1, 2)  # part-0 not re-read
    assert d2["processed"] == 2 and d3["processed"] == 2
    after = dict(rows(pipeline_db, "SELECT uri, run_id FROM ingested_file WHERE uri LIKE %s "
                                   "AND status = 'done'", f"{prefix}/%"))
    assert len(after) == 4  # one row per file, all done
    for uri in (f"{prefix}/dt={D1}/part-0.jsonl", f"{prefix}/dt={D2}/part-0.jsonl"):
        assert after[uri] == first_runs[uri]  # read by the first backfill only
    (jds,) = rows(pipeline_db, "SELECT count(*) FROM job_description WHERE external_id LIKE %s",
                  f"{tag}-%")
    assert jds == (9,)
    again = backfill(start=D1, end=D3, prefix=prefix)
    assert [r["status"] for r in again] == ["done", "done", "done"]


def test_backfill_reports_missing_partitions_as_empty(pipeline_db: str, tmp_path: Path) -> None:
    (tmp_path / f"dt={D2}").mkdir(parents=True)
    (tmp_path / f"dt={D2}" / "notes.docx").write_text("not a format jdskills reads")
    result = backfill(start=D1, end=D2, prefix=str(tmp_path))
    assert [(r["day"], r["status"], r["files"]) for r in result] == [
        (str(D1), "missing", 0), (str(D2), "empty", 0)]


# --- artifacts -------------------------------------------------------------------------------
def test_ingest_batch_publishes_summary_progress_and_jd_reports(pipeline_db: str,
                                                               tmp_path: Path) -> None:
    tag = f"a{uuid.uuid4().hex[:6]}"
    batch = tmp_path / "batch.jsonl"
    batch.write_text(jd_lines(tag, range(0, 3)))  # the seed JD first
    state = ingest_batch(uri=str(batch), chunk_size=2, return_state=True)
    result = state.result()
    found = artifacts_of(state.state_details.flow_run_id)
    jd_keys = {jd_report_key(j) for j in result["jd_ids"]}
    assert len(jd_keys) == 3
    assert {SUMMARY_KEY, PROGRESS_KEY} | jd_keys <= set(found)
    assert {k for k in found if k.startswith("jd-")} == jd_keys
    assert all(k.replace("-", "").isalnum() and k == k.lower() for k in found)
    table = {r["metric"]: r["value"] for r in json.loads(found[SUMMARY_KEY].data)}
    assert (table["jds in"], table["processed"]) == (3, result["processed"])
    assert {"llm calls", "tokens in", "cost usd", "cache hits", "seconds parse",
            "seconds persist", "new skills", "links", "queue entries (all)"} <= set(table)
    assert found[PROGRESS_KEY].data == 100.0
    seed_id = rows(pipeline_db, "SELECT jd_id FROM job_description WHERE external_id = %s",
                   f"{tag}-0")[0][0]
    page = found[jd_report_key(seed_id)].data
    for expected in ("# JD", "## Parsed fields", "Case ", "Signals", "## Skills", "primary",
                     "JAX", "## Dimension links", "## Review queue entries", "## Cost"):
        assert expected in page, expected


def test_a_large_batch_gets_a_sample_of_twenty_jd_reports(pipeline_db: str,
                                                          tmp_path: Path) -> None:
    tag = f"l{uuid.uuid4().hex[:6]}"
    batch = tmp_path / "large.jsonl"
    batch.write_text(jd_lines(tag, range(5, 30)))
    state = ingest_batch(uri=str(batch), chunk_size=25, return_state=True)
    found = artifacts_of(state.state_details.flow_run_id)
    pages = [k for k in found if k.startswith("jd-")]
    assert len(state.result()["jd_ids"]) == 25 and len(pages) == 20


def test_backfill_publishes_a_partition_table(pipeline_db: str, tmp_path: Path) -> None:
    state = backfill(start=D1, end=D1, prefix=str(tmp_path), return_state=True)
    found = artifacts_of(state.state_details.flow_run_id)
    assert [r["status"] for r in json.loads(found["backfill-partitions"].data)] == ["missing"]
