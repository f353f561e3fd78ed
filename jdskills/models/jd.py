"""JD-side tables: ingested files, JDs and everything the stages derive from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from jdskills.models.catalog import created_at_field, fk, json_field
from jdskills.models.checks import check_between, check_in

JD_STATUS = ("ingested", "processed", "rejected", "quarantined")
WORK_MODES = ("remote", "hybrid", "onsite")
MATCHED_VIA = ("exact", "squash", "fuzzy", "semantic", "new")


def jd_fk(*, primary_key: bool = False, nullable: bool = False, index: bool = True) -> Any:
    """``index=False`` where a unique constraint already leads with ``jd_id``."""
    return Field(
        default=None,
        sa_column=Column(
            String(64),
            ForeignKey("job_description.jd_id", ondelete="CASCADE"),
            primary_key=primary_key,
            nullable=nullable and not primary_key,
            index=index and not primary_key,
        ),
    )


class IngestedFile(SQLModel, table=True):
    __tablename__ = "ingested_file"
    id: int | None = Field(default=None, primary_key=True)
    uri: str
    size: int | None = None
    etag: str | None = Field(default=None, max_length=200)
    fingerprint: str = Field(max_length=64, unique=True)
    status: str = Field(default="pending", max_length=16)
    jd_count: int = 0
    error: str | None = None
    run_id: str | None = Field(default=None, max_length=64)
    first_seen: datetime = created_at_field()
    finished_at: datetime | None = None
    __table_args__ = (check_in("status", ("pending", "done", "failed")),)


class JobDescription(SQLModel, table=True):
    __tablename__ = "job_description"
    jd_id: str = Field(primary_key=True, max_length=64, description="sha256 of normalised text")
    source_uri: str
    external_id: str | None = Field(default=None, max_length=300)
    title: str | None = None
    company: str | None = None
    text: str
    posted_at: datetime | None = None
    status: str = Field(default="ingested", max_length=16, index=True)
    reason: str | None = None
    first_run_id: str | None = Field(default=None, max_length=64)
    last_run_id: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = created_at_field()
    __table_args__ = (check_in("status", JD_STATUS, nullable=False),)


class JDParse(SQLModel, table=True):
    __tablename__ = "jd_parse"
    jd_id: str = jd_fk(primary_key=True)
    jd_type: str = Field(max_length=8)
    reject_reason: str | None = Field(default=None, max_length=40)
    role_title: str | None = None
    role_archetype: str | None = None
    company: str | None = None
    ctc_min: float | None = None
    ctc_max: float | None = None
    ctc_currency: str | None = Field(default=None, max_length=3)
    ctc_period: str | None = Field(default=None, max_length=8)
    ctc_raw: str | None = None
    exp_min: float | None = None
    exp_max: float | None = None
    exp_raw: str | None = None
    education: list[Any] = json_field([], nullable=False)
    certifications: list[Any] = json_field([], nullable=False)
    domain: dict[str, Any] | None = json_field(None)
    sections: list[Any] = json_field([], nullable=False)
    about_company: dict[str, Any] | None = json_field(None)
    urls: list[Any] = json_field([], nullable=False)
    parser: str = Field(default="offline", max_length=16)
    __table_args__ = (
        check_in("jd_type", ("pass", "reject"), nullable=False),
        check_in("ctc_period", ("hour", "day", "week", "month", "year")),
        CheckConstraint("ctc_min IS NULL OR ctc_min >= 0", name="ck_ctc_min_nonneg"),
        CheckConstraint(
            "ctc_min IS NULL OR ctc_max IS NULL OR ctc_min <= ctc_max", name="ck_ctc_order"
        ),
        CheckConstraint("ctc_currency IS NULL OR ctc_currency ~ '^[A-Z]{3}$'", name="ck_ctc_iso"),
        check_between("exp_min", 0, 50),
        check_between("exp_max", 0, 50),
        CheckConstraint(
            "exp_min IS NULL OR exp_max IS NULL OR exp_min <= exp_max", name="ck_exp_order"
        ),
    )


class JDLocation(SQLModel, table=True):
    __tablename__ = "jd_location"
    id: int | None = Field(default=None, primary_key=True)
    jd_id: str = jd_fk()
    city: str | None = None
    state: str | None = None
    country: str | None = None
    work_mode: str | None = Field(default=None, max_length=8)
    __table_args__ = (check_in("work_mode", WORK_MODES),)


class JDSkill(SQLModel, table=True):
    __tablename__ = "jd_skill"
    id: int | None = Field(default=None, primary_key=True)
    jd_id: str = jd_fk(index=False)  # uq_jd_skill (jd_id, normalized) serves it
    skill_id: int | None = fk("skill.id", nullable=True, ondelete="SET NULL")
    input_term: str = Field(max_length=300)
    normalized: str = Field(max_length=300)
    tag: str = Field(max_length=8)
    is_primary: bool = False
    evidence: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    matched_via: str = Field(max_length=16)
    match_score: float | None = None
    candidates: list[Any] = json_field([], nullable=False)
    catalog_version_id: int | None = fk("catalog_version.id", nullable=True, ondelete="SET NULL")
    __table_args__ = (
        UniqueConstraint("jd_id", "normalized", name="uq_jd_skill"),
        check_in("tag", ("in_db", "new"), nullable=False),
        check_in("matched_via", MATCHED_VIA, nullable=False),
        CheckConstraint(
            "(tag = 'in_db' AND skill_id IS NOT NULL AND matched_via <> 'new') "
            "OR (tag = 'new' AND matched_via = 'new')",
            name="ck_jd_skill_tag",
        ),
    )


class RoleDecision(SQLModel, table=True):
    __tablename__ = "role_decision"
    jd_id: str = jd_fk(primary_key=True)
    decision_case: str = Field(max_length=1)
    role_id: int | None = fk("role.id", nullable=True, ondelete="SET NULL")
    confidence: float
    signals: dict[str, Any] = json_field({}, nullable=False)
    rationale: str | None = None
    decided_by: str = Field(default="offline", max_length=16)
    catalog_version_id: int | None = fk("catalog_version.id", nullable=True, ondelete="SET NULL")
    __table_args__ = (
        check_in("decision_case", ("A", "B", "C"), nullable=False),
        check_between("confidence", 0, 1),
        CheckConstraint("decision_case = 'C' OR role_id IS NOT NULL", name="ck_decision_role"),
    )


class JDDimensionLink(SQLModel, table=True):
    """A JD skill placed in a dimension: from the catalog for known skills, by placement
    for new ones."""

    __tablename__ = "jd_dimension_link"
    id: int | None = Field(default=None, primary_key=True)
    jd_id: str = jd_fk()
    jd_skill_id: int = fk("jd_skill.id", index=False)  # uq_jd_dimension_link leads with it
    dimension_id: int = fk("dimension.id")
    via: str = Field(max_length=16)
    catalog_version_id: int | None = fk("catalog_version.id", nullable=True, ondelete="SET NULL")
    __table_args__ = (
        UniqueConstraint("jd_skill_id", "dimension_id", name="uq_jd_dimension_link"),
        check_in("via", ("catalog", "placement"), nullable=False),
    )


class JDSummary(SQLModel, table=True):
    __tablename__ = "jd_summary"
    jd_id: str = jd_fk(primary_key=True)
    nature_of_work: dict[str, Any] | None = json_field(None)
    tech_maturity: dict[str, Any] | None = json_field(None)
    ai_index: int = 0
    ai_flags: dict[str, Any] = json_field({}, nullable=False)
    clusters: list[Any] = json_field([], nullable=False)
    __table_args__ = (check_between("ai_index", 0, 5),)
