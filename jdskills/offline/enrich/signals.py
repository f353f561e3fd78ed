"""The per-dimension signals of placement (stage 5): the semantic similarity of a new skill's
sentences to each dimension's profile, each dimension's specificity, and one sentence's
co-mention support. See :mod:`placement` for how they combine."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from scipy import sparse

from jdskills.embedder import default_embedder
from jdskills.offline.enrich.context import NewSkillContext
from jdskills.offline.lookup import catalog_rows, snapshot_cached
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot

SPECIFIC_SIZE = 20  # a dimension of this many skills or fewer is fully specific
SINGLE_SKILL_DAMP = 0.4  # one catalog skill in a sentence is weak evidence
PROFILE_MEMBERS = 25


def semantic_similarity(contexts: list[NewSkillContext], snapshot: CatalogSnapshot
                        ) -> list[np.ndarray]:
    """Per new skill, the cosine of each of its sentences ("name. sentence") to every active
    dimension: an array (sentences x dimensions). One embed call for the whole batch."""
    texts: list[str] = []
    owners: list[int] = []
    for i, ctx in enumerate(contexts):
        for text, _ in ctx.windows or [("", ())]:
            texts.append(f"{ctx.name}. {text}")
            owners.append(i)
    n_dims = len(snapshot.active_dimensions)
    if not texts or not n_dims:
        return [np.zeros((max(1, len(c.windows)), n_dims), np.float32) for c in contexts]
    profiles = snapshot_cached(snapshot, "dimension-profiles", dimension_profiles)
    sims = (default_embedder().embed_sparse(texts) @ profiles.T).toarray()
    bounds = np.searchsorted(np.asarray(owners), np.arange(len(contexts) + 1))
    return [sims[bounds[i]:bounds[i + 1]].astype(np.float32) for i in range(len(contexts))]


def dimension_profiles(snapshot: CatalogSnapshot) -> sparse.csr_matrix:
    """A vector per active dimension (rows in ``active_dimensions`` order) of its name, its
    description and the names of up to PROFILE_MEMBERS skills linked to it (those for which
    it is the first dimension first): richer than name and description alone."""
    dims = snapshot.active_dimensions
    members: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = catalog_rows(snapshot)
    known = rows.skill["name"]
    for sid, linked in snapshot.skill_dims.items():
        if sid in known:
            for rank, did in enumerate(linked):
                members[did].append((rank, sid))
    descriptions = dims["description"] if "description" in dims else [""] * len(dims)
    texts = []
    for did, name, description in zip(dims.index, dims["name"], descriptions, strict=True):
        top = sorted(members.get(int(did), []))[:PROFILE_MEMBERS]
        names = ", ".join(rows.skill_name(sid) for _, sid in top)
        texts.append(f"{name}. {description or ''}. {names}")
    return default_embedder().embed_sparse(texts)


def specificity(snapshot: CatalogSnapshot) -> dict[int, float]:
    """Per dimension, how telling a link to it is: 1 for a dimension of SPECIFIC_SIZE skills
    or fewer, (SPECIFIC_SIZE / size) ** 0.25 above (a 900-skill taxonomy bucket: ~0.39)."""
    known = catalog_rows(snapshot).skill["name"]
    sizes = Counter(d for sid, dims in snapshot.skill_dims.items() if sid in known for d in dims)
    return {d: min(1.0, (SPECIFIC_SIZE / n) ** 0.25) for d, n in sizes.items()}


def support(related: tuple[tuple[int, float], ...], snapshot: CatalogSnapshot,
             position: dict[int, int], spec: dict[int, float]) -> dict[int, float]:
    """One sentence's co-mention support per dimension: the relation-weighted share of its
    catalog skills (those linked to any dimension) linked to it, times its specificity;
    damped when the sentence names a single such skill."""
    share: dict[int, float] = defaultdict(float)
    total, informative = 0.0, 0
    for sid, weight in related:
        linked = [d for d in snapshot.skill_dims.get(sid, []) if d in position]
        if linked:
            informative += 1
            total += weight
            for did in linked:
                share[did] += weight
    damp = SINGLE_SKILL_DAMP if informative == 1 else 1.0
    return {d: v / total * damp * spec.get(d, 1.0) for d, v in share.items()} if total else {}
