"""Stage 2 — extract: skills named in the JD (gazetteer over the catalog's aliases, context
rules for ambiguous aliases, discovery of unknown technology names), each with primary flag
and evidence. Boilerplate sections are not a source of skills."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from jdskills.pipeline.catalog_snapshot import get_snapshot
from jdskills.pipeline.state import JDState, for_each_active
from jdskills.settings import get_settings


@task(name="extract", cache_policy=NONE)
def extract_skills(batch: list[JDState]) -> list[JDState]:
    gazetteer = get_snapshot(get_settings()).gazetteer

    def one(state: JDState) -> None:
        assert state.parse is not None, "extract runs after parse"
        state.extracted = gazetteer.extract(state.record.text, state.parse.sections)

    for_each_active(batch, "extract", one)
    return batch
