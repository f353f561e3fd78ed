"""One Aho-Corasick pass that finds every trigger word the extractors care about.

Regular expressions over a whole JD are slow in CPython when they cannot start from a literal,
so each extractor runs its full pattern only in small windows around its triggers ("£",
"year", "degree", "remote" ...). ``find_triggers`` finds all of them in one pass over the
original text (surface forms in lower, Capitalised and UPPER case) and also yields gazetteer
places and domain keywords.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from jdskills.offline.geo import build_gazetteer

# category -> trigger words, lower case; case variants are added except for "=exact" ones
# (short acronyms that would otherwise hide inside ordinary words: "ged" in "managed")
_WORDS: dict[str, str] = {
    "money": "=£|=$|=€|=₹|=¥|=Rs|=INR|=USD|=EUR|=GBP|=CAD|=AUD|=SGD|=AED|=CHF|=JPY|=CNY|=NZD|"
    "=HKD|=SEK|=NOK|=DKK|=PLN|=ZAR|=BRL|=MXN|=SAR|=QAR|=MYR|=KRW|=ILS|=CZK|=NGN|=KES|=PKR|"
    "lpa|lakh|= lac| Lac|= LAC|crore",
    "years": "year|yr|month",
    "degree": "bachelor|master|degree|diploma|phd|=PhD|=Ph.D|ph.d|ph. d|doctorate|doctoral|"
    "undergraduate|postgraduate|post-graduate|post graduate|b.tech|btech|b tech|b.e.|bsc|b.sc|"
    "msc|m.sc|=MBA|m.b.a|=MCA|=BCA|b.com|bcom|m.tech|mtech|m tech|m.e.|b.s.|m.s.|b.a.|m.a.|"
    "=BS|=MS|=BE|=BA|=MA|associate|high school|=GED",
    "cert": "certified|certification|=CKA|=CKS|=CISSP|=CISM|=CISA|=CEH|=OSCP|=CompTIA|=PMP|"
    "=PRINCE2|=SAFe|=ITIL|=CCNA|=CCNP|=CCIE|=RHCE|=RHCSA|=TOGAF|=CFA|=ACCA|=Professional Scrum|"
    "=CIMA|=FRM|=ACLS|=ATLS|=PALS|=EPALS|six sigma|=AZ-|=DP-|=AI-|=PL-|=SC-|=MS-|=MB-|azure",
    "cue": "location|based in|based out of|based at|located in|located at|remote from|office in|"
    "offices in|work from|relocat|site:|city:|country:",
    "mode": "remote|hybrid|home|wfh|anywhere|site|office|wfo",
    "url": "http|www.",
}
# domain keywords: word starts (a keyword may be a stem: "clinic" counts "clinical" too);
# keywords of three letters or fewer must be whole words
DOMAIN_KEYWORDS: dict[str, str] = {
    "AI/ML": "machine learning|deep learning|artificial intelligence|llm|large language model|"
    "generative ai|gen ai|genai|neural network|nlp|computer vision|ai lab|mlops|pytorch|"
    "py torch|tensorflow|jax|model training|ai",
    "Healthcare": "patient|hospital|clinic|nhs|nurs|healthcare|health care|medical|care home|"
    "gp practice|ward|mental health|dental",
    "FinTech": "fintech|payments|payment gateway|digital banking|neobank|lending|crypto|"
    "blockchain|wallet|upi|trading platform",
    "Banking & Financial Services": "banking|financial services|investment bank|"
    "asset management|wealth management|capital markets|hedge fund",
    "Insurance": "insurance|insurer|underwriting|actuarial|insurtech",
    "E-commerce": "e-commerce|ecommerce|online retail|marketplace|d2c|online store|checkout",
    "Retail": "retail|stores|merchandising",
    "IT Services & Consulting": "it services|consulting|consultancy|outsourcing|system "
    "integrator|managed services|staffing|on behalf of|hiring platform|client projects|offshore",
    "Software & SaaS": "saas|b2b software|software compan|software product|cloud platform",
    "Education & EdTech": "edtech|education|learning platform|students|universit|school|"
    "curriculum|teaching",
    "Telecom": "telecom|5g|network operator|mobile operator",
    "Automotive": "automotive|vehicle|electric vehicle|autonomous driving",
    "Manufacturing": "manufactur|factory|production line|industrial",
    "Media & Entertainment": "media|entertainment|streaming|publishing|broadcast",
    "Gaming": "gaming|game studio|video game",
    "Cybersecurity": "cybersecurity|cyber security|security operations|threat intelligence|"
    "penetration testing|infosec",
    "Logistics & Supply Chain": "logistics|supply chain|warehouse|freight|shipping",
    "Energy & Utilities": "energy|oil and gas|renewable|solar|utilities",
    "Government & Public Sector": "government|public sector|ministry|civil service|council",
    "Pharma & Life Sciences": "pharmaceutical|pharma|biotech|life sciences|drug discovery|"
    "clinical trials",
    "Travel & Hospitality": "travel|hospitality|hotel|airline|tourism",
    "Real Estate": "real estate|proptech",
    "Non-profit": "charity|non-profit|nonprofit|ngo",
}
# how a hit must sit in the text: 2 = whole word, 1 = at a word start, 0 = anywhere
_CHECKS = {"place": 2, "mode": 1, "cue": 1, "years": 1, "degree": 1, "domain": 1}


def _variants(word: str) -> set[str]:
    if word.startswith("="):
        return {word[1:]}
    return {word, word[:1].upper() + word[1:], word.title(), word.upper()}


def _build() -> Any:
    entries: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    checks: dict[str, int] = defaultdict(int)

    def add(surface: str, category: str, payload: Any, check: int) -> None:
        entries[surface].append((category, payload))
        checks[surface] = max(checks[surface], check)

    for category, words in _WORDS.items():
        for word in words.split("|"):
            for surface in _variants(word):
                add(surface, category, word.lstrip("=").strip(), _CHECKS.get(category, 0))
    for domain, words in DOMAIN_KEYWORDS.items():
        for word in words.split("|"):
            # two-letter keywords ("ai", "5g") only in capitals: "ai" hides inside many words
            for surface in _variants(word) if len(word) > 2 else {word.upper()}:
                add(surface, "domain", domain, 2 if len(word) <= 3 else 1)
    for surface, place in build_gazetteer().items():
        add(surface, "place", place, 2)
    automaton = ahocorasick.Automaton()
    for surface, values in entries.items():
        automaton.add_word(surface, (len(surface), checks[surface], tuple(values)))
    automaton.make_automaton()
    return automaton


_AUTOMATON = _build()


@dataclass(slots=True)
class Triggers:
    """Trigger hits by category: ``(start, end, payload)`` in text order."""

    hits: dict[str, list[tuple[int, int, Any]]] = field(default_factory=lambda: defaultdict(list))

    def starts(self, category: str) -> list[int]:
        return [h[0] for h in self.hits.get(category, ())]

    def of(self, category: str) -> list[tuple[int, int, Any]]:
        return self.hits.get(category, [])


def find_triggers(text: str) -> Triggers:
    found = Triggers()
    hits = found.hits
    n = len(text)
    for last, (length, check, values) in _AUTOMATON.iter(text):
        start = last - length + 1
        if check and (
            (start > 0 and text[start - 1].isalnum())
            or (check == 2 and last + 1 < n and text[last + 1].isalnum())
        ):
            continue
        for category, payload in values:
            hits[category].append((start, last + 1, payload))
    return found


def windows(text: str, starts: list[int], before: int, after: int) -> list[tuple[int, int]]:
    """Merged ``[lo, hi)`` spans around trigger starts; ``lo`` moves back to a whitespace so a
    pattern never starts inside a word or number."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    for pos in sorted(starts):
        lo = max(0, pos - before)
        stop = max(0, lo - 24)
        while lo > stop and not text[lo - 1].isspace():
            lo -= 1
        hi = min(n, pos + after)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans
