"""Plain records passed between stages (pydantic, not tables).

Stage outputs keep the seed run's vocabulary (``jd_type``, ``ctc``, ``job_locations``,
``roles_and_responsibilities`` ...) so that the offline and LLM backends produce the same
shapes. Tables live in ``jdskills.models``; conversion is explicit in the persist stage.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

WorkMode = Literal["remote", "hybrid", "onsite"]
Period = Literal["hour", "day", "week", "month", "year"]


class JDRecord(BaseModel):
    """One job description as ingested."""

    jd_id: str = Field(description="sha256 hex of the normalised text")
    source_uri: str
    source_ref: str | None = Field(default=None, description="line/row/member within the file")
    external_id: str | None = None
    title: str | None = None
    company: str | None = None
    text: str
    url: str | None = None
    posted_at: datetime | None = None


class RejectedInput(BaseModel):
    """An input that could not become a JD record (broken line, binary file, no text)."""

    source_uri: str
    source_ref: str | None = None
    stage: str = "ingest"
    reason: str
    details: dict[str, str | int | float | None] = Field(default_factory=dict)


class CTC(BaseModel):
    """Compensation as stated in the JD."""

    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, description="ISO-4217 code, e.g. USD, INR")
    period: Period | None = None
    raw: str | None = None


class Experience(BaseModel):
    min: float | None = Field(default=None, ge=0, le=50)
    max: float | None = Field(default=None, ge=0, le=50)
    raw: str | None = None


class Location(BaseModel):
    city: str | None = None
    state: str | None = None
    country: str | None = None
    work_mode: WorkMode | None = None


class SourceMarker(BaseModel):
    first_5_words: str
    last_5_words: str


class Section(BaseModel):
    heading: str | None
    heading_was_present: bool
    kind: Literal[
        "responsibilities", "requirements", "nice_to_have", "benefits", "about_company",
        "eeo", "summary", "other",
    ] = "other"
    text: str
    start: int = Field(description="character offset of the section text in the JD text")
    bullet_count: int
    word_count: int
    source_marker: SourceMarker


class AboutCompany(BaseModel):
    text: str
    word_count: int
    source_marker: SourceMarker


class Domain(BaseModel):
    primary: str | None = None
    secondary: str | None = None


class JDParse(BaseModel):
    """Stage 1 output."""

    jd_id: str
    jd_type: Literal["pass", "reject"]
    reject_reason: str | None = Field(
        default=None,
        description="reason code when rejected: empty, too_short, not_english, not_a_job_ad, ...",
    )
    role: str | None = None
    role_archetype: str | None = None
    company_name: str | None = None
    ctc: CTC = Field(default_factory=CTC)
    experience: Experience = Field(default_factory=Experience)
    job_locations: list[Location] = Field(default_factory=list)
    education: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    domain: Domain = Field(default_factory=Domain)
    sections: list[Section] = Field(default_factory=list)
    about_company: AboutCompany | None = None
    urls: list[str] = Field(default_factory=list)


class ExtractedSkill(BaseModel):
    """Stage 2 output, one per distinct skill in a JD."""

    name: str = Field(min_length=1, max_length=80)
    is_primary: bool
    evidence: str = Field(description="the sentence or bullet the skill was found in")
    start: int | None = Field(default=None, description="char offset of the mention in the text")
    end: int | None = None
    skill_id: int | None = Field(
        default=None, description="catalog skill the gazetteer matched, when it came from one"
    )
    skill_slug: str | None = Field(
        default=None,
        description="catalog slug of the matched skill when the catalog is keyed by slug "
        "(catalog files) rather than by id (Postgres)",
    )
    count: int = 1
