"""Hostile and broken inputs: nothing raises, nothing good is lost, every bad item is named."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from jdskills.ingest import content_hash, list_input_files, read_batch, read_input_file


def _good(n: int) -> dict[str, str]:
    return {"id": f"g{n}", "text": f"Good job description number {n}."}


def _read(path, settings):
    [f] = list_input_files(str(path), settings=settings)
    return read_input_file(f, settings=settings)


@pytest.mark.parametrize("name", ["e.jsonl", "e.json", "e.csv", "e.parquet", "e.txt", "e.html",
                                  "e.jsonl.gz", "e.txt.gz", "blank.jsonl", "blank.txt"])
def test_empty_files_give_nothing_and_no_error(name, write_input, settings):
    content = "\n  \n\n" if name.startswith("blank") else b""
    path = write_input(name.removesuffix(".gz"), content, gz=name.endswith(".gz"))
    result = _read(path, settings)
    assert (result.records, result.rejected, result.warnings) == ([], [], [])


def test_broken_jsonl_line_is_rejected_and_the_others_are_read(write_input, settings):
    lines = [json.dumps(_good(n)) for n in range(1, 10)]
    lines[6] = '{"id": "g7", "text": "unterminated'
    lines[3] = "[1, 2, 3]"
    result = _read(write_input("b.jsonl", "\n".join(lines) + "\n"), settings)
    assert [r.external_id for r in result.records] == ["g1", "g2", "g3", "g5", "g6", "g8", "g9"]
    assert [(r.source_ref, r.reason) for r in result.rejected] == [
        ("line 4", "invalid_record"), ("line 7", "invalid_json")]
    assert result.rejected[1].source_uri == result.file.uri
    assert result.rejected[1].stage == "ingest"
    assert "Unterminated string" in str(result.rejected[1].details["error"])


def test_missing_and_empty_text_are_rejected_per_record(write_input, settings):
    rows = [_good(1), {"id": "no-text", "title": "Nurse"}, {"id": "blank", "text": "   "},
            {"id": "tags", "description": "<p> </p>"}, _good(2)]
    result = _read(write_input("t.jsonl", "".join(json.dumps(r) + "\n" for r in rows)), settings)
    assert [r.external_id for r in result.records] == ["g1", "g2"]
    assert [(r.source_ref, r.reason) for r in result.rejected] == [
        ("line 2", "missing_text"), ("line 3", "empty_text"), ("line 4", "empty_text")]


def test_document_with_no_text_after_html_conversion_is_empty_text(write_input, settings):
    result = _read(write_input("shell.html", "<html><head><title>x</title></head></html>"),
                   settings)
    assert result.records == []
    assert [(r.reason, r.source_ref) for r in result.rejected] == [("empty_text", None)]


def test_non_object_items_in_a_json_array(write_input, settings):
    result = _read(write_input("a.json", json.dumps([_good(1), "just a string", _good(2)])),
                   settings)
    assert [r.external_id for r in result.records] == ["g1", "g2"]
    assert [(r.source_ref, r.reason) for r in result.rejected] == [("item 2", "invalid_record")]


def test_broken_json_file_is_one_reject_with_its_position(write_input, settings):
    result = _read(write_input("broken.json", '[{"text": "a"},\n {"text": '), settings)
    assert result.records == []
    [rej] = result.rejected
    assert (rej.reason, rej.source_ref) == ("invalid_json", "line 2")


@pytest.mark.parametrize("name", ["image.txt", "blob.jsonl", "scan.html", "sheet.csv"])
def test_binary_files_are_rejected(name, write_input, settings):
    payload = (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8) if name == "image.txt" \
        else os.urandom(4096)
    result = _read(write_input(name, payload), settings)
    assert result.records == []
    [rej] = result.rejected
    assert (rej.reason, rej.source_ref) == ("binary_file", None)


def test_too_large_jd_is_truncated_kept_and_flagged(write_input, make_settings):
    settings = make_settings(max_jd_chars=1000)
    huge = "Responsibilities include everything. " * 300_000  # ~11 MB
    rows = [_good(1), {"id": "huge", "text": huge}, _good(2)]
    result = _read(write_input("big.jsonl", "".join(json.dumps(r) + "\n" for r in rows)),
                   settings)
    assert [r.external_id for r in result.records] == ["g1", "huge", "g2"]
    big = result.records[1]
    assert len(big.text) == 1000 and huge.startswith(big.text)
    assert big.jd_id == content_hash(big.text)
    [warning] = result.warnings
    assert (warning.kind, warning.source_ref) == ("truncated", "line 2")
    assert warning.details == {"original_chars": len(huge.strip()), "kept_chars": 1000}
    assert result.rejected == []


def test_non_utf8_bytes_are_decoded_with_a_fallback(write_input, settings):
    good = json.dumps(_good(1)).encode()
    latin = '{"id": "cp", "text": "Café manager – naïve “quotes”"}'.encode("cp1252")
    result = _read(write_input("mixed.jsonl", good + b"\n" + latin + b"\n"), settings)
    assert [r.text for r in result.records] == ["Good job description number 1.",
                                                "Café manager – naïve “quotes”"]
    [warning] = result.warnings
    assert (warning.kind, warning.details["units"]) == ("encoding_fallback", 1)

    doc = _read(write_input("cp.txt", "Title: Barista\nCafé in Zürich".encode("cp1252")), settings)
    assert doc.records[0].text == "Title: Barista\nCafé in Zürich"


def test_corrupt_gzip_keeps_the_records_before_the_damage(write_input, settings):
    lines = "".join(json.dumps(_good(n)) + "\n" for n in range(1, 2001)).encode()
    data = gzip.compress(lines)
    result = _read(write_input("cut.jsonl.gz", data[: len(data) // 2]), settings)
    assert 0 < len(result.records) < 2000
    assert result.records[0].external_id == "g1"
    [rej] = result.rejected
    assert rej.reason == "unreadable_file" and rej.source_ref is None
    assert rej.details["records_read"] == len(result.records)
    assert "EOFError" in str(rej.details["error"])

    garbage = _read(write_input("garbage.csv.gz", b"\x1f\x8b" + b"not deflate at all" * 10),
                    settings)
    assert garbage.records == [] and [r.reason for r in garbage.rejected] == ["unreadable_file"]


def test_bad_parquet_is_one_file_reject(write_input, settings):
    result = _read(write_input("bad.parquet", b"PAR1 this is not really parquet PAR1"), settings)
    assert result.records == []
    [rej] = result.rejected
    assert rej.reason == "unreadable_file"
    assert "Arrow" in str(rej.details["error"]) or "Parquet" in str(rej.details["error"])


def test_file_gone_or_unreadable_after_listing(write_input, settings, tmp_path):
    path = write_input("gone.jsonl", json.dumps(_good(1)) + "\n")
    [f] = list_input_files(str(path), settings=settings)
    path.unlink()
    result = read_input_file(f, settings=settings)
    assert [r.reason for r in result.rejected] == ["unreadable_file"]
    assert "FileNotFoundError" in str(result.rejected[0].details["error"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_permission_denied_is_one_file_reject(write_input, settings):
    path = write_input("secret.jsonl", json.dumps(_good(1)) + "\n")
    path.chmod(0)
    try:
        result = _read(path, settings)
    finally:
        path.chmod(0o644)
    assert [r.reason for r in result.rejected] == ["unreadable_file"]
    assert "PermissionError" in str(result.rejected[0].details["error"])


def test_unsupported_extension_is_rejected_not_read(write_input, settings):
    result = _read(write_input("jd.pdf", b"%PDF-1.7 whatever"), settings)
    assert result.records == []
    [rej] = result.rejected
    assert (rej.reason, rej.details) == ("unsupported_format", {"extension": ".pdf"})


def test_duplicates_in_a_batch_are_dropped_and_counted(write_input, settings):
    rows = [_good(1), {"id": "again", "text": "  GOOD job   description\nnumber 1. "}, _good(2)]
    first = write_input("in/a.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    write_input("in/b.txt", "good job description number 2.")
    write_input("in/c.txt", "A different JD.")
    results = list(read_batch(str(first.parent), settings=settings))

    a, b, c = results
    assert [r.external_id for r in a.records] == ["g1", "g2"]
    assert a.duplicate_count == 1 and a.rejected == []
    dup = a.duplicates_in_batch[0]
    assert (dup.source_ref, dup.jd_id) == ("line 2", a.records[0].jd_id)
    assert dup.first_seen == f"{a.file.uri} line 1"
    assert b.records == [] and b.duplicate_count == 1
    assert b.duplicates_in_batch[0].first_seen == f"{a.file.uri} line 3"
    assert [r.external_id for r in c.records] == ["c"]


def test_without_a_shared_seen_map_files_are_deduplicated_on_their_own(write_input, settings):
    p1 = write_input("x/1.txt", "Same text.")
    p2 = write_input("x/2.txt", "same   TEXT.")
    r1, r2 = (read_input_file(f, settings=settings)
              for f in list_input_files(str(p1.parent), settings=settings))
    assert len(r1.records) == len(r2.records) == 1
    assert r1.records[0].jd_id == r2.records[0].jd_id
    assert p2.exists()
