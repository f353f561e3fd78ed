"""The three role signals of stage 4 (classify): skill, title and KRA.

``RoleIndex`` is built once per catalog snapshot (roles in slug order, so that every argmax
breaks ties by slug): dimension → roles with weights in [0,1] (÷ the largest weight when one
exceeds 1) and, lazily, each skill's best weight per role; the roles' title aliases (scored
by ``role_titles``); and the matrix of role centroids.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np

from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, RoleInfo
from jdskills.pipeline.role_titles import TitleIndex, title_candidates, title_key
from jdskills.pipeline.state import JDState


@dataclass(frozen=True)
class SkillHits:
    scores: np.ndarray  # per role
    names: list[str]  # the JD's in-db skills
    matrix: np.ndarray  # skill x role weight

    def evidence(self, role: int) -> list[str]:
        return [self.names[i] for i in np.flatnonzero(self.matrix[:, role])]


@dataclass
class RoleIndex:
    roles: list[RoleInfo]  # sorted by slug
    slugs: list[str]
    dim_roles: dict[int, list[tuple[int, float]]]  # dimension id -> [(role idx, weight)]
    entry_role: np.ndarray  # one entry per (role, distinct title key)
    entry_title: list[str]
    titles: TitleIndex
    exact_titles: dict[str, list[int]]  # title key -> role idxs (for alias collisions)
    centroids: np.ndarray  # (n_roles, dim), rows L2-normalised, zero when the role has none
    title_cache: dict[str, tuple[np.ndarray, np.ndarray]]
    skill_roles: dict[int, np.ndarray]

    @classmethod
    def build(cls, snapshot: CatalogSnapshot) -> RoleIndex:
        roles = sorted(snapshot.roles, key=lambda r: r.slug)
        dim_roles: dict[int, list[tuple[int, float]]] = {}
        entries: list[tuple[int, str, str]] = []  # role idx, key, title
        exact: dict[str, list[int]] = {}
        scale = max([1.0, *(w for r in roles for w in r.dimension_weights.values())])
        for i, role in enumerate(roles):
            for did, w in role.dimension_weights.items():
                if w > 0:
                    dim_roles.setdefault(did, []).append((i, w / scale))
            for title in dict.fromkeys([role.name, *role.titles.values()]):
                key = title_key(title)
                if key and i not in exact.get(key, []):
                    exact.setdefault(key, []).append(i)
                    entries.append((i, key, title))
        dim = max((r.centroid.shape[0] for r in roles if r.centroid is not None), default=1)
        centroids = np.zeros((len(roles), dim), dtype=np.float32)
        for i, role in enumerate(roles):
            if role.centroid is not None and np.linalg.norm(role.centroid) > 0:
                centroids[i] = role.centroid / np.linalg.norm(role.centroid)
        return cls(roles=roles, slugs=[r.slug for r in roles], dim_roles=dim_roles,
                   entry_role=np.array([e[0] for e in entries], dtype=np.intp),
                   entry_title=[e[2] for e in entries],
                   titles=TitleIndex.build([e[1] for e in entries]), exact_titles=exact,
                   centroids=centroids, title_cache={}, skill_roles={})

    def title_scores(self, titles: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per role: best title similarity in [0,1] and the index of the alias entry behind it
        (-1 when none). Cached per distinct title set."""
        cache_key = "\x1f".join(titles)
        hit = self.title_cache.get(cache_key)
        if hit is not None:
            return hit
        keys = list(dict.fromkeys(k for t in titles for k in title_candidates(t)))
        best = np.zeros(len(self.roles), dtype=np.float32)
        best_entry = np.full(len(self.roles), -1, dtype=np.intp)
        if keys and self.entry_title:
            scores = np.max([self.titles.scores(k) for k in keys], axis=0)
            order = np.lexsort((np.arange(scores.size), -scores))  # best first, then by entry
            _, first = np.unique(self.entry_role[order], return_index=True)
            chosen = order[first]  # each role's best alias entry
            best[self.entry_role[chosen]] = scores[chosen]
            best_entry[self.entry_role[chosen]] = chosen
        if len(self.title_cache) > 50_000:
            self.title_cache.clear()
        self.title_cache[cache_key] = (best, best_entry)
        return best, best_entry

    def skill_scores(self, state: JDState, skill_dims: dict[int, list[int]]) -> SkillHits:
        """Per role: Σ over the JD's in-db skills of the best weight of a dimension the skill
        shares with the role, ÷ all JD skills."""
        in_db = {m.skill_id: m.skill_name or m.input_term for m in state.skills
                 if m.tag == "in_db" and m.skill_id is not None}  # one row per catalog skill
        hits = [(name, self._skill_roles(sid, skill_dims)) for sid, name in in_db.items()]
        if not hits:
            n = len(self.roles)
            return SkillHits(np.zeros(n), [], np.zeros((0, n)))
        matrix = np.array([v for _, v in hits])
        return SkillHits(matrix.sum(axis=0) / len(state.skills), [n for n, _ in hits], matrix)

    def _skill_roles(self, skill_id: int, skill_dims: dict[int, list[int]]) -> np.ndarray:
        vector = self.skill_roles.get(skill_id)
        if vector is None:
            vector = np.zeros(len(self.roles))
            for did in skill_dims.get(skill_id, ()):
                for r, w in self.dim_roles.get(did, ()):
                    vector[r] = max(vector[r], w)
            self.skill_roles[skill_id] = vector
        return vector


_INDEXES: dict[int, tuple[weakref.ref[CatalogSnapshot], int, RoleIndex]] = {}
_INDEX_LOCK = threading.Lock()


def role_index(snapshot: CatalogSnapshot) -> RoleIndex:
    """The snapshot's role index, built on first use and kept while the snapshot lives."""
    key = id(snapshot)
    with _INDEX_LOCK:
        hit = _INDEXES.get(key)
        if hit is not None and hit[0]() is snapshot and hit[1] == snapshot.version:
            return hit[2]
        for k in [k for k, v in _INDEXES.items() if v[0]() is None]:
            del _INDEXES[k]
        index = RoleIndex.build(snapshot)
        _INDEXES[key] = (weakref.ref(snapshot), snapshot.version, index)
        return index
