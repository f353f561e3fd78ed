"""The DataFrames the data-quality gates validate, one builder per stage boundary.

Every frame has a ``jd_id`` column so that a failing row names its JD. Only JDs still in play
(outcome "pending") are checked, except at ingest (every record) and before persist (every
JD, so that the rows about to be written can be counted against the chunk's input). Frames
are compact: the columns and computed columns the suites check, never the JD text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from jdskills.pipeline.state import JDState

if TYPE_CHECKING:
    from jdskills.pipeline.catalog_snapshot import CatalogSnapshot

PENDING_PREFIX = "pending/"
WHOLE_BATCH_STAGES = frozenset({"ingest", "persist"})


@dataclass(frozen=True)
class GateContext:
    """What a gate needs besides the batch: the catalog it is checked against, and counts."""

    active_skill_ids: Collection[int] | None = None  # match: ids of the active catalog skills
    role_ids: Collection[int] | None = None  # classify: ids of the active catalog roles
    dimension_status: Mapping[str, str] | None = None  # link: dimension slug -> status
    expected_jds: int | None = None  # persist: JDs the chunk started with

    def require(self, name: str) -> Any:
        value = getattr(self, name)
        if value is None:
            raise ValueError(f"this data-quality gate needs {name!r} in its context")
        return value


def catalog_context(snapshot: CatalogSnapshot) -> dict[str, Any]:
    """The catalog part of a gate context, from the run's snapshot (``run_gate(..., **this)``).

    Build it once per snapshot, not per gate (tens of ms for 100k skills)."""
    dims = snapshot.dimensions
    return {
        "active_skill_ids": frozenset(snapshot.skills.index.tolist()),
        "role_ids": frozenset(r.id for r in snapshot.roles),
        "dimension_status": dict(zip(dims["slug"], dims["status"], strict=True)),
    }


def checked(stage: str, batch: list[JDState]) -> list[JDState]:
    """The JDs a stage's gate checks."""
    return list(batch) if stage in WHOLE_BATCH_STAGES else [s for s in batch if s.active]


