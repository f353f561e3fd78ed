"""Compensation (CTC) extraction: amounts, ranges, currency and pay period.

Every money-like span is a *candidate*: an amount or a range with a currency symbol or code,
or an Indian unit (LPA, lakh, crore) that implies INR. Candidates are matched only where a
money trigger ("£", "USD", "LPA" ...) sits, so candidates without a currency ("30-40
hrs/week", "2020", "401(k)", "12%") are never salary. The best candidate is chosen by a small
score: a range, an explicit period and salary words on its line count for it; bonus, fee,
relocation, supplement, revenue and similar words count against it. Single amounts of the
same kind on one line ("£16,778 based on 37 hours / £20,404 based on 45 hours") form a range.
Periods not stated are read from nearby words ("pro rata", "hourly") or, for large amounts,
taken as yearly. ``raw`` is the matched span of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jdskills.offline.textutil import words_of
from jdskills.offline.triggers import Triggers, find_triggers
from jdskills.records import CTC, Period

_SYMBOLS = {
    "₹": "INR", "rs": "INR", "rs.": "INR", "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP",
    "¥": "JPY", "c$": "CAD", "ca$": "CAD", "a$": "AUD", "au$": "AUD", "s$": "SGD",
    "nz$": "NZD", "hk$": "HKD", "r$": "BRL",
}
_CODES = words_of(
    "USD INR EUR GBP CAD AUD SGD AED CHF JPY CNY NZD HKD SEK NOK DKK PLN ZAR BRL MXN SAR QAR "
    "MYR KRW ILS CZK NGN KES PKR"
)
_CODE = r"\b(?:" + "|".join(_CODES) + r")\b"
_S = r"[ \t\xa0]"  # spacing inside one amount: never a line break
_CUR = r"(?:US\$|CA\$|AU\$|NZ\$|HK\$|\b[CASR]\$|[₹$€£¥]|\bRs\.?(?=[ \xa0]?\d)|" + _CODE + ")"
_NUM = r"\d{1,3}(?:,\d{2})*(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = (
    rf"{_S}?[kK]\b|{_S}*(?i:lpa\b|l\.p\.a\.?|lakhs?\b|lacs?\b|crores?\b|cr\b|million\b|mn\b"
    rf"|mio\b|mil\b|billion\b|bn\b)|{_S}?L\b|{_S}?[mM]\b"
)
_PERIOD = (
    rf"{_S}*(?i:(?:/|\bper\b|\ban?\b|\bp\.?){_S}*(?:(?:hour|day|diem|week|month|annum|year)\b"
    r"|(?:hr|h|wk|mo|mth|yr|y)\b\.?)|hourly\b|daily\b|weekly\b|monthly\b|yearly\b|annually\b|annual\b"
    rf"|p\.?{_S}?[hdwma]\b\.?|pcm\b|lpa\b)"
)
_SEP = rf"{_S}*(?i:-|–|—|~|\bto\b|(?:progressing|rising|increasing|up){_S}+to\b){_S}*"
_CANDIDATE = re.compile(
    rf"(?:(?P<c1>{_CUR}){_S}?|(?<![A-Za-z0-9.,]))(?P<n1>{_NUM})(?P<m1>{_MULT})?"
    rf"(?P<per1>{_PERIOD}(?={_SEP}))?"
    rf"(?:{_SEP}(?(c1)(?P<c2>{_CUR})?|){_S}?(?P<n2>{_NUM})(?P<m2>{_MULT})?)?"
    rf"(?:{_S}*(?P<c3>{_CODE}))?(?P<per>{_PERIOD})?(?:{_S}*(?P<c4>{_CODE}))?"
)
_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b)")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_WORDS = re.compile(r"[a-z]+")

_MULTIPLIERS = {
    "k": 1e3, "lpa": 1e5, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "l": 1e5,
    "crore": 1e7, "crores": 1e7, "cr": 1e7,
}
_INDIAN_UNITS = frozenset({"lpa", "lakh", "lakhs", "lac", "lacs", "crore", "crores", "cr"})
_HUGE_UNITS = frozenset({"million", "mn", "mio", "billion", "bn", "m"})
_PERIOD_WORDS: dict[str, Period] = {
    "hour": "hour", "hr": "hour", "h": "hour", "hourly": "hour", "ph": "hour",
    "day": "day", "diem": "day", "daily": "day", "pd": "day",
    "week": "week", "wk": "week", "weekly": "week", "pw": "week",
    "month": "month", "mo": "month", "mth": "month", "monthly": "month", "pm": "month",
    "pcm": "month",
    "annum": "year", "year": "year", "yr": "year", "y": "year", "yearly": "year",
    "annually": "year", "annual": "year", "pa": "year", "lpa": "year",
}
# context rules run on short lower-cased slices; every alternative starts with a literal so
# the regex engine can skip ahead instead of trying each position
_POSITIVE_BEFORE = re.compile(
    r"salary|pay\b|paid|ctc\b|compensation|remuneration|stipend|wage| rates?\b|package|earn"
    r"| band\b|band \d| ote\b|grade\b|per annum|hourly|range"
)
_NEGATIVE_BEFORE = re.compile(
    r"bonus|relocation|allowance| fees?\b|cost|charge|deduct|check\b|voucher|welcome"
    r"|golden hello|refit|invest|funding|raised|revenue|turnover|income|worth|save|saving"
    r"|refund|reimburs|expenses|budget|donation|award|prize|grant\b|spend|valued|funded|price"
    r"|discount|referral|incentive|assets|contract value|loan|supplement|contribution|mileage"
    r"|hcas|minimum payment|maximum payment|\+ ?$"
)
_NEGATIVE_AFTER = re.compile(
    r"\W{0,3}(?:[\w-]+\s){0,3}?(?:bonus|welcome|voucher|fees?\b|costs?\b|relocation|refit"
    r"|investment|funding|budget|per person|location allowance|golden hello|expenses|refund"
    r"|sign[- ]on|joining|referral)"
)
_PERIOD_NEAR = re.compile(
    r"(?P<year>per annum|p\.a\.| pa\b|pro[- ]rata|annual|annum|yearly|a year|per year)"
    r"|(?P<hour>per hour|hourly|an hour| ph\b|p/h)|(?P<month>per month|monthly|a month| pcm\b)"
    r"|(?P<week>per week|weekly)|(?P<day>per day|daily rate|day rate|a day)"
)
_NEXT_AMOUNT = re.compile(r"[£$€₹¥]")
_UP_TO = ("up to", "upto", "up-to", "max", "max.", "maximum", "not exceeding", "capped at")
_FROM = ("from", "starting at", "starting from", "starting", "min", "min.", "minimum", "at least")
_LEAD_TRIM = " :-–\t\n"
# words after an amount that add to it rather than say what it is ("plus relocation")
_ADDITIVE = ("plus", "+", "and ", "inc", "excl", "exc.", "with", "(")


@dataclass(frozen=True, slots=True)
class _Candidate:
    low: float | None
    high: float | None
    currency: str
    period: Period | None
    raw: str
    score: int
    start: int
    end: int
    line: int  # offset where the candidate's line starts

    @property
    def single(self) -> bool:
        return self.low is None or self.high is None or self.low == self.high


def _currency_of(token: str | None) -> str | None:
    if not token:
        return None
    key = token.strip().lower()
    return _SYMBOLS.get(key) or (key.upper() if key.upper() in _CODES else None)


def _unit(token: str | None) -> str | None:
    if not token:
        return None
    return token.strip().lower().rstrip(".").replace(".", "")


def _value(number: str, unit: str | None) -> float:
    if unit is None and _DOT_THOUSANDS.fullmatch(number):
        return float(number.replace(".", ""))
    value = float(number.replace(",", ""))
    return value * _MULTIPLIERS.get(unit or "", 1.0)


def _period_of(token: str | None) -> Period | None:
    if not token:
        return None
    words = _WORDS.findall(token.lower())
    if len(words) > 1 and words[0] in {"per", "a", "an"}:
        words = words[1:]
    return _PERIOD_WORDS.get("".join(words))


def _infer_period(text: str, start: int, end: int, high: float, currency: str) -> Period | None:
    # the context ends where the next (or previous) amount begins: its period is its own
    after_text = _NEXT_AMOUNT.split(text[end : end + 45], 1)[0]
    before_text = _NEXT_AMOUNT.split(text[max(0, start - 45) : start])[-1]
    after = _PERIOD_NEAR.search(after_text.lower())
    before = _PERIOD_NEAR.search(before_text.lower())
    for m in (after, before):
        if m and m.lastgroup:
            return m.lastgroup  # type: ignore[return-value]
    threshold = 300_000 if currency == "INR" else 10_000
    return "year" if high >= threshold else None


def _candidate(text: str, m: re.Match[str]) -> _Candidate | None:
    g = m.groupdict()
    if _PERCENT_AFTER.match(text, m.end()):
        return None
    u1, u2 = _unit(g["m1"]), _unit(g["m2"])
    if u1 in _HUGE_UNITS or u2 in _HUGE_UNITS:
        return None  # revenue, funding, population: not pay
    if g["n2"] is not None and u1 is None:
        u1 = u2  # "12-18 LPA", "$120-150k": the unit applies to both ends
    currency = (
        _currency_of(g["c1"]) or _currency_of(g["c2"]) or _currency_of(g["c3"])
        or _currency_of(g["c4"])
    )
    if currency is None and (u1 in _INDIAN_UNITS or u2 in _INDIAN_UNITS):
        currency = "INR"
    if currency is None or ((u1 == "l" or u2 == "l") and currency != "INR"):
        return None
    low = _value(g["n1"], u1)
    high = _value(g["n2"], u2) if g["n2"] is not None else low
    if low > high:
        low, high = high, low
    if high <= 0 or (low > 0 and high / low > 10):
        return None
    indian = u1 in _INDIAN_UNITS or u2 in _INDIAN_UNITS
    period = _period_of(g["per"]) or _period_of(g["per1"])
    if period is None and indian:
        period = "year"
    score = 1 + (2 if g["n2"] is not None else 0) + (2 if period else 0)
    start, end = m.start(), m.end()
    # context is read on the candidate's own line only
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end, end + 40)
    before = text[max(line_start, start - 60) : start].lower()
    after = text[end : line_end if line_end >= 0 else end + 40].lower().lstrip()
    if _POSITIVE_BEFORE.search(before):
        score += 2
    if _NEGATIVE_BEFORE.search(before) or (
        not after.startswith(_ADDITIVE) and _NEGATIVE_AFTER.match(after)
    ):
        score -= 5
    if period is None:
        period = _infer_period(text, start, end, high, currency)
    lo_val: float | None = low
    hi_val: float | None = high
    if g["n2"] is None:
        lead = before.rstrip(_LEAD_TRIM)
        if lead.endswith(_UP_TO):
            lo_val = None
        elif lead.endswith(_FROM):
            hi_val = None
    raw = m.group(0).strip()
    return _Candidate(lo_val, hi_val, currency, period, raw, score, start, end, line_start)


_RUN_CHARS = frozenset("0123456789,. \t-–—~/tokK")


def _candidate_starts(text: str, start: int, end: int) -> list[int]:
    """Where a candidate covering the trigger ``text[start:end]`` may begin: at the trigger
    (a leading symbol or code, "US$" included) and at the digit runs just before it (a trailing
    code or unit: "12-18 LPA", "15 USD")."""
    out: list[int] = []
    lead = start
    while lead > start - 3 and lead > 0 and text[lead - 1].isupper():
        lead -= 1
    if lead < start and not text[lead - 1 : lead].isalnum():
        out.append(lead)
    out.append(start)
    i, lo = start, max(0, start - 40)
    while i > lo and text[i - 1] in _RUN_CHARS:
        i -= 1
    for j in range(i, start):
        if text[j].isdigit() and (j == 0 or not (text[j - 1].isdigit() or text[j - 1] in ",.")):
            out.append(j)
    return out


def _merge_line(text: str, best: _Candidate, others: list[_Candidate]) -> CTC:
    """A single amount joined with its siblings on the same line ("£16,778 based on 37 hours /
    £20,404 based on 45 hours", "Days: £22.39 ... Sunday: £35.82") into one range."""
    group = [
        c for c in others
        if c.line == best.line and c.single and c.currency == best.currency
        and c.score >= best.score - 2
        and (c.period == best.period or None in (c.period, best.period))
    ]
    values = [v for c in group for v in (c.low, c.high) if v is not None]
    if len(group) < 2 or not values:
        return CTC(min=best.low, max=best.high, currency=best.currency, period=best.period,
                   raw=best.raw)
    first, last = min(c.start for c in group), max(c.end for c in group)
    return CTC(
        min=min(values), max=max(values), currency=best.currency,
        period=best.period or next((c.period for c in group if c.period), None),
        raw=text[first:last],
    )


def extract_ctc(text: str, triggers: Triggers | None = None) -> CTC:
    """The stated compensation, or an empty :class:`CTC` when none is found."""
    triggers = triggers if triggers is not None else find_triggers(text)
    found: list[_Candidate] = []
    seen: set[int] = set()
    for t_start, t_end, _word in triggers.of("money"):
        for pos in _candidate_starts(text, t_start, t_end):
            if pos in seen:
                continue
            m = _CANDIDATE.match(text, pos)
            if m is None or m.end() < t_end or (m.group("c1") is None and pos >= t_start):
                continue
            seen.add(pos)
            cand = _candidate(text, m)
            if cand is not None and cand.score > 0:
                found.append(cand)
    if not found:
        return CTC()
    best = max(found, key=lambda c: (c.score, -c.start))
    if best.single:
        return _merge_line(text, best, found)
    return CTC(
        min=best.low, max=best.high, currency=best.currency, period=best.period, raw=best.raw
    )
