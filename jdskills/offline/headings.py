"""What a section heading (or, failing that, a section's text) says the section is.

``classify_heading`` maps heading text to a section kind with ordered keyword rules;
``classify_content`` is the fallback for headless or unrecognised sections and only answers
when the text says so clearly (an EEO statement, a benefits list ...).
``INLINE_HEADINGS`` are the phrases recognised as headings even in the middle of run-on text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import ahocorasick

SectionKind = Literal[
    "responsibilities", "requirements", "nice_to_have", "benefits", "about_company", "eeo",
    "summary", "other",
]

# Heading phrases per kind, matched as substrings of " heading " lower-cased with punctuation
# turned into single spaces (a leading/trailing space marks a word boundary). Kinds are tried
# in this order; responsibilities vs requirements is decided by whichever phrase comes first.
_PHRASES: dict[SectionKind, tuple[str, ...]] = {
    "eeo": (
        " equal opportunit", " equal employment", " eeo ", "diversity", "inclusion", "equality",
        "discrimination", "disability",
    ),
    "nice_to_have": (
        "nice to have", " preferred ", " desirable", " desired", "bonus points", "bonus if",
        "good to have", " plus ", " pluses ", "advantag", " optional", "extra credit",
        "would be great", "would be nice", "stand out", "set you apart", "even better",
    ),
    "summary": (
        "about the role", "about this role", "about the job", "about this job",
        "about the position", "about this position", "about the opportunity",
        "about this opportunity", "about the vacancy", "about the post", "overview", "summary",
        "job description", "the essentials", "at a glance", "introduction", "key facts",
        "key details", "key information", "job details", "job information", "role details",
        "role description", "role profile",
    ),
    "benefits": (
        "benefit", " perks", "we offer", "offer you", "what's in it", "what is in it",
        "why join", "why work", " why you ", " why us ", "why choose", "worth your time",
        "compensation", "salary", " pay ", "remuneration", " reward", "in return",
        "what you get", "what you'll get", "what you will get", "package", "why this",
        "why our", "what we provide", "we provide", "working for us", "working with us",
        "working at ", " life at ",
    ),
    "about_company": (
        "who we are", "our company", "our story", "our mission", "our culture", "our values",
        "our organisation", "our organization", " our trust", "our practice",
        "company overview", "company profile", "company description", "company information",
    ),
    "responsibilities": (
        "responsib", "duties", "what you do", "what you'll do", "what you will do",
        "what you'll be doing", "what you will be doing", "what you'll work on",
        "what you will work on", "what you'll own", "you will be doing", "be required to",
        "be expected to", "be asked to", "role involves", "job involves", "your role",
        "your day", "your impact", "your mission", "key tasks", " tasks ", "day to day",
        "accountab", "key result", " kra ", " kras ", "in this role", " the work ", "your job",
        "scope of role", "scope of the role", "you'll achieve", "you will achieve", "purpose ",
        "post holder will", "postholder will", " job role",
    ),
    "requirements": (
        "requir", "qualif", "you need", "you'll need", "you will need", "looking for",
        "who you are", "about you", "skills", "experience", "essential", "criteria", " must ",
        "profile", "you bring", "you'll bring", "you will bring", "you have", "you should have",
        "eligib", "competenc", "person spec", "knowledge", "we're seeking", "we are seeking",
        "to be successful", "you are", "ideal candidate", "the candidate", "background",
        "expertise", "we look for", " the person ",
    ),
}
_SUMMARY_EXACT = frozenset(
    {
        " role ", " the role ", " position ", " the position ", " opportunity ",
        " the opportunity ", " job ", " the job ", " post ", " the post ", " description ",
    }
)
_ABOUT_NOT = (
    " about you ", " about the role", " about the job", " about the position", " about the team",
    " about the candidate", " about the opportunity", " about this", " about your role",
    " about your job", " about me ",
)
_ABOUT_END = (" the company ", " the organisation ", " the organization ", " the trust ",
              " the employer ")
_PUNCT = re.compile(r"[^a-z0-9']+")
_NORMALISE = str.maketrans({"’": "'", "‘": "'"})


# one literal alternation per kind: the regex engine scans these quickly
_KIND_PATTERNS = {
    kind: re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
    for kind, phrases in _PHRASES.items()
}


def _has(h: str, kind: SectionKind) -> bool:
    return _KIND_PATTERNS[kind].search(h) is not None


def _first(h: str, kind: SectionKind) -> int:
    m = _KIND_PATTERNS[kind].search(h)
    return m.start() if m else -1


@lru_cache(maxsize=8192)
def classify_heading(heading: str) -> SectionKind:
    """The section kind a heading announces; ``other`` when it names none of them."""
    h = " " + _PUNCT.sub(" ", heading.translate(_NORMALISE).lower()).strip() + " "
    if _has(h, "eeo"):
        return "eeo"
    if _has(h, "nice_to_have"):
        return "nice_to_have"
    if h in _SUMMARY_EXACT or h.startswith(" the role ") or _has(h, "summary"):
        return "summary"
    if _has(h, "benefits"):
        return "benefits"
    if (
        (h.startswith(" about ") and not h.startswith(_ABOUT_NOT))
        or h.endswith(_ABOUT_END)
        or h.startswith(" employer")
        or h == " us "
        or _has(h, "about_company")
    ):
        return "about_company"
    resp, req = _first(h, "responsibilities"), _first(h, "requirements")
    if resp >= 0 and (req < 0 or resp < req):
        return "responsibilities"
    if req >= 0:
        return "requirements"
    return "other"


# telling phrases (lower case) and how many hits make a section that kind
_CONTENT_RULES: dict[SectionKind, tuple[int, str]] = {
    "eeo": (1, "equal opportunit|equal employment opportunit|without regard to|regardless of race"
            "|regardless of age|regardless of gender|regardless of sex|regardless of religion"
            "|regardless of disability|regardless of background|protected veteran"
            "|protected characteristic|committed to diversity|committed to equality"
            "|committed to inclusion|reasonable accommodation|disability confident"
            "|positive about disabled"),
    "benefits": (3, "annual leave|pension|health insurance|medical insurance|paid time off"
                 "|holiday|parental leave|wellbeing|well-being|discount|gym|stock options"
                 "|equity|childcare|cycle to work|salary sacrifice|perks|benefits package"
                 "|benefits include"),
    "requirements": (3, "years of experience|years experience|must have|you will have"
                     "|you should have|you must have|degree in|qualified|qualification"
                     "|registration|proficien|knowledge of|ability to|essential"),
    "responsibilities": (2, "you will be responsible|responsible for|duties include"
                         "|you will lead|you will work|you will manage|you will develop"
                         "|you will design|you will build|you will support|you will provide"
                         "|you will deliver|the post holder will|the postholder will"),
    "about_company": (2, "founded|headquartered|our mission|we are a leading|we are a global"
                      "|we are the leading|employs over|employs more than|employ over"
                      "|is a leading|is the largest|is a global|are a leading"
                      "|our customers include|our clients include"),
}
_CONTENT_KINDS: list[SectionKind] = list(_CONTENT_RULES)
_CONTENT = ahocorasick.Automaton()
for _kind, (_needed, _phrases) in _CONTENT_RULES.items():
    for _phrase in _phrases.split("|"):
        _CONTENT.add_word(_phrase, _kind)
_CONTENT.make_automaton()


def classify_content(text: str) -> SectionKind | None:
    """A kind when the text clearly is one (counts of telling phrases), else ``None``.

    Kinds are tried in order (EEO first); longer texts need more hits, since one benefits
    word in a long description proves nothing.
    """
    hits: dict[str, int] = {}
    for _end, kind in _CONTENT.iter(text.lower()):
        hits[kind] = hits.get(kind, 0) + 1
    extra = len(text) // 1500
    for kind in _CONTENT_KINDS:
        if hits.get(kind, 0) >= _CONTENT_RULES[kind][0] + extra:
            return kind
    return None


# Phrases taken as headings even mid-paragraph (run-on JDs that lost their line breaks).
# Written with their usual capital; matched case-sensitively on the first letter only.
INLINE_HEADINGS = (
    "What you'll do", "What you will do", "What you'll be doing", "What you will be doing",
    "What you'll work on", "Key responsibilities", "Your responsibilities",
    "Roles and responsibilities", "Role and responsibilities", "Job responsibilities",
    "Main responsibilities", "Responsibilities", "Duties", "Key duties", "Your role",
    "Your impact", "Day to day", "Day-to-day",
    "What you need", "What you'll need", "What you will need", "What you bring",
    "What you'll bring", "What we're looking for", "What we are looking for", "Who you are",
    "About you", "Requirements", "Key requirements", "Minimum requirements", "Qualifications",
    "Minimum qualifications", "Basic qualifications", "Required qualifications",
    "Required skills", "Key skills", "Skills and experience", "Must have", "Must-haves",
    "Must haves", "Your profile", "Essential criteria", "Essential skills",
    "Nice to have", "Nice-to-have", "Nice to haves", "Preferred qualifications",
    "Preferred skills", "Bonus points", "Good to have", "Desirable", "Desirable criteria",
    "Why this is worth your time", "What we offer", "What's in it for you", "Benefits",
    "Perks", "Perks and benefits", "Benefits and perks", "Why join us", "Why work with us",
    "Compensation and benefits", "Our benefits",
    "About us", "About the company", "Who we are",
    "Equal opportunity", "Equal Employment Opportunity", "Diversity and inclusion",
    "About the role", "About the job", "About the position", "Role overview", "Job summary",
    "Position summary", "Job description", "Overview", "The essentials",
)
