"""Job locations (city/state/country from a gazetteer) and the work mode.

Places come from the gazetteer hits of :mod:`jdskills.offline.triggers`; a mention right
after a location cue ("Location:", "based in", "Remote from") or near the top of the JD ranks
first. The work mode (remote / hybrid / onsite) is a JD-wide property from phrase rules and is
put on every location; a JD with a mode but no place gets one place-less location.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jdskills.offline.geo import Place
from jdskills.offline.triggers import Triggers, find_triggers, windows
from jdskills.records import Location, WorkMode

_REMOTE = re.compile(
    r"(?i:\b(?:fully|100%|completely|entirely|permanently)\s+remote\b|\bremote[- ](?:first|only"
    r"|friendly)\b|\bwork(?:ing)?\s+(?:from|at)\s+home\b|\bwfh\b|\bwork(?:ing)?\s+from\s+anywhere"
    r"|\bwork(?:ing)?\s+remotely\b|\bremote\s+(?:from|in|within|across|role|position|job|work"
    r"|working|worker|opportunit\w*|team|contract|based|setup|set-up)\b|\(remote\b"
    r"|\bremote\s*[,/)|–]|\bremote\s*\.(?!\w)|(?:location|work\s*mode|workplace)\s*:\s*remote"
    r"|^[ \t]*remote[ \t]*(?:$|[,.(/|–-]))",
    re.MULTILINE,
)
_NOT_REMOTE = re.compile(
    r"(?i:\b(?:not|no|non)[- ](?:a\s+|fully\s+)?remote\b|\bremote\s+(?:work(?:ing)?\s+)?(?:is\s+)?"
    r"not\s+(?:possible|available|an\s+option))"
)
_HYBRID = re.compile(
    r"(?i:\bhybrid\s+(?:role|position|work(?:ing)?|model|set-?up|arrangement|schedule|pattern"
    r"|remote|office|environment|opportunity|job|policy)\b|\bhybrid\s*[(,/)|–]|\(hybrid\b"
    r"|\bhybrid\s*\.(?!\w)|(?:location|work\s*mode|workplace)\s*:\s*hybrid"
    r"|\b[1-4](?:\s*-\s*[2-4])?\s+days?\s+(?:a\s+week\s+)?(?:in|at|from)\s+(?:the\s+|our\s+)?office"
    r"|^[ \t]*hybrid[ \t]*(?:$|[,.(/|–-]))",
    re.MULTILINE,
)
_ONSITE = re.compile(
    r"(?i:\bon-?site\b(?!\s+(?:parking|gym|nursery|canteen|restaurant|caf[eé]|shop|creche"
    r"|childcare|facilities|amenities|accommodation|interview))|\bin[- ]office\b"
    r"|\boffice[- ]based\b|\bwork(?:ing)?\s+from\s+(?:the\s+|our\s+)?office\b|\bwfo\b"
    r"|\b(?:fully|100%)\s+on\s+site\b|\bwork(?:ing)?\s+on\s+site\b)"
)
_COUNTRY_HINTS = {
    "£": "United Kingdom", "₹": "India", "$": "United States", "NHS": "United Kingdom",
}
_NEXT_WORD = re.compile(r"[ \t]([A-Z][a-z]+)")
_NAME_SUFFIXES = frozenset(
    {
        "Hill", "Mason", "Centre", "Center", "Road", "Street", "Lane", "House", "Ward", "Unit",
        "Way", "Avenue", "Court", "Square", "Place", "Gardens", "Drive", "Close", "Row",
        "Building", "Wing", "Suite", "Surgery", "Practice", "Terrace", "Grove", "Crescent",
    }
)
# places whose name is shared by a town elsewhere: the other reading wins when the JD's other
# places or its currency point to that country ("Pilgrim Hospital, Boston" in an NHS advert)
_ALTERNATIVES = {
    "Boston": Place("Boston", "England", "United Kingdom"),
    "Cambridge": Place("Cambridge", "Massachusetts", "United States"),
    "Birmingham": Place("Birmingham", "Alabama", "United States"),
}


# each rule runs only in windows around the trigger words that can start it
_MODE_RULES: list[tuple[WorkMode, re.Pattern[str], frozenset[str]]] = [
    ("hybrid", _HYBRID, frozenset({"hybrid", "office"})),
    ("onsite", _NOT_REMOTE, frozenset({"remote"})),
    ("remote", _REMOTE, frozenset({"remote", "home", "wfh", "anywhere"})),
    ("onsite", _ONSITE, frozenset({"site", "office", "wfo"})),
]


def detect_work_mode(text: str, triggers: Triggers | None = None) -> WorkMode | None:
    """remote / hybrid / onsite from phrase rules; hybrid wins over remote over onsite."""
    triggers = triggers if triggers is not None else find_triggers(text)
    hits = triggers.of("mode")
    if not hits:
        return None
    for mode, pattern, words in _MODE_RULES:
        starts = [start for start, _end, word in hits if word in words]
        for lo, hi in windows(text, starts, 40, 50):
            if pattern.search(text, lo, hi):
                return mode
    return None


def _accept(text: str, start: int, end: int) -> bool:
    """Reject gazetteer hits that are part of another name or not a place at all."""
    nxt = _NEXT_WORD.match(text, end)
    if nxt is not None and nxt.group(1) in _NAME_SUFFIXES:
        return False  # "Denmark Hill", "Virginia Mason", "Phoenix Centre": names, not places
    if text[start:end] in {"US", "U.S."}:
        # "US" is also ultrasound and "us": only "the US", "in the US", "(US)", "US-based"
        before = text[max(0, start - 6) : start]
        return before.endswith(("the ", "in ", "(", "across ")) or text[end : end + 1] in ")-"
    return True


def _mentions(
    text: str, triggers: Triggers, skip: Sequence[tuple[int, int]]
) -> list[tuple[int, int, Place]]:
    """Gazetteer hits outside ``skip``, longest first where they overlap."""
    raw = [
        (start, end, place)
        for start, end, place in triggers.of("place")
        if not any(lo <= start < hi for lo, hi in skip) and _accept(text, start, end)
    ]
    raw.sort(key=lambda r: (r[0], r[0] - r[1]))
    picked: list[tuple[int, int, Place]] = []
    reach = -1
    for start, end, place in raw:
        if start >= reach:
            picked.append((start, end, place))
            reach = end
    return picked


def extract_locations(
    text: str,
    skip: Sequence[tuple[int, int]] = (),
    triggers: Triggers | None = None,
    limit: int = 3,
) -> list[Location]:
    """Locations of the job, best first; ``skip`` are spans (e.g. about-company) to ignore."""
    triggers = triggers if triggers is not None else find_triggers(text)
    mode = detect_work_mode(text, triggers)
    cue_ends = [end for _start, end, _word in triggers.of("cue")]
    ranked: list[tuple[int, int, Place]] = []
    for start, _end, place in _mentions(text, triggers, skip):
        cued = any(0 <= start - c <= 60 for c in cue_ends)
        ranked.append((0 if cued else 1 if start < 400 else 2, start, place))
    ranked.sort(key=lambda r: (r[0], r[1]))
    if ranked and ranked[0][0] <= 1:
        ranked = [r for r in ranked if r[0] <= 1]
    chosen: list[Place] = []
    for _prio, _start, place in ranked:
        if place not in chosen:
            chosen.append(place)
    if any(p.city in _ALTERNATIVES for p in chosen):
        chosen = _disambiguate(text, chosen, triggers)
    chosen = [p for p in chosen if not _covered(p, chosen)][:limit]
    locations = [
        Location(city=p.city, state=p.state, country=p.country, work_mode=mode) for p in chosen
    ]
    if not locations and mode is not None:
        locations.append(Location(work_mode=mode))
    return locations


def _disambiguate(text: str, chosen: list[Place], triggers: Triggers) -> list[Place]:
    countries = {p.country for p in chosen if p.city not in _ALTERNATIVES}
    countries.update(_COUNTRY_HINTS[word] for _s, _e, word in triggers.of("money")
                     if word in _COUNTRY_HINTS)
    if "NHS" in text:
        countries.add(_COUNTRY_HINTS["NHS"])
    out: list[Place] = []
    for place in chosen:
        alt = _ALTERNATIVES.get(place.city or "")
        swap = alt is not None and alt.country in countries and place.country not in countries
        out.append(alt if swap and alt is not None else place)
    return list(dict.fromkeys(out))


def _covered(place: Place, chosen: list[Place]) -> bool:
    """A country (or state) already implied by a more specific chosen place."""
    for other in chosen:
        if other is place or other.country != place.country:
            continue
        if place.city is None and place.state is None and (other.city or other.state):
            return True
        if place.city is None and place.state and other.city and other.state == place.state:
            return True
    return False
