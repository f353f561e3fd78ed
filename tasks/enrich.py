"""Stage 5 — enrich: describe and place every distinct new skill of a batch, once ever.

Returns the batch and ``{normalised name: Enrichment}`` for every new skill of its active JDs.
A name already stored as a pending (or rejected) skill by an earlier batch or run is not
recomputed: its stored enrichment and placement come back with ``cached=True``; nor is one an
earlier chunk of the same run enriched (``known``), which may not be written yet. Others are
inferred offline from the nearest catalog skills and the JD context
(:mod:`jdskills.offline.enrich`), once per name however many JDs mention it.

LLM backend (``settings.backend == "llm"``): the same distinct names, minus the stored ones,
go to the model in one cached call each (:func:`jdskills.llm.backend.enrich_batch`), with the
offline placement's nearest catalog dimensions as the only ones it may reuse. A skill whose
call failed after retries and repair is inferred offline instead (``source="offline"``,
``fields["llm_fallback"]`` says why), so one failed call never stops the run. Either way the
result is advisory: persist stores it on a *pending* skill with its confidence.

Contract for link/persist: ``Enrichment.fields`` holds the skill columns (category,
sub_category, nature, volatility, lifespan, version_strategy, vendor, licence, year), the
advisory rest (type, maturity, ambiguity, context_keywords, relationships, nearest,
provenance, confidence) and, when the placement is not a reused catalog dimension,
``fields["proposed_dimension"]`` = {slug, name, description, in_scope, out_of_scope,
exemplars, status, review_log} for the pending dimension ``placement.dimension_slug``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import psycopg
from prefect import task
from prefect.cache_policies import NONE
from pydantic import ValidationError

from jdskills import db
from jdskills.offline.enrich import (
    NewSkillContext,
    collect_new_skills,
    infer_fields,
    nearest_by_name,
    new_skill_names,
    place_new_skills,
)
from jdskills.offline.lookup import catalog_rows
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot, get_snapshot
from jdskills.pipeline.state import Enrichment, JDState, Placement
from jdskills.settings import Settings, get_settings

log = logging.getLogger(__name__)
LLM_FALLBACK = "the LLM enrichment call failed after retries; inferred offline instead"

# the same key persist creates pending skills under: their canonical alias
STORED_SQL = """
    SELECT DISTINCT ON (a.normalized) a.normalized, s.id, s.name, s.enrichment
    FROM skill_alias a JOIN skill s ON s.id = a.skill_id
    WHERE a.normalized = ANY(%s) AND a.alias_type = 'canonical'
      AND s.status IN ('pending', 'rejected') AND s.enrichment IS NOT NULL
    ORDER BY a.normalized, s.id"""


def _retry_on_database_error(task: Any, task_run: Any, state: Any) -> bool:
    """Retry when Postgres was unreachable, not on a bug."""
    try:
        state.result()
    except psycopg.OperationalError:
        return True
    except Exception:
        return False
    return False


@task(name="enrich", cache_policy=NONE, retries=2, retry_delay_seconds=5,
      retry_condition_fn=_retry_on_database_error)
def enrich_new_skills(batch: list[JDState], run_id: str | None = None,
                      known: Mapping[str, Enrichment] | None = None,
                      ) -> tuple[list[JDState], dict[str, Enrichment]]:
    settings = get_settings()
    return batch, enrich_batch(batch, get_snapshot(settings), settings, run_id, known)


def enrich_batch(
    batch: list[JDState], snapshot: CatalogSnapshot, settings: Settings,
    run_id: str | None = None, known: Mapping[str, Enrichment] | None = None,
) -> dict[str, Enrichment]:
    """``known``: enrichments this run already made for earlier chunks (maybe not written
    yet); they are reused as they are, like the stored ones."""
    started = time.perf_counter()
    names = new_skill_names(batch)
    if not names:
        return {}
    out = {n: known[n] for n in names if known and n in known}
    out.update(load_stored_enrichments(sorted(n for n in names if n not in out), settings))
    contexts = collect_new_skills(batch, snapshot, skip=out.keys())
    todo = list(contexts.values())
    by_name = nearest_by_name([ctx.name for ctx in todo], snapshot)
    placed = place_new_skills(todo, by_name, snapshot, settings.dimension_reuse_threshold)
    described = (_describe_with_llm(todo, placed, snapshot, settings, run_id)
                 if settings.backend == "llm" else {})
    out.update(described)
    for ctx, neighbours, (placement, proposal) in zip(todo, by_name, placed, strict=True):
        if ctx.normalized in described:
            continue
        try:
            fields = infer_fields(ctx, neighbours, snapshot)
        except Exception as e:  # noqa: BLE001 - one skill's failure must not sink its batch
            _quarantine_mentions(batch, ctx, e)
            continue
        fields["proposed_dimension"] = proposal
        if settings.backend == "llm":
            fields["llm_fallback"] = LLM_FALLBACK
        out[ctx.normalized] = Enrichment(normalized=ctx.normalized, name=ctx.name,
                                         fields=fields, placement=placement, source="offline")
    log.info("enrich: %d new skills (%d cached, %d by the LLM, %d inferred offline, %d reused "
             "a catalog dimension) in %.3fs", len(names), len(names) - len(todo),
             len(described), len(todo) - len(described),
             sum(e.placement.reused for k, e in out.items() if k in contexts),
             time.perf_counter() - started)
    return out


def _describe_with_llm(
    todo: list[NewSkillContext], placed: list[tuple[Placement, dict[str, Any] | None]],
    snapshot: CatalogSnapshot, settings: Settings, run_id: str | None,
) -> dict[str, Enrichment]:
    """One LLM call per distinct new skill; the skills whose call failed are absent."""
    from jdskills.llm.backend import enrich_batch as llm_enrich_batch
    from jdskills.llm.convert import to_enrichment
    from jdskills.llm.inputs import dimension_candidates, new_skill_input

    rows = catalog_rows(snapshot)
    skills = {ctx.normalized: new_skill_input(ctx, rows.skill_name) for ctx in todo}
    candidates = {ctx.normalized: dimension_candidates(placement.nearest)
                  for ctx, (placement, _) in zip(todo, placed, strict=True)}
    answers = llm_enrich_batch(list(skills.values()), candidates, run_id, settings=settings)
    return {key: to_enrichment(skills[key], answer, candidates[key])
            for key, answer in answers.items()}


def load_stored_enrichments(names: list[str], settings: Settings) -> dict[str, Enrichment]:
    """Enrichments of the names already stored as pending/rejected skills (one query)."""
    if not names:
        return {}
    with db.connect(settings) as conn:
        rows = conn.execute(STORED_SQL, (names,)).fetchall()
    out: dict[str, Enrichment] = {}
    for normalized, skill_id, name, stored in rows:
        try:
            out[normalized] = stored_enrichment(normalized, skill_id, name, stored)
        except (ValidationError, TypeError, KeyError) as e:
            log.warning("stored enrichment of %r (skill %s) is unreadable, recomputing: %s",
                        normalized, skill_id, e)
    return out


def stored_enrichment(normalized: str, skill_id: int, name: str, stored: Any) -> Enrichment:
    """An ``Enrichment`` from ``skill.enrichment``: either a dumped Enrichment, or (as the
    persist stage writes it) the fields with the placement under ``"placement"``."""
    if "fields" in stored:
        enrichment = Enrichment.model_validate(stored)
        fields = dict(enrichment.fields)
        placement = enrichment.placement
        source = enrichment.source
    else:
        fields = {k: v for k, v in stored.items() if k != "placement"}
        placement = Placement.model_validate(stored["placement"])
        source = "llm" if fields.get("provenance") == "llm" else "offline"
    fields["skill_id"] = skill_id
    return Enrichment(normalized=normalized, name=name, fields=fields, placement=placement,
                      source=source, cached=True)


def _quarantine_mentions(batch: list[JDState], ctx: NewSkillContext, error: Exception) -> None:
    log.warning("enrich: %r failed (%s); quarantining the JDs that mention it", ctx.name, error)
    for state in batch:
        if state.active and any(s.normalized == ctx.normalized for s in state.skills):
            state.quarantine("enrich", f"{type(error).__name__}: {error}", skill=ctx.name)
