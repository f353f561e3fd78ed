"""Stage 4 — classify: a role decision per JD (case A/B/C) from three signals — skills through
the roles' dimensions, title similarity to the roles' aliases, and the responsibilities text
against the roles' centroids. The logic lives in ``jdskills.pipeline.roles``; this task builds
its inputs once per batch (one embedding call for every JD's responsibilities text)."""

from __future__ import annotations

import logging

import numpy as np
from prefect import get_run_logger, task
from prefect.cache_policies import NONE
from prefect.exceptions import MissingContextError

from jdskills.pipeline.catalog_snapshot import get_snapshot
from jdskills.pipeline.responsibilities import kra_text
from jdskills.pipeline.role_signals import role_index
from jdskills.pipeline.roles import decide_role, kra_scores
from jdskills.pipeline.state import JDState, for_each_active
from jdskills.settings import get_settings


def _logger() -> logging.Logger | logging.LoggerAdapter:  # type: ignore[type-arg]
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


@task(name="classify", cache_policy=NONE)
def classify_roles(batch: list[JDState]) -> list[JDState]:
    settings = get_settings()
    snapshot = get_snapshot(settings)
    index = role_index(snapshot)

    texts: dict[str, str] = {}

    def read_responsibilities(state: JDState) -> None:
        kra = kra_text(state)
        state.responsibilities = kra.statements
        texts[state.jd_id] = kra.text

    for_each_active(batch, "classify", read_responsibilities)
    ids = list(texts)
    cosines = kra_scores(index, [texts[i] for i in ids])
    row = {jd_id: cosines[n] for n, jd_id in enumerate(ids)}

    def decide(state: JDState) -> None:
        kra: np.ndarray | None = row.get(state.jd_id)
        state.decision = decide_role(state, snapshot, settings, kra)

    timing = for_each_active(batch, "classify", decide)
    cases = {c: sum(1 for s in batch if s.decision and s.decision.case == c) for c in "ABC"}
    _logger().info("classify: %d JDs in %.3fs (catalog v%s), cases %s", timing["jds"],
                   timing["seconds"], snapshot.version, cases)
    return batch
