"""Alias collisions, match strategies and the collision check.

An alias needs context when it is a common English word (a single word that appears inside
five or more ESCO labels of non-ICT skills: "go", "access", "spring") or when its normalised
form names several skills ("spark", "lambda"). Such aliases get match_strategy ``context``
and one collision row per skill: curated context terms and default from
``curated/collisions.yaml``, generated ones otherwise. The check fails the build when a
multi-skill alias has no collision record.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from catalog.build_io import CuratedFileError
from catalog.build_model import CatalogBuildError, CatalogDraft, Skill
from catalog.build_sources import SourceSkill
from jdskills.normalize import normalize_alias

logger = logging.getLogger(__name__)

COMMON_WORD_MIN_LABELS = 5
FUZZY_MIN_CHARS = 10
MAX_CONTEXT_TERMS = 8
_ICT_GROUPS = frozenset(
    {"working with computers", "information and communication technologies (icts)"}
)
_STOP = frozenset(
    {
        "and",
        "of",
        "for",
        "the",
        "to",
        "in",
        "on",
        "a",
        "an",
        "with",
        "other",
        "general",
        "basic",
        "skills",
        "use",
        "using",
    }
)
_ORIGIN_RANK = {"curated": 0, "lightcast": 1, "esco": 2, "gazetteer": 3}
_WORD = re.compile(r"[a-z0-9+#.]+")


@dataclass(frozen=True)
class Collision:
    normalized: str
    skill_key: str
    context_terms: tuple[str, ...]
    is_default: bool
    note: str


def common_words(esco: list[SourceSkill]) -> set[str]:
    """Words used inside many ESCO labels of non-ICT skills: plain English, not tech names."""
    counts: Counter[str] = Counter()
    for skill in esco:
        if skill.category in _ICT_GROUPS:
            continue
        for label in [skill.name, *skill.alt_labels]:
            words = set(normalize_alias(label).split())
            if len(words) > 1:
                counts.update(words)
    return {w for w, n in counts.items() if n >= COMMON_WORD_MIN_LABELS}


def needs_context(norm: str, draft: CatalogDraft, common: set[str]) -> bool:
    if len(draft.by_norm.get(norm, ())) > 1:
        return True
    return " " not in norm and (len(norm) <= 1 or norm in common)


def _generated_terms(skill: Skill, norm: str) -> tuple[str, ...]:
    terms: list[str] = []
    name = normalize_alias(skill.name)
    qualifier = re.search(r"\(([^()]+)\)\s*$", skill.name)
    if qualifier:
        terms.append(normalize_alias(qualifier.group(1)))
    terms += [w for w in _WORD.findall(name) if len(w) > 2 and w not in _STOP]
    for phrase in (skill.sub_category, skill.category):
        if phrase:
            terms.append(normalize_alias(phrase))
    unique = [t for i, t in enumerate(terms) if t and t != norm and t not in terms[:i]]
    return tuple(unique[:MAX_CONTEXT_TERMS])


def _default_rank(draft: CatalogDraft, norm: str, key: str) -> tuple[int, int, int, int, str]:
    skill, alias = draft.skills[key], draft.aliases[(key, norm)]
    return (
        0 if key == norm else 1,
        0 if alias.source == "curated" else 1,
        _ORIGIN_RANK.get(skill.origin, 9),
        0 if skill.category == "Information Technology" else 1,
        key,
    )


def apply_curated_senses(draft: CatalogDraft, spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Give each curated sense's skill the alias; returns {normalized: {skill key: sense}}."""
    curated: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for form, entry in (spec.get("collisions") or {}).items():
        norm = normalize_alias(str(form))
        senses: dict[str, Any] = {"_note": entry.get("note", "")}
        defaults = 0
        for sense in entry.get("senses") or []:
            try:
                key = draft.resolve(str(sense["skill"]))
            except CatalogBuildError as e:
                problems.append(f"{form}: {e}")
                continue
            draft.add_alias(key, str(form), "synonym", "curated")
            senses[key] = sense
            defaults += bool(sense.get("default"))
        if defaults > 1:
            problems.append(f"{form}: more than one default sense")
        curated[norm] = senses
    if problems:
        raise CuratedFileError("collisions.yaml: " + "; ".join(problems))
    return curated


def build_collisions(
    draft: CatalogDraft,
    common: set[str],
    curated: dict[str, dict[str, Any]],
    forbidden: frozenset[str] | set[str] = frozenset(),
) -> list[Collision]:
    """Collision rows for every alias that needs context; sets match strategies as it goes.

    Long aliases may be matched fuzzily, except those containing a forbidden word ("triton
    inference server" must not absorb a bare "Triton").
    """
    rows: list[Collision] = []
    for alias in draft.aliases.values():
        norm = alias.normalized
        if needs_context(norm, draft, common) or norm in curated:
            alias.match_strategy = "context"
        elif (
            len(norm) >= FUZZY_MIN_CHARS
            and alias.alias_type != "abbreviation"
            and not forbidden.intersection(norm.split())
        ):
            alias.match_strategy = "fuzzy"
    forms = sorted({a.normalized for a in draft.aliases.values() if a.match_strategy == "context"})
    for norm in forms:
        keys = sorted(draft.by_norm[norm])
        senses = curated.get(norm, {})
        note = senses.get("_note") or ("multi_skill" if len(keys) > 1 else "common_word")
        default = next((k for k in keys if senses.get(k, {}).get("default")), None)
        default = default or min(keys, key=lambda k: _default_rank(draft, norm, k))
        for key in keys:
            sense = senses.get(key)
            terms = (
                tuple(normalize_alias(str(t)) for t in sense.get("context") or [])
                if sense
                else _generated_terms(draft.skills[key], norm)
            )
            rows.append(Collision(norm, key, terms, key == default, note))
    return rows


def check_collisions(draft: CatalogDraft, rows: list[Collision]) -> None:
    """Every multi-skill alias is recorded, with exactly one default, and nothing else."""
    recorded: dict[str, set[str]] = {}
    defaults: Counter[str] = Counter()
    for row in rows:
        recorded.setdefault(row.normalized, set()).add(row.skill_key)
        defaults[row.normalized] += row.is_default
    problems = [
        f"{norm!r} names {len(keys)} skills but has no complete collision record"
        for norm, keys in draft.by_norm.items()
        if len(keys) > 1 and recorded.get(norm) != keys
    ]
    problems += [f"{n!r} has {c} default senses" for n, c in defaults.items() if c != 1]
    context = {a.normalized for a in draft.aliases.values() if a.match_strategy == "context"}
    if context != set(recorded):
        problems.append("context-strategy aliases and collision records disagree")
    if problems:
        raise CatalogBuildError("collision check failed: " + "; ".join(problems[:10]))
    logger.info("collisions: %d rows over %d surface forms", len(rows), len(recorded))
