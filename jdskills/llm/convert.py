"""Explicit conversion of LLM outputs into the pipeline's types — the same types the offline
backend produces (``JDParse``, ``ExtractedSkill``, ``Decision``, ``Enrichment``, summary dict).

The model quotes spans instead of copying them (section markers, skill evidence); they are
located again in the original JD text, so offsets are exact and nothing the model invents
passes as a quote: a skill whose name and evidence are both absent from the text is dropped,
and so is one whose evidence sits in boilerplate. Enrichment keeps a vendor or year only when
the evidence states it (the seed invented "Pallas AI" and "NVIDIA, 2015").
"""

from __future__ import annotations

import logging
import re
from typing import Any

from jdskills.llm.inputs import DimensionCandidate, NewSkillInput, RoleCandidate
from jdskills.llm.schemas import (
    NEW_DIMENSION,
    NONE_ROLE,
    AdjudicationOutput,
    EnrichmentOutput,
    Marker,
    ParseExtractOutput,
    SummaryOutput,
)
from jdskills.llm.spans import SpanFinder
from jdskills.normalize import normalize_alias
from jdskills.offline.bullets import count_bullets
from jdskills.offline.enrich.placement import pending_slug
from jdskills.offline.extract.primary import BOILERPLATE_KINDS, Sentences
from jdskills.offline.sections import split_sections
from jdskills.offline.summary import verbatim
from jdskills.pipeline.state import Decision, Enrichment, Placement
from jdskills.records import (
    CTC,
    AboutCompany,
    Domain,
    Experience,
    ExtractedSkill,
    JDParse,
    Location,
    Section,
    SourceMarker,
)

log = logging.getLogger(__name__)
PROVENANCE = "llm"
MAX_SKILL_WORDS = 6
_LISTY = frozenset({"responsibilities", "requirements", "nice_to_have", "benefits"})
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def source_marker(span_text: str) -> SourceMarker:
    words = span_text.split()
    return SourceMarker(first_5_words=" ".join(words[:5]), last_5_words=" ".join(words[-5:]))


def _span(finder: SpanFinder, marker: Marker, start: int = 0) -> tuple[int, int] | None:
    head = finder.find(marker.first_5_words, start)
    if head is None:
        return None
    tail = finder.find(marker.last_5_words, head[0])
    return (head[0], tail[1]) if tail else None


def _sections(text: str, out: ParseExtractOutput, company: str | None) -> list[Section]:
    sections: list[Section] = []
    cursor = 0
    finder = SpanFinder(text)
    for s in out.sections:
        span = _span(finder, s.source_marker, cursor)
        if span is None:
            log.info("section %r not located in the JD text; skipped", s.heading)
            continue
        body = text[span[0]:span[1]]
        sections.append(Section(heading=s.heading, heading_was_present=s.heading is not None,
                                kind=s.kind, text=body, start=span[0],
                                bullet_count=count_bullets(body, listy=s.kind in _LISTY),
                                word_count=len(body.split()),
                                source_marker=source_marker(body)))
        cursor = span[1]
    return sections or split_sections(text, company)  # none located: the offline splitter


def to_jd_parse(jd_id: str, text: str, out: ParseExtractOutput,
                company: str | None = None) -> JDParse:
    if out.jd_type == "reject":
        return JDParse(jd_id=jd_id, jd_type="reject",
                       reject_reason=out.reject_reason or "not_a_job_ad")
    ctc, exp = out.ctc, out.experience
    lo, hi = sorted((ctc.min, ctc.max)) if ctc.min is not None and ctc.max is not None \
        else (ctc.min, ctc.max)
    currency = (ctc.currency or "").strip().upper()
    elo, ehi = sorted((exp.min, exp.max)) if exp.min is not None and exp.max is not None \
        else (exp.min, exp.max)
    about = _span(SpanFinder(text), out.about_company) if out.about_company else None
    about_text = text[about[0]:about[1]] if about else None
    return JDParse(
        jd_id=jd_id, jd_type="pass", role=out.role, role_archetype=out.role_archetype,
        company_name=out.company_name or company,
        ctc=CTC(min=lo, max=hi, currency=currency if _CURRENCY.match(currency) else None,
                period=ctc.period, raw=ctc.raw),
        experience=Experience(min=elo, max=ehi, raw=exp.raw),
        job_locations=[Location(**loc.model_dump()) for loc in out.job_locations],
        education=out.education, certifications=out.certifications,
        domain=Domain(primary=out.domain.primary, secondary=out.domain.secondary),
        sections=_sections(text, out, company),
        about_company=AboutCompany(text=about_text, word_count=len(about_text.split()),
                                   source_marker=source_marker(about_text))
        if about_text else None,
        urls=out.urls)


