"""Stage 5 (enrich): offline enrichment and placement of new skills, on a hand-made catalog
snapshot (logic) and the real default catalog (the Prefect task), both with a real Postgres
for the lookup of skills enriched by earlier batches."""

from __future__ import annotations

import json
import re

import pandas as pd
import psycopg
import pytest
from prefect import flow

from jdskills.normalize import normalize_alias, squash_alias
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, get_snapshot
from jdskills.pipeline.state import JDState, SkillMatch
from jdskills.records import JDRecord
from jdskills.settings import PROJECT_ROOT, Settings, get_settings
from tasks.enrich import enrich_batch, enrich_new_skills

# --- a small hand-made catalog -------------------------------------------------------------
IT, AIML = "Information Technology", "Artificial Intelligence and Machine Learning (AI/ML)"
SKILLS = {  # id: name, sub_category, nature, dimension ids
    1: ("JAX", AIML, "tool", [2]), 2: ("PyTorch", AIML, "tool", [2]),
    3: ("TensorFlow", AIML, "tool", [2]), 4: ("Nvidia CUDA", "Computer Hardware", "hard", [1]),
    5: ("OpenCL", "Computer Hardware", "hard", [1]),
    6: ("GPU Kernel Optimization", "Computer Hardware", "hard", [1]),
    7: ("React", "Web Design and Development", "tool", [3]),
    8: ("JavaScript", "JavaScript and jQuery", "hard", [3]),
    9: ("Machine Learning", AIML, "hard", [2]), 10: ("MLOps", AIML, "hard", [4]),
    11: ("Triton Inference Server", AIML, "tool", [4]),
    12: ("Patient Assessment", "Nursing", "hard", [5]),
    13: ("Kubernetes", "Cloud Computing", "tool", [6]),
}
DIMENSIONS = {  # id: slug, name, description
    1: ("gpu-programming", "GPU Programming and Acceleration",
        "Writing and optimising GPU and accelerator kernels: CUDA, OpenCL, custom GPU kernels, "
        "kernel fusion, memory coalescing, TPU and GPU performance tuning."),
    2: ("ml-frameworks", "Machine Learning Frameworks",
        "Deep learning libraries for building and training models: PyTorch, TensorFlow, JAX."),
    3: ("react-frontend-development", "React Frontend Development",
        "Building interactive web user interfaces with React.js: components, state, hooks."),
    4: ("model-deployment", "Model Deployment and Serving",
        "Serving trained models in production: inference servers, rollouts, MLOps pipelines."),
    5: ("patient-care", "Patient Care",
        "Clinical nursing care of patients: assessment, medication administration, care plans."),
    6: ("container-orchestration", "Container Orchestration",
        "Running containers at scale: Kubernetes clusters, scheduling, service meshes."),
}


def make_snapshot() -> CatalogSnapshot:
    ids = list(SKILLS)
    names = [SKILLS[i][0] for i in ids]
    skills = pd.DataFrame({"slug": [normalize_alias(n).replace(" ", "-") for n in names],
                           "name": names, "nature": [SKILLS[i][2] for i in ids],
                           "category": IT, "sub_category": [SKILLS[i][1] for i in ids]},
                          index=ids)
    aliases = pd.DataFrame({"skill_id": ids, "alias": names,
                            "normalized": [normalize_alias(n) for n in names],
                            "squashed": [squash_alias(n) for n in names]})
    dims = pd.DataFrame({"slug": [d[0] for d in DIMENSIONS.values()],
                         "name": [d[1] for d in DIMENSIONS.values()],
                         "description": [d[2] for d in DIMENSIONS.values()],
                         "status": "active"}, index=list(DIMENSIONS))
    return CatalogSnapshot(version=1, skills=skills, aliases=aliases, collisions=pd.DataFrame(),
                           dimensions=dims, skill_dims={i: SKILLS[i][3] for i in ids}, roles=[])


@pytest.fixture(scope="module")
def snapshot() -> CatalogSnapshot:
    return make_snapshot()


@pytest.fixture
def settings(migrated_db: str) -> Settings:
    """Settings pointing at an empty, migrated database (no pending skill stored yet)."""
    return get_settings()


def seed_record() -> JDRecord:
    line = (PROJECT_ROOT / "jdskills" / "data" / "sample" / "jds.jsonl").open().readline()
    raw = json.loads(line)
    return JDRecord(jd_id="seed", source_uri="mem://seed", title=raw["title"], text=raw["text"])


