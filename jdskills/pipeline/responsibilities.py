"""The responsibilities of a JD: the text the KRA signal embeds (stage 4) and the statements
the link stage captures for the chosen role.

Source order: sections of kind ``responsibilities``; else requirements + summary; else every
section except benefits, EEO and about-company (or the whole text when there are none).
Statements are the bullets or lines of the responsibilities sections. A long line without
sentence punctuation (bullets flattened by HTML-to-text) is cut before each capitalised
action verb that follows a lower-case word ("… for model training Write accurate …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jdskills.pipeline.state import JDState

_BULLET = re.compile(r"^\s*(?:[-*•·●▪◦‣–—>]+|\d{1,2}[.)])\s*")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z])")
_CAPITAL_AFTER_LOWER = re.compile(r"(?<=[a-z0-9,)])\s+(?=([A-Z][a-z]+)\b)")
ACTION_VERBS = frozenset({
    "act", "administer", "advise", "analyse", "analyze", "architect", "assess", "assist",
    "automate", "build", "champion", "coach", "collaborate", "communicate", "conduct",
    "configure", "contribute", "coordinate", "create", "debug", "define", "deliver", "deploy",
    "design", "develop", "document", "drive", "enable", "engage", "ensure", "establish",
    "evaluate", "execute", "facilitate", "guide", "handle", "help", "identify", "implement",
    "improve", "integrate", "investigate", "lead", "maintain", "manage", "mentor", "monitor",
    "own", "oversee", "participate", "partner", "perform", "plan", "prepare", "present",
    "prioritise", "prioritize", "provide", "research", "resolve", "respond", "review", "run",
    "scale", "serve", "set", "shape", "ship", "support", "test", "track", "train", "translate",
    "troubleshoot", "tune", "understand", "work", "write",
})
NOT_KRA = frozenset({"benefits", "eeo", "about_company"})
MIN_WORDS, MAX_CHARS, RUN_ON_CHARS = 3, 500, 200
MAX_KRA_CHARS = 4000  # bounds the embedding cost of a pathological JD


@dataclass(frozen=True)
class KraText:
    text: str
    source: str  # responsibilities | requirements+summary | text
    statements: list[str]


def kra_text(state: JDState) -> KraText:
    """The text the KRA signal embeds, where it came from, and the responsibility statements."""
    sections = state.parse.sections if state.parse else []
    resp = [s.text for s in sections if s.kind == "responsibilities"]
    if resp:
        text = "\n".join(resp)
        return KraText(text[:MAX_KRA_CHARS], "responsibilities", split_statements(text))
    fallback = [s.text for s in sections if s.kind in ("requirements", "summary")]
    if fallback:
        return KraText("\n".join(fallback)[:MAX_KRA_CHARS], "requirements+summary", [])
    kept = [s.text for s in sections if s.kind not in NOT_KRA]
    return KraText(("\n".join(kept) if kept else state.record.text)[:MAX_KRA_CHARS], "text", [])


def split_statements(text: str) -> list[str]:
    """Bullets or lines of a section, trimmed and de-duplicated; run-on lines cut apart."""
    out: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        pieces = _split_run_on(line) if len(line) > RUN_ON_CHARS else [line]
        out.extend(p.strip()[:MAX_CHARS] for p in pieces if len(p.split()) >= MIN_WORDS)
    return list(dict.fromkeys(out))


def _split_run_on(line: str) -> list[str]:
    sentences = _SENTENCE.split(line)
    if len(sentences) > 1:
        return sentences
    cuts = [m.start() for m in _CAPITAL_AFTER_LOWER.finditer(line)
            if m.group(1).lower() in ACTION_VERBS]
    bounds = [0, *cuts, len(line)]
    return [line[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