def _frame(rows: list[tuple[Any, ...]], columns: tuple[str, ...],
           numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows → DataFrame; ``numeric`` columns as float64 (None → NaN, all-null safe)."""
    data = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame({name: np.array(values, dtype="float64") if name in numeric
                         else list(values)
                         for name, values in zip(columns, data, strict=True)})


def ingest_frame(batch: list[JDState], ctx: GateContext) -> pd.DataFrame:
    """One row per record; ``text_chars`` is the text's length, 0 when it is blank."""
    rows = [(s.record.jd_id, len(s.record.text) if s.record.text.strip() else 0)
            for s in checked("ingest", batch)]
    return _frame(rows, ("jd_id", "text_chars"), ("text_chars",))


def parse_frame(batch: list[JDState], ctx: GateContext) -> pd.DataFrame:
    """One row per job location (one row when the JD names none); no parse → nulls."""
    rows: list[tuple[Any, ...]] = []
    for s in checked("parse", batch):
        p = s.parse
        if p is None:
            rows.append((s.record.jd_id, None, None, None, None, None, None, None))
            continue
        head = (s.record.jd_id, p.jd_type, p.ctc.min, p.ctc.max, p.ctc.currency,
                p.experience.min, p.experience.max)
        modes = [loc.work_mode for loc in p.job_locations] or [None]
        rows.extend((*head, mode) for mode in modes)
    return _frame(rows, ("jd_id", "jd_type", "ctc_min", "ctc_max", "ctc_currency", "exp_min",
                         "exp_max", "work_mode"), ("ctc_min", "ctc_max", "exp_min", "exp_max"))


def extract_frame(batch: list[JDState], ctx: GateContext) -> pd.DataFrame:
    """One row per extracted skill (one row without a name for a JD with none).

    ``name_key`` is the case- and space-folded name (the duplicate key). ``word_count`` is set
    for free-text names only: catalog names are vetted by the catalog build (ESCO labels run
    to 25 words), so the "not a sentence" rule spares them.
    """
    rows: list[tuple[Any, ...]] = []
    for s in checked("extract", batch):
        jd, n = s.record.jd_id, len(s.extracted)
        if n == 0:
            rows.append((jd, None, None, None, 0))
        for x in s.extracted:
            from_catalog = x.skill_id is not None or x.skill_slug is not None
            rows.append((jd, x.name, " ".join(x.name.casefold().split()),
                         None if from_catalog else len(x.name.split()), n))
    return _frame(rows, ("jd_id", "name", "name_key", "word_count", "skill_count"),
                  ("word_count", "skill_count"))


def match_frame(batch: list[JDState], ctx: GateContext) -> pd.DataFrame:
    """One row per matched skill; ``skill_in_catalog`` is set for ``in_db`` rows only."""
    active = _as_set(ctx.require("active_skill_ids"))
    rows = [(s.record.jd_id, m.tag, m.matched_via, m.score, m.skill_id,
             m.skill_id in active if m.tag == "in_db" else None)
            for s in checked("match", batch) for m in s.skills]
    return _frame(rows, ("jd_id", "tag", "matched_via", "score", "skill_id", "skill_in_catalog"),
                  ("score", "skill_id"))


def classify_frame(batch: list[JDState], ctx: GateContext) -> pd.DataFrame:
    """One row per JD; ``role_in_catalog`` is null for case C (no catalog role chosen)."""
    roles = _as_set(ctx.require("role_ids"))
    rows: list[tuple[Any, ...]] = []
    for s in checked("classify", batch):
        d = s.decision
        if d is None:
            rows.append((s.record.jd_id, None, None, None, None))
            continue
        known = None if d.case == "C" else d.role_id in roles
        rows.append((s.record.jd_id, d.case, d.confidence, d.role_id, known))
    return _frame(rows, ("jd_id", "case", "confidence", "role_id", "role_in_catalog"),
                  ("confidence", "role_id"))


def link_frame(batch: list[JDState], ctx: GateContext) -> pd.DataFrame:
    """One row per skill-dimension link, with the state of the dimension it points at.

    The state is the dimension's catalog status, ``pending`` for a slug in the ``pending/``
    namespace that the catalog does not hold yet (persist creates it), ``missing``
    otherwise; ``catalog_link_status`` / ``placement_link_status`` hold it for the links
    made that way (null for the others).
    """
    status = ctx.require("dimension_status")
    rows: list[tuple[Any, ...]] = []
    for s in checked("link", batch):
        for lk in s.links:
            slug = lk.dimension_slug
            state = status.get(slug) or ("pending" if slug.startswith(PENDING_PREFIX)
                                         else "missing")
            catalog = lk.via == "catalog"
            rows.append((s.record.jd_id, lk.skill_normalized, slug,
                         state if catalog else None, None if catalog else state))
    return _frame(rows, ("jd_id", "skill_normalized", "dimension_slug", "catalog_link_status",
                         "placement_link_status"))


def persist_frame(batch: list[JDState], ctx: GateContext) -> pd.DataFrame:
    """One row per JD of the chunk; the row counts are set for active JDs only.

    ``decisions`` is the number of role-decision rows the JD will write; ``links_without_skill``
    the links whose skill is not among the JD's skills (persist's join would drop them).
    """
    ctx.require("expected_jds")
    rows: list[tuple[Any, ...]] = []
    for s in checked("persist", batch):
        if not s.active:
            rows.append((s.record.jd_id, None, None))
            continue
        skills = {m.normalized for m in s.skills}
        orphans = sum(1 for lk in s.links if lk.skill_normalized not in skills)
        rows.append((s.record.jd_id, int(s.decision is not None), orphans))
    return _frame(rows, ("jd_id", "decisions", "links_without_skill"),
                  ("decisions", "links_without_skill"))


FrameBuilder = Callable[[list[JDState], GateContext], pd.DataFrame]

FRAME_BUILDERS: dict[str, FrameBuilder] = {
    "ingest": ingest_frame, "parse": parse_frame, "extract": extract_frame,
    "match": match_frame, "classify": classify_frame, "link": link_frame,
    "persist": persist_frame,
}


def _as_set(values: Collection[int]) -> set[int] | frozenset[int]:
    return values if isinstance(values, set | frozenset) else set(values)
