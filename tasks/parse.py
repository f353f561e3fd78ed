"""Stage 1 — parse: JD text → structured fields and the pass/reject gate.

Offline backend: the rule-based parser. LLM backend: one fused parse+extract call per JD on
the small model (it also fills the extracted skills, so the extract stage then has nothing
left to do); a JD whose call fails after retries and one repair is quarantined here.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from jdskills.offline.parser import parse_jd
from jdskills.pipeline.state import JDState, for_each_active
from jdskills.settings import get_settings


@task(name="parse", cache_policy=NONE)
def parse_jds(batch: list[JDState], run_id: str | None = None) -> list[JDState]:
    if get_settings().backend == "llm":
        from jdskills.llm.backend import parse_extract_batch

        return parse_extract_batch(batch, run_id)
    for_each_active(batch, "parse", _parse_one)
    return batch


def _parse_one(state: JDState) -> None:
    r = state.record
    state.parse = parse_jd(r.jd_id, r.text, title=r.title, company=r.company)
    if state.parse.jd_type == "reject":
        state.outcome = "rejected"
        state.reason = state.parse.reject_reason or "rejected"
