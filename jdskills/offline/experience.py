"""Required experience in years: "2+ years", "3-5 yrs", "minimum 4 years", "over 10 years".

A number of years counts only when experience words are close by ("of experience",
"experience:", "professional", "hands-on" ...), so ages ("18 years and over"), company
history ("founded 5 years ago") and hours ("30 hours/week") are not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jdskills.offline.triggers import Triggers, find_triggers, windows
from jdskills.records import Experience

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}
_NUM = r"\d{1,2}(?:\.\d)?|(?i:" + "|".join(_WORD_NUMBERS) + r")\b"
_YEARS = re.compile(
    rf"(?:(?P<pre>(?i:minimum(?:\s+of)?|min\.?|at\s*least|over|more\s+than|upwards\s+of"
    rf"|in\s+excess\s+of|no\s+less\s+than|up\s*to|maximum(?:\s+of)?))\s+)?"
    rf"(?<![\d.])(?P<a>{_NUM})\s*(?:\((?:\d{{1,2}})\)\s*)?(?P<plus>\+|(?i:plus\b))?\s*"
    rf"(?:(?:-|–|—|to|or)\s*(?P<b>{_NUM})\s*\+?\s*)?(?P<unit>(?i:years?|yrs?|months?))(?![\w-])(?:\s*\+)?"
    rf"(?P<tail>['’]?\s*(?:of\s+)?)"
)
# the experience phrase that must follow (within a few words) or precede the number
_AFTER_STRONG = re.compile(
    r"(?i:(?:[\w/&,+.()-]+\s+){0,7}?(?:experience|exp\b|expertise))"
)
_AFTER_WEAK = re.compile(
    r"(?i:(?:[\w/&,+.-]+\s+){0,6}?(?:work(?:ing)?\b|employment"
    r"|background|in\s+(?:the\s+)?(?:industry|field|role)|post[- ]qualification|pqe\b"
    r"|hands[- ]on|professional|industry|relevant|commercial|track record|practice\b))"
)
_BEFORE = re.compile(
    r"(?i:(?:experience|exp\.?)\s*(?:required|needed|level|range)?\s*(?:[:\-–]|of|with)?\s*"
    r"(?:\w+\s+){0,2}$)"
)
_BAD_AFTER = re.compile(
    r"(?i:\s*(?:old\b|of\s+age|and\s+(?:over|above|older)|or\s+(?:over|older)|ago\b|in\s+business"
    r"|warranty|guarantee|history|since|contract\b|fixed[- ]term|programme|course|degree"
    r"|training\s+programme|of\s+(?:study|funding|service\s+with\s+us)))"
)
_BAD_BEFORE = re.compile(r"(?i:(?:aged?|founded|established|for\s+the\s+(?:past|last)|over\s+the"
                         r"\s+(?:past|last|next)|in\s+the\s+(?:past|last|next)|within)\s*$)")


def _number(token: str) -> float:
    word = _WORD_NUMBERS.get(token.lower())
    return float(word) if word is not None else float(token)


def _from_match(text: str, m: re.Match[str]) -> Experience | None:
    end = m.end()
    if _BAD_AFTER.match(text, m.start("tail")):
        return None
    before = text[max(0, m.start() - 40) : m.start()]
    if _BAD_BEFORE.search(before):
        return None
    limit = min(len(text), end + 80)
    after = _AFTER_STRONG.match(text, end, limit) or _AFTER_WEAK.match(text, end, limit)
    raw_start = m.start()
    lead = _BEFORE.search(before)
    if after is not None:
        raw_end = after.end()
    elif lead is not None:
        raw_end = m.end("tail") if m.group("tail").strip() == "" else m.start("tail")
        raw_start = m.start() - (len(before) - lead.start())
    else:
        return None
    scale = 12.0 if m.group("unit").lower().startswith("m") else 1.0
    a = round(_number(m.group("a")) / scale, 2)
    b = round(_number(m.group("b")) / scale, 2) if m.group("b") else None
    pre = (m.group("pre") or "").lower()
    lo: float | None = a
    hi: float | None = b
    if b is None and (pre.startswith("up") or pre.startswith("max")):
        lo, hi = None, a
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    if any(v is not None and not 0 <= v <= 50 for v in (lo, hi)):
        return None
    raw = text[raw_start:raw_end].strip()
    return Experience(min=lo, max=hi, raw=raw)


def extract_experience(
    text: str, preferred_spans: Sequence[tuple[int, int]] = (), triggers: Triggers | None = None
) -> Experience:
    """Years of experience asked for.

    ``preferred_spans`` (character ranges, e.g. the requirements sections) are searched first;
    otherwise the first qualifying mention in the text wins.
    """
    triggers = triggers if triggers is not None else find_triggers(text)
    found: list[tuple[int, Experience]] = []
    for lo, hi in windows(text, triggers.starts("years"), 45, 12):
        for m in _YEARS.finditer(text, lo, hi):
            exp = _from_match(text, m)
            if exp is not None:
                found.append((m.start(), exp))
    if not found:
        return Experience()
    for lo, hi in preferred_spans:
        for pos, exp in found:
            if lo <= pos < hi:
                return exp
    return found[0][1]
