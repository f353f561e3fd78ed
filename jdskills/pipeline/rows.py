"""JDState → table rows (explicit conversion from stage records to the JD-side tables)."""

from __future__ import annotations

from typing import Any

import orjson

from jdskills.pipeline.state import JDState

JD_COLUMNS = ("jd_id", "source_uri", "external_id", "title", "company", "text", "posted_at",
              "status", "reason")
PARSE_COLUMNS = ("jd_id", "jd_type", "reject_reason", "role_title", "role_archetype", "company",
                 "ctc_min", "ctc_max", "ctc_currency", "ctc_period", "ctc_raw", "exp_min",
                 "exp_max", "exp_raw", "education", "certifications", "domain", "sections",
                 "about_company", "urls", "parser")
LOCATION_COLUMNS = ("jd_id", "city", "state", "country", "work_mode")
SKILL_COLUMNS = ("jd_id", "skill_id", "input_term", "normalized", "tag", "is_primary",
                 "evidence", "evidence_start", "evidence_end", "matched_via", "match_score",
                 "candidates", "catalog_version_id")
DECISION_COLUMNS = ("jd_id", "decision_case", "role_id", "confidence", "signals", "rationale",
                    "decided_by", "catalog_version_id")
SUMMARY_COLUMNS = ("jd_id", "nature_of_work", "tech_maturity", "ai_index", "ai_flags",
                   "clusters")


def _j(value: Any) -> str:
    """JSON text of a jsonb column value (orjson: several times faster than json.dumps, the
    hot spot of persist; NaN/inf become null, which jsonb needs anyway)."""
    return orjson.dumps(value, default=str,
                        option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()


def jd_row(s: JDState) -> tuple[Any, ...]:
    r = s.record
    status = "processed" if s.outcome == "pending" else s.outcome
    return (r.jd_id, r.source_uri, r.external_id, r.title, r.company, r.text, r.posted_at,
            status, s.reason)


def parse_row(s: JDState) -> tuple[Any, ...] | None:
    p = s.parse
    if p is None:
        return None
    return (s.jd_id, p.jd_type, p.reject_reason, p.role, p.role_archetype, p.company_name,
            p.ctc.min, p.ctc.max, p.ctc.currency, p.ctc.period, p.ctc.raw, p.experience.min,
            p.experience.max, p.experience.raw, _j(p.education), _j(p.certifications),
            _j(p.domain.model_dump()), _j([x.model_dump() for x in p.sections]),
            _j(p.about_company.model_dump()) if p.about_company else None, _j(p.urls),
            "offline")


def location_rows(s: JDState) -> list[tuple[Any, ...]]:
    if s.parse is None:
        return []
    return [(s.jd_id, loc.city, loc.state, loc.country, loc.work_mode)
            for loc in s.parse.job_locations]


def skill_rows(s: JDState, pending_ids: dict[str, int], version: int) -> list[tuple[Any, ...]]:
    rows = []
    for m in s.skills:
        skill_id = m.skill_id if m.tag == "in_db" else pending_ids.get(m.normalized)
        rows.append((s.jd_id, skill_id, m.input_term[:300], m.normalized[:300], m.tag,
                     m.is_primary, m.evidence, m.start, m.end, m.matched_via, m.score,
                     _j(m.candidates), version))
    return rows


def decision_row(s: JDState, version: int) -> tuple[Any, ...] | None:
    d = s.decision
    if d is None:
        return None
    signals = {k: [h.model_dump() for h in hits] for k, hits in d.signals.items()}
    return (s.jd_id, d.case, d.role_id, d.confidence, _j(signals), d.rationale, d.decided_by,
            version)


def summary_row(s: JDState) -> tuple[Any, ...] | None:
    x = s.summary
    if x is None:
        return None
    return (s.jd_id, _j(x.get("nature_of_work")), _j(x.get("tech_maturity")),
            int(x.get("ai_index", 0)), _j(x.get("ai_flags", {})), _j(x.get("clusters", [])))
