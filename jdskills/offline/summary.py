"""Offline rules of the JD summary (stage 7): nature of work, tech-stack maturity, AI flags.

Every rule reads only the JD (its responsibility statements, title and text) and its matched
skills; evidence quotes are verbatim substrings of the JD text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jdskills.offline.ai_signals import builds_ai, genai_terms, on_ai_team, words_of
from jdskills.offline.tech_terms import (
    AI_RE,
    EMERGING_RE,
    ESTABLISHED_RE,
    LEGACY_RE,
    MODERN_RE,
    found,
)
from jdskills.offline.textutil import positions

NATURE_OF_WORK: dict[str, tuple[str, ...]] = {  # label -> cue words/phrases (first wins ties)
    "Evaluation & content creation": (
        "evaluate", "evaluating", "evaluation", "evaluations", "assess", "assessing", "rubric",
        "rubrics", "reference solution", "reference solutions", "feedback", "guidelines",
        "annotate", "annotation", "grade", "grading", "submissions", "benchmark", "benchmarks",
        "red-team", "red teaming", "technical writing", "write documentation", "content"),
    "Building & designing systems": (
        "build", "building", "design", "designing", "develop", "developing", "implement",
        "implementing", "architect", "engineer", "code", "coding", "ship", "create",
        "prototype", "integrate", "deploy", "deploying", "automate", "scale", "optimise",
        "optimize"),
    "Operating & maintaining": (
        "maintain", "maintaining", "operate", "operating", "monitor", "monitoring", "support",
        "troubleshoot", "administer", "on-call", "incident", "incidents", "uptime", "patch",
        "upgrade", "install", "configure", "repair", "backup", "backups", "resolve"),
    "Security & compliance": (
        "security", "threat", "threats", "vulnerability", "vulnerabilities", "penetration",
        "incident response", "threat modelling", "threat modeling", "harden", "hardening",
        "compliance", "siem", "detection", "detections", "remediation", "forensics"),
    "Research": (
        "research", "investigate", "experiment", "experiments", "publish", "papers", "novel",
        "state-of-the-art", "explore"),
    "Analysis & reporting": (
        "analyse", "analyze", "analysis", "report", "reports", "reporting", "dashboard",
        "dashboards", "insight", "insights", "metrics", "forecast", "forecasting", "kpis"),
    "Finance & accounting": (
        "ledger", "general ledger", "financial statements", "reconcile", "reconciliation",
        "reconciliations", "tax", "tds", "gst", "vat", "payroll", "invoices", "invoicing",
        "accounts payable", "accounts receivable", "bookkeeping", "budget", "budgets",
        "month-end", "year-end", "audit", "audits"),
    "People management": (
        "manage a team", "lead a team", "lead the team", "mentor", "mentoring", "coach",
        "coaching", "hire", "hiring", "line manage", "line management", "supervise",
        "direct reports", "grow the team", "performance reviews"),
    "Sales & business development": (
        "sell", "sales", "prospect", "prospecting", "quota", "close deals", "closing deals",
        "negotiate", "revenue", "lead generation", "crm", "upsell", "new business"),
    "Patient & client care": (
        "patient", "patients", "clinical", "nursing", "medication", "medications", "ward",
        "treatment", "care plans", "care plan", "bedside", "wellbeing"),
    "Teaching & training": (
        "teach", "teaching", "instruct", "lesson", "lessons", "students", "learners",
        "deliver training", "classroom"),
    "Coordination & administration": (
        "coordinate", "coordinating", "schedule", "scheduling", "organise", "organize",
        "administrative", "bookings", "filing", "liaise", "liaising", "minutes"),
}
_CUE_LABELS: dict[str, list[str]] = {}  # cue -> labels
for _label, _label_cues in NATURE_OF_WORK.items():
    for _cue in _label_cues:
        _CUE_LABELS.setdefault(_cue, []).append(_label)
_CUE_LENGTH: dict[str, int] = {}  # first word of a cue -> words in its longest cue
for _cue in _CUE_LABELS:
    _first, _n = _cue.split()[0], len(_cue.split())
    _CUE_LENGTH[_first] = max(_CUE_LENGTH.get(_first, 0), _n)
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_AI_DIMENSION = re.compile(r"artificial[- ]intelligence|machine[- ]learning|\bai[-/ ]ml\b|"
                           r"\bml\b|deep[- ]learning|\bllm", re.IGNORECASE)
EVIDENCE_CHARS = 200


@dataclass(frozen=True)
class SkillFacts:
    """What the summary needs to know about one matched skill of the JD."""

    name: str
    is_primary: bool
    is_new: bool
    category: str | None = None
    sub_category: str | None = None
    dimension: str | None = None  # placement slug/name of a new skill


def nature_of_work(statements: list[str], text: str) -> dict[str, object]:
    """The label whose cue words the responsibility statements use most (a statement's
    opening verb counts double), a short summary, and a verbatim evidence quote."""
    totals = dict.fromkeys(NATURE_OF_WORK, 0.0)
    best: dict[str, tuple[float, str]] = {}
    users: dict[str, list[str]] = {}
    for statement in statements:
        hits: dict[str, float] = {}
        for at, cue in _cues(statement):
            for label in _CUE_LABELS[cue]:
                hits[label] = hits.get(label, 0.0) + (2.0 if at == 0 else 1.0)
        for label, score in hits.items():
            totals[label] += score
            users.setdefault(label, []).append(statement)
            quotable = score - (0.0 if len(statement.split()) >= 8 else 10.0)  # not a heading
            if label not in best or quotable > best[label][0]:
                best[label] = (quotable, statement)
    label = max(totals, key=lambda k: totals[k])
    if totals[label] == 0:
        return {"label": "Unspecified", "summary": "No responsibility statement names the work.",
                "evidence": None}
    summary = f"{label}: " + "; ".join(_words(s, 14) for s in users[label][:3]) + "."
    return {"label": label, "summary": summary, "evidence": verbatim(text, best[label][1])}


def _cues(statement: str) -> list[tuple[int, str]]:
    """(word position, cue) of every cue phrase in the statement (word n-gram lookup)."""
    words = _TOKEN.findall(statement.lower())
    out = []
    longest = _CUE_LENGTH.get
    for i in positions(words, _CUE_LENGTH):
        for n in range(1, longest(words[i], 0) + 1):
            cue = " ".join(words[i:i + n])
            if cue in _CUE_LABELS:
                out.append((i, cue))
    return out


def tech_maturity(skills: list[SkillFacts], text: str) -> dict[str, str]:
    emerging, modern, established, legacy = (
        list(dict.fromkeys(t for s in skills for t in _eras(s.name)[i])) for i in range(4))
    emerging += [t for t in genai_terms(words_of(text)) if t not in emerging]
    new_share = sum(s.is_new for s in skills) / len(skills) if skills else 0.0
    tech = len(emerging) + len(modern) + len(established) + len(legacy)
    if len(emerging) >= 2 or (emerging and new_share >= 0.3):
        label = "cutting-edge"
    elif len(legacy) >= 2 and len(legacy) >= len(modern) + len(emerging):
        label = "legacy"
    elif len(modern) + len(emerging) >= 2:
        label = "modern"
    else:
        label = "established"
    parts = [f"{n} {kind} ({', '.join(terms[:4])})" for kind, terms, n in (
        ("emerging", emerging, len(emerging)), ("modern", modern, len(modern)),
        ("established", established, len(established)), ("legacy", legacy, len(legacy))) if n]
    if tech == 0:
        reasoning = (f"{label.capitalize()}: no technology stack is named; the "
                     f"{len(skills)} skill(s) are long-standing professional ones.")
    else:
        reasoning = (f"{label.capitalize()}: the skills include " + ", ".join(parts)
                     + f" technology term(s); {new_share:.0%} of the skills are new to the "
                     "catalog.")
    return {"label": label, "reasoning": reasoning}


@lru_cache(maxsize=65536)
def _eras(name: str) -> tuple[tuple[str, ...], ...]:
    """The emerging, modern, established and legacy terms in one skill name (memoised: the
    same names recur in every batch)."""
    return tuple(tuple(found(p, [name])) for p in (EMERGING_RE, MODERN_RE, ESTABLISHED_RE,
                                                     LEGACY_RE))


def ai_flags(title: str, skills: list[SkillFacts], text: str) -> dict[str, bool]:
    ai = [s for s in skills if is_ai_skill(s)]
    words = words_of(text)
    return {
        "title_match": bool(AI_RE.search(title) or re.search(r"data scien", title, re.I)),
        "ai_skill_primary": any(s.is_primary for s in ai),
        "ai_skill_secondary": any(not s.is_primary for s in ai),
        "ai_team": on_ai_team(words),
        "builds_ai_products": builds_ai(words),
    }


@lru_cache(maxsize=65536)
def is_ai_skill(skill: SkillFacts) -> bool:
    if AI_RE.search(skill.name):
        return True
    return any(_AI_DIMENSION.search(x) for x in (skill.sub_category, skill.dimension) if x)


def verbatim(text: str, quote: str) -> str | None:
    """``quote`` as it stands in ``text`` (whitespace may differ), cut to EVIDENCE_CHARS at a
    word boundary; None when it is not in the text."""
    words = quote.split()
    if not words:
        return None
    if " ".join(words) in text:  # the common case, without compiling a pattern per quote
        found_text = " ".join(words)
    else:
        m = re.search(r"\s+".join(re.escape(w) for w in words), text)
        if m is None:
            return None
        found_text = m.group(0)
    if len(found_text) <= EVIDENCE_CHARS:
        return found_text
    cut = found_text[:EVIDENCE_CHARS]
    return cut[:cut.rfind(" ")] if " " in cut else cut


def _words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")
