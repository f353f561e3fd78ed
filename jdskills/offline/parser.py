"""``parse_jd``: the offline backend of stage 1 (parse), JD text -> :class:`JDParse`."""

from __future__ import annotations

import html

from jdskills.offline.company import extract_urls, infer_company, infer_domain
from jdskills.offline.education import extract_certifications, extract_education
from jdskills.offline.experience import extract_experience
from jdskills.offline.gate import is_job_ad, prefilter
from jdskills.offline.locations import extract_locations
from jdskills.offline.role import infer_role, role_archetype
from jdskills.offline.salary import extract_ctc
from jdskills.offline.sections import split_sections
from jdskills.offline.triggers import find_triggers
from jdskills.records import AboutCompany, JDParse, Section

_JOB_KINDS = frozenset({"responsibilities", "requirements", "nice_to_have", "benefits"})
_BOILERPLATE = frozenset({"about_company", "eeo"})


def _spans(sections: list[Section], kinds: frozenset[str]) -> list[tuple[int, int]]:
    return [(s.start, s.start + len(s.text)) for s in sections if s.kind in kinds]


def _about_company(section: Section | None) -> AboutCompany | None:
    if section is None:
        return None
    return AboutCompany(
        text=section.text, word_count=section.word_count, source_marker=section.source_marker
    )


def parse_jd(
    jd_id: str, text: str, title: str | None = None, company: str | None = None
) -> JDParse:
    """Parse one JD deterministically.

    Rejected texts (see :mod:`jdskills.offline.gate` for the reason codes) carry only
    ``jd_type="reject"`` and ``reject_reason``; everything else is filled as far as the text
    allows. Section texts are exact slices of ``text`` at their ``start`` offsets.
    """
    reason = prefilter(text)
    if reason is not None:
        return JDParse(jd_id=jd_id, jd_type="reject", reject_reason=reason)
    triggers = find_triggers(text)
    sections = split_sections(text, company)
    ctc = extract_ctc(text, triggers)
    experience = extract_experience(
        text, _spans(sections, frozenset({"requirements"})), triggers
    )
    signals = (
        sum(1 for s in sections if s.heading_was_present and s.kind in _JOB_KINDS)
        + (ctc.currency is not None)
        + (experience.raw is not None)
    )
    if not is_job_ad(text, signals):
        return JDParse(jd_id=jd_id, jd_type="reject", reject_reason="not_a_job_ad")
    if title and "&" in title:
        title = html.unescape(title)  # "Infection Prevention &amp; Control Nurse"
    role = infer_role(text, title)
    about = next((s for s in sections if s.kind == "about_company"), None)
    return JDParse(
        jd_id=jd_id,
        jd_type="pass",
        role=role,
        role_archetype=role_archetype(role, text),
        company_name=infer_company(text, company, sections),
        ctc=ctc,
        experience=experience,
        job_locations=extract_locations(text, _spans(sections, _BOILERPLATE), triggers),
        education=extract_education(text, triggers),
        certifications=extract_certifications(text, triggers),
        domain=infer_domain(text, sections, triggers),
        sections=sections,
        about_company=_about_company(about),
        urls=extract_urls(text, triggers),
    )
