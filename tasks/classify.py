"""Stage 4 — classify: a role decision per JD (case A/B/C) from three signals — skills through
the roles' dimensions, title similarity to the roles' aliases, and the responsibilities text
against the roles' centroids; in LLM mode a model adjudicates case B. The logic lives in
``jdskills.pipeline.roles``; this task builds its inputs once per batch (one embedding call
for every JD's responsibilities text)."""

from __future__ import annotations

import logging

from prefect import get_run_logger, task
from prefect.cache_policies import NONE
from prefect.exceptions import MissingContextError

from jdskills.pipeline.catalog_snapshot import get_snapshot
from jdskills.pipeline.responsibilities import KraText, kra_text
from jdskills.pipeline.role_signals import role_index
from jdskills.pipeline.roles import KraInput, decide_role, kra_scores
from jdskills.pipeline.state import JDState, for_each_active
from jdskills.settings import get_settings


def _logger() -> logging.Logger | logging.LoggerAdapter:  # type: ignore[type-arg]
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


@task(name="classify", cache_policy=NONE)
def classify_roles(batch: list[JDState], run_id: str | None = None) -> list[JDState]:
    settings = get_settings()
    snapshot = get_snapshot(settings)
    index = role_index(snapshot)

    texts: dict[str, KraText] = {}

    def read_responsibilities(state: JDState) -> None:
        texts[state.jd_id] = kra = kra_text(state)
        state.responsibilities = kra.statements

    for_each_active(batch, "classify", read_responsibilities)
    cosines = kra_scores(index, [t.text for t in texts.values()])
    kra = {jd_id: KraInput(t, cosines[n]) for n, (jd_id, t) in enumerate(texts.items())}

    def decide(state: JDState) -> None:
        state.decision = decide_role(state, snapshot, settings, kra.get(state.jd_id))

    timing = for_each_active(batch, "classify", decide)
    if settings.backend == "llm":  # case B: the LLM referee among the top candidates
        from jdskills.llm.backend import adjudicate_batch
        from jdskills.llm.inputs import role_candidates

        candidates = {s.jd_id: role_candidates(s.decision, snapshot.role_by_id,
                                               settings.role_top_k)
                      for s in batch if s.active and s.decision and s.decision.case == "B"}
        adjudicate_batch(batch, candidates, run_id)
    cases = {c: sum(1 for s in batch if s.decision and s.decision.case == c) for c in "ABC"}
    _logger().info("classify: %d JDs in %.3fs (catalog v%s), cases %s", timing["jds"],
                   timing["seconds"], snapshot.version, cases)
    return batch