def match(text: str, term: str, skill_id: int | None = None, primary: bool = True
          ) -> SkillMatch:
    """A stage-3 result for ``term``, with the sentence it first appears in as evidence."""
    m = re.search(re.escape(term), text, re.IGNORECASE)
    assert m is not None, term
    lo = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    hi = min([i for i in (text.find(".", m.end()), text.find("\n", m.end())) if i >= 0]
             or [len(text)])
    name = SKILLS[skill_id][0] if skill_id else None
    return SkillMatch(input_term=term, normalized=normalize_alias(name or term),
                      is_primary=primary, evidence=text[lo:hi].strip(), start=m.start(),
                      end=m.end(), tag="in_db" if skill_id else "new", skill_id=skill_id,
                      skill_name=name, matched_via="exact" if skill_id else "new")


SEED_KNOWN = [("MLOps", 10), ("JAX", 1), ("Py Torch", 2),
              ("custom GPU kernels", 6)]
SEED_NEW = ["Distributed Training", "Training Pipelines", "ML Infrastructure", "ML Systems",
            "Pallas", "Triton", "ML Framework Internals", "Distributed Systems"]


def seed_state(jd_id: str = "seed") -> JDState:
    record = seed_record().model_copy(update={"jd_id": jd_id})
    skills = [match(record.text, t, sid) for t, sid in SEED_KNOWN]
    skills += [match(record.text, t, primary=False) for t in SEED_NEW]
    return JDState(record=record, skills=skills)


def jd(jd_id: str, text: str, known: list[tuple[str, int]], new: list[str]) -> JDState:
    record = JDRecord(jd_id=jd_id, source_uri="mem://", title="Engineer", text=text)
    skills = [match(text, t, sid) for t, sid in known] + [match(text, t) for t in new]
    return JDState(record=record, skills=skills)


# --- once per name --------------------------------------------------------------------------
def test_fifty_jds_with_one_new_skill_give_one_enrichment(snapshot, settings) -> None:
    batch = [jd(f"jd-{i}", f"Job {i}. Write custom GPU kernels with Pallas and JAX.",
                [("custom GPU kernels", 6), ("JAX", 1)], ["Pallas"]) for i in range(50)]
    out = enrich_batch(batch, snapshot, settings)
    assert list(out) == ["pallas"]
    assert out["pallas"].fields["mentions"]["jds"] == 50
    assert out["pallas"].fields["evidence"] == ["Write custom GPU kernels with Pallas and JAX"]
    assert out["pallas"].cached is False
    assert all(s.active for s in batch)


def store_pending_skill(url: str, name: str, enrichment: dict) -> int:
    """A pending skill as an earlier run left it: the row, its canonical alias, its JSON."""
    with psycopg.connect(url) as conn:
        skill_id = conn.execute(
            "INSERT INTO skill (slug, name, enrichment, status, source) "
            "VALUES (%s, %s, %s, 'pending', 'offline') RETURNING id",
            (normalize_alias(name).replace(" ", "-"), name, json.dumps(enrichment)),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type, "
            "match_strategy, source) VALUES (%s, %s, %s, %s, 'canonical', 'exact', 'pipeline')",
            (skill_id, name, normalize_alias(name), squash_alias(name)))
    return skill_id


SENTINEL_PLACEMENT = {"normalized": "pallas", "name": "Pallas",
                      "dimension_slug": "pending/sentinel", "dimension_name": "Sentinel",
                      "reused": False, "score": 0.123, "nearest": []}


@pytest.mark.parametrize("shape", ["persisted-fields", "enrichment-dump"])
def test_a_stored_pending_skill_is_reused_not_recomputed(snapshot, settings, migrated_db,
                                                         shape) -> None:
    fields = {"category": "Sentinel Category", "provenance": "offline-nearest-neighbours"}
    stored = ({**fields, "placement": SENTINEL_PLACEMENT} if shape == "persisted-fields" else
              {"normalized": "pallas", "name": "Pallas", "fields": fields,
               "placement": SENTINEL_PLACEMENT, "source": "offline"})
    skill_id = store_pending_skill(migrated_db, "Pallas", stored)
    batch = [jd("a", "Write custom GPU kernels with Pallas and Mosaic GPU.",
                [("custom GPU kernels", 6)], ["Pallas", "Mosaic GPU"])]
    out = enrich_batch(batch, snapshot, settings)
    assert out["pallas"].cached is True
    assert out["pallas"].fields["category"] == "Sentinel Category"  # stored, not inferred
    assert out["pallas"].fields["skill_id"] == skill_id
    assert out["pallas"].placement.dimension_slug == "pending/sentinel"
    assert out["mosaic gpu"].cached is False  # the same query left the other name to infer
    assert out["mosaic gpu"].fields["provenance"] == "offline-nearest-neighbours"


