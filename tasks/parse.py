"""Stage 1 — parse: JD text → structured fields and the pass/reject gate."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from jdskills.offline.parser import parse_jd
from jdskills.pipeline.state import JDState, for_each_active


@task(name="parse", cache_policy=NONE)
def parse_jds(batch: list[JDState]) -> list[JDState]:
    for_each_active(batch, "parse", _parse_one)
    return batch


def _parse_one(state: JDState) -> None:
    r = state.record
    state.parse = parse_jd(r.jd_id, r.text, title=r.title, company=r.company)
    if state.parse.jd_type == "reject":
        state.outcome = "rejected"
        state.reason = state.parse.reject_reason or "rejected"
