"""Output schemas of the LLM stages (pydantic; tables live in ``jdskills.models``).

Docstrings and field descriptions are sent to the model as the JSON schema of a structured
output, so they are part of the prompt: keep them short and exact. Every model forbids extra
keys, so anything outside the schema fails validation. Models whose choices depend on the
request (candidate roles, candidate dimensions) are built per call by ``for_candidates`` /
``for_dimensions`` with the allowed values as an enum.
"""

from __future__ import annotations

import builtins
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from jdskills.records import Period, WorkMode

NONE_ROLE = "none"
NEW_DIMENSION = "new"

SectionKind = Literal["responsibilities", "requirements", "nice_to_have", "benefits",
                      "about_company", "eeo", "summary", "other"]
RejectReason = Literal["empty", "too_short", "not_english", "not_a_job_ad"]
SkillType = Literal["Language", "Framework", "Library", "Tool", "Platform", "Database",
                    "Standard", "Methodology", "Architecture", "Concept", "Technology",
                    "Domain Knowledge", "Soft Skill", "Certification"]
Nature = Literal["hard", "soft", "knowledge", "tool", "certification", "language"]
Volatility = Literal["EMERGING", "STABLE", "DECLINING", "UNKNOWN"]
Lifespan = Literal["EVERGREEN", "LONG", "MEDIUM", "SHORT", "UNKNOWN"]
VersionStrategy = Literal["NOT_APPLICABLE", "MAJOR_VERSIONS", "CONTINUOUS", "UNKNOWN"]
MaturityLevel = Literal["foundational", "well_known", "specialist", "emerging", "legacy",
                        "unknown"]
NatureLabel = Literal["Evaluation & content creation", "Building & designing systems",
                      "Operating & maintaining", "Security & compliance", "Research",
                      "Analysis & reporting",
                      "Finance & accounting", "People management",
                      "Sales & business development", "Patient & client care",
                      "Teaching & training", "Coordination & administration", "Unspecified"]
TechMaturityLabel = Literal["cutting-edge", "modern", "established", "legacy"]
Confidence = Field(ge=0, le=1, description="0-1, how sure you are")


def _compact(schema: dict[str, Any]) -> None:
    """Fewer prompt tokens, same meaning: no auto titles ("Dimension Slug" repeats the key),
    and ``anyOf [X, null]`` of a plain type written as ``type: [X, "null"]``."""
    schema.pop("title", None)
    for name, prop in schema.get("properties", {}).items():
        prop.pop("title", None)
        variants = prop.get("anyOf")
        if not (isinstance(variants, list) and len(variants) == 2
                and {"type": "null"} in variants):
            continue
        plain = next(v for v in variants if v != {"type": "null"})
        if "$ref" in plain or plain.get("type") in ("object", "array"):
            continue
        merged = {**plain, "type": [plain["type"], "null"]}
        if "enum" in plain:
            merged["enum"] = [*plain["enum"], None]
        schema["properties"][name] = {**{k: v for k, v in prop.items() if k != "anyOf"},
                                      **merged}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_compact)


# --- parse + extract (one fused call) --------------------------------------------------------
class Marker(_Out):
    """A span of the JD located by its first and last five words, copied verbatim."""

    first_5_words: str
    last_5_words: str


class SectionOut(_Out):
    heading: str | None = Field(description="heading as written; null if none")
    kind: SectionKind
    source_marker: Marker


class CTCOut(_Out):
    min: float | None = Field(ge=0, description="number only, e.g. 35 for '$35'")
    max: float | None = Field(ge=0)
    currency: str | None = Field(description="ISO-4217 code")
    period: Period | None
    raw: str | None = Field(description="the pay text verbatim")


class ExperienceOut(_Out):
    min: float | None = Field(ge=0, le=50, description="years")
    max: float | None = Field(ge=0, le=50)
    raw: str | None = Field(description="verbatim")


class LocationOut(_Out):
    city: str | None
    state: str | None
    country: str | None
    work_mode: WorkMode | None


class DomainOut(_Out):
    primary: str | None = Field(description="industry, e.g. 'IT Services & Consulting'")
    secondary: str | None


class SkillOut(_Out):
    name: str = Field(description="canonical name, 1-4 words ('PyTorch' for 'Py Torch')")
    is_primary: bool = Field(description="true if required/core, false if nice-to-have")
    evidence: str | None = Field(description="null if the JD writes the name as is; else "
                                             "the shortest verbatim fragment naming it")


class ParseExtractOutput(_Out):
    """Structured fields and skills of one job description. Null or [] when not stated."""

    jd_type: Literal["pass", "reject"]
    reject_reason: RejectReason | None = Field(description="only when jd_type is reject")
    role: str | None = Field(description="the JD's own role title, singular, e.g. 'MLOps "
                                         "Engineer'")
    role_archetype: str | None = Field(description="e.g. Engineering, Data, Design, Sales")
    company_name: str | None = Field(description="the hiring company")
    ctc: CTCOut
    experience: ExperienceOut
    job_locations: list[LocationOut]
    education: list[str]
    certifications: list[str]
    domain: DomainOut
    sections: list[SectionOut] = Field(description="in order; text not repeated")
    about_company: Marker | None
    urls: list[str]
    skills: list[SkillOut]


