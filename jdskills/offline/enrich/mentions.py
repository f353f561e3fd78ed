"""Where a new skill is mentioned in a JD, and how the catalog skills around it relate to it.

A *window* is the sentence around one mention (run-on bullets are cut at their openers). In a
window, a catalog skill the JD mentions relates to the new skill as

* purpose (weight 3): "custom GPU kernels **with** Pallas", "inference **using** vLLM" — the
  new skill is the tool of that work, the best evidence of its area;
* list (1.5): "(JAX, Py Torch, Pallas/Triton)", "Pallas (JAX)" — only separators, "and"/"or"
  and other skills between them: a peer of the same kind;
* sentence (1): anywhere else in the window.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TypeVar

from jdskills.normalize import normalize_alias
from jdskills.offline.tech_terms import word_set
from jdskills.offline.textutil import is_word_boundary
from jdskills.pipeline.responsibilities import ACTION_VERBS
from jdskills.pipeline.state import SkillMatch

WINDOW = 150  # characters either side of a mention that count as its sentence
EVIDENCE_CHARS = 400  # evidence longer than this is cut around the mention
PURPOSE, LIST, SENTENCE = 3.0, 1.5, 1.0
K = TypeVar("K")
_RUN_ON = re.compile(r"(?<=[a-z0-9,)])\s+(?=([A-Z][a-z]+)\b)")
_OPENERS = ACTION_VERBS | word_set("""experience strong proven hands demonstrable reliable
    excellent solid knowledge familiarity ability understanding bachelor master degree must
    nice bonus why what about you we our pay employment placement commitment""")
_PURPOSE_GAP = re.compile(r"\s*(?:with|using|in|via|through|on)\s*")
_LIST_GAP = re.compile(r"[\s,/;&|()\[\]+·•*:-]*(?:(?:and/or|and|or|as well as|plus)"
                       r"[\s,/;&|()\[\]+·•*:-]*)?")


def mention_windows(text: str, lowered: str, term: str, limit: int = 3) -> list[str]:
    """The sentence around each of the first ``limit`` whole-word mentions of ``term``: cut
    at sentence punctuation, at most WINDOW characters either side, and in run-on text
    (bullets flattened to one line) at a capitalised bullet opener after a lower-case word."""
    out: list[str] = []
    for start in find_all(lowered, term.lower())[:limit]:
        end = start + len(term)
        lo = max(lowered.rfind(c, max(0, start - WINDOW), start) for c in ".!?;\n")
        if lo < 0 and start - WINDOW > 0:  # cut by the limit: start at a whole word
            space = text.find(" ", start - WINDOW, start)
            lo = space if space >= 0 else start - WINDOW - 1
        lo = max(lo + 1, 0)
        ends = [h for h in (lowered.find(c, end, end + WINDOW) for c in ".!?;\n") if h >= 0]
        hi = min(ends) if ends else min(len(text), end + WINDOW)
        if hi < len(text) and not ends:  # cut by the limit: end at a whole word
            hi = max(text.rfind(" ", end, hi), end)
        cuts = [m.start() for m in _RUN_ON.finditer(text, lo, hi)
                if m.group(1).lower() in _OPENERS]
        lo = max([c for c in cuts if c <= start], default=lo)
        hi = min([c for c in cuts if c >= end], default=hi)
        window = " ".join(text[lo:hi].split())
        if window not in out:
            out.append(window)
    return out


def find_all(text: str, term: str) -> list[int]:
    """Start offsets of the whole-word occurrences of ``term`` in ``text``."""
    out: list[int] = []
    start = text.find(term) if term else -1
    while start >= 0:
        if is_word_boundary(text, start, start + len(term)):
            out.append(start)
        start = text.find(term, start + 1)
    return out


def surfaces(skill: SkillMatch, text: str) -> set[str]:
    """The lower-case forms a JD uses for a skill: its matched span and its input term."""
    forms = {skill.input_term.lower(), _normalized(skill.input_term)}
    if skill.start is not None and skill.end is not None and 0 <= skill.start < skill.end:
        span = text[skill.start:skill.end].lower()
        forms |= {span, _normalized(span)}
    return {f for f in forms if len(f) >= 2}


_normalized = lru_cache(maxsize=65536)(normalize_alias)  # skill terms recur in every batch


def relations(window: str, new_forms: set[str], known: Mapping[K, set[str]]
              ) -> tuple[tuple[K, float], ...]:
    """(key, relation weight) of each other skill (``known``: key -> its forms) mentioned in
    the window with the new skill."""
    low = window.lower()
    norm = normalize_alias(window)
    new_spans = _spans(low, new_forms)
    found: dict[K, list[tuple[int, int]]] = {}
    for sid, forms in known.items():
        if not any(f in low or f in norm for f in forms):  # the common case, in C
            continue
        spans = _spans(low, forms)
        if spans or any(find_all(norm, f) for f in forms):  # punctuation differs: sentence
            found[sid] = spans
    others = sorted([*new_spans, *(s for spans in found.values() for s in spans)])
    out = []
    for sid, spans in found.items():
        weight = SENTENCE
        for ks, ke in spans:
            for ns, ne in new_spans:
                gap = _gap(low, ke, ns, others) if ke <= ns else _gap(low, ne, ks, others)
                if ke <= ns and _PURPOSE_GAP.fullmatch(gap):
                    weight = max(weight, PURPOSE)
                elif _LIST_GAP.fullmatch(gap):
                    weight = max(weight, LIST)
        out.append((sid, weight))
    return tuple(out)


def _spans(text: str, forms: set[str]) -> list[tuple[int, int]]:
    return [(s, s + len(f)) for f in forms for s in find_all(text, f)]


def _gap(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:end]`` without the other skill mentions inside it."""
    pieces, at = [], start
    for s, e in spans:
        if s >= at and e <= end:
            pieces.append(text[at:s])
            at = e
    pieces.append(text[at:end])
    return "".join(pieces)


def clip_evidence(evidence: str, term: str) -> str:
    text = " ".join(evidence.split())
    if len(text) <= EVIDENCE_CHARS:
        return text
    at = max(text.lower().find(term.lower()), 0)
    start = max(0, at - EVIDENCE_CHARS // 2)
    piece = text[start:start + EVIDENCE_CHARS]
    return piece[piece.find(" ") + 1:] if start else piece


def squash_words(text: str) -> list[str]:
    """Lower-case word tokens (keeps + and # for c++ / c#)."""
    return re.findall(r"[a-z0-9][a-z0-9+#]*", text.lower())