def test_what_persist_stores_comes_back_cached(snapshot, settings, migrated_db) -> None:
    """The contract with the persist stage, end to end: enrich, store as persist does,
    enrich again -> the same enrichment and placement, cached."""
    from collections import Counter

    from jdskills.pipeline import writes

    first = enrich_batch([seed_state()], snapshot, settings)
    with psycopg.connect(migrated_db) as conn:
        writes.upsert_pending_skills(conn, first, Counter())
    second = enrich_batch([seed_state("seed-again")], snapshot, settings)
    assert set(second) == set(first)
    assert all(e.cached for e in second.values())
    for name, e in second.items():
        assert e.placement == first[name].placement
        assert e.fields["context_keywords"] == first[name].fields["context_keywords"]


def test_persist_stores_each_pending_dimension_once_counting_every_placement(
        snapshot, settings, migrated_db) -> None:
    """Placements sharing a pending slug in one batch make one dimension (exemplars merged)
    and one review row counting each of them; a second batch counts on."""
    from collections import Counter

    from jdskills.pipeline import writes

    out = enrich_batch([seed_state()], snapshot, settings)
    pending = [e for e in out.values() if not e.placement.reused]
    by_slug = Counter(e.placement.dimension_slug for e in pending)
    shared = out["ml systems"].placement.dimension_slug
    assert by_slug[shared] >= 2
    counts: Counter[str] = Counter()
    with psycopg.connect(migrated_db) as conn:
        writes.upsert_pending_dimensions(conn, out, counts)
        writes.upsert_pending_dimensions(conn, {"ml systems": out["ml systems"]}, counts)
        rows = dict(conn.execute(
            "SELECT d.slug, q.occurrences FROM dimension d JOIN review_new_dimension q "
            "ON q.dimension_id = d.id WHERE d.status = 'pending'").fetchall())
        exemplars = conn.execute("SELECT exemplars FROM dimension WHERE slug = %s",
                                 (shared,)).fetchone()[0]
    assert counts["new_dimensions"] == len(by_slug)
    assert rows == {slug: n + (slug == shared) for slug, n in by_slug.items()}
    assert {"ML Infrastructure", "ML Systems"} <= set(exemplars)


# --- placement ------------------------------------------------------------------------------
CATALOG_SLUGS = {d[0] for d in DIMENSIONS.values()}


def test_a_genuinely_close_catalog_dimension_is_reused(snapshot, settings) -> None:
    batch = [jd("a", "Tune Nvidia CUDA and OpenCL kernels with Warp Specialization for GPU "
                "performance.", [("Nvidia CUDA", 4), ("OpenCL", 5)], ["Warp Specialization"])]
    placement = enrich_batch(batch, snapshot, settings)["warp specialization"].placement
    assert placement.reused is True
    assert placement.dimension_slug == "gpu-programming"
    assert placement.score >= settings.dimension_reuse_threshold


def test_a_skill_without_a_close_dimension_gets_a_namespaced_pending_one(snapshot,
                                                                           settings) -> None:
    batch = [jd("a", "Hobbies such as underwater basket weaving are welcome.", [],
                ["underwater basket weaving"]),
             jd("b", "You will own the Patient Care rota.", [], ["Patient Care"])]
    out = enrich_batch(batch, snapshot, settings)
    for e in out.values():
        p = e.placement
        assert p.reused is False
        assert p.dimension_slug.startswith("pending/")
        assert p.dimension_slug not in CATALOG_SLUGS
        assert p.score < settings.dimension_reuse_threshold
    # named like the catalog dimension "patient-care", it still cannot take its key
    assert out["patient care"].placement.dimension_slug == "pending/patient-care"
    proposal = out["underwater basket weaving"].fields["proposed_dimension"]
    assert proposal["slug"] == out["underwater basket weaving"].placement.dimension_slug
    assert proposal["exemplars"] == ["underwater basket weaving"]
    assert 1 <= len(proposal["review_log"]["keep_merge"]) <= 3
    assert all(x["score"] < settings.dimension_reuse_threshold
               for x in proposal["review_log"]["keep_merge"])


def test_new_skills_that_belong_together_share_one_pending_dimension(snapshot,
                                                                     settings) -> None:
    out = enrich_batch([seed_state()], snapshot, settings)
    infra, systems = out["ml infrastructure"].placement, out["ml systems"].placement
    assert infra.reused is False
    assert infra.dimension_slug == systems.dimension_slug
    assert infra.dimension_slug.startswith("pending/")
    exemplars = out["ml systems"].fields["proposed_dimension"]["exemplars"]
    assert {"ML Infrastructure", "ML Systems"} <= set(exemplars)