# --- role adjudication (case B) --------------------------------------------------------------
class AdjudicationOutput(_Out):
    """The catalog role this job description is for, among the candidates given."""

    chosen_role_slug: str = Field(description=f"a candidate's slug, or '{NONE_ROLE}'")
    confidence: float = Confidence
    rationale: str = Field(description="1-2 sentences citing the JD")

    @classmethod
    def for_candidates(cls, slugs: tuple[str, ...]) -> type[AdjudicationOutput]:
        return _adjudication_model(tuple(sorted(set(slugs))))


@lru_cache(maxsize=256)
def _adjudication_model(slugs: tuple[str, ...]) -> type[AdjudicationOutput]:
    allowed = Literal[(*slugs, NONE_ROLE)]  # type: ignore[valid-type]
    return create_model(  # type: ignore[call-overload, no-any-return]
        "AdjudicationOutput", __base__=AdjudicationOutput, __doc__=AdjudicationOutput.__doc__,
        chosen_role_slug=(allowed, Field(description=f"a candidate's slug, or '{NONE_ROLE}'")),
    )


# --- enrichment of one new skill -------------------------------------------------------------
class Maturity(_Out):
    level: MaturityLevel
    confidence: float = Confidence
    reasoning: str


class Ambiguity(_Out):
    flag: bool = Field(description="true if the name is commonly confused with another skill")
    confused_with: list[str]


class Relationships(_Out):
    """Other skills by name (proposals for review)."""

    related_to: list[str]
    requires: list[str]
    parent: list[str]
    child: list[str]


class ProposedDimension(_Out):
    name: str
    description: str
    in_scope: str
    out_of_scope: str


class PlacementOut(_Out):
    dimension_slug: str = Field(description=f"a candidate's slug, or '{NEW_DIMENSION}'")
    proposed_dimension: ProposedDimension | None = Field(
        description=f"required when dimension_slug is '{NEW_DIMENSION}', else null")
    confidence: float = Confidence

    @model_validator(mode="after")
    def _proposal_iff_new(self) -> PlacementOut:
        if (self.dimension_slug == NEW_DIMENSION) != (self.proposed_dimension is not None):
            raise ValueError(f"proposed_dimension must be given exactly when dimension_slug "
                             f"is '{NEW_DIMENSION}'")
        return self


class EnrichmentOutput(_Out):
    """Advisory description of one skill that is new to the catalog, for human review."""

    type: SkillType
    subtype: str | None = Field(description="snake_case, e.g. gpu_kernel_language")
    category: str | None
    sub_category: str | None
    nature: Nature
    volatility: Volatility
    lifespan: Lifespan
    version_strategy: VersionStrategy
    maturity: Maturity
    vendor: str | None = Field(description="null unless the evidence names it")
    licence: str | None = Field(description="null unless certain")
    year: int | None = Field(description="year introduced; null unless certain")
    ambiguity: Ambiguity
    context_keywords: list[str] = Field(description="about 15 terms seen with it in JDs")
    relationships: Relationships
    placement: PlacementOut
    confidence: float = Confidence

    @classmethod
    def for_dimensions(cls, slugs: tuple[str, ...]) -> builtins.type[EnrichmentOutput]:
        return _enrichment_model(tuple(sorted(set(slugs))))


@lru_cache(maxsize=1024)
def _enrichment_model(slugs: tuple[str, ...]) -> type[EnrichmentOutput]:
    allowed = Literal[(*slugs, NEW_DIMENSION)]  # type: ignore[valid-type]
    placement = create_model(  # type: ignore[call-overload]
        "PlacementOut", __base__=PlacementOut,
        dimension_slug=(allowed, Field(description=f"a candidate's slug, or '{NEW_DIMENSION}'")),
    )
    return create_model(  # type: ignore[call-overload, no-any-return]
        "EnrichmentOutput", __base__=EnrichmentOutput, __doc__=EnrichmentOutput.__doc__,
        placement=(placement, ...),
    )


# --- summary ---------------------------------------------------------------------------------
class NatureOfWork(_Out):
    label: NatureLabel
    summary: str = Field(description="one sentence")
    evidence: str | None = Field(description="verbatim quote from the JD, <=30 words")


class TechMaturity(_Out):
    label: TechMaturityLabel
    reasoning: str = Field(description="one sentence naming the technologies")


class AIFlags(_Out):
    title_match: bool = Field(description="the title is an AI/ML/data-science role")
    ai_skill_primary: bool
    ai_skill_secondary: bool
    ai_team: bool = Field(description="the job is on an AI/ML team or lab")
    builds_ai_products: bool


class SummaryOutput(_Out):
    """Nature of the work, tech-stack maturity and AI flags of one job description."""

    nature_of_work: NatureOfWork
    tech_maturity: TechMaturity
    ai_flags: AIFlags
