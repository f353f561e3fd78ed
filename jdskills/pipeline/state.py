"""The per-JD working record that flows through the stages.

Each stage takes a list of ``JDState`` and returns it with its own part filled in. A JD that
fails a stage is marked quarantined (stage, reason) and later stages pass it through
untouched; persist writes every JD's outcome.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from jdskills.records import ExtractedSkill, JDParse, JDRecord

log = logging.getLogger(__name__)

Outcome = Literal["pending", "processed", "rejected", "quarantined"]


class StageOrderError(RuntimeError):
    """A stage ran before the stage whose output it needs."""


class SkillMatch(BaseModel):
    """An extracted skill after matching to the catalog (stage 3)."""

    input_term: str
    normalized: str
    is_primary: bool
    evidence: str
    start: int | None = None
    end: int | None = None
    count: int = 1
    tag: Literal["in_db", "new"]
    skill_id: int | None = None
    skill_name: str | None = None
    matched_via: Literal["exact", "squash", "fuzzy", "semantic", "new"]
    score: float | None = None
    candidates: list[dict[str, Any]] = Field(default_factory=list)
    persist_alias: bool = False


class SignalHit(BaseModel):
    role_id: int
    slug: str
    score: float
    evidence: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    case: Literal["A", "B", "C"]
    role_id: int | None
    role_slug: str | None
    role_name: str | None
    confidence: float = Field(ge=0, le=1)
    signals: dict[str, list[SignalHit]]
    rationale: str
    title_alias_role_id: int | None = None
    decided_by: str = "offline"


class Placement(BaseModel):
    """Where a new skill goes: an existing catalog dimension, or a pending one."""

    normalized: str
    name: str
    dimension_slug: str
    dimension_name: str
    reused: bool
    score: float
    nearest: list[dict[str, Any]] = Field(default_factory=list)


class Enrichment(BaseModel):
    normalized: str
    name: str
    fields: dict[str, Any]
    placement: Placement
    source: Literal["offline", "llm"] = "offline"
    cached: bool = False


class Link(BaseModel):
    skill_normalized: str
    dimension_slug: str
    via: Literal["catalog", "placement"]


class JDState(BaseModel):
    record: JDRecord
    outcome: Outcome = "pending"
    reason: str | None = None
    failed_stage: str | None = None
    failure: dict[str, Any] | None = None
    parse: JDParse | None = None
    extracted: list[ExtractedSkill] = Field(default_factory=list)
    skills: list[SkillMatch] = Field(default_factory=list)
    decision: Decision | None = None
    links: list[Link] = Field(default_factory=list)
    role_dimension_slugs: list[str] = Field(default_factory=list)
    responsibilities: list[str] = Field(default_factory=list)
    summary: dict[str, Any] | None = None

    @property
    def jd_id(self) -> str:
        return self.record.jd_id

    @property
    def active(self) -> bool:
        return self.outcome == "pending"

    def quarantine(self, stage: str, reason: str, **details: Any) -> None:
        self.outcome = "quarantined"
        self.failed_stage = stage
        self.reason = reason[:2000]
        self.failure = details


def for_each_active(
    batch: list[JDState], stage: str, fn: Callable[[JDState], None]
) -> dict[str, float]:
    """Apply ``fn`` to each JD still in play; a JD whose ``fn`` raises is quarantined with the
    stage and the error, and the rest of the batch goes on. Returns timing figures."""
    started = time.perf_counter()
    n = 0
    for state in batch:
        if not state.active:
            continue
        n += 1
        try:
            fn(state)
        except Exception as e:  # noqa: BLE001 - isolate one JD's failure from its batch
            log.warning("quarantining %s at %s: %s", state.jd_id, stage, e)
            state.quarantine(stage, f"{type(e).__name__}: {e}",
                             traceback=traceback.format_exc(limit=3))
    return {"jds": n, "seconds": time.perf_counter() - started}


def drop_mentions(batch: list[JDState]) -> list[JDState]:
    """The batch without stage 2's mentions (``extracted``), once stage 3 has turned them into
    ``skills``: nothing after the gates reads them, and persist writes the matches. A forked
    worker sends a sixth less to the flow's process (1.0 of 6.6 MB a chunk of 500 NHS JDs)."""
    for state in batch:
        state.extracted = []
    return batch
