"""Stage 2 — extract: skills named in the JD (gazetteer over the catalog's aliases, context
rules for ambiguous aliases, discovery of unknown technology names), each with primary flag
and evidence. Boilerplate sections are not a source of skills. (LLM backend: done by the
fused parse+extract call of stage 1.)"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from jdskills.pipeline.catalog_snapshot import get_snapshot
from jdskills.pipeline.state import JDState, StageOrderError, for_each_active
from jdskills.settings import get_settings


@task(name="extract", cache_policy=NONE)
def extract_skills(batch: list[JDState]) -> list[JDState]:
    settings = get_settings()
    if settings.backend == "llm":
        return batch  # the fused LLM parse+extract call already filled state.extracted
    gazetteer = get_snapshot(settings).gazetteer

    def one(state: JDState) -> None:
        parse = state.parse
        if parse is None:
            raise StageOrderError("extract needs the parse stage's output")
        places = [name for loc in parse.job_locations
                  for name in (loc.city, loc.state, loc.country) if name]
        state.extracted = gazetteer.extract(
            state.record.text, parse.sections,
            company=parse.company_name or state.record.company, stop_terms=places)

    for_each_active(batch, "extract", one)
    return batch
