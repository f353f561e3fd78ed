"""Every supported format, plain and gzipped, read into the same JD records."""

from __future__ import annotations

import csv
import io
import json

import pytest

from jdskills.ingest import content_hash, list_input_files, read_input_file

JDS = [
    {"id": "jd-1", "title": "Backend Engineer", "company": "Acme",
     "text": "Build APIs in Python.\nOwn Postgres schemas.", "url": "https://x.test/1",
     "posted_at": "2026-11-25T09:30:00Z"},
    {"id": "jd-2", "title": "Data Analyst", "company": "Globex",
     "text": "SQL, dashboards, stakeholder reporting.", "url": "https://x.test/2",
     "posted_at": "2026-11-24"},
]


def _csv(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _content(fmt: str, to_parquet) -> str | bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r) + "\n" for r in JDS)
    if fmt == "json":
        return json.dumps(JDS, indent=2)
    if fmt == "csv":
        return _csv(JDS)
    if fmt == "tsv":
        return _csv(JDS, "\t")
    return to_parquet(JDS)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "tsv", "parquet"])
def test_structured_formats_give_the_same_records(fmt, gz, write_input, settings, to_parquet):
    path = write_input(f"batch.{fmt}", _content(fmt, to_parquet), gz=gz)
    [f] = list_input_files(str(path), settings=settings)
    result = read_input_file(f, settings=settings)

    assert result.rejected == [] and result.warnings == []
    assert [r.external_id for r in result.records] == ["jd-1", "jd-2"]
    first = result.records[0]
    assert first.text == "Build APIs in Python.\nOwn Postgres schemas."
    assert first.jd_id == content_hash(first.text)
    assert (first.title, first.company) == ("Backend Engineer", "Acme")
    assert first.url == "https://x.test/1"
    assert first.posted_at is not None
    assert first.posted_at.isoformat() == "2026-11-25T09:30:00+00:00"
    assert result.records[1].posted_at.isoformat() == "2026-11-24T00:00:00+00:00"
    assert first.source_uri == f.uri and f.uri.endswith(f"batch.{fmt}" + (".gz" if gz else ""))
    ref = {"jsonl": "line 1", "json": "item 1"}.get(fmt, "row 1")
    assert first.source_ref == ref


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("ext", ["txt", "md", "html", "htm"])
def test_folder_of_documents_gives_one_jd_per_file(ext, gz, write_input, settings):
    body = ("<html><head><title>ML Engineer</title></head><body><h1>ML Engineer</h1>"
            "<p>Train models with PyTorch.</p><ul><li>Deploy</li><li>Monitor</li></ul>"
            "</body></html>"
            if ext.startswith("htm") else
            "Title: ML Engineer\r\nTrain models with PyTorch.\r\n\r\n- Deploy\r\n- Monitor\r\n")
    folder = write_input(f"docs/ml-123.{ext}", body, gz=gz).parent
    write_input(f"docs/sub/de-9.{ext}", body.replace("ML Engineer", "Data Engineer"), gz=gz)

    files = list_input_files(str(folder), settings=settings)
    assert len(files) == 2
    records = [r for f in files for r in read_input_file(f, settings=settings).records]

    assert [r.external_id for r in records] == ["ml-123", "de-9"]
    assert [r.title for r in records] == ["ML Engineer", "Data Engineer"]
    ml = records[0]
    assert ml.source_ref is None
    assert "Train models with PyTorch." in ml.text and "\r" not in ml.text
    assert "<" not in ml.text
    lines = ml.text.splitlines()
    assert any(line.strip().endswith("Deploy") for line in lines)  # list items on own lines
    assert any(line.strip().endswith("Monitor") for line in lines)


def test_json_object_holding_a_list_and_single_object(write_input, settings):
    wrapped = write_input("wrapped.json", json.dumps({"count": 2, "jobs": JDS}))
    single = write_input("single.json", json.dumps(JDS[0]))
    got = {p.name: read_input_file(list_input_files(str(p), settings=settings)[0],
                                   settings=settings) for p in (wrapped, single)}
    assert [r.external_id for r in got["wrapped.json"].records] == ["jd-1", "jd-2"]
    assert [r.external_id for r in got["single.json"].records] == ["jd-1"]


