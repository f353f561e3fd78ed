"""What a batch says about each of its new skills (stage 5).

A new skill is gathered once per normalised name however many JDs mention it: its surface
forms, its sentences, and the catalog skills mentioned with it in each sentence with their
relation (:mod:`mentions`) — the strongest offline evidence of what it is ("custom GPU
kernels with Pallas (JAX)").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from jdskills.offline.enrich.mentions import (
    LIST,
    clip_evidence,
    mention_windows,
    relations,
    surfaces,
)
from jdskills.offline.lookup import skill_aliases
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot
from jdskills.pipeline.state import JDState

MAX_EVIDENCE = 5  # distinct evidence sentences kept per new skill
MAX_WINDOWS = 8  # sentences per new skill that placement scores one by one

Window = tuple[str, tuple[tuple[int, float], ...]]  # sentence, (catalog skill, relation)


@dataclass
class NewSkillContext:
    normalized: str
    surface_forms: Counter[str] = field(default_factory=Counter)
    jds: int = 0
    primary: int = 0
    sentences: int = 0  # sentences (windows) it was seen in, over all JDs
    evidence: list[str] = field(default_factory=list)
    co_mentioned: Counter[int] = field(default_factory=Counter)  # skill -> its sentences
    co_new: Counter[str] = field(default_factory=Counter)  # new skills listed with it
    windows: list[Window] = field(default_factory=list)  # the first MAX_WINDOWS sentences

    def share(self, skill_id: int) -> float:
        """Share of its sentences that mention the catalog skill."""
        return round(self.co_mentioned[skill_id] / max(self.sentences, 1), 3)

    @property
    def name(self) -> str:
        """The most frequent surface form (ties: the first seen)."""
        return self.surface_forms.most_common(1)[0][0]


def new_skill_names(batch: list[JDState]) -> list[str]:
    """The distinct normalised names of the new skills of the batch's active JDs."""
    return list(dict.fromkeys(s.normalized for state in batch if state.active
                              for s in state.skills if s.tag == "new"))


def collect_new_skills(batch: list[JDState], snapshot: CatalogSnapshot,
                       skip: Collection[str] = ()) -> dict[str, NewSkillContext]:
    """Every distinct new skill of the batch's active JDs (but those in ``skip``), keyed by
    normalised name. A catalog skill of the JD counts as mentioned with it when any of its
    aliases (or the JD's own surface form of it) is in one of the new skill's sentences."""
    aliases = skill_aliases(snapshot)
    out: dict[str, NewSkillContext] = {}
    for state in batch:
        new = [s for s in state.skills if s.tag == "new"] if state.active else []
        if all(s.normalized in skip for s in new):
            continue
        text, lowered = state.record.text, state.record.text.lower()
        known: dict[int | str, set[str]] = {
            sid: {*aliases.get(sid, ()), *surfaces(k, text)} for k in state.skills
            if k.tag == "in_db" and (sid := k.skill_id) is not None}
        new_forms = {s.normalized: surfaces(s, text) for s in new}
        seen: set[str] = set()
        for skill in new:
            if skill.normalized in seen or skill.normalized in skip:
                continue  # the same new skill twice in one JD, or one enriched before
            seen.add(skill.normalized)
            forms = new_forms[skill.normalized]
            peers: dict[int | str, set[str]] = {
                n: f for n, f in new_forms.items() if n != skill.normalized}
            ctx = out.setdefault(skill.normalized, NewSkillContext(skill.normalized))
            ctx.surface_forms[skill.input_term] += 1
            ctx.jds += 1
            ctx.primary += int(skill.is_primary)
            windows = (mention_windows(text, lowered, skill.input_term)
                       or [clip_evidence(skill.evidence, skill.input_term)])
            ctx.sentences += len(windows)
            for window in windows:  # a catalog skill in two of its sentences counts twice
                if window not in ctx.evidence and len(ctx.evidence) < MAX_EVIDENCE:
                    ctx.evidence.append(window)
                both = relations(window, forms, {**known, **peers})
                related = tuple((k, w) for k, w in both if isinstance(k, int))
                ctx.co_mentioned.update(sid for sid, _ in related)
                if len(ctx.windows) < MAX_WINDOWS and all(w != window for w, _ in ctx.windows):
                    ctx.windows.append((window, related))
                ctx.co_new.update(k for k, w in both if isinstance(k, str) and w >= LIST)
    return out
