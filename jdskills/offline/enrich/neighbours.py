"""The nearest catalog skills of new skill names, by name similarity (stage 5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from jdskills.embedder import default_embedder
from jdskills.offline.lookup import snapshot_cached
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot

NAME_CANDIDATES = 50  # word-overlap candidates rescored with the embedder
MIN_NAME_SIMILARITY = 0.2

Neighbour = tuple[int, float]  # catalog skill id, cosine of the names


@dataclass(frozen=True)
class _NameIndex:
    """Rare-word index of the catalog's skill names: a candidate must share a word that
    fewer than ~2% of the skills use; the embedder's cosine then ranks the candidates.
    (A product against every skill vector costs ~8 ms a name on a 130k-skill catalog.)"""

    vectorizer: TfidfVectorizer
    words_t: sparse.csr_matrix  # vocabulary x skills


def _build_name_index(snapshot: CatalogSnapshot) -> _NameIndex | None:
    names = snapshot.skills["name"].astype(str).tolist()
    if not names:
        return None
    vectorizer = TfidfVectorizer(token_pattern=r"(?u)\b\w[\w+#]*",
                                 max_df=max(50, len(names) // 50), sublinear_tf=True,
                                 dtype=np.float32)
    try:
        words = vectorizer.fit_transform(names)
    except ValueError:  # no word in any name: nothing to index
        return None
    return _NameIndex(vectorizer, words.T.tocsr())


def name_index(snapshot: CatalogSnapshot) -> _NameIndex | None:
    """The snapshot's skill-name index (built on first use, kept with the snapshot)."""
    return snapshot_cached(snapshot, "name-index", _build_name_index)


def nearest_by_name(
    names: list[str], snapshot: CatalogSnapshot, k: int = 5
) -> list[list[Neighbour]]:
    """The ``k`` catalog skills whose names are most similar to each name (one embed call
    for all names), best first, cosine ≥ MIN_NAME_SIMILARITY."""
    index = name_index(snapshot)
    if index is None or not names:
        return [[] for _ in names]
    overlap = (index.vectorizer.transform(names) @ index.words_t).tocsr()
    owners: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    for i in range(len(names)):
        lo, hi = overlap.indptr[i], overlap.indptr[i + 1]
        cand, weights = overlap.indices[lo:hi], overlap.data[lo:hi]
        if len(cand) > NAME_CANDIDATES:
            cand = cand[np.argpartition(-weights, NAME_CANDIDATES)[:NAME_CANDIDATES]]
        rows.append(np.sort(cand))
        owners.append(np.full(len(cand), i))
    owner = np.concatenate(owners) if owners else np.zeros(0, np.int64)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    queries = default_embedder().embed_sparse(names).tocsr()
    # every (name, candidate) cosine in one element-wise product of two stacked matrices
    sims = np.asarray(snapshot.skill_vectors[row].multiply(queries[owner]).sum(axis=1)).ravel()
    skill_ids = snapshot.skill_ids
    out: list[list[Neighbour]] = []
    starts = np.searchsorted(owner, np.arange(len(names) + 1))
    for lo, hi in zip(starts[:-1], starts[1:], strict=True):
        part_rows, part_sims = row[lo:hi], sims[lo:hi]
        order = np.argsort(-part_sims, kind="stable")[:k]
        out.append([(int(skill_ids[part_rows[j]]), round(float(part_sims[j]), 4))
                    for j in order if part_sims[j] >= MIN_NAME_SIMILARITY])
    return out
