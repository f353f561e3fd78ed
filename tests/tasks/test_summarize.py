"""Stage 7 (summarize): nature of work, tech maturity, AI index and role-scoped skill
clusters, on a hand-made catalog snapshot (rules) and the real default catalog (the task)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from prefect import flow

from jdskills.normalize import normalize_alias
from jdskills.offline.summary import SkillFacts, tech_maturity
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, RoleInfo, get_snapshot
from jdskills.pipeline.state import Decision, JDState, Link, SkillMatch
from jdskills.records import JDRecord
from jdskills.settings import PROJECT_ROOT
from tasks.summarize import summarize_jd, summarize_jds

SKILLS = {1: ("JAX", "Artificial Intelligence and Machine Learning (AI/ML)", [2]),
          2: ("PyTorch", "Artificial Intelligence and Machine Learning (AI/ML)", [2]),
          3: ("MLOps", "Artificial Intelligence and Machine Learning (AI/ML)", [3, 2]),
          4: ("GPU Kernel Optimization", "Computer Hardware", [1]),
          5: ("Patient Assessment", "Nursing", [4]), 6: ("Medication Administration",
                                                         "Nursing", [4]),
          7: ("Electronic Medical Record", "Health Information Management", [5]),
          8: ("Python", "Scripting Languages", [6])}
DIMENSIONS = {1: ("gpu-programming", "GPU & Accelerator Programming"),
              2: ("deep-learning-frameworks", "Deep Learning Frameworks"),
              3: ("mlops", "MLOps & Model Deployment"), 4: ("patient-care", "Patient Care"),
              5: ("health-records", "Health Records"), 6: ("programming", "Programming")}
ROLES = [(1, "ml-engineer", "ML Engineer", {2: 1.0, 3: 0.9, 1: 0.6, 6: 0.3}),
         (2, "icu-nurse", "ICU Nurse", {4: 1.0})]


def make_snapshot() -> CatalogSnapshot:
    ids = list(SKILLS)
    skills = pd.DataFrame({"slug": [normalize_alias(SKILLS[i][0]) for i in ids],
                           "name": [SKILLS[i][0] for i in ids], "nature": "hard",
                           "category": "x", "sub_category": [SKILLS[i][1] for i in ids]},
                          index=ids)
    dims = pd.DataFrame({"slug": [d[0] for d in DIMENSIONS.values()],
                         "name": [d[1] for d in DIMENSIONS.values()], "description": "",
                         "status": "active"}, index=list(DIMENSIONS))
    roles = [RoleInfo(id=i, slug=slug, name=name, archetype=None, titles={},
                      dimension_weights=weights, centroid=np.zeros(4, np.float32), centroid_n=1)
             for i, slug, name, weights in ROLES]
    return CatalogSnapshot(version=1, skills=skills, aliases=pd.DataFrame(),
                           collisions=pd.DataFrame(), dimensions=dims,
                           skill_dims={i: SKILLS[i][2] for i in ids}, roles=roles)


@pytest.fixture(scope="module")
def snapshot() -> CatalogSnapshot:
    return make_snapshot()


def sample(jd_id: str) -> JDRecord:
    for line in (PROJECT_ROOT / "jdskills" / "data" / "sample" / "jds.jsonl").open():
        raw = json.loads(line)
        if raw["id"] == jd_id:
            return JDRecord(jd_id=jd_id, source_uri="mem://", title=raw["title"],
                            text=raw["text"])
    raise LookupError(jd_id)


def match(term: str, skill_id: int | None, primary: bool) -> SkillMatch:
    name = SKILLS[skill_id][0] if skill_id else None
    return SkillMatch(input_term=term, normalized=normalize_alias(name or term),
                      is_primary=primary, evidence=term, tag="in_db" if skill_id else "new",
                      skill_id=skill_id, skill_name=name,
                      matched_via="exact" if skill_id else "new")


def decided(role_id: int, slug: str) -> Decision:
    return Decision(case="A", role_id=role_id, role_slug=slug, role_name=slug, confidence=0.9,
                    signals={}, rationale="test")


def seed_state(role: bool = True) -> JDState:
    skills = [match("MLOps", 3, True), match("JAX", 1, True), match("Py Torch", 2, True),
              match("custom GPU kernels", 4, False), match("Pallas", None, False),
              match("Triton", None, False), match("ML Framework Internals", None, False),
              match("Python", 8, False)]
    links = [Link(skill_normalized="pallas", dimension_slug="gpu-programming", via="placement"),
             Link(skill_normalized="triton", dimension_slug="gpu-programming", via="placement"),
             Link(skill_normalized="ml framework internals",
                  dimension_slug="pending/ml-framework-internals", via="placement")]
    return JDState(record=sample("seed-2158559ad069c5e1"), skills=skills, links=links,
                   decision=decided(1, "ml-engineer") if role else None)


def nurse_state() -> JDState:
    skills = [match("nursing care", 5, True), match("medications", 6, True),
              match("electronic medical record", 7, False)]
    return JDState(record=sample("sample-061"), skills=skills, decision=decided(2, "icu-nurse"))


# --- the seed JD and a nurse ---------------------------------------------------------------
def test_seed_jd_is_an_ai_job_of_evaluation_and_content(snapshot) -> None:
    state = seed_state()
    summary = summarize_jd(state, snapshot)
    flags = summary["ai_flags"]
    assert flags["title_match"] and flags["ai_skill_primary"] and flags["ai_team"]
    assert flags["builds_ai_products"]  # "help train the next generation of large language
    assert summary["ai_index"] == sum(flags.values()) >= 4  # models"
    nature = summary["nature_of_work"]
    assert nature["label"] == "Evaluation & content creation"
    assert nature["evidence"] and nature["evidence"] in state.record.text
    assert summary["tech_maturity"]["label"] == "cutting-edge"
    assert "pallas" in summary["tech_maturity"]["reasoning"]


def test_nurse_jd_has_ai_index_zero(snapshot) -> None:
    state = nurse_state()
    summary = summarize_jd(state, snapshot)
    assert summary["ai_index"] == 0
    assert not any(summary["ai_flags"].values())
    assert summary["nature_of_work"]["label"] == "Patient & client care"
    assert summary["nature_of_work"]["evidence"] in state.record.text
    assert summary["tech_maturity"]["label"] == "established"
    assert summary["clusters"][0] == {"dimension": "patient-care", "name": "Patient Care",
                                      "skills": ["Patient Assessment",
                                                 "Medication Administration"]}
    assert summary["clusters"][-1]["skills"] == ["Electronic Medical Record"]


# --- clusters ------------------------------------------------------------------------------
def test_clusters_follow_the_chosen_roles_dimensions(snapshot) -> None:
    clusters = summarize_jd(seed_state(), snapshot)["clusters"]
    by_slug = {c["dimension"]: c["skills"] for c in clusters}
    assert [c["dimension"] for c in clusters] == [
        "deep-learning-frameworks", "mlops", "gpu-programming", "programming", "cross-cutting"]
    assert by_slug["deep-learning-frameworks"] == ["JAX", "PyTorch"]
    assert by_slug["mlops"] == ["MLOps"]  # its first dimension, also the role's heavier one
    assert by_slug["gpu-programming"] == ["GPU Kernel Optimization", "Pallas", "Triton"]
    assert by_slug["cross-cutting"] == ["ML Framework Internals"]  # pending placement
    names = [s for c in clusters for s in c["skills"]]
    assert len(names) == len(set(names)) == 8  # every skill exactly once


def test_without_a_role_every_skill_is_cross_cutting(snapshot) -> None:
    clusters = summarize_jd(seed_state(role=False), snapshot)["clusters"]
    assert len(clusters) == 1 and clusters[0]["dimension"] == "cross-cutting"
    assert len(clusters[0]["skills"]) == 8


# --- tech maturity -------------------------------------------------------------------------
def facts(*names: str, new: int = 0) -> list[SkillFacts]:
    return [SkillFacts(name=n, is_primary=True, is_new=i < new) for i, n in enumerate(names)]


@pytest.mark.parametrize(("names", "label"), [
    (("COBOL", "JCL", "CICS", "DB2"), "legacy"),
    (("Kubernetes", "Terraform", "Go", "PostgreSQL"), "modern"),
    (("Java", "SQL", "Spring", "Oracle"), "established"),
    (("LangChain", "Pinecone", "Python"), "cutting-edge"),
])
def test_tech_maturity_labels(names: tuple[str, ...], label: str) -> None:
    result = tech_maturity(facts(*names), "")
    assert result["label"] == label
    assert result["reasoning"].lower().startswith(label)


def test_ordinary_words_in_the_text_do_not_make_a_stack_modern() -> None:
    text = "Go the extra mile; rust-free equipment; spring rota; a modern EHR."
    assert tech_maturity(facts("Patient Assessment"), text)["label"] == "established"


# --- the Prefect task on the real catalog ----------------------------------------------------
@flow
def summarize_in_a_flow(batch: list[JDState]) -> list[JDState]:
    return summarize_jds(batch)


def test_summarize_task_on_the_default_catalog(catalog_db_url, use_database,
                                               prefect_harness) -> None:
    use_database(catalog_db_url)
    snap = get_snapshot()
    seed, nurse = seed_state(role=False), nurse_state()
    nurse.decision = None
    for state in (seed, nurse):  # the catalog's own ids for the known skills
        for s in state.skills:
            ids = snap.by_normalized.get(s.normalized) or snap.by_normalized.get(
                normalize_alias(s.input_term))
            s.skill_id = ids[0] if ids else None
            s.tag = "in_db" if ids else "new"
    quarantined = JDState(record=sample("sample-062"))
    quarantined.quarantine("parse", "test")
    out = summarize_in_a_flow([seed, nurse, quarantined])
    assert out[0].summary is not None and out[0].summary["ai_index"] >= 4
    assert out[1].summary is not None and out[1].summary["ai_index"] == 0
    assert out[2].summary is None and out[2].outcome == "quarantined"
    assert re.search(r"\w", out[0].summary["nature_of_work"]["summary"])
