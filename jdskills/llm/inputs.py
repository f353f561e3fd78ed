"""What the stage tasks hand the LLM backend besides JD states: the candidates an answer
must choose from, and the new skills to describe."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from jdskills.pipeline.state import Decision


@dataclass(frozen=True)
class RoleCandidate:
    """A catalog role the adjudicator may choose, with the signal scores behind it."""

    role_id: int
    slug: str
    name: str
    description: str | None = None
    signals: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DimensionCandidate:
    """A catalog dimension a new skill may be placed in."""

    slug: str
    name: str
    description: str | None = None


@dataclass(frozen=True)
class NewSkillInput:
    """One distinct new skill: its normalised key, display name and JD context."""

    normalized: str
    name: str
    evidence: tuple[str, ...] = ()
    co_mentioned: tuple[str, ...] = ()


class _NewSkillLike(Protocol):
    """What the offline enrich stage gathered about a new skill (``NewSkillContext``)."""

    normalized: str
    evidence: list[str]
    co_mentioned: Counter[int]
    co_new: Counter[str]

    @property
    def name(self) -> str: ...


MAX_CO_MENTIONED = 10


def new_skill_input(ctx: _NewSkillLike, skill_name: Callable[[int], str]) -> NewSkillInput:
    """The enrichment input of one new skill: its sentences, and the names of the catalog
    skills (most often first) and other new skills mentioned with it."""
    names = [skill_name(sid) for sid, _ in ctx.co_mentioned.most_common(MAX_CO_MENTIONED)]
    names += [n for n, _ in ctx.co_new.most_common(MAX_CO_MENTIONED)]
    return NewSkillInput(normalized=ctx.normalized, name=ctx.name,
                         evidence=tuple(ctx.evidence),
                         co_mentioned=tuple(dict.fromkeys(names))[:MAX_CO_MENTIONED])


def dimension_candidates(nearest: Sequence[Mapping[str, Any]]) -> list[DimensionCandidate]:
    """Candidates from a placement's ``nearest`` list (catalog dimensions, best first);
    pending ones are never offered."""
    return [DimensionCandidate(slug=str(d["slug"]), name=str(d["name"])) for d in nearest
            if not str(d["slug"]).startswith("pending/")]


class _RoleLike(Protocol):
    slug: str
    name: str
    archetype: str | None


def role_candidates(
    decision: Decision, roles: Mapping[int, _RoleLike], limit: int = 5
) -> list[RoleCandidate]:
    """The roles any signal ranked in its top-k for this decision, best combined first, with
    their scores (``roles`` is e.g. ``snapshot.role_by_id``)."""
    scores: dict[int, dict[str, float]] = {}
    for signal, hits in decision.signals.items():
        for hit in hits:
            scores.setdefault(hit.role_id, {})[signal] = round(hit.score, 3)
    ranked = sorted(scores, key=lambda r: (r != decision.role_id, -sum(scores[r].values()), r))
    out = []
    for role_id in ranked[:limit]:
        role: Any = roles.get(role_id)
        if role is None:
            continue
        out.append(RoleCandidate(role_id=role_id, slug=role.slug, name=role.name,
                                 description=getattr(role, "archetype", None),
                                 signals=scores[role_id]))
    return out