def test_gpu_kernel_skills_land_near_gpu_work_never_in_frontend(snapshot, settings) -> None:
    out = enrich_batch([seed_state()], snapshot, settings)
    for name in ("pallas", "triton"):
        assert out[name].placement.dimension_slug == "gpu-programming"
        assert out[name].placement.reused is True
    for e in out.values():
        assert e.placement.dimension_slug != "react-frontend-development"
        if e.placement.reused:
            assert e.placement.dimension_slug in CATALOG_SLUGS
        else:
            assert e.placement.dimension_slug.startswith("pending/")


# --- fields -------------------------------------------------------------------------------
def test_enrichment_invents_no_facts_and_is_marked_inferred(snapshot, settings) -> None:
    out = enrich_batch([seed_state()], snapshot, settings)
    assert set(out) == {normalize_alias(n) for n in SEED_NEW}
    for e in out.values():
        f = e.fields
        assert (f["vendor"], f["licence"], f["year"]) == (None, None, None)
        assert f["provenance"] == "offline-nearest-neighbours"
        assert f["confidence"] <= 0.5 and f["maturity"]["confidence"] <= 0.5
        assert all(c <= 0.5 for c in f["field_confidence"].values())
        assert 0 < len(f["context_keywords"]) <= 15
        assert e.source == "offline" and e.cached is False
    pallas, triton = out["pallas"].fields, out["triton"].fields
    assert pallas["sub_category"] == AIML  # voted by JAX and PyTorch in its sentences
    assert [r["name"] for r in pallas["relationships"]["parent"]] == ["JAX"]  # "Pallas (JAX)"
    assert {"JAX", "PyTorch"} <= {r["name"] for r in pallas["relationships"]["related_to"]}
    assert triton["ambiguity"]["flag"] is True
    assert triton["ambiguity"]["confused_with"] == ["Triton Inference Server"]
    assert pallas["ambiguity"]["flag"] is False
    assert pallas["maturity"]["level"] == "emerging"


def test_quarantined_jds_are_not_enriched(snapshot, settings) -> None:
    state = seed_state()
    state.quarantine("match", "broken")
    assert enrich_batch([state], snapshot, settings) == {}


# --- the Prefect task on the real default catalog --------------------------------------------
GPU = "tech/gpu-accelerator-programming"


@flow
def enrich_in_a_flow(batch: list[JDState]) -> tuple[list[JDState], dict]:
    return enrich_new_skills(batch)


def catalog_match(snap: CatalogSnapshot, text: str, term: str) -> SkillMatch:
    ids = (snap.by_normalized.get(normalize_alias(term))
           or snap.by_squashed.get(squash_alias(term)))
    assert ids, f"{term!r} is not in the default catalog"
    found = match(text, term)
    return found.model_copy(update={"tag": "in_db", "skill_id": ids[0], "matched_via": "exact",
                                    "skill_name": snap.skill_name(ids[0]),
                                    "normalized": normalize_alias(snap.skill_name(ids[0]))})


def test_enrich_task_places_pallas_and_triton_with_gpu_work(catalog_db_url, use_database,
                                                            prefect_harness) -> None:
    use_database(catalog_db_url)
    snap = get_snapshot()
    record = seed_record()
    known = ["MLOps", "JAX", "Py Torch", "custom GPU kernels", "large language models"]
    state = JDState(record=record, skills=[
        *(catalog_match(snap, record.text, t) for t in known),
        *(match(record.text, t, primary=False) for t in ("Pallas", "Triton",
                                                         "ML framework internals"))])
    batch, out = enrich_in_a_flow([state])
    assert batch == [state] and state.active
    assert set(out) == {"pallas", "triton", "ml framework internals"}
    catalog_slugs = set(snap.active_dimensions["slug"])
    assert GPU in catalog_slugs
    for name in ("pallas", "triton"):
        placement = out[name].placement
        assert (placement.dimension_slug, placement.reused) == (GPU, True)
        assert placement.score >= get_settings().dimension_reuse_threshold
    for e in out.values():
        assert e.fields["vendor"] is None and e.fields["year"] is None
        assert "frontend" not in e.placement.dimension_slug
        if not e.placement.reused:
            assert e.placement.dimension_slug.startswith("pending/")
            assert e.placement.dimension_slug not in catalog_slugs


