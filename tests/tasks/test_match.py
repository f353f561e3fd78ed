"""Stage 3 on a small hand-made catalog: exact → squashed → fuzzy → semantic → new."""

from __future__ import annotations

import pandas as pd
import pytest

from jdskills.normalize import normalize_alias, squash_alias
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot
from jdskills.pipeline.state import JDState
from jdskills.records import ExtractedSkill, JDRecord
from jdskills.settings import Settings
from tasks.match import _match_jd, _shortlists, resolve_names

SKILLS = {1: "PyTorch", 2: "Kubernetes", 3: "Apache Airflow", 4: "Machine Learning",
          5: "Triton Inference Server"}
ALIASES = [(1, "PyTorch"), (1, "PyTorch (Machine Learning Library)"), (2, "Kubernetes"),
           (2, "k8s"), (3, "Apache Airflow"), (3, "Airflow"), (4, "Machine Learning"),
           (5, "Triton Inference Server")]


@pytest.fixture(scope="module")
def snapshot() -> CatalogSnapshot:
    skills = pd.DataFrame({"slug": [normalize_alias(n) for n in SKILLS.values()],
                           "name": list(SKILLS.values())}, index=list(SKILLS))
    aliases = pd.DataFrame({"skill_id": [a[0] for a in ALIASES],
                            "alias": [a[1] for a in ALIASES],
                            "normalized": [normalize_alias(a[1]) for a in ALIASES],
                            "squashed": [squash_alias(a[1]) for a in ALIASES]})
    return CatalogSnapshot(version=1, skills=skills, aliases=aliases, collisions=pd.DataFrame(),
                           dimensions=pd.DataFrame(), skill_dims={}, roles=[])


def state(*names: str) -> JDState:
    s = JDState(record=JDRecord(jd_id="j1", source_uri="mem", text=" ".join(names)))
    s.extracted = [ExtractedSkill(name=n, is_primary=i == 0, evidence=n)
                   for i, n in enumerate(names)]
    return s


def matched(snapshot: CatalogSnapshot, *names: str) -> dict[str, tuple[str, int | None]]:
    s = state(*names)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    pending = [normalize_alias(n) for n in names]
    resolved = resolve_names(pending, snapshot, settings)
    _match_jd(s, snapshot, {**resolved})
    return {m.input_term: (m.matched_via, m.skill_id) for m in s.skills}


def test_each_tier(snapshot: CatalogSnapshot) -> None:
    got = matched(snapshot, "Kubernetes", "Py Torch", "Pallas")
    assert got["Kubernetes"] == ("exact", 2)
    assert got["Py Torch"] == ("squash", 1)
    assert got["Pallas"] == ("new", None)
    assert matched(snapshot, "Kubernetess")["Kubernetess"] == ("fuzzy", 2)


def test_a_short_name_is_not_pulled_onto_a_longer_skill(snapshot: CatalogSnapshot) -> None:
    assert matched(snapshot, "Triton")["Triton"] == ("new", None)


def test_two_surface_forms_of_one_skill_make_one_row(snapshot: CatalogSnapshot) -> None:
    s = state("k8s", "Kubernetes")
    resolved = resolve_names([], snapshot, Settings(_env_file=None))  # type: ignore[call-arg]
    _match_jd(s, snapshot, resolved)
    assert len(s.skills) == 1
    assert s.skills[0].skill_id == 2 and s.skills[0].count == 2 and s.skills[0].is_primary


def test_fuzzy_candidates_are_recorded(snapshot: CatalogSnapshot) -> None:
    s = state("Airfloww")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    _match_jd(s, snapshot, resolve_names(["airfloww"], snapshot, settings))
    m = s.skills[0]
    assert m.matched_via == "fuzzy" and m.skill_id == 3
    assert m.candidates and m.candidates[0]["alias"] == "airflow"
    assert m.persist_alias is (m.score >= settings.alias_persist_threshold)


def test_semantic_shortlist_ranks_only_skills_sharing_a_feature_ties_in_catalog_order() -> None:
    skills = {10: "Data Pipelines", 11: "Data Pipelines", 12: "Data Pipeline Design",
              13: "Zzz"}
    snap = CatalogSnapshot(version=1, skills=pd.DataFrame(
        {"slug": [f"s{i}" for i in skills], "name": list(skills.values())},
        index=list(skills)), aliases=pd.DataFrame(columns=["skill_id", "normalized"]),
        collisions=pd.DataFrame(), dimensions=pd.DataFrame(), skill_dims={}, roles=[])
    shortlist = _shortlists(["data pipelines", "qqqq"], snap, 3)
    ranked = [sid for sid, _ in shortlist["data pipelines"]]
    assert ranked[:2] == [10, 11] and ranked[2] == 12  # equal cosines: catalog order
    scores = [score for _, score in shortlist["data pipelines"]]
    assert scores[0] == pytest.approx(1.0) and scores[0] == scores[1] > scores[2] > 0
    assert shortlist["qqqq"] == []  # no shared n-gram: no zero-cosine filler
