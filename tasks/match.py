"""Stage 3 — match: extracted skill names → catalog skills.

Order: exact normalised alias → squashed alias ("py torch" = "pytorch") → fuzzy alias
(rapidfuzz) → semantic (hashed n-gram vectors) → new. Gazetteer hits already carry their
catalog id and count as exact. A confident fuzzy/semantic match is flagged for the persist
stage to store as a new alias.
"""

from __future__ import annotations

import numpy as np
from prefect import task
from prefect.cache_policies import NONE
from rapidfuzz import fuzz, process

from jdskills.embedder import default_embedder
from jdskills.normalize import normalize_alias, squash_alias
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, get_snapshot
from jdskills.pipeline.state import JDState, SkillMatch, for_each_active
from jdskills.records import ExtractedSkill
from jdskills.settings import Settings, get_settings


@task(name="match", cache_policy=NONE)
def match_skills(batch: list[JDState]) -> list[JDState]:
    settings = get_settings()
    snapshot = get_snapshot(settings)
    for_each_active(batch, "match", lambda s: _match_jd(s, snapshot, settings))
    return batch


def _match_jd(state: JDState, snapshot: CatalogSnapshot, settings: Settings) -> None:
    merged: dict[str, SkillMatch] = {}
    for skill in state.extracted:
        m = match_one(skill, snapshot, settings)
        key = f"id:{m.skill_id}" if m.tag == "in_db" else f"new:{m.normalized}"
        if key in merged:  # two surface forms of one skill: keep one row, pool the evidence
            kept = merged[key]
            kept.is_primary = kept.is_primary or m.is_primary
            kept.count += m.count
            continue
        merged[key] = m
    state.skills = list(merged.values())


def match_one(skill: ExtractedSkill, snapshot: CatalogSnapshot, settings: Settings) -> SkillMatch:
    normalized = normalize_alias(skill.name)
    base = {
        "input_term": skill.name, "is_primary": skill.is_primary,
        "evidence": skill.evidence, "start": skill.start, "end": skill.end,
        "count": skill.count,
    }
    if skill.skill_id is not None and skill.skill_id in snapshot.skills.index:
        return _hit(base, normalized, skill.skill_id, "exact", 100.0, snapshot)
    ids = snapshot.by_normalized.get(normalized)
    if ids:
        return _hit(base, normalized, ids[0], "exact", 100.0, snapshot, ambiguous=ids)
    ids = snapshot.by_squashed.get(squash_alias(skill.name))
    if ids:
        return _hit(base, normalized, ids[0], "squash", 100.0, snapshot, ambiguous=ids)

    candidates: list[dict[str, object]] = []
    choices, choice_ids = snapshot.fuzzy_choices
    if len(normalized) >= 4 and choices:
        found = process.extract(normalized, choices, scorer=fuzz.ratio, limit=3,
                                score_cutoff=60)
        candidates = [{"skill_id": int(choice_ids[i]), "alias": alias, "score": round(score, 1),
                       "via": "fuzzy"} for alias, score, i in found]
        if found and found[0][1] >= settings.fuzzy_match_threshold:
            alias, score, i = found[0]
            m = _hit(base, normalized, int(choice_ids[i]), "fuzzy", float(score), snapshot)
            m.candidates = candidates
            m.persist_alias = score >= settings.alias_persist_threshold
            return m

    vec = default_embedder().embed_sparse([skill.name])
    sims = (snapshot.skill_vectors @ vec.T).toarray().ravel()
    if sims.size:
        top = np.argsort(-sims)[:3]
        candidates += [{"skill_id": int(snapshot.skill_ids[i]), "score": round(float(sims[i]), 3),
                        "via": "semantic"} for i in top]
        best = int(top[0])
        if sims[best] >= settings.semantic_match_threshold:
            m = _hit(base, normalized, int(snapshot.skill_ids[best]), "semantic",
                     float(sims[best]), snapshot)
            m.candidates = candidates
            m.persist_alias = sims[best] >= min(0.99, settings.semantic_match_threshold + 0.1)
            return m
    return SkillMatch(**base, normalized=normalized, tag="new", matched_via="new",
                      candidates=candidates)


def _hit(base: dict, normalized: str, skill_id: int, via: str, score: float,
         snapshot: CatalogSnapshot, ambiguous: list[int] | None = None) -> SkillMatch:
    candidates = [{"skill_id": int(i), "via": via} for i in (ambiguous or [])[1:4]]
    return SkillMatch(**base, normalized=normalized, tag="in_db", skill_id=int(skill_id),
                      skill_name=snapshot.skill_name(skill_id), matched_via=via,  # type: ignore[arg-type]
                      score=score, candidates=candidates)
