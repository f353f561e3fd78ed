"""In-memory catalog under construction: skills keyed by normalised name, their aliases, and
the lookup indexes (normalised and squashed alias -> skills) the build resolves names with."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from jdskills.normalize import normalize_alias

logger = logging.getLogger(__name__)

MAX_TEXT = 300
_SQUASH = re.compile(r"[\s.\-/_]+")  # as in jdskills.normalize.squash_alias


def squash_normalized(norm: str) -> str:
    """``squash_alias`` of text that is already normalised."""
    return _SQUASH.sub("", norm)


NATURES = frozenset({"hard", "soft", "knowledge", "tool", "certification", "language"})
ALIAS_TYPES = frozenset({"canonical", "synonym", "abbreviation", "version", "spelling"})


class CatalogBuildError(ValueError):
    """The catalog being built breaks one of its invariants; the message says which."""


@dataclass
class Skill:
    key: str  # normalize_alias(name): one skill per normalised name
    name: str
    origin: str  # lightcast | esco | curated | gazetteer
    category: str = ""
    sub_category: str = ""
    nature: str = ""
    refs: list[str] = field(default_factory=list)
    description: str = ""
    lightcast_sub: str = ""  # Lightcast subcategory stated by the taxonomy (or curated)
    inferred_sub: str = ""  # Lightcast subcategory inferred from the nearest skill
    inferred_weight: float = 0.0
    slug: str = ""

    @property
    def source(self) -> str:
        return "curated" if self.origin == "curated" else "taxonomy"

    def add_ref(self, ref: str) -> None:
        if ref not in self.refs:
            self.refs.append(ref)


@dataclass
class Alias:
    skill_key: str
    alias: str
    normalized: str
    squashed: str
    alias_type: str
    source: str
    match_strategy: str = "exact"


@dataclass
class CatalogDraft:
    skills: dict[str, Skill] = field(default_factory=dict)
    aliases: dict[tuple[str, str], Alias] = field(default_factory=dict)
    by_norm: dict[str, set[str]] = field(default_factory=dict)
    by_squash: dict[str, set[str]] = field(default_factory=dict)

    def add_skill(self, skill: Skill) -> Skill:
        if not skill.key:
            raise CatalogBuildError(f"skill name {skill.name!r} normalises to nothing")
        if skill.key in self.skills:
            raise CatalogBuildError(f"duplicate skill {skill.name!r}")
        if len(skill.name) > MAX_TEXT:
            raise CatalogBuildError(f"skill name longer than {MAX_TEXT}: {skill.name[:60]}...")
        self.skills[skill.key] = skill
        self.add_alias(skill.key, skill.name, "canonical", skill.source)
        return skill

    def add_alias(self, skill_key: str, text: str, alias_type: str, source: str) -> bool:
        """Attach ``text`` to a skill; False when it is empty, too long or already attached."""
        text = " ".join(text.split())
        norm = normalize_alias(text)
        squashed = _SQUASH.sub("", norm)
        if not squashed or len(text) > MAX_TEXT or (skill_key, norm) in self.aliases:
            return False
        if alias_type not in ALIAS_TYPES:
            raise CatalogBuildError(f"unknown alias type {alias_type!r}")
        self.aliases[(skill_key, norm)] = Alias(skill_key, text, norm, squashed, alias_type, source)
        self.by_norm.setdefault(norm, set()).add(skill_key)
        self.by_squash.setdefault(squashed, set()).add(skill_key)
        return True

    def lookup(self, text: str) -> set[str]:
        """Skills whose alias equals ``text`` normalised, else squashed (may be several)."""
        norm = normalize_alias(text)
        hits = self.by_norm.get(norm)
        if hits:
            return set(hits)
        return set(self.by_squash.get(_SQUASH.sub("", norm), set()))

    def lookup_normalized(self, norm: str, squashed: str | None = None) -> set[str]:
        """``lookup`` for text already normalised (and optionally squashed): no regex work."""
        hits = self.by_norm.get(norm)
        if hits:
            return set(hits)
        if squashed is None:
            squashed = _SQUASH.sub("", norm)
        return set(self.by_squash.get(squashed, set()))

    def resolve(self, text: str, defaults: dict[str, str] | None = None) -> str:
        """The one skill ``text`` names: its own skill, else the only alias hit, else the
        collision default. Raises CatalogBuildError when nothing or several skills match."""
        norm = normalize_alias(text)
        if norm in self.skills:
            return norm
        hits = self.lookup(text)
        if len(hits) == 1:
            return next(iter(hits))
        if hits and defaults and defaults.get(norm) in hits:
            return defaults[norm]
        if not hits:
            raise CatalogBuildError(f"{text!r} names no skill in the catalog")
        raise CatalogBuildError(f"{text!r} is ambiguous: {sorted(hits)[:5]}")

    def aliases_of(self, skill_key: str) -> list[Alias]:
        return [a for (k, _), a in self.aliases.items() if k == skill_key]