def test_relations_weigh_purpose_above_list_above_sentence() -> None:
    from jdskills.offline.enrich.mentions import LIST, PURPOSE, SENTENCE, relations

    window = "Experience writing or optimizing custom GPU kernels with Pallas (JAX) or Triton"
    known = {1: {"custom gpu kernels"}, 2: {"jax"}, 3: {"writing"}, 4: {"react"}}
    assert dict(relations(window, {"pallas"}, known)) == {1: PURPOSE, 2: LIST, 3: SENTENCE}
    # Triton is listed with Pallas across "(JAX) or": a list peer, not the kernels' tool
    peers = {**known, "pallas": {"pallas"}}
    assert dict(relations(window, {"triton"}, peers))["pallas"] == LIST


# --- the LLM backend, through the local OpenAI-compatible server --------------------------
@pytest.fixture(scope="module")
def llm_server():
    from llm_server import LLMServer

    server = LLMServer().start()
    yield server
    server.stop()


def llm_settings(settings: Settings, server) -> Settings:
    from llm_server import TEST_API_KEY
    from pydantic import SecretStr

    return settings.model_copy(update={
        "backend": "llm", "openai_api_key": SecretStr(TEST_API_KEY), "openai_base_url": server.url,
        "llm_max_attempts": 2, "llm_backoff_initial_s": 0.01, "llm_backoff_max_s": 0.02})


def enrich_requests(server, skill: str) -> list[dict]:
    return [r for r in server.requests
            if r["response_format"]["json_schema"]["name"] == "EnrichmentOutput"
            and f"Skill: {skill}\n" in r["messages"][1]["content"]]


def test_llm_mode_one_call_per_new_skill_and_offline_fallback(snapshot, settings,
                                                               llm_server) -> None:
    s = llm_settings(settings, llm_server)
    llm_server.reset()
    llm_server.inject("500", "500", match="Skill: Mosaic GPU")  # both attempts fail
    batch = [jd(f"jd-{i}", f"Job {i}. Write custom GPU kernels with Pallas and JAX, and "
                "tune them with Mosaic GPU.", [("custom GPU kernels", 6), ("JAX", 1)],
                ["Pallas", "Mosaic GPU"]) for i in range(50)]
    out = enrich_batch(batch, snapshot, s, "run-llm-enrich")
    assert set(out) == {"pallas", "mosaic gpu"}
    assert len(enrich_requests(llm_server, "Pallas")) == 1  # 50 JDs, one call
    [asked] = enrich_requests(llm_server, "Pallas")
    user = asked["messages"][1]["content"]
    assert "JAX" in user.split("Also seen with:")[1].splitlines()[0]  # co-mentioned
    allowed = asked["response_format"]["json_schema"]["schema"]["$defs"]["PlacementOut"][
        "properties"]["dimension_slug"]["enum"]
    assert "gpu-programming" in allowed and "new" in allowed  # the offline nearest
    assert not any(a.startswith("pending/") for a in allowed)
    pallas = out["pallas"]
    assert pallas.source == "llm" and pallas.fields["provenance"] == "llm"
    assert 0 <= pallas.fields["confidence"] <= 1
    assert pallas.placement.dimension_slug in set(allowed) - {"new"} \
        or pallas.placement.dimension_slug.startswith("pending/")
    mosaic = out["mosaic gpu"]  # its call failed: inferred offline, and it says so
    assert mosaic.source == "offline"
    assert mosaic.fields["provenance"] == "offline-nearest-neighbours"
    assert mosaic.fields["confidence"] <= 0.5 and "llm_fallback" in mosaic.fields
    assert all(state.active for state in batch)  # nobody quarantined for it
    with psycopg.connect(s.database_url.replace("+psycopg", "")) as conn:  # type: ignore[union-attr]
        rows = conn.execute("SELECT stage, error IS NOT NULL FROM llm_call WHERE run_id = %s "
                            "ORDER BY id", ("run-llm-enrich",)).fetchall()
    assert sorted(rows) == [("enrich", False), ("enrich", True)]


def test_llm_mode_skips_skills_stored_by_an_earlier_run(snapshot, settings, migrated_db,
                                                        llm_server) -> None:
    s = llm_settings(settings, llm_server)
    store_pending_skill(migrated_db, "Pallas", {"placement": SENTINEL_PLACEMENT,
                                                "provenance": "llm"})
    llm_server.reset()
    batch = [jd("a", "Write custom GPU kernels with Pallas and JAX.",
                [("custom GPU kernels", 6), ("JAX", 1)], ["Pallas"])]
    out = enrich_batch(batch, snapshot, s, "run-stored")
    assert out["pallas"].cached is True and out["pallas"].source == "llm"
    assert llm_server.counts["chat"] == 0