def test_json_file_that_is_really_jsonl_is_sniffed(write_input, settings):
    path = write_input("mislabelled.json", "".join(json.dumps(r) + "\n" for r in JDS))
    result = read_input_file(list_input_files(str(path), settings=settings)[0], settings=settings)
    assert [r.source_ref for r in result.records] == ["line 1", "line 2"]
    assert result.rejected == []


@pytest.mark.parametrize(
    ("name", "content", "expected_ids"),
    [
        ("noext", "".join(json.dumps(r) + "\n" for r in JDS), ["jd-1", "jd-2"]),
        ("array-noext", json.dumps(JDS), ["jd-1", "jd-2"]),
        ("page-noext", "<html><body><p>Hiring a nurse.</p></body></html>", ["page-noext"]),
        ("note-noext", "Hiring a welder in Leeds.", ["note-noext"]),
    ],
)
def test_files_without_extension_are_sniffed(name, content, expected_ids, write_input,
                                             settings):
    path = write_input(name, content)
    result = read_input_file(list_input_files(str(path), settings=settings)[0], settings=settings)
    assert [r.external_id for r in result.records] == expected_ids
    assert all("<" not in r.text for r in result.records)


def test_gzip_content_without_gz_suffix_and_gz_suffix_without_gzip(write_input, settings):
    import gzip

    lines = "".join(json.dumps(r) + "\n" for r in JDS)
    disguised = write_input("really-gzipped.jsonl", gzip.compress(lines.encode()))
    not_gz = write_input("not-gzipped.jsonl.gz", lines)
    for path in (disguised, not_gz):
        result = read_input_file(list_input_files(str(path), settings=settings)[0],
                                 settings=settings)
        assert [r.external_id for r in result.records] == ["jd-1", "jd-2"], path.name
        assert result.rejected == []


def test_csv_semicolons_quoted_newlines_and_utf16(write_input, settings):
    rows = [{"job_id": "7", "job_title": "Nurse",
             "description": "Line one\nLine two; with semicolon"}]
    semi = write_input("semi.csv", _csv(rows, ";"))
    utf16 = write_input("wide.csv", _csv(rows).encode("utf-16"))
    for path in (semi, utf16):
        result = read_input_file(list_input_files(str(path), settings=settings)[0],
                                 settings=settings)
        assert result.rejected == [], path.name
        [rec] = result.records
        assert (rec.external_id, rec.title) == ("7", "Nurse")
        assert rec.text == "Line one\nLine two; with semicolon"


def test_parquet_nested_company_and_typed_columns(write_input, settings, to_parquet):
    from datetime import datetime

    rows = [{"job_id": 42, "description": "Run the warehouse.",
             "hiringOrganization": {"name": "Initech", "sameAs": "https://initech.test"},
             "datePosted": datetime(2026, 11, 25, 8, 0)}]
    path = write_input("typed.parquet", to_parquet(rows))
    [rec] = read_input_file(list_input_files(str(path), settings=settings)[0],
                            settings=settings).records
    assert (rec.external_id, rec.company) == ("42", "Initech")
    assert rec.posted_at.isoformat() == "2026-11-25T08:00:00+00:00"


def test_txt_file_holding_a_whole_html_page_is_converted(write_input, settings):
    page = "<!DOCTYPE html><html><head><title>Porter</title></head><body><p>Night porter.</p>"
    plain_with_angle = "Salary <£20k.\n<html> is a skill we want."
    recs = [_read_one(write_input(name, body), settings)
            for name, body in [("page.txt", page), ("plain.txt", plain_with_angle)]]
    assert (recs[0].title, recs[0].text) == ("Porter", "Night porter.")
    assert recs[1].text == plain_with_angle


def test_binary_text_column_in_parquet_is_decoded(write_input, settings, to_parquet):
    path = write_input("b.parquet", to_parquet([{"id": "1", "text": "Caf\xe9 lead".encode()}]))
    assert _read_one(path, settings).text == "Café lead"


def _read_one(path, settings):
    [f] = list_input_files(str(path), settings=settings)
    [rec] = read_input_file(f, settings=settings).records
    return rec
