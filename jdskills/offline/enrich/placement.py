"""Placement of new skills into dimensions: reuse a catalog dimension only when it is
genuinely close, else propose a pending one in its own namespace (``pending/<slug>``), so a
tentative key can never resolve to an unrelated catalog dimension (the seed's ``d_init_01``).

A candidate catalog dimension is scored from three signals, each in [0, 1]:

* co-mention (weight 0.7): in each sentence of the new skill, the share of the catalog skills
  mentioned with it that are linked to the dimension, weighted by their relation (purpose 3,
  list 1.5, sentence 1: :mod:`mentions`), times the dimension's specificity (a 20-skill
  curated dimension 1.0, a 900-skill taxonomy bucket ~0.39), damped to 0.4 when the sentence
  names a single such skill; averaged over the best half of its sentences;
* name (0.2): the best similar-named catalog skill linked to it (similarity 0.3 → 0, 0.8 → 1);
* semantic (0.1): cosine of "name. sentence" to the dimension's profile (name, description,
  member skill names), rescaled from [0.15, 0.40] — hashed-vector cosines of unrelated texts
  reach ~0.2, so this signal only breaks ties.

Calibration (default catalog, sample batch): the threshold (``dimension_reuse_threshold``,
0.35) needs half the specificity-weighted co-mention evidence of a sentence, or less with a
similar name; name and semantic together (≤ 0.3) never suffice. The seed JD's Pallas/Triton
("custom GPU kernels with Pallas (JAX) or Triton") reach GPU & Accelerator Programming at
0.38 (Deep Learning Frameworks 0.35 runner-up); a skill without co-mentions stays ≤ 0.3.

New skills listed together ("Pallas/Triton") are placed as one unit on pooled evidence.
Unplaced ones share one pending dimension per nearest catalog dimension (score ≥ half the
threshold), else get their own.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from jdskills.normalize import slugify
from jdskills.offline.enrich.context import NewSkillContext
from jdskills.offline.enrich.neighbours import Neighbour
from jdskills.offline.enrich.signals import semantic_similarity, specificity, support
from jdskills.offline.lookup import catalog_rows, snapshot_cached
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot
from jdskills.pipeline.state import Placement

W_COMENTION, W_SEMANTIC, W_NAME = 0.7, 0.1, 0.2
SEMANTIC_FLOOR, SEMANTIC_FULL = 0.15, 0.40  # hashed-vector cosines below ~0.15 are noise
GROUP_FLOOR_SHARE = 0.5  # a pending group forms around a dimension scoring ≥ half the threshold
PENDING_PREFIX = "pending/"
NEAREST = 3


def pending_slug(name: str) -> str:
    return PENDING_PREFIX + slugify(name)[:150]


def place_new_skills(
    contexts: list[NewSkillContext], by_name: list[list[Neighbour]],
    snapshot: CatalogSnapshot, threshold: float,
) -> list[tuple[Placement, dict[str, Any] | None]]:
    """A placement per new skill, plus the pending-dimension proposal it belongs to (None
    when a catalog dimension is reused). New skills listed together ("Pallas/Triton") are
    placed together on their pooled evidence. One embed call for the whole list."""
    position = {int(did): p for p, did in enumerate(snapshot.active_dimensions.index)}
    units = _list_peer_units(contexts, by_name)
    semantic = semantic_similarity([ctx for _, ctx, _ in units], snapshot)
    out: dict[int, tuple[Placement, dict[str, Any] | None]] = {}
    groups: dict[str, list[tuple[list[int], list[dict[str, Any]]]]] = defaultdict(list)
    for (members, ctx, names), sims in zip(units, semantic, strict=True):
        nearest = _score(ctx, names, sims, snapshot, position)
        best = nearest[0] if nearest else None
        if best is not None and best["score"] >= threshold:
            for i in members:
                out[i] = (Placement(normalized=contexts[i].normalized, name=contexts[i].name,
                                    dimension_slug=best["slug"], dimension_name=best["name"],
                                    reused=True, score=best["score"], nearest=nearest), None)
            continue
        near = best is not None and best["score"] >= GROUP_FLOOR_SHARE * threshold
        key = f"near:{best['slug']}" if near and best else f"own:{ctx.normalized}"
        groups[key].append((members, nearest))
    for key, parts in groups.items():
        proposal = _proposal(key, [contexts[i] for m, _ in parts for i in m],
                             [nearest for _, nearest in parts], threshold)
        for members, nearest in parts:
            for i in members:
                out[i] = (Placement(normalized=contexts[i].normalized, name=contexts[i].name,
                                    dimension_slug=proposal["slug"],
                                    dimension_name=proposal["name"], reused=False,
                                    score=nearest[0]["score"] if nearest else 0.0,
                                    nearest=nearest), proposal)
    return [out[i] for i in range(len(contexts))]


def _list_peer_units(contexts: list[NewSkillContext], by_name: list[list[Neighbour]]
                     ) -> list[tuple[list[int], NewSkillContext, list[Neighbour]]]:
    """New skills connected by list relations, each unit with its pooled sentences and name
    neighbours (a lone skill is a unit of one)."""
    index = {ctx.normalized: i for i, ctx in enumerate(contexts)}
    parent = list(range(len(contexts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, ctx in enumerate(contexts):
        for peer in ctx.co_new:
            if peer in index:
                parent[max(root(i), root(index[peer]))] = min(root(i), root(index[peer]))
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(contexts)):
        members[root(i)].append(i)
    units = []
    for group in members.values():
        if len(group) == 1:
            units.append((group, contexts[group[0]], by_name[group[0]]))
            continue
        first = contexts[group[0]]
        by_text: dict[str, dict[int, float]] = {}  # one sentence, strongest relation each
        for i in group:
            for text, related in contexts[i].windows:
                merged = by_text.setdefault(text, {})
                for sid, weight in related:
                    merged[sid] = max(weight, merged.get(sid, 0.0))
        pooled = NewSkillContext(first.normalized, surface_forms=first.surface_forms,
                                 windows=[(t, tuple(r.items())) for t, r in by_text.items()])
        names: dict[int, float] = {}
        for i in group:
            for sid, sim in by_name[i]:
                names[sid] = max(sim, names.get(sid, 0.0))
        units.append((group, pooled, sorted(names.items(), key=lambda x: -x[1])))
    return units


def _score(ctx: NewSkillContext, by_name: list[Neighbour], semantic: np.ndarray,
           snapshot: CatalogSnapshot, position: dict[int, int]) -> list[dict[str, Any]]:
    """The NEAREST best candidate catalog dimensions with their score and signals."""
    rows = catalog_rows(snapshot)
    spec = snapshot_cached(snapshot, "dimension-specificity", specificity)
    dim_ids = list(position)
    windows = ctx.windows or [("", ())]
    per_window = [support(related, snapshot, position, spec) for _, related in windows]
    name: dict[int, float] = defaultdict(float)
    for sid, sim in by_name:
        strength = min(1.0, max(0.0, (sim - 0.3) / 0.5))
        for did in snapshot.skill_dims.get(sid, []):
            if did in position:
                name[did] = max(name[did], strength * spec.get(did, 1.0))
    candidates = {d for window in per_window for d in window} | set(name)
    if semantic.size:
        for row in semantic:
            candidates |= {dim_ids[p] for p in np.argpartition(-row, min(5, row.size - 1))[:5]}
    half = (len(windows) + 1) // 2
    sem_max = semantic.max(axis=0) if semantic.size else None
    totals: list[tuple[float, str, int, float, float, float]] = []
    for did in candidates:
        ranked = sorted((w.get(did, 0.0) for w in per_window), reverse=True)
        a = sum(ranked[:half]) / half  # the best half of its sentences
        raw = float(sem_max[position[did]]) if sem_max is not None else 0.0
        c = min(1.0, max(0.0, (raw - SEMANTIC_FLOOR) / (SEMANTIC_FULL - SEMANTIC_FLOOR)))
        b = name.get(did, 0.0)
        score = round(W_COMENTION * a + W_SEMANTIC * c + W_NAME * b, 4)
        totals.append((-score, rows.dimension_slug(did), did, a, raw, b))
    scored: list[dict[str, Any]] = []
    for neg, slug, did, a, raw, b in sorted(totals)[:NEAREST]:
        strongest = [w.get(did, 0.0) for w in per_window]
        best = strongest.index(max(strongest))
        scored.append({
            "slug": slug, "name": rows.dimension_name(did), "score": -neg,
            "signals": {"co_mention": round(a, 3), "semantic": round(raw, 3),
                        "name": round(b, 3), "sentence": windows[best][0][:200] or None},
        })
    return scored


def _proposal(key: str, members: list[NewSkillContext], scored: list[list[dict[str, Any]]],
              threshold: float) -> dict[str, Any]:
    """A pending dimension for ``members``, with a keep/merge log against the catalog
    dimensions nearest to any of them."""
    exemplars = [ctx.name for ctx in sorted(members, key=lambda c: (-c.jds, c.normalized))]
    nearest: dict[str, dict[str, Any]] = {}
    for candidates in scored:
        for cand in candidates:
            if cand["slug"] not in nearest or cand["score"] > nearest[cand["slug"]]["score"]:
                nearest[cand["slug"]] = cand
    top = sorted(nearest.values(), key=lambda d: (-d["score"], d["slug"]))[:NEAREST]
    near = key.startswith("near:") and bool(top)
    name = f"{top[0]['name']} (proposed extension)" if near else members[0].name
    log = [{"slug": d["slug"], "name": d["name"], "score": d["score"],
            "decision": "review-merge" if d["score"] >= 0.8 * threshold else "keep",
            "reason": f"score {d['score']:.3f} below the reuse threshold {threshold:.3f}"}
           for d in top]
    closest = (f"the closest catalog dimension, {top[0]['name']}, scores {top[0]['score']:.3f}"
               if top else "no catalog dimension is near")
    return {
        "slug": pending_slug(name), "name": name,
        "description": (f"Proposed offline for new skill(s) {', '.join(exemplars[:5])}: "
                        f"{closest}, below the reuse threshold {threshold:.3f}."),
        "in_scope": ", ".join(exemplars[:15]),
        "out_of_scope": ("What " + ", ".join(d["name"] for d in top) + " already cover")
        if top else None,
        "exemplars": exemplars,
        "status": "pending",
        "review_log": {"keep_merge": log, "threshold": threshold,
                       "proposed_by": "offline-nearest-neighbours"},
    }
