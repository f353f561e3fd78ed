"""Company name, industry domain and URLs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from jdskills.offline.textutil import words_of
from jdskills.offline.triggers import Triggers, find_triggers
from jdskills.records import Domain, Section

_NAME = r"(?P<{}>[A-Z][\w&.'’-]*(?:[ \t]+(?:[A-Z][\w&.'’-]*|of|&|and|for)){{0,4}})"
_NAMED = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))" + _NAME.format("a")
    + r"[ \t]+(?:is|are)[ \t]+(?:hiring|looking[ \t]+for|seeking|recruiting)\b"
    + r"|\b[Jj]oin[ \t]+" + _NAME.format("b") + r"(?=[ \t]*(?:[,.!]|as\b|and\b|in\b|to\b))"
    + r"|(?:^|(?<=\n))At[ \t]+" + _NAME.format("c") + r",[ \t]+(?:we|our)\b"
)
_NAMED_NEEDLES = ("hiring", "looking", "seeking", "recruiting", "oin ", "At ")
_GENERIC = frozenset(
    words_of(
        """we our the this that you it they us company team client our client a an who one
        what why how join trust nhs"""
    )
)
_SUBJECT = re.compile(r"([A-Z][\w&.'’-]*(?:[ \t][A-Z][\w&.'’-]*){0,3})[ \t]+(?:is|are)[ \t]")
_ABOUT_GENERIC = re.compile(r"(?i)^about\s+(?:us|the|our|this|you|your|me)\b")

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}|]+", re.IGNORECASE)


def infer_company(text: str, company: str | None, sections: Sequence[Section]) -> str | None:
    """The given company, else "About X" heading, else "X is hiring" / "Join X" / "At X, we"."""
    if company and company.strip():
        return " ".join(company.split())
    for section in sections:
        if section.kind != "about_company":
            continue
        heading = section.heading or ""
        if heading.lower().startswith("about ") and not _ABOUT_GENERIC.match(heading):
            return heading[6:].strip()
        # "Who we are" / "About us": "Shopwise is an e-commerce marketplace ..."
        m = _SUBJECT.match(section.text)
        if m and m.group(1).split()[0].lower() not in _GENERIC:
            return m.group(1)
    head = text[:4000]
    if not any(w in head for w in _NAMED_NEEDLES):
        return None
    for m in _NAMED.finditer(head):
        name = next(g for g in m.groups() if g)
        if name.lower() not in _GENERIC and name.split()[0].lower() not in _GENERIC:
            return name.strip()
    return None


def infer_domain(
    text: str, sections: Sequence[Section], triggers: Triggers | None = None
) -> Domain:
    """Primary/secondary industry by keyword votes; about-company text counts double."""
    triggers = triggers if triggers is not None else find_triggers(text)
    about = [(s.start, s.start + len(s.text)) for s in sections if s.kind == "about_company"]
    counts: Counter[str] = Counter()
    for start, _end, domain in triggers.of("domain"):
        counts[domain] += 2 if any(lo <= start < hi for lo, hi in about) else 1
    ranked = [(d, n) for d, n in counts.most_common(2) if n >= 2]
    if not ranked:
        return Domain()
    primary = ranked[0][0]
    secondary = ranked[1][0] if len(ranked) > 1 and ranked[1][1] * 3 >= ranked[0][1] else None
    return Domain(primary=primary, secondary=secondary)


def extract_urls(text: str, triggers: Triggers | None = None) -> list[str]:
    triggers = triggers if triggers is not None else find_triggers(text)
    out: list[str] = []
    if not triggers.of("url"):
        return out
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        if url not in out:
            out.append(url)
    return out
