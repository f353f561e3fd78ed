"""The bundled sample batch (jdskills/data/sample/jds.jsonl): its shape, the seed line and its
coverage of the role library. The batch is read as a file and through the real ingest."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from jdskills.ingest import content_hash, list_input_files, read_input_file
from jdskills.settings import PROJECT_ROOT, Settings

SAMPLE = PROJECT_ROOT / "jdskills" / "data" / "sample" / "jds.jsonl"
SEED_JD = PROJECT_ROOT.parent / "shared" / "seed" / "jd.txt"
SEED_ID = "seed-2158559ad069c5e1"
REQUIRED_KEYS = {"id", "title", "company", "text", "url", "posted_at", "source"}
MIN_LINES = 56

# Role family -> pattern that a JD title of that family contains (case-insensitive).
ROLE_FAMILIES: dict[str, str] = {
    "ML engineer": r"\b(machine learning|ML) engineer",
    "AI/LLM engineer": r"\b(AI|LLM) engineer",
    "MLOps engineer": r"\bMLOps\b",
    "data engineer": r"\bdata engineer",
    "data scientist": r"\bdata scientist",
    "data analyst": r"\bdata analyst",
    "backend (Java/Spring)": r"\bback-?end\b.*\b(java|spring)",
    "backend (Go)": r"\bback-?end\b.*\bgo\b",
    "backend (Python/Django)": r"\bback-?end\b.*\b(python|django)",
    "backend (Node)": r"\bback-?end\b.*\bnode",
    "frontend (React)": r"\bfront-?end\b.*\breact",
    "frontend (Angular)": r"\bfront-?end\b.*\bangular",
    "frontend (Vue)": r"\bfront-?end\b.*\bvue",
    "full-stack": r"\bfull[- ]?stack",
    "Android": r"\bandroid\b",
    "iOS": r"\bios\b",
    "cross-platform mobile": r"\b(flutter|react native)\b",
    "DevOps": r"\bdevops\b",
    "SRE": r"\b(site reliability|SRE)\b",
    "cloud (AWS)": r"\bcloud engineer\b.*\baws\b",
    "cloud (Azure)": r"\bcloud engineer\b.*\bazure\b",
    "cloud (GCP)": r"\bcloud engineer\b.*\b(gcp|google cloud)\b",
    "cybersecurity engineer": r"\b(cyber ?security|security) engineer",
    "SOC analyst": r"\bSOC analyst",
    "QA / test automation": r"\b(QA|SDET|test automation)\b",
    "embedded": r"\b(embedded|firmware)\b",
    "AR/VR": r"\b(AR/VR|XR|VR)\b",
    "platform engineer": r"\bplatform engineer",
    "solutions architect": r"\bsolutions architect",
    "DBA": r"\b(database administrator|DBA)\b",
    "computer vision": r"\bcomputer vision\b",
    "NLP engineer": r"\bNLP engineer",
    "game developer": r"\b(game developer|gameplay programmer)\b",
    "engineering manager": r"\bengineering manager\b",
    "technical product manager": r"\btechnical product manager\b",
    "nurse": r"\bnurse\b",
    "accountant": r"\baccountant\b",
    "sales executive": r"\bsales executive\b",
    "ambiguous: ML platform": r"^software engineer\b.*\bML platform\b",
    "ambiguous: analytics engineer": r"^analytics engineer$",
    "ambiguous: member of technical staff": r"^member of technical staff$",
}


def _rows() -> list[dict[str, Any]]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    rows = []
    for number, line in enumerate(lines, start=1):
        row = json.loads(line)  # a broken line fails the test here, with its content
        assert isinstance(row, dict), f"line {number} is not a JSON object"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return _rows()


def test_every_line_is_a_json_object_and_there_are_enough(rows):
    raw = SAMPLE.read_text(encoding="utf-8")
    assert raw.endswith("\n") and "\n\n" not in raw, "one object per line, no blank lines"
    assert len(rows) >= MIN_LINES


def test_required_keys_and_value_types(rows):
    for row in rows:
        assert set(row) == REQUIRED_KEYS, row.get("id")
        for key in ("id", "title", "company", "text"):
            assert isinstance(row[key], str) and row[key].strip(), (row["id"], key)
        assert row["url"] is None or row["url"].startswith("https://"), row["id"]
        assert date.fromisoformat(row["posted_at"]).isoformat() == row["posted_at"]
        assert row["source"] in {"seed", "written"}


def test_ids_and_texts_are_unique_even_after_ingest_normalisation(rows):
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    hashes = [content_hash(row["text"]) for row in rows]
    assert len(set(hashes)) == len(hashes), "two JDs would collapse into one at ingest"


def test_written_jds_are_plain_english_postings_of_reasonable_length(rows):
    written = [row for row in rows if row["source"] == "written"]
    assert len(written) == len(rows) - 1
    for row in written:
        assert re.fullmatch(r"sample-\d{3}", row["id"]), row["id"]
        assert 150 <= len(row["text"].split()) <= 900, row["id"]
        assert not re.search(r"</?[a-z][a-z0-9]*[ />]", row["text"]), f"{row['id']} has HTML"


def test_seed_is_the_first_line(rows):
    seed = rows[0]
    assert (seed["id"], seed["title"], seed["company"], seed["source"], seed["posted_at"]) == (
        SEED_ID, "MLOps Engineer", "Mercor", "seed", "2026-11-01")
    assert [row["id"] for row in rows].count(SEED_ID) == 1


def test_seed_text_is_the_reference_jd_verbatim(rows):
    if not SEED_JD.is_file():
        pytest.skip(f"the reference JD {SEED_JD} is not present (shared material not mounted)")
    assert rows[0]["text"] == SEED_JD.read_text(encoding="utf-8")


@pytest.mark.parametrize("family", sorted(ROLE_FAMILIES))
def test_every_role_family_is_covered_by_a_title(rows, family):
    pattern = re.compile(ROLE_FAMILIES[family], re.IGNORECASE)
    titles = [row["title"] for row in rows if pattern.search(row["title"])]
    assert titles, f"no JD title for role family {family!r}"


def test_the_batch_ingests_whole():
    settings = Settings(_env_file=None, s3_endpoint_url=None, field_map={},  # type: ignore[call-arg]
                        max_jd_chars=200_000)
    [input_file] = list_input_files(str(SAMPLE), settings=settings)
    result = read_input_file(input_file, settings=settings)
    assert result.rejected == [] and result.duplicates_in_batch == []
    by_id = {record.external_id: record for record in result.records}
    assert len(by_id) == len(_rows())
    seed = by_id[SEED_ID]
    assert (seed.title, seed.company) == ("MLOps Engineer", "Mercor")
    assert seed.posted_at is not None and seed.posted_at.date() == date(2026, 11, 1)