def to_extracted_skills(text: str, out: ParseExtractOutput, sections: list[Section]
                        ) -> list[ExtractedSkill]:
    """One ExtractedSkill per distinct normalised name, located in ``text``."""
    boiler = [(s.start, s.start + len(s.text)) for s in sections if s.kind in BOILERPLATE_KINDS]
    sentences = Sentences(text)
    finder = SpanFinder(text)
    found: dict[str, ExtractedSkill] = {}
    for skill in out.skills:
        name = " ".join(skill.name.split())
        key = normalize_alias(name)
        if not key or len(name) > 80 or len(name.split()) > MAX_SKILL_WORDS:
            log.info("skill %r dropped: not a skill name", name[:100])
            continue
        span = (finder.find(skill.evidence) if skill.evidence else None) \
            or finder.find(name, whole_words=True)
        if span is None:
            log.info("skill %r dropped: neither it nor its evidence is in the JD", name)
            continue
        if any(lo <= span[0] < hi for lo, hi in boiler):
            continue
        mention = finder.find(name, span[0], whole_words=True)
        at = mention if mention and mention[0] <= span[1] else None
        if key in found:
            prev = found[key]
            found[key] = prev.model_copy(update={"count": prev.count + 1,
                                                 "is_primary": prev.is_primary
                                                 or skill.is_primary})
            continue
        found[key] = ExtractedSkill(
            name=name, is_primary=skill.is_primary, evidence=sentences.evidence(*span),
            start=at[0] if at else None, end=at[1] if at else None)
    return list(found.values())


def apply_adjudication(decision: Decision, out: AdjudicationOutput,
                       candidates: list[RoleCandidate]) -> Decision:
    """The case-B decision as the LLM settled it; "none" makes it case C (new-role queue).
    The signals stay as computed; the title-alias collision is cleared when the LLM chose
    the alias's role."""
    chosen = next((c for c in candidates if c.slug == out.chosen_role_slug), None)
    if out.chosen_role_slug == NONE_ROLE or chosen is None:
        return decision.model_copy(update={
            "case": "C", "role_id": None, "role_slug": None, "role_name": None,
            "confidence": out.confidence, "rationale": f"LLM: no candidate fits. "
            f"{out.rationale}", "title_alias_role_id": None, "decided_by": PROVENANCE})
    collision = decision.title_alias_role_id
    return decision.model_copy(update={
        "role_id": chosen.role_id, "role_slug": chosen.slug, "role_name": chosen.name,
        "confidence": out.confidence, "rationale": f"LLM: {out.rationale}",
        "title_alias_role_id": None if collision == chosen.role_id else collision,
        "decided_by": PROVENANCE})


def _stated(value: str | int | None, evidence: str) -> str | int | None:
    if value is None:
        return None
    return value if str(value).casefold() in evidence.casefold() else None


def to_enrichment(skill: NewSkillInput, out: EnrichmentOutput,
                  candidates: list[DimensionCandidate]) -> Enrichment:
    evidence = " ".join(skill.evidence)
    fields: dict[str, Any] = out.model_dump(mode="json", exclude={"placement"})
    fields["vendor"] = _stated(out.vendor, evidence)
    fields["year"] = _stated(out.year, evidence)
    dropped = {k: getattr(out, k) for k in ("vendor", "year")
               if getattr(out, k) is not None and fields[k] is None}
    fields.update(provenance=PROVENANCE, evidence=list(skill.evidence[:3]),
                  unsupported_claims=dropped)
    place = out.placement
    chosen = next((c for c in candidates if c.slug == place.dimension_slug), None)
    nearest = [{"slug": c.slug, "name": c.name} for c in candidates[:3]]
    if place.dimension_slug != NEW_DIMENSION and chosen is not None:
        placement = Placement(normalized=skill.normalized, name=skill.name,
                              dimension_slug=chosen.slug, dimension_name=chosen.name,
                              reused=True, score=place.confidence, nearest=nearest)
        return Enrichment(normalized=skill.normalized, name=skill.name, fields=fields,
                          placement=placement, source="llm")
    proposal = place.proposed_dimension
    name = proposal.name if proposal else skill.name
    slug = pending_slug(name)
    fields["proposed_dimension"] = {
        "slug": slug, "name": name, "description": proposal.description if proposal else "",
        "in_scope": proposal.in_scope if proposal else skill.name,
        "out_of_scope": proposal.out_of_scope if proposal else "",
        "exemplars": [skill.name], "status": "pending",
        "review_log": {"proposed_by": PROVENANCE, "keep_merge": [
            {**c, "decision": "keep", "reason": "the model found no candidate close enough"}
            for c in nearest]}}
    placement = Placement(normalized=skill.normalized, name=skill.name, dimension_slug=slug,
                          dimension_name=name, reused=False, score=place.confidence,
                          nearest=nearest)
    return Enrichment(normalized=skill.normalized, name=skill.name, fields=fields,
                      placement=placement, source="llm")


def summary_fields(out: SummaryOutput, text: str) -> dict[str, Any]:
    """nature_of_work, tech_maturity, ai_index and ai_flags of the summary dict (the
    summarize task adds the clusters); the evidence quote is kept only if it is verbatim."""
    nature = out.nature_of_work.model_dump()
    nature["evidence"] = verbatim(text, nature["evidence"]) if nature["evidence"] else None
    flags = out.ai_flags.model_dump()
    return {"nature_of_work": nature, "tech_maturity": out.tech_maturity.model_dump(),
            "ai_index": sum(flags.values()), "ai_flags": flags}
