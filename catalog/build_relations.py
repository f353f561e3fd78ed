"""Cheap skill relations: ESCO broader-skill links, and gazetteer skills that extend a known
skill's name ("mlops pipelines" related_to MLOps).

A row (skill, related, "parent") means ``related`` is the broader skill of ``skill``.
"""

from __future__ import annotations

from catalog.build_model import CatalogDraft
from catalog.build_sources import EscoCollections

MIN_PREFIX_CHARS = 3


def build_relations(
    draft: CatalogDraft, collections: EscoCollections
) -> list[tuple[str, str, str, str]]:
    """(skill key, related skill key, relation, source) rows, unique."""
    by_ref: dict[str, str] = {}
    for skill in draft.skills.values():
        for ref in skill.refs:
            by_ref.setdefault(ref, skill.key)
    rows: set[tuple[str, str, str, str]] = set()
    for narrower, broader in collections.broader:
        a, b = by_ref.get(narrower), by_ref.get(broader)
        if a and b and a != b:
            rows.add((a, b, "parent", "taxonomy"))
            rows.add((b, a, "child", "taxonomy"))
    for skill in draft.skills.values():
        if skill.origin != "gazetteer":
            continue
        words = skill.key.split(" ")
        for cut in range(len(words) - 1, 0, -1):
            prefix = " ".join(words[:cut])
            hits = draft.by_norm.get(prefix, set())
            if len(prefix) < MIN_PREFIX_CHARS or len(hits) != 1:
                continue
            target = next(iter(hits))
            alias = draft.aliases[(target, prefix)]
            if alias.match_strategy != "context" and target != skill.key:
                rows.add((skill.key, target, "related_to", "taxonomy"))
            break
    return sorted(rows)
