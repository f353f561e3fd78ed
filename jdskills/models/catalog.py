"""Catalog tables: skills, aliases, dimensions, roles, their links, and catalog versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from jdskills.models.checks import check_in


def _now() -> datetime:
    return datetime.now(UTC)


def created_at_field() -> Any:
    return Field(
        default_factory=_now,
        sa_column_kwargs={"server_default": func.now()},
        sa_type=DateTime(timezone=True),
    )


def fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE",
       index: bool = True) -> Any:
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        ),
    )


def json_field(default: Any = None, *, nullable: bool = True) -> Any:
    factory = (lambda: default.copy()) if isinstance(default, dict | list) else (lambda: default)
    return Field(default_factory=factory, sa_type=JSONB, nullable=nullable)


SKILL_STATUS = ("active", "pending", "rejected")
SKILL_SOURCE = ("taxonomy", "curated", "llm", "offline", "user")
ALIAS_TYPES = ("canonical", "synonym", "abbreviation", "version", "spelling")
MATCH_STRATEGY = ("exact", "fuzzy", "context")


class CatalogVersion(SQLModel, table=True):
    __tablename__ = "catalog_version"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field()
    source: str = Field(max_length=32)
    description: str = ""
    counts: dict[str, Any] = json_field({})
    __table_args__ = (check_in("source", ("build", "import", "review", "pipeline")),)


class Skill(SQLModel, table=True):
    __tablename__ = "skill"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, unique=True)
    name: str = Field(max_length=300)
    category: str | None = Field(default=None, max_length=200)
    sub_category: str | None = Field(default=None, max_length=200)
    nature: str | None = Field(default=None, max_length=40)
    volatility: str | None = Field(default=None, max_length=40)
    lifespan: str | None = Field(default=None, max_length=40)
    version_strategy: str | None = Field(default=None, max_length=40)
    vendor: str | None = Field(default=None, max_length=200)
    licence: str | None = Field(default=None, max_length=100)
    year: int | None = None
    description: str | None = None
    enrichment: dict[str, Any] | None = json_field(None)
    status: str = Field(default="active", max_length=16, index=True)
    source: str = Field(default="taxonomy", max_length=16)
    source_ref: str | None = Field(default=None, max_length=400)
    catalog_version_id: int | None = fk("catalog_version.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = created_at_field()
    __table_args__ = (
        check_in("status", SKILL_STATUS),
        check_in("source", SKILL_SOURCE),
        check_in("nature", ("hard", "soft", "knowledge", "tool", "certification", "language")),
    )


class SkillAlias(SQLModel, table=True):
    __tablename__ = "skill_alias"
    id: int | None = Field(default=None, primary_key=True)
    skill_id: int = fk("skill.id")
    alias: str = Field(max_length=300)
    normalized: str = Field(max_length=300, index=True)
    squashed: str = Field(max_length=300, index=True)
    alias_type: str = Field(default="synonym", max_length=16)
    match_strategy: str = Field(default="exact", max_length=16)
    source: str = Field(default="taxonomy", max_length=16)
    created_at: datetime = created_at_field()
    __table_args__ = (
        UniqueConstraint("skill_id", "normalized", name="uq_skill_alias_skill_normalized"),
        check_in("alias_type", ALIAS_TYPES),
        check_in("match_strategy", MATCH_STRATEGY),
        check_in("source", SKILL_SOURCE + ("pipeline", "review")),
    )


class AliasCollision(SQLModel, table=True):
    """One normalised surface form that names several skills ("go", "r", "spring")."""

    __tablename__ = "alias_collision"
    id: int | None = Field(default=None, primary_key=True)
    normalized: str = Field(max_length=300, index=True)
    skill_id: int = fk("skill.id")
    context_terms: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(String), nullable=False, server_default="{}")
    )
    is_default: bool = False
    note: str | None = None
    __table_args__ = (UniqueConstraint("normalized", "skill_id", name="uq_alias_collision"),)


class Dimension(SQLModel, table=True):
    __tablename__ = "dimension"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, unique=True)
    name: str = Field(max_length=300)
    description: str = ""
    in_scope: str | None = None
    out_of_scope: str | None = None
    difficulty_hint: str | None = Field(default=None, max_length=40)
    exemplars: list[str] | None = json_field(None)
    status: str = Field(default="active", max_length=16)
    source: str = Field(default="taxonomy", max_length=16)
    review_log: dict[str, Any] | None = json_field(None)
    created_at: datetime = created_at_field()
    __table_args__ = (
        check_in("status", ("active", "pending", "rejected")),
        check_in("source", SKILL_SOURCE),
        # pending placements live in their own namespace and can never take a catalog slug
        # (the seed's d_init_01 defect)
        CheckConstraint(
            "(status = 'pending') = (slug LIKE 'pending/%')", name="ck_dimension_pending_namespace"
        ),
    )


class Role(SQLModel, table=True):
    __tablename__ = "role"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, unique=True)
    name: str = Field(max_length=300)
    archetype: str | None = Field(default=None, max_length=100)
    description: str = ""
    responsibilities: list[str] = json_field([], nullable=False)
    centroid: list[float] | None = Field(default=None, sa_column=Column(ARRAY(Double)))
    centroid_n: int = 0
    status: str = Field(default="active", max_length=16)
    source: str = Field(default="curated", max_length=16)
    created_at: datetime = created_at_field()
    __table_args__ = (
        check_in("status", ("active", "pending", "rejected")),
        check_in("source", SKILL_SOURCE),
    )


class RoleAlias(SQLModel, table=True):
    __tablename__ = "role_alias"
    id: int | None = Field(default=None, primary_key=True)
    role_id: int = fk("role.id")
    title: str = Field(max_length=300)
    normalized: str = Field(max_length=300, index=True)
    source: str = Field(default="curated", max_length=16)
    __table_args__ = (UniqueConstraint("role_id", "normalized", name="uq_role_alias"),)


class SkillDimension(SQLModel, table=True):
    __tablename__ = "skill_dimension"
    skill_id: int = Field(
        sa_column=Column(Integer, ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    )
    dimension_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dimension.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    weight: float = 1.0
    source: str = Field(default="taxonomy", max_length=16)
    __table_args__ = (check_in("source", SKILL_SOURCE + ("placement",)),)


class RoleDimension(SQLModel, table=True):
    __tablename__ = "role_dimension"
    role_id: int = Field(
        sa_column=Column(Integer, ForeignKey("role.id", ondelete="CASCADE"), primary_key=True)
    )
    dimension_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dimension.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    weight: float = 1.0
    evidence_count: int = 0
    first_seen: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_seen: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class SkillRelation(SQLModel, table=True):
    __tablename__ = "skill_relation"
    skill_id: int = Field(
        sa_column=Column(Integer, ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    )
    related_skill_id: int = Field(
        sa_column=Column(Integer, ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True)
    )
    relation: str = Field(sa_column=Column(String(16), primary_key=True))
    source: str = Field(default="taxonomy", max_length=16)
    __table_args__ = (check_in("relation", ("related_to", "requires", "parent", "child")),)
