"""Stage 4 (classify): the decision logic on a hand-made catalog snapshot, and the Prefect task
on the real default catalog."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from jdskills.embedder import default_embedder
from jdskills.normalize import normalize_alias
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, RoleInfo
from jdskills.pipeline.responsibilities import kra_text, split_statements
from jdskills.pipeline.role_signals import role_index
from jdskills.pipeline.role_titles import title_key
from jdskills.pipeline.roles import decide_role
from jdskills.pipeline.state import JDState, SkillMatch
from jdskills.records import JDParse, JDRecord, Section, SourceMarker
from jdskills.settings import Settings

# --- a small hand-made catalog -------------------------------------------------------------
SKILLS = {1: "Python", 2: "SQL", 3: "Apache Spark", 4: "Airflow", 5: "PyTorch", 6: "MLOps",
          7: "Kubernetes", 8: "React", 9: "Terraform", 10: "Statistics"}
DIMS = {1: "data-pipelines", 2: "ml-training", 3: "model-serving", 4: "web-ui",
        5: "infrastructure-as-code", 6: "programming", 7: "analytics"}
SKILL_DIMS = {1: [6], 2: [1, 7], 3: [1], 4: [1], 5: [2], 6: [3, 2], 7: [5, 3], 8: [4],
              9: [5], 10: [7]}
ROLES = [  # slug, name, aliases, {dimension: weight}, responsibilities
    ("data-engineer", "Data Engineer", ["Big Data Engineer", "ETL Developer"],
     {1: 1.0, 6: 0.5}, ["Build and maintain batch and streaming data pipelines",
                        "Model data in the warehouse and keep ETL jobs reliable"]),
    ("ml-engineer", "Machine Learning Engineer", ["ML Engineer", "MLOps Engineer"],
     {2: 1.0, 3: 1.0, 6: 0.5}, ["Train, evaluate and deploy machine learning models",
                                "Build model training pipelines and serve models in production"]),
    ("data-scientist", "Data Scientist", [], {7: 1.0, 2: 0.5, 6: 0.5},
     ["Analyse experiments and build statistical models to answer business questions"]),
    ("frontend-engineer", "Frontend Engineer", ["Frontend Developer", "UI Engineer"],
     {4: 1.0, 6: 0.3}, ["Build accessible web user interfaces with React components"]),
    ("devops-engineer", "DevOps Engineer", ["Site Reliability Engineer"], {5: 1.0, 3: 0.5},
     ["Automate infrastructure with Terraform and run Kubernetes clusters"]),
    ("qa-engineer", "QA Engineer", ["Test Engineer"], {6: 0.3},
     ["Write automated tests and own the release quality process"]),
]


def make_snapshot() -> CatalogSnapshot:
    emb = default_embedder()
    roles = [
        RoleInfo(id=i + 1, slug=slug, name=name, archetype=None,
                 titles={normalize_alias(t): t for t in [name, *aliases]},
                 dimension_weights=dims, centroid=emb.embed(resp).mean(axis=0),
                 centroid_n=len(resp))
        for i, (slug, name, aliases, dims, resp) in enumerate(ROLES)
    ]
    skills = pd.DataFrame({"slug": [normalize_alias(n) for n in SKILLS.values()],
                           "name": list(SKILLS.values())}, index=list(SKILLS))
    aliases = pd.DataFrame({"skill_id": list(SKILLS),
                            "normalized": [normalize_alias(n) for n in SKILLS.values()]})
    dims = pd.DataFrame({"slug": list(DIMS.values()), "status": "active"}, index=list(DIMS))
    return CatalogSnapshot(version=1, skills=skills, aliases=aliases, collisions=pd.DataFrame(),
                           dimensions=dims, skill_dims=SKILL_DIMS, roles=roles)


@pytest.fixture(scope="module")
def snapshot() -> CatalogSnapshot:
    return make_snapshot()


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def skill(name: str, skill_id: int | None = None) -> SkillMatch:
    key = normalize_alias(name)
    return SkillMatch(input_term=name, normalized=key, is_primary=True, evidence=name,
                      tag="in_db" if skill_id else "new", skill_id=skill_id,
                      skill_name=SKILLS.get(skill_id or 0), matched_via="exact" if skill_id
                      else "new")


def jd(title: str, skills: list[SkillMatch], responsibilities: list[str]) -> JDState:
    body = "\n".join(f"- {r}" for r in responsibilities)
    text = f"{title}\n\nResponsibilities:\n{body}\n\nBenefits:\n- Free lunch and health cover"
    marker = SourceMarker(first_5_words="", last_5_words="")
    sections = [
        Section(heading="Responsibilities", heading_was_present=True, kind="responsibilities",
                text=body, start=text.index(body), bullet_count=len(responsibilities),
                word_count=len(body.split()), source_marker=marker),
        Section(heading="Benefits", heading_was_present=True, kind="benefits",
                text="- Free lunch and health cover", start=0, bullet_count=1, word_count=5,
                source_marker=marker),
    ]
    record = JDRecord(jd_id=f"jd-{abs(hash(text))}", source_uri="mem://", title=title, text=text)
    parse = JDParse(jd_id=record.jd_id, jd_type="pass", role=title, sections=sections)
    return JDState(record=record, parse=parse, skills=skills)


DATA_RESP = ["Build and maintain streaming data pipelines with Spark and Airflow",
             "Model data in the warehouse and keep ETL jobs reliable"]
ML_RESP = ["Train and deploy machine learning models with PyTorch",
           "Build model training pipelines and serve models in production"]
DATA_SKILLS = [skill("Apache Spark", 3), skill("Airflow", 4), skill("SQL", 2),
               skill("Python", 1), skill("dbt")]
ML_SKILLS = [skill("PyTorch", 5), skill("MLOps", 6), skill("Python", 1), skill("JAX")]


# --- title signal --------------------------------------------------------------------------
def test_seniority_and_brackets_are_stripped() -> None:
    assert title_key("Senior Data Engineer II") == "data engineer"
    assert title_key("Sr. ML Engineer (Remote, Contract)") == "ml engineer"
    assert title_key("Staff") == "staff"  # nothing left: keep the words rather than nothing


def test_senior_title_matches_its_role(snapshot: CatalogSnapshot) -> None:
    index = role_index(snapshot)
    scores, entry = index.title_scores(["Senior Data Engineer II"])
    r = [x.slug for x in index.roles].index("data-engineer")
    assert scores[r] >= 0.9
    assert index.entry_title[entry[r]] == "Data Engineer"
    assert int(np.argmax(scores)) == r


@pytest.mark.parametrize("title", ["Engineer", "Senior Engineer", "Senior", "Lead Developer"])
def test_generic_title_matches_no_role(snapshot: CatalogSnapshot, settings: Settings,
                                       title: str) -> None:
    scores, _ = role_index(snapshot).title_scores([title])
    assert (scores * 100 < settings.role_min_title_signal).all(), scores


def test_head_noun_separates_scientist_from_engineer(snapshot: CatalogSnapshot,
                                                     settings: Settings) -> None:
    index = role_index(snapshot)
    scores, _ = index.title_scores(["Data Scientist"])
    slugs = [x.slug for x in index.roles]
    assert scores[slugs.index("data-scientist")] == pytest.approx(1.0)
    assert scores[slugs.index("data-engineer")] * 100 < settings.role_min_title_signal


def test_title_part_after_a_dash_does_not_hide_the_role(snapshot: CatalogSnapshot) -> None:
    index = role_index(snapshot)
    scores, _ = index.title_scores(["Frontend Developer – Checkout (React)"])
    assert index.roles[int(np.argmax(scores))].slug == "frontend-engineer"
    assert scores.max() == pytest.approx(1.0)


# --- decisions -----------------------------------------------------------------------------
def test_case_a_when_all_signals_agree(snapshot: CatalogSnapshot, settings: Settings) -> None:
    d = decide_role(jd("Data Engineer", DATA_SKILLS, DATA_RESP), snapshot, settings)
    assert (d.case, d.role_slug, d.role_name) == ("A", "data-engineer", "Data Engineer")
    assert {h.slug for h in (d.signals["skill"][0], d.signals["title"][0], d.signals["kra"][0])} \
        == {"data-engineer"}
    assert d.signals["skill"][0].evidence == ["Apache Spark", "Airflow", "SQL", "Python"]
    assert d.signals["title"][0].evidence == ["Data Engineer"]
    assert d.confidence >= settings.role_confident
    assert d.title_alias_role_id is None


def test_case_b_vote_and_rationale(snapshot: CatalogSnapshot, settings: Settings) -> None:
    # the title names data engineer exactly; the skills and the responsibilities say ML
    d = decide_role(jd("Data Engineer", ML_SKILLS, ML_RESP), snapshot, settings)
    assert d.case == "B"
    assert d.signals["title"][0].slug == "data-engineer"
    assert d.signals["skill"][0].slug == d.signals["kra"][0].slug == "ml-engineer"
    assert d.role_slug == "data-engineer"  # an exact title outweighs partial content (0.45)
    assert "signals disagree" in d.rationale and "weighted vote" in d.rationale
    assert "title→data-engineer (1.00)" in d.rationale and "skill→ml-engineer" in d.rationale
    winner, runner_up = d.rationale.split("candidates: ")[1].split(" beats ")
    assert winner.startswith("data-engineer") and runner_up.startswith("ml-engineer")
    margin = float(runner_up.rsplit(" by ", 1)[1])
    assert margin > 0 and d.confidence < float(winner.split()[1])  # discounted by the margin
    assert d.title_alias_role_id is None


def test_content_outvotes_a_wrong_title_and_flags_the_collision(
    snapshot: CatalogSnapshot, settings: Settings
) -> None:
    # "QA Engineer" is exactly an alias of qa-engineer, but nothing else in the JD is QA
    state = jd("Senior QA Engineer", [skill("PyTorch", 5), skill("MLOps", 6), skill("JAX")],
               ML_RESP)
    d = decide_role(state, snapshot, settings)
    assert (d.case, d.role_slug) == ("B", "ml-engineer")
    qa = next(r.id for r in snapshot.roles if r.slug == "qa-engineer")
    assert d.title_alias_role_id == qa
    assert "beats qa-engineer" in d.rationale


def test_title_wins_the_vote_when_skills_are_weak(snapshot: CatalogSnapshot,
                                                  settings: Settings) -> None:
    d = decide_role(jd("Frontend Developer", [skill("Python", 1), skill("Figma"),
                                              skill("Storybook")], DATA_RESP[1:]),
                    snapshot, settings)
    assert (d.case, d.role_slug) == ("B", "frontend-engineer")
    assert d.title_alias_role_id is None


def test_case_c_for_a_nurse(snapshot: CatalogSnapshot, settings: Settings) -> None:
    state = jd("Staff Nurse – ICU", [skill("Patient Care"), skill("BLS"), skill("ACLS")],
               ["Provide direct nursing care to critically ill patients in the ICU",
                "Monitor vital signs and ventilator settings and escalate deterioration",
                "Administer medications and IV infusions safely"])
    d = decide_role(state, snapshot, settings)
    assert (d.case, d.role_id, d.role_slug) == ("C", None, None)
    assert "no signal clears its threshold" in d.rationale
    assert "Staff Nurse" in d.rationale
    assert d.confidence > 0.5
    assert d.title_alias_role_id is None


def test_confidence_bounds_and_top_k_shape(snapshot: CatalogSnapshot) -> None:
    settings = Settings(_env_file=None, role_top_k=3)  # type: ignore[call-arg]
    states = [jd("Data Engineer", DATA_SKILLS, DATA_RESP), jd("Data Engineer", ML_SKILLS, ML_RESP),
              jd("Nurse", [], ["Care for patients on the ward at night"]),
              jd("", [], []), jd("ML Engineer", ML_SKILLS * 3, ML_RESP)]
    for state in states:
        d = decide_role(state, snapshot, settings)
        assert 0.0 <= d.confidence <= 1.0
        assert set(d.signals) == {"skill", "title", "kra"}
        for hits in d.signals.values():
            assert len(hits) <= 3
            assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
            assert all(h.score > 0 for h in hits)
        assert (d.role_id is None) == (d.case == "C")
    kra_hits = decide_role(states[0], snapshot, settings).signals["kra"]
    assert len(kra_hits) == 3  # every role's centroid shares some words with the text


def test_ties_break_by_slug(snapshot: CatalogSnapshot, settings: Settings) -> None:
    # Python reaches data-engineer and data-scientist with the same weight (0.5)
    d = decide_role(jd("", [skill("Python", 1)], []), snapshot, settings)
    tied = [h.slug for h in d.signals["skill"] if h.score == d.signals["skill"][0].score]
    assert tied == sorted(tied) and len(tied) >= 2


def test_an_empty_catalog_decides_case_c(snapshot: CatalogSnapshot, settings: Settings) -> None:
    empty = CatalogSnapshot(version=2, skills=snapshot.skills, aliases=snapshot.aliases,
                            collisions=snapshot.collisions, dimensions=snapshot.dimensions,
                            skill_dims=snapshot.skill_dims, roles=[])
    d = decide_role(jd("Data Engineer", DATA_SKILLS, DATA_RESP), empty, settings)
    assert (d.case, d.role_id, d.confidence) == ("C", None, 1.0)
    assert d.signals == {"skill": [], "title": [], "kra": []}


def test_responsibility_statements_come_from_the_section() -> None:
    state = jd("Data Engineer", [], DATA_RESP + ["ok"])
    kra = kra_text(state)
    assert kra.source == "responsibilities"
    assert kra.statements == DATA_RESP  # bullets stripped, the one-word line dropped
    assert "Free lunch" not in kra.text
    bare = JDState(record=JDRecord(jd_id="x", source_uri="mem://", text="Just a text."))
    assert kra_text(bare).source == "text" and kra_text(bare).statements == []


def test_run_on_responsibilities_are_cut_at_action_verbs() -> None:
    parts = ["Design challenging tasks across MLOps and ML systems for use in model training",
             "Write accurate reference solutions covering distributed training on Spark clusters",
             "Evaluate submissions from other engineers and provide written technical feedback"]
    assert split_statements("• " + " ".join(parts)) == parts  # "Spark" is not a verb: no cut
    assert split_statements("Own the roadmap. Ship it weekly with the team.") == [
        "Own the roadmap. Ship it weekly with the team."]  # short lines stay whole


# --- the task on the real default catalog ----------------------------------------------------
SEED_SKILLS = [  # the seed run's final input skills (api3_final_role_output.json)
    "MLOps", "Machine Learning", "Distributed Training", "Training Pipelines",
    "GPU Kernel Optimization", "ML Infrastructure", "ML Systems", "JAX", "PyTorch", "Pallas",
    "Triton", "ML Framework Internals", "Distributed Systems"]
NURSE_SKILLS = ["Patient Care", "Ventilator Management", "BLS", "ACLS", "Infection Control"]


def sample_state(sample_id: str, skill_names: list[str], snapshot: CatalogSnapshot) -> JDState:
    """A JD of the bundled sample, parsed offline, its skills matched by exact alias lookup."""
    from jdskills.offline.parser import parse_jd
    from jdskills.settings import SAMPLE_BATCH_URI

    with open(SAMPLE_BATCH_URI, encoding="utf-8") as f:
        row = next(r for r in map(json.loads, f) if r["id"] == sample_id)
    record = JDRecord(jd_id=sample_id, source_uri=SAMPLE_BATCH_URI, title=row["title"],
                      company=row.get("company"), text=row["text"])
    skills = []
    for name in skill_names:
        ids = snapshot.by_normalized.get(normalize_alias(name), [])
        sid = ids[0] if ids else None
        skills.append(SkillMatch(
            input_term=name, normalized=normalize_alias(name), is_primary=True, evidence=name,
            tag="in_db" if sid else "new", skill_id=sid,
            skill_name=snapshot.skill_name(sid) if sid else None,
            matched_via="exact" if sid else "new"))
    parse = parse_jd(record.jd_id, record.text, record.title, record.company)
    return JDState(record=record, parse=parse, skills=skills)


def roles_titled(snapshot: CatalogSnapshot, title: str) -> set[int]:
    return {r.id for r in snapshot.roles if normalize_alias(title) in r.titles}


def test_classify_task_on_the_default_catalog(catalog_db_url: str, use_database,
                                              prefect_harness) -> None:
    from prefect import flow

    from jdskills.pipeline.catalog_snapshot import get_snapshot
    from jdskills.settings import get_settings
    from tasks.classify import classify_roles

    use_database(catalog_db_url)
    snapshot = get_snapshot(get_settings())
    seed = sample_state("seed-2158559ad069c5e1", SEED_SKILLS, snapshot)
    nurse = sample_state("sample-061", NURSE_SKILLS, snapshot)
    assert seed.parse is not None and seed.parse.jd_type == "pass"
    assert sum(s.tag == "in_db" for s in seed.skills) >= 3  # MLOps, JAX, PyTorch at least

    @flow
    def classify_in_a_flow(batch: list[JDState]) -> list[JDState]:
        return classify_roles(batch)

    out = classify_in_a_flow([seed, nurse])

    mlops = roles_titled(snapshot, "MLOps Engineer")
    assert len(mlops) == 1, "the catalog has one role titled MLOps Engineer"
    d = out[0].decision
    assert d is not None and out[0].outcome == "pending"
    assert d.case in ("A", "B") and d.role_id in mlops, d.rationale
    assert 0.0 < d.confidence <= 1.0
    assert d.signals["title"][0].role_id in mlops
    assert len(d.signals["kra"]) == get_settings().role_top_k
    assert d.title_alias_role_id is None
    assert any(s.startswith("Write accurate, well-structured reference solutions")
               for s in out[0].responsibilities)
    n = out[1].decision
    assert n is not None and (n.case, n.role_id) == ("C", None), n.rationale
