"""Stage 7 — summarize: per JD, the nature of its work, its tech-stack maturity, an AI index
(0–5, one point per true AI flag) and its skills clustered by the chosen role's dimensions.

``state.summary`` = {"nature_of_work": {label, summary, evidence}, "tech_maturity": {label,
reasoning}, "ai_index": int, "ai_flags": {title_match, ai_skill_primary, ai_skill_secondary,
ai_team, builds_ai_products}, "clusters": [{dimension, name, skills}, …, {"dimension":
"cross-cutting", "name": "Cross-cutting", "skills": […]}]}. A skill sits in exactly one
cluster: the most specific of the role's dimensions it is linked to (catalog ``skill_dims``, or
for a new skill its placement as the link stage recorded it) — a 25-skill "Deep Learning
Frameworks" rather than the 900-skill taxonomy bucket "AI/ML" — else cross-cutting. Clusters
are ordered by role weight.

With the LLM backend and ``settings.llm_summarize``, the model then rewrites nature of work,
tech maturity and the AI flags of each JD (one cached call per JD; the clusters stay these);
a JD whose call failed keeps its offline summary. ``summary["source"]`` says which it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prefect import task
from prefect.cache_policies import NONE

from jdskills.offline.enrich.signals import specificity
from jdskills.offline.lookup import CatalogRows, catalog_rows, snapshot_cached
from jdskills.offline.summary import SkillFacts, ai_flags, nature_of_work, tech_maturity
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, get_snapshot
from jdskills.pipeline.responsibilities import kra_text, split_statements
from jdskills.pipeline.state import Enrichment, JDState, SkillMatch, for_each_active
from jdskills.settings import get_settings

CROSS_CUTTING = {"dimension": "cross-cutting", "name": "Cross-cutting"}


@task(name="summarize", cache_policy=NONE)
def summarize_jds(
    batch: list[JDState], enrichments: Mapping[str, Enrichment] | None = None,
    run_id: str | None = None,
) -> list[JDState]:
    settings = get_settings()
    snapshot = get_snapshot(settings)
    for_each_active(batch, "summarize",
                    lambda s: setattr(s, "summary", summarize_jd(s, snapshot, enrichments)))
    if settings.backend == "llm" and settings.llm_summarize:
        from jdskills.llm.backend import summarize_batch

        summarize_batch(batch, run_id, settings=settings)
    return batch


def summarize_jd(state: JDState, snapshot: CatalogSnapshot,
                 enrichments: Mapping[str, Enrichment] | None = None) -> dict[str, Any]:
    text = state.record.text
    placements = _placements(state, enrichments or {})
    skills = _distinct(state.skills)
    rows = catalog_rows(snapshot)
    facts = [_facts(s, rows, placements) for s in skills]
    flags = ai_flags(_title(state), facts, text)
    return {
        "nature_of_work": nature_of_work(_statements(state), text),
        "tech_maturity": tech_maturity(facts, text),
        "ai_index": sum(flags.values()),
        "ai_flags": flags,
        "clusters": skill_clusters(state, skills, snapshot, placements),
        "source": "offline",
    }


def skill_clusters(state: JDState, skills: list[SkillMatch], snapshot: CatalogSnapshot,
                   placements: Mapping[str, str]) -> list[dict[str, Any]]:
    decision = state.decision
    role = (snapshot.role_by_id.get(decision.role_id)
            if decision is not None and decision.role_id is not None else None)
    weights = role.dimension_weights if role is not None else {}
    rows = catalog_rows(snapshot)
    spec = snapshot_cached(snapshot, "dimension-specificity", specificity)
    by_slug = {rows.dimension_slug(d): d for d in weights}
    groups: dict[int, list[str]] = {}
    cross: list[str] = []
    for skill in skills:
        if skill.tag == "in_db" and skill.skill_id is not None:
            linked = [d for d in snapshot.skill_dims.get(skill.skill_id, []) if d in weights]
        else:
            slug = placements.get(skill.normalized)
            linked = [by_slug[slug]] if slug in by_slug else []
        if linked:  # the most specific of them; ties: the skill's own strongest link
            best = max(linked, key=lambda d: (spec.get(d, 1.0), -linked.index(d)))
            groups.setdefault(best, []).append(_display(skill))
        else:
            cross.append(_display(skill))
    order = sorted(groups, key=lambda d: (-weights[d], rows.dimension_slug(d)))
    clusters = [{"dimension": rows.dimension_slug(d), "name": rows.dimension_name(d),
                 "skills": groups[d]} for d in order]
    return [*clusters, {**CROSS_CUTTING, "skills": cross}]


def _placements(state: JDState, enrichments: Mapping[str, Enrichment]) -> dict[str, str]:
    """New skill → its placement's dimension slug: the link stage's record, else the
    enrichment (when summarize runs without link)."""
    out = {m.normalized: enrichments[m.normalized].placement.dimension_slug
           for m in state.skills if m.normalized in enrichments}
    out.update({lk.skill_normalized: lk.dimension_slug for lk in state.links
                if lk.via == "placement"})
    return out


def _distinct(skills: list[SkillMatch]) -> list[SkillMatch]:
    first: dict[str, SkillMatch] = {}
    for skill in skills:
        first.setdefault(skill.normalized, skill)
    return list(first.values())


def _display(skill: SkillMatch) -> str:
    return skill.skill_name or skill.input_term


def _facts(skill: SkillMatch, rows: CatalogRows, placements: Mapping[str, str]) -> SkillFacts:
    sid = skill.skill_id if skill.tag == "in_db" and skill.skill_id is not None else -1
    names = " / ".join(dict.fromkeys(n for n in (skill.input_term, skill.skill_name) if n))
    return SkillFacts(name=names, is_primary=skill.is_primary, is_new=skill.tag == "new",
                      category=rows.skill_value("category", sid),
                      sub_category=rows.skill_value("sub_category", sid),
                      dimension=placements.get(skill.normalized))


def _statements(state: JDState) -> list[str]:
    if state.responsibilities:
        return state.responsibilities
    kra = kra_text(state)
    return kra.statements or split_statements(kra.text)


def _title(state: JDState) -> str:
    if state.parse is not None and state.parse.role:
        return state.parse.role
    if state.record.title:
        return state.record.title
    return state.record.text.strip().split("\n", 1)[0][:120]
