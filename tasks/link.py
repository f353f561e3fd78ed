"""Stage 6 — link: skill↔dimension links per JD (catalog links for known skills, placement
for new ones), the chosen role's dimension evidence, and what a confident decision teaches
the role (centroid update, new responsibility statements)."""

from __future__ import annotations

import numpy as np
from prefect import task
from prefect.cache_policies import NONE
from pydantic import BaseModel, Field

from jdskills.embedder import default_embedder
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, get_snapshot
from jdskills.pipeline.state import Enrichment, JDState, Link, for_each_active
from jdskills.settings import Settings, get_settings


class RoleLearning(BaseModel):
    """What a batch's confident decisions add to the roles."""

    centroid_sums: dict[int, list[float]] = Field(default_factory=dict)
    centroid_counts: dict[int, int] = Field(default_factory=dict)
    statements: list[tuple[int, str, str]] = Field(default_factory=list)  # role, text, jd


@task(name="link", cache_policy=NONE)
def link_dimensions(
    batch: list[JDState], enrichments: dict[str, Enrichment]
) -> tuple[list[JDState], RoleLearning]:
    settings = get_settings()
    snapshot = get_snapshot(settings)
    for_each_active(batch, "link", lambda s: _link_jd(s, snapshot, enrichments))
    return batch, learn_roles(batch, settings)


def _link_jd(state: JDState, snapshot: CatalogSnapshot,
             enrichments: dict[str, Enrichment]) -> None:
    links: dict[tuple[str, str], Link] = {}
    jd_dims: set[int] = set()
    for skill in state.skills:
        if skill.tag == "in_db" and skill.skill_id is not None:
            for dim_id in snapshot.skill_dims.get(skill.skill_id, []):
                jd_dims.add(dim_id)
                slug = snapshot.dimension_slug(dim_id)
                links[(skill.normalized, slug)] = Link(
                    skill_normalized=skill.normalized, dimension_slug=slug, via="catalog")
        elif skill.tag == "new":
            enrichment = enrichments.get(skill.normalized)
            if enrichment is None:
                raise LookupError(f"no enrichment for new skill {skill.normalized!r}")
            slug = enrichment.placement.dimension_slug
            links[(skill.normalized, slug)] = Link(
                skill_normalized=skill.normalized, dimension_slug=slug, via="placement")
    state.links = list(links.values())
    decision = state.decision
    if decision is not None and decision.role_id is not None:
        role = snapshot.role_by_id[decision.role_id]
        state.role_dimension_slugs = sorted(
            snapshot.dimension_slug(d) for d in jd_dims & role.dimension_weights.keys())


def learn_roles(batch: list[JDState], settings: Settings) -> RoleLearning:
    """Confident decisions move the role's KRA centroid and propose new statements."""
    learning = RoleLearning()
    confident = [s for s in batch if s.active and s.decision is not None
                 and s.decision.role_id is not None
                 and s.decision.confidence >= settings.role_confident and s.responsibilities]
    if not confident:
        return learning
    vectors = default_embedder().embed([" ".join(s.responsibilities) for s in confident])
    for state, vector in zip(confident, vectors, strict=True):
        role_id = state.decision.role_id  # type: ignore[union-attr]
        assert role_id is not None
        acc = np.asarray(learning.centroid_sums.get(role_id, np.zeros_like(vector)))
        learning.centroid_sums[role_id] = (acc + vector).tolist()
        learning.centroid_counts[role_id] = learning.centroid_counts.get(role_id, 0) + 1
        for statement in state.responsibilities:
            words = len(statement.split())
            if 5 <= words <= 40:
                learning.statements.append((role_id, statement, state.jd_id))
    return learning
