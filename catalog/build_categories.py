"""Category inference: a skill without a Lightcast subcategory takes the one its nearest
Lightcast-categorised skills vote for (cosine similarity of word and character n-gram TF-IDF
over names and aliases, K nearest, one vote per skill). Sparse products only
(single-threaded, exact), so the result is deterministic. ESCO-only skills keep their ESCO
groups as category and are linked to the voted Lightcast subcategory only when close enough.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from catalog.build_model import CatalogDraft, Skill
from catalog.build_skills import lightcast_nature

logger = logging.getLogger(__name__)

CHUNK = 1024
K = 20  # neighbours that vote
ESCO_LINK_MIN_SIMILARITY = 0.5  # an ESCO-only skill is linked to a Lightcast dimension above this
INFERRED_WEIGHT = 0.5  # skill_dimension weight of an inferred subcategory


def _training_texts(draft: CatalogDraft) -> tuple[list[str], list[str]]:
    """(alias text, skill key) for every alias of every skill with a stated subcategory."""
    texts, owners = [], []
    for (key, norm), _alias in sorted(draft.aliases.items()):
        if draft.skills[key].lightcast_sub:
            texts.append(norm)
            owners.append(key)
    return texts, owners


def _vectorize(texts: list[str], queries: list[str]) -> tuple[sparse.csr_matrix, ...]:
    """Word and character n-gram TF-IDF, weighted and L2-normalised together."""
    parts_t, parts_q = [], []
    for vectorizer, weight in (
        (TfidfVectorizer(analyzer="word", token_pattern=r"\S+", sublinear_tf=True), 0.8),
        (
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 4), min_df=2, max_df=0.05, sublinear_tf=True
            ),
            0.6,
        ),
    ):
        parts_t.append(vectorizer.fit_transform(texts) * weight)
        parts_q.append(vectorizer.transform(queries) * weight)
    train = normalize(sparse.hstack(parts_t).tocsr())
    query = normalize(sparse.hstack(parts_q).tocsr())
    return train, query


def _vote(
    texts: list[str], owners: list[str], queries: list[str], subs: dict[str, str]
) -> list[tuple[str, float, str]]:
    """Per query: (winning subcategory, best similarity, nearest owner in that subcategory).

    The K nearest aliases vote for their skill's subcategory with their squared similarity;
    each skill votes once. Ties fall to the alphabetically first subcategory.
    """
    train, query = _vectorize(texts, queries)
    train_t = train.T.tocsc()
    out: list[tuple[str, float, str]] = []
    for start in range(0, len(queries), CHUNK):
        block = (query[start : start + CHUNK] @ train_t).tocsr()
        for i in range(block.shape[0]):
            lo, hi = block.indptr[i], block.indptr[i + 1]
            data, cols = block.data[lo:hi], block.indices[lo:hi]
            if not len(data):
                out.append(("", 0.0, ""))
                continue
            if len(data) > K * 3:  # keep the top K*3 and everything tied with the last of them
                floor = np.partition(data, len(data) - K * 3)[len(data) - K * 3]
                keep = data >= floor
                data, cols = data[keep], cols[keep]
            order = np.lexsort((cols, -data))
            votes: dict[str, float] = {}
            first: dict[str, str] = {}
            seen: set[str] = set()
            for j in order:
                owner = owners[cols[j]]
                if owner in seen:
                    continue
                seen.add(owner)
                sub = subs[owner]
                votes[sub] = votes.get(sub, 0.0) + float(data[j]) ** 2
                first.setdefault(sub, owner)
                if len(seen) == K:
                    break
            winner = max(sorted(votes), key=lambda s: votes[s])
            out.append((winner, float(data[order[0]]), first[winner]))
    return out


def infer_categories(draft: CatalogDraft) -> dict[str, int]:
    """Fill category/sub_category/nature of uncategorised skills; link ESCO-only ones."""
    texts, owners = _training_texts(draft)
    subs = {key: draft.skills[key].lightcast_sub for key in set(owners)}
    targets: list[Skill] = sorted(
        (s for s in draft.skills.values() if not s.lightcast_sub), key=lambda s: s.key
    )
    results = _vote(texts, owners, [s.key for s in targets], subs)
    counts = {"inferred_category": 0, "esco_linked": 0, "unplaced": 0}
    fallback = _most_common_sub(draft)
    for skill, (_sub, sim, owner) in zip(targets, results, strict=True):
        neighbour = draft.skills[owner] if owner else fallback
        if skill.origin == "esco":
            if sim >= ESCO_LINK_MIN_SIMILARITY:
                skill.inferred_sub, skill.inferred_weight = neighbour.lightcast_sub, INFERRED_WEIGHT
                counts["esco_linked"] += 1
            continue
        counts["inferred_category"] += 1
        counts["unplaced"] += int(not owner)
        skill.category, skill.sub_category = neighbour.category, neighbour.lightcast_sub
        skill.inferred_sub, skill.inferred_weight = neighbour.lightcast_sub, INFERRED_WEIGHT
        if skill.nature in ("", "hard"):
            skill.nature = lightcast_nature(skill.name, neighbour.lightcast_sub)
    logger.info("categories: %s", counts)
    return counts


def _most_common_sub(draft: CatalogDraft) -> Skill:
    """A stand-in neighbour for names that share no n-gram with any categorised skill."""
    by_sub: dict[str, list[Skill]] = {}
    for skill in draft.skills.values():
        if skill.lightcast_sub:
            by_sub.setdefault(skill.lightcast_sub, []).append(skill)
    sub = max(sorted(by_sub), key=lambda s: len(by_sub[s]))
    return min(by_sub[sub], key=lambda s: s.key)
