"""Stage 3 — match: extracted skill names → catalog skills.

Order: exact normalised alias → squashed alias ("py torch" = "pytorch") → fuzzy alias
(rapidfuzz) → semantic (hashed n-gram vectors) → new. With the LLM backend and
``settings.llm_embedding_model``, the semantic tier's hashed vectors only shortlist
``RERANK_SHORTLIST`` skills per name; OpenAI embeddings re-rank them
(:mod:`jdskills.llm.rerank`) against ``llm_semantic_match_threshold``, and when the embeddings
fail the hashed-vector decision stands. Gazetteer hits already carry their
catalog id and count as exact. Names that need fuzzy or semantic matching are resolved once
per chunk in one vectorised pass (and remembered for the rest of the run). A confident
fuzzy/semantic match is flagged for the persist stage to store as a new alias.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from prefect import task
from prefect.cache_policies import NONE
from rapidfuzz import fuzz, process

from jdskills.embedder import default_embedder
from jdskills.llm.errors import LLMError
from jdskills.normalize import normalize_alias, squash_alias
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, get_snapshot
from jdskills.pipeline.state import JDState, SkillMatch, for_each_active
from jdskills.records import ExtractedSkill
from jdskills.settings import Settings, get_settings

SEMANTIC_BLOCK = 64
SEMANTIC_CANDIDATES = 3  # recorded per name
RERANK_SHORTLIST = 10  # hashed-vector candidates re-ranked by embeddings (LLM backend)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resolution:
    """How a name without an exact alias resolved: a skill (fuzzy/semantic) or new."""

    via: str
    skill_id: int | None = None
    score: float | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    persist_alias: bool = False


@task(name="match", cache_policy=NONE)
def match_skills(batch: list[JDState], run_id: str | None = None) -> list[JDState]:
    settings = get_settings()
    snapshot = get_snapshot(settings)
    pending = {normalize_alias(s.name) for st in batch if st.active for s in st.extracted
               if _exact(s, snapshot) is None}
    resolved = resolve_names(sorted(pending), snapshot, settings, run_id)
    for_each_active(batch, "match", lambda s: _match_jd(s, snapshot, resolved))
    return batch


def _exact(skill: ExtractedSkill, snapshot: CatalogSnapshot) -> tuple[int, str] | None:
    if skill.skill_id is not None and skill.skill_id in snapshot.skills.index:
        return skill.skill_id, "exact"
    ids = snapshot.by_normalized.get(normalize_alias(skill.name))
    if ids:
        return ids[0], "exact"
    ids = snapshot.by_squashed.get(squash_alias(skill.name))
    return (ids[0], "squash") if ids else None


def _match_jd(state: JDState, snapshot: CatalogSnapshot,
              resolved: dict[str, Resolution]) -> None:
    merged: dict[str, SkillMatch] = {}
    for skill in state.extracted:
        m = match_one(skill, snapshot, resolved)
        key = f"id:{m.skill_id}" if m.tag == "in_db" else f"new:{m.normalized}"
        for k in (key, f"norm:{m.normalized}"):
            if k in merged:  # two surface forms of one skill: one row, pooled evidence
                kept = merged[k]
                kept.is_primary = kept.is_primary or m.is_primary
                kept.count += m.count
                break
        else:
            merged[key] = merged[f"norm:{m.normalized}"] = m
    state.skills = list({id(m): m for m in merged.values()}.values())


def match_one(skill: ExtractedSkill, snapshot: CatalogSnapshot,
              resolved: dict[str, Resolution]) -> SkillMatch:
    normalized = normalize_alias(skill.name)
    base = {"input_term": skill.name, "normalized": normalized, "is_primary": skill.is_primary,
            "evidence": skill.evidence, "start": skill.start, "end": skill.end,
            "count": skill.count}
    exact = _exact(skill, snapshot)
    if exact is not None:
        skill_id, via = exact
        return SkillMatch(**base, tag="in_db", skill_id=int(skill_id),
                          skill_name=snapshot.skill_name(skill_id), matched_via=via,  # type: ignore[arg-type]
                          score=100.0)
    r = resolved[normalized]
    if r.skill_id is None:
        return SkillMatch(**base, tag="new", matched_via="new", candidates=r.candidates)
    return SkillMatch(**base, tag="in_db", skill_id=r.skill_id,
                      skill_name=snapshot.skill_name(r.skill_id), matched_via=r.via,  # type: ignore[arg-type]
                      score=r.score, candidates=r.candidates, persist_alias=r.persist_alias)


def resolve_names(names: list[str], snapshot: CatalogSnapshot, settings: Settings,
                  run_id: str | None = None) -> dict[str, Resolution]:
    """Fuzzy, then semantic matching for names with no exact alias, vectorised over the
    batch; results are remembered on the snapshot for later chunks of the run (not those
    that fell back to hashed vectors because the embeddings failed: a later chunk retries)."""
    rerank = settings.backend == "llm" and settings.llm_embedding_model is not None
    memo_name = f"_match_memo:{settings.llm_embedding_model}" if rerank else "_match_memo"
    memo: dict[str, Resolution] = snapshot.__dict__.setdefault(memo_name, {})
    todo = [n for n in names if n not in memo]
    if not todo:
        return {n: memo[n] for n in names}
    fuzzy = _fuzzy(todo, snapshot, settings)
    shortlists = _shortlists([n for n in todo if fuzzy[n].skill_id is None], snapshot,
                             RERANK_SHORTLIST if rerank else SEMANTIC_CANDIDATES)
    semantic, final = {n: _hashed_decision(s, settings) for n, s in shortlists.items()}, True
    if rerank and shortlists:
        try:
            semantic = _reranked(shortlists, snapshot, settings, run_id)
        except LLMError as e:
            log.warning("match: embedding re-rank of %d name(s) failed, hashed-vector "
                        "decisions kept: %s", len(shortlists), e)
            final = False
    fresh: dict[str, Resolution] = {}
    for n in todo:
        r = fuzzy[n]
        if r.skill_id is None and n in semantic:
            s = semantic[n]
            r = s if s.skill_id is not None else Resolution(
                "new", candidates=r.candidates + s.candidates)
        fresh[n] = r
    if final:
        memo.update(fresh)
    return {n: fresh[n] if n in fresh else memo[n] for n in names}


def _fuzzy(names: list[str], snapshot: CatalogSnapshot,
           settings: Settings) -> dict[str, Resolution]:
    choices, choice_ids = snapshot.fuzzy_choices
    out = {n: Resolution("new") for n in names}
    queries = [n for n in names if len(n) >= 4]
    if not queries or not choices:
        return out
    scores = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=60,
                           dtype=np.uint8, workers=-1)  # C++ threads, GIL released
    for row_u8, name in zip(scores, queries, strict=True):
        hits = np.flatnonzero(row_u8)  # cdist leaves 0 below the cut-off
        row = row_u8[hits].astype(np.int16)  # negating uint8 would wrap around
        order = np.argsort(-row, kind="stable")[:3]
        top = hits[order]
        cands = [{"skill_id": int(choice_ids[i]), "alias": choices[i], "score": int(s),
                  "via": "fuzzy"} for i, s in zip(top, row[order], strict=True)]
        if not cands:
            continue
        best, score = int(top[0]), int(row[order[0]])
        if score >= settings.fuzzy_match_threshold:
            out[name] = Resolution("fuzzy", int(choice_ids[best]), float(score), cands,
                                   persist_alias=score >= settings.alias_persist_threshold)
        else:
            out[name] = Resolution("new", candidates=cands)
    return out


def _shortlists(names: list[str], snapshot: CatalogSnapshot,
                k: int) -> dict[str, list[tuple[int, float]]]:
    """Each name's k most similar catalog skills by hashed-vector cosine, best first (ties
    in catalog order). Only skills sharing a feature with the name are ranked: the product
    stays sparse, no dense skills × names block is built or sorted."""
    if not names:
        return {}
    vectors = default_embedder().embed_sparse(names)
    skills_t, skill_ids = snapshot.skill_vectors_t, snapshot.skill_ids
    out: dict[str, list[tuple[int, float]]] = {}
    for lo in range(0, len(names), SEMANTIC_BLOCK):
        sims = (vectors[lo:lo + SEMANTIC_BLOCK] @ skills_t).tocsr()
        for j, name in enumerate(names[lo:lo + SEMANTIC_BLOCK]):
            start, end = sims.indptr[j], sims.indptr[j + 1]
            scores, rows = sims.data[start:end], sims.indices[start:end]
            if scores.size > k:  # the k best and whatever ties the k-th
                keep = scores >= np.partition(scores, scores.size - k)[scores.size - k]
                scores, rows = scores[keep], rows[keep]
            best = np.lexsort((rows, -scores))[:k]
            out[name] = [(int(skill_ids[rows[i]]), float(scores[i])) for i in best]
    return out


def _hashed_decision(shortlist: list[tuple[int, float]], settings: Settings) -> Resolution:
    top = shortlist[:SEMANTIC_CANDIDATES]
    cands = [{"skill_id": i, "score": round(score, 3), "via": "semantic"} for i, score in top]
    threshold = settings.semantic_match_threshold
    if top and top[0][1] >= threshold:
        best, score = top[0]
        return Resolution("semantic", best, score, cands,
                          persist_alias=score >= min(0.99, threshold + 0.1))
    return Resolution("new", candidates=cands)


def _reranked(shortlists: dict[str, list[tuple[int, float]]], snapshot: CatalogSnapshot,
              settings: Settings, run_id: str | None) -> dict[str, Resolution]:
    """The LLM backend's decision: the shortlist re-ranked by embedding cosine."""
    from jdskills.llm.rerank import rerank_by_embedding

    hashed = {n: dict(s) for n, s in shortlists.items()}
    ranked = rerank_by_embedding({n: [i for i, _ in s] for n, s in shortlists.items()},
                                 snapshot.skill_names, settings, run_id)
    threshold = settings.llm_semantic_match_threshold
    out: dict[str, Resolution] = {}
    for name, scored in ranked.items():
        cands = [{"skill_id": i, "score": round(hashed[name][i], 3),
                  "embedding_score": round(e, 3), "via": "semantic"}
                 for i, e in scored[:SEMANTIC_CANDIDATES]]
        if scored and scored[0][1] >= threshold:
            best, score = scored[0]
            out[name] = Resolution("semantic", best, score, cands,
                                   persist_alias=score >= min(0.99, threshold + 0.1))
        else:
            out[name] = Resolution("new", candidates=cands)
    return out
