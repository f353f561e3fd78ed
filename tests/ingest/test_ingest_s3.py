"""s3:// against a real S3-protocol server (moto's ThreadedMotoServer)."""

from __future__ import annotations

import gzip
import json

import pytest

from jdskills.ingest import list_input_files, read_batch, read_input_file


def _jsonl(*rows) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


@pytest.fixture
def partition(s3_bucket, to_parquet):
    client, bucket = s3_bucket
    objects = {
        "jobs/dt=2026-11-24/old.jsonl": _jsonl({"id": "o1", "text": "Old posting."}),
        "jobs/dt=2026-11-25/a.jsonl": _jsonl({"id": "a1", "text": "Cloud engineer, AWS."},
                                             {"id": "a2", "text": "Shared posting."}),
        "jobs/dt=2026-11-25/b.csv.gz": gzip.compress(b"job_id,description\nb1,Site reliability.\n"),
        "jobs/dt=2026-11-25/c.parquet": to_parquet([{"id": "c1", "text": "shared   POSTING."}]),
        "jobs/dt=2026-11-25/html/d-7.html": b"<html><title>Nurse</title><p>Ward nurse.</p></html>",
        "jobs/dt=2026-11-25/_SUCCESS": b"",
    }
    for key, body in objects.items():
        client.put_object(Bucket=bucket, Key=key, Body=body)
    return client, bucket


def test_list_folder_and_glob_on_s3(partition, s3_settings):
    _, bucket = partition
    folder = list_input_files(f"s3://{bucket}/jobs/dt=2026-11-25/", settings=s3_settings)
    assert [f.uri for f in folder] == [
        f"s3://{bucket}/jobs/dt=2026-11-25/{name}"
        for name in ("a.jsonl", "b.csv.gz", "c.parquet", "html/d-7.html")]
    assert all(f.etag_or_mtime and '"' not in f.etag_or_mtime for f in folder)
    glob = list_input_files(f"s3://{bucket}/jobs/dt=2026-11-25/*.jsonl", settings=s3_settings)
    assert [f.uri for f in glob] == [f"s3://{bucket}/jobs/dt=2026-11-25/a.jsonl"]
    both_days = list_input_files(f"s3://{bucket}/jobs/dt=*/*.jsonl", settings=s3_settings)
    assert len(both_days) == 2


def test_read_every_format_from_s3_with_batch_dedupe(partition, s3_settings):
    _, bucket = partition
    results = list(read_batch(f"s3://{bucket}/jobs/dt=2026-11-25", settings=s3_settings))
    records = [r for res in results for r in res.records]
    assert [r.external_id for r in records] == ["a1", "a2", "b1", "d-7"]
    assert records[3].title == "Nurse" and records[3].text == "Ward nurse."
    assert records[2].source_uri == f"s3://{bucket}/jobs/dt=2026-11-25/b.csv.gz"
    parquet = results[2]
    assert parquet.records == [] and parquet.duplicate_count == 1
    assert parquet.duplicates_in_batch[0].first_seen.endswith("a.jsonl line 2")
    assert all(res.rejected == [] for res in results)


def test_new_and_overwritten_objects_are_seen_by_the_next_listing(partition, s3_settings):
    client, bucket = partition
    uri = f"s3://{bucket}/jobs/dt=2026-11-25/"
    before = {f.uri: f for f in list_input_files(uri, settings=s3_settings)}
    client.put_object(Bucket=bucket, Key="jobs/dt=2026-11-25/late.jsonl",
                      Body=_jsonl({"id": "l1", "text": "Late arrival."}))
    client.put_object(Bucket=bucket, Key="jobs/dt=2026-11-25/a.jsonl",
                      Body=_jsonl({"id": "a1", "text": "Cloud engineer, GCP."}))
    after = {f.uri: f for f in list_input_files(uri, settings=s3_settings)}

    late = f"s3://{bucket}/jobs/dt=2026-11-25/late.jsonl"
    a = f"s3://{bucket}/jobs/dt=2026-11-25/a.jsonl"
    assert set(after) == set(before) | {late}
    assert after[a].fingerprint != before[a].fingerprint
    [rec] = read_input_file(after[a], settings=s3_settings).records
    assert rec.text == "Cloud engineer, GCP."


def test_bad_lines_and_missing_objects_on_s3(partition, s3_settings):
    client, bucket = partition
    key = "jobs/dt=2026-11-26/mixed.jsonl"
    client.put_object(Bucket=bucket, Key=key,
                      Body=b'{"id": "m1", "text": "Fine."}\n{oops\n{"id": "m3"}\n')
    [f] = list_input_files(f"s3://{bucket}/{key}", settings=s3_settings)
    result = read_input_file(f, settings=s3_settings)
    assert [r.external_id for r in result.records] == ["m1"]
    assert [(r.source_ref, r.reason) for r in result.rejected] == [
        ("line 2", "invalid_json"), ("line 3", "missing_text")]

    client.delete_object(Bucket=bucket, Key=key)
    gone = read_input_file(f, settings=s3_settings)
    assert [r.reason for r in gone.rejected] == ["unreadable_file"]
    with pytest.raises(FileNotFoundError):
        list_input_files(f"s3://{bucket}/{key}", settings=s3_settings)


def test_a_storage_outage_is_not_a_reject(make_settings):
    """The server goes away after listing: the read raises StorageReadError (the file is
    read again by a later run) instead of rejecting the file as unreadable."""
    import boto3
    from moto.server import ThreadedMotoServer

    from jdskills.ingest import StorageReadError

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket="outage")
        client.put_object(Bucket="outage", Key="a.jsonl",
                          Body=_jsonl({"id": "x1", "text": "Data engineer, Python."}))
        settings = make_settings(s3_endpoint_url=endpoint)
        [f] = list_input_files("s3://outage/a.jsonl", settings=settings)
    finally:
        server.stop()
    with pytest.raises(StorageReadError) as err:
        read_input_file(f, settings=settings)
    assert err.value.uri == "s3://outage/a.jsonl" and err.value.records_read == 0
    assert "s3://outage/a.jsonl" in str(err.value)
