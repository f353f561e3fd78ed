"""The per-JD Markdown page (an artifact) from a ``jd_report``-shaped dict."""

from __future__ import annotations

from typing import Any

from jdskills.pipeline.artifacts import artifact_key, jd_report_key, sample_jd_ids
from jdskills.pipeline.jd_markdown import render_jd_markdown

REPORT: dict[str, Any] = {
    "jd_id": "5dc7361ba98a6d08" + "0" * 48, "external_id": "seed-1", "title": "MLOps Engineer",
    "company": "Mercor", "status": "processed", "reason": None, "last_run_id": "run1",
    "source_uri": "s3://b/dt=2026-11-25/a.jsonl", "parsed_title": "MLOps Engineer",
    "jd_type": "pass", "ctc": {"min": 35.0, "max": 45.0, "currency": "USD", "period": "hour",
                              "raw": "$35–$45/hour"},
    "experience": {"min": 2.0, "max": None, "raw": "2+ years"},
    "locations": [{"city": None, "state": None, "country": "India", "work_mode": "remote"}],
    "skills": [
        {"name": "JAX", "input_term": "JAX", "tag": "in_db", "is_primary": True,
         "matched_via": "exact", "score": 100.0, "evidence": "JAX and/or PyTorch"},
        {"name": "Pallas", "input_term": "Pallas", "tag": "new", "is_primary": False,
         "matched_via": "new", "score": None, "evidence": "Pallas | Triton\nkernels"}],
    "case": "A", "confidence": 0.91, "rationale": "all three signals agree",
    "signals": {"skill": [{"slug": "ml-engineer", "score": 0.31},
                          {"slug": "mlops-engineer", "score": 0.3}],
                "title": [{"slug": "mlops-engineer", "score": 1.0}]},
    "role": {"slug": "mlops-engineer", "name": "MLOps Engineer"},
    "links": [{"skill": "JAX", "dimension": "tech/ml-frameworks", "dimension_name":
               "ML Frameworks", "via": "catalog", "dimension_status": "active"}],
    "summary": {"nature_of_work": {"label": "ML systems", "summary": "s", "evidence": "e"},
                "tech_maturity": {"label": "modern", "reasoning": "r"}, "ai_index": 3,
                "ai_flags": {"title_match": True, "on_ai_team": False},
                "clusters": [{"name": "ML Frameworks", "skills": ["JAX"]}]},
    "quarantine": None,
}


def test_the_page_has_every_part_of_the_seed_run_page() -> None:
    page = render_jd_markdown(REPORT, [{"queue": "new skill", "item": "Pallas", "role":
                                        "mlops-engineer", "occurrences": 4, "status": "pending"}],
                              {"llm_calls": 2, "cost_usd": 0.003, "cost_usd_per_jd": 0.0015})
    assert page.startswith("# JD seed-1 — MLOps Engineer · Mercor")
    for expected in ("| CTC | 35–45 USD per hour |", "| experience | 2+ years |",
                     "country: India, work_mode: remote",
                     "**Case A** → MLOps Engineer (`mlops-engineer`) · confidence 0.91",
                     "| skill | ml-engineer 0.31 | mlops-engineer 0.30 | — |",
                     "| title | mlops-engineer 1.00 | — | — |",
                     "## Skills (2: 1 new, 1 primary)",
                     "| Pallas | new | secondary | new | — | Pallas \\| Triton kernels |",
                     "| JAX | ML Frameworks (tech/ml-frameworks) | catalog | active |",
                     "| new skill | Pallas | mlops-engineer | 4 | pending |",
                     "3 (title match)", "| ML Frameworks | JAX |", "| 2 | 0 | 0/0 | 0.0030 |"):
        assert expected in page, expected
    assert "## Quarantine" not in page


def test_a_quarantined_jd_says_where_it_stopped() -> None:
    jd = {**REPORT, "status": "quarantined", "case": None, "skills": [], "links": [],
          "summary": None, "quarantine": {"stage": "parse", "reason": "ValueError: x",
                                          "expectation": None, "status": "open"}}
    page = render_jd_markdown(jd, [], {})
    assert "_no role decision (the JD was not processed)_" in page
    assert "| parse | ValueError: x | — | open |" in page


def test_keys_and_samples() -> None:
    assert artifact_key("Backfill_Partitions 2026") == "backfill-partitions-2026"
    assert jd_report_key("ABCDEF0123456789ffff") == "jd-abcdef0123456789"
    ids = [f"{i:064x}" for i in range(50)]
    sample = sample_jd_ids(ids, "run-1")
    assert len(sample) == 20 and sample == sample_jd_ids(ids, "run-1")
    assert sample == [i for i in ids if i in set(sample)]  # in batch order
    assert sample_jd_ids(ids[:20], "run-1") == ids[:20]
