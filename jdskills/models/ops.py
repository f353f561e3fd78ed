"""Operational tables: review queues, quarantine, runs and LLM accounting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from jdskills.models.catalog import created_at_field, fk, json_field
from jdskills.models.checks import check_in

REVIEW_STATUS = ("pending", "approved", "rejected", "merged")


class _QueueItem(SQLModel):
    occurrences: int = 1
    first_seen: datetime = created_at_field()
    last_seen: datetime = created_at_field()
    example_jd_ids: list[str] = json_field([], nullable=False)
    status: str = Field(default="pending", max_length=16)


class ReviewNewSkill(_QueueItem, table=True):
    """A skill the catalog does not know, per role it was seen with."""

    __tablename__ = "review_new_skill"
    id: int | None = Field(default=None, primary_key=True)
    normalized: str = Field(max_length=300)
    name: str = Field(max_length=300)
    skill_id: int | None = fk("skill.id", nullable=True, ondelete="SET NULL")
    role_id: int | None = fk("role.id", nullable=True, ondelete="SET NULL")
    role_key: str = Field(default="", max_length=200, description="role slug or '' for none")
    __table_args__ = (
        UniqueConstraint("normalized", "role_key", name="uq_review_new_skill"),
        check_in("status", REVIEW_STATUS, nullable=False),
    )


class ReviewNewRole(_QueueItem, table=True):
    __tablename__ = "review_new_role"
    id: int | None = Field(default=None, primary_key=True)
    normalized_title: str = Field(max_length=300, unique=True)
    title: str = Field(max_length=300)
    top_candidates: list[Any] = json_field([], nullable=False)
    __table_args__ = (check_in("status", REVIEW_STATUS, nullable=False),)


class ReviewNewDimension(_QueueItem, table=True):
    __tablename__ = "review_new_dimension"
    id: int | None = Field(default=None, primary_key=True)
    dimension_id: int = fk("dimension.id")
    nearest: list[Any] = json_field([], nullable=False)
    __table_args__ = (
        UniqueConstraint("dimension_id", name="uq_review_new_dimension"),
        check_in("status", REVIEW_STATUS, nullable=False),
    )


class ReviewAliasCollision(_QueueItem, table=True):
    """A JD title that is an alias of one role while the decision chose another."""

    __tablename__ = "review_alias_collision"
    id: int | None = Field(default=None, primary_key=True)
    normalized_title: str = Field(max_length=300)
    alias_role_id: int = fk("role.id")
    decided_role_id: int = fk("role.id")
    __table_args__ = (
        UniqueConstraint(
            "normalized_title", "alias_role_id", "decided_role_id", name="uq_review_collision"
        ),
        check_in("status", REVIEW_STATUS, nullable=False),
    )


class ReviewResponsibility(_QueueItem, table=True):
    __tablename__ = "review_responsibility"
    id: int | None = Field(default=None, primary_key=True)
    role_id: int = fk("role.id")
    statement: str
    normalized: str = Field(max_length=600)
    __table_args__ = (
        UniqueConstraint("role_id", "normalized", name="uq_review_responsibility"),
        check_in("status", REVIEW_STATUS, nullable=False),
    )


class ReviewAction(SQLModel, table=True):
    __tablename__ = "review_action"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor: str = Field(max_length=200)
    item_type: str = Field(max_length=32)
    item_id: int
    action: str = Field(max_length=16)
    details: dict[str, Any] = json_field({}, nullable=False)
    __table_args__ = (check_in("action", ("approve", "reject", "merge"), nullable=False),)


class Quarantine(SQLModel, table=True):
    __tablename__ = "quarantine"
    id: int | None = Field(default=None, primary_key=True)
    jd_id: str | None = Field(default=None, sa_column=Column(String(64), index=True))
    source_uri: str | None = None
    source_ref: str | None = Field(default=None, description="line/row/file of the input")
    run_id: str | None = Field(default=None, max_length=64, index=True)
    stage: str = Field(max_length=32)
    reason: str
    expectation: str | None = Field(default=None, max_length=200)
    details: dict[str, Any] = json_field({}, nullable=False)
    status: str = Field(default="open", max_length=16)
    created_at: datetime = created_at_field()
    resolved_at: datetime | None = None
    __table_args__ = (check_in("status", ("open", "resolved"), nullable=False),)


class PipelineRun(SQLModel, table=True):
    __tablename__ = "pipeline_run"
    run_id: str = Field(primary_key=True, max_length=64)
    flow_run_id: str | None = Field(default=None, max_length=64)
    flow_name: str = Field(max_length=100)
    parameters: dict[str, Any] = json_field({}, nullable=False)
    status: str = Field(default="running", max_length=16)
    started_at: datetime = created_at_field()
    finished_at: datetime | None = None
    counts: dict[str, Any] = json_field({}, nullable=False)
    jd_ids: list[str] = json_field([], nullable=False)
    stage_seconds: dict[str, Any] = json_field({}, nullable=False)
    data_quality: dict[str, Any] = json_field({}, nullable=False)
    llm_calls: int = 0
    cache_hits: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    error: str | None = None
    __table_args__ = (check_in("status", ("running", "completed", "failed"), nullable=False),)


class LLMCall(SQLModel, table=True):
    __tablename__ = "llm_call"
    id: int | None = Field(default=None, primary_key=True)
    run_id: str | None = Field(default=None, max_length=64, index=True)
    stage: str = Field(max_length=32)
    model: str = Field(max_length=100)
    prompt_version: str = Field(max_length=32)
    request_hash: str = Field(max_length=64, index=True)
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    cache_hit: bool = False
    error: str | None = None
    created_at: datetime = created_at_field()
    __table_args__ = (CheckConstraint("tokens_in >= 0 AND tokens_out >= 0", name="ck_tokens"),)


class LLMCache(SQLModel, table=True):
    __tablename__ = "llm_cache"
    key: str = Field(primary_key=True, max_length=64)
    stage: str = Field(max_length=32)
    model: str = Field(max_length=100)
    prompt_version: str = Field(max_length=32)
    response: dict[str, Any] = json_field({}, nullable=False)
    tokens_in: int = 0
    tokens_out: int = 0
    created_at: datetime = created_at_field()
