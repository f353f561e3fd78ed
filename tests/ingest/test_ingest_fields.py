"""The field convention, its precedence, nested keys and settings.field_map overrides."""

from __future__ import annotations

import json

import pytest

from jdskills.ingest import FieldMapError, list_input_files, read_input_file


def _read_jsonl(rows, write_input, settings):
    path = write_input("rows.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    return read_input_file(list_input_files(str(path), settings=settings)[0], settings=settings)


@pytest.mark.parametrize("text_key", ["text", "description", "body", "content"])
@pytest.mark.parametrize("id_key", ["id", "external_id", "job_id", "fileid"])
def test_every_conventional_text_and_id_key(text_key, id_key, write_input, settings):
    result = _read_jsonl([{text_key: "Forklift driver wanted.", id_key: 17}], write_input,
                         settings)
    [rec] = result.records
    assert (rec.text, rec.external_id) == ("Forklift driver wanted.", "17")


def test_alternative_keys_for_title_company_and_date(write_input, settings):
    rows = [
        {"text": "A", "job_title": "Chef", "company_name": "Bistro", "date_posted": "2026-01-02"},
        {"text": "B", "title": "Cook", "hiringOrganization": {"name": "Diner"},
         "datePosted": "2026-01-03T10:00:00+05:30"},
        {"text": "C", "company": {"name": "Cafe", "url": "https://cafe.test"}},
    ]
    recs = _read_jsonl(rows, write_input, settings).records
    assert [(r.title, r.company) for r in recs] == [("Chef", "Bistro"), ("Cook", "Diner"),
                                                    (None, "Cafe")]
    assert recs[0].posted_at.isoformat() == "2026-01-02T00:00:00+00:00"
    assert recs[1].posted_at.isoformat() == "2026-01-03T10:00:00+05:30"


def test_text_precedence_and_empty_values_fall_through(write_input, settings):
    rows = [
        {"text": "from text", "description": "from description", "body": "from body"},
        {"text": "  ", "description": "from description"},
        {"body": "from body", "content": "from content"},
    ]
    assert [r.text for r in _read_jsonl(rows, write_input, settings).records] == [
        "from text", "from description", "from body"]


def test_keys_match_case_insensitively(write_input, settings):
    [rec] = _read_jsonl([{"Description": "Care assistant.", "Job_Title": "Carer", "ID": "x9"}],
                        write_input, settings).records
    assert (rec.text, rec.title, rec.external_id) == ("Care assistant.", "Carer", "x9")


def test_field_map_overrides_and_reads_nested_paths(write_input, make_settings):
    settings = make_settings(field_map={"text": "body_html", "external_id": "ref",
                                        "company": "employer.legal.name"})
    rows = [
        {"ref": "R-1", "body_html": "<p>Paramedic role.</p><p>Nights.</p>", "id": "ignored",
         "employer": {"legal": {"name": "NHS Trust"}}},
        {"ref": "R-2", "text": "has text but not body_html"},
    ]
    result = _read_jsonl(rows, write_input, settings)
    [rec] = result.records
    assert (rec.external_id, rec.company) == ("R-1", "NHS Trust")
    assert rec.text == "Paramedic role.\n\nNights."
    [rej] = result.rejected
    assert (rej.reason, rej.source_ref, rej.details["looked_for"]) == ("missing_text", "line 2",
                                                                       "body_html")


def test_unknown_field_map_key_is_a_configuration_error(write_input, make_settings):
    settings = make_settings(field_map={"txet": "body"})
    path = write_input("rows.jsonl", '{"text": "x"}\n')
    [f] = list_input_files(str(path), settings=settings)
    with pytest.raises(FieldMapError, match="txet"):
        read_input_file(f, settings=settings)


@pytest.mark.parametrize(("raw", "iso"), [
    ("2026-11-25T09:30:00Z", "2026-11-25T09:30:00+00:00"),
    ("2026-11-25 09:30", "2026-11-25T09:30:00+00:00"),
    ("Tue, 25 Nov 2026 09:30:00 GMT", "2026-11-25T09:30:00+00:00"),
    (1795599000, "2026-11-25T09:30:00+00:00"),
    (1795599000000, "2026-11-25T09:30:00+00:00"),
    ("1795599000", "2026-11-25T09:30:00+00:00"),
])
def test_posted_at_forms(raw, iso, write_input, settings):
    [rec] = _read_jsonl([{"text": "x", "posted_at": raw}], write_input, settings).records
    assert rec.posted_at.isoformat() == iso


def test_unparseable_date_keeps_the_record_and_warns(write_input, settings):
    result = _read_jsonl([{"text": "x", "posted_at": "last Tuesday"}], write_input, settings)
    [rec] = result.records
    assert rec.posted_at is None
    [warning] = result.warnings
    assert (warning.kind, warning.source_ref) == ("bad_posted_at", "line 1")
    assert "last Tuesday" in str(warning.details["error"])


def test_title_and_company_html_is_flattened(write_input, settings):
    [rec] = _read_jsonl([{"text": "x", "title": "R&amp;D <b>Lead</b>\n", "company": " A  B "}],
                        write_input, settings).records
    assert (rec.title, rec.company) == ("R&D Lead", "A B")
