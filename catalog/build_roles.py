"""Curated technology roles with title aliases harvested from O*NET and ESCO occupations.

Only titles are read from the two occupation lists. A title joins a role when it matches one
of the role's ``title_patterns``; a title matching two roles, or already a hand-written alias
of another role, is left out. A hand-written title shared by two roles fails the build
unless ``shared_titles`` records it.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.build_dimensions import lightcast_slug, tech_slug
from catalog.build_io import CuratedFileError
from jdskills.normalize import normalize_alias

logger = logging.getLogger(__name__)

ONET_TITLES = "onet-alternate-titles/alternate_titles.csv"
ESCO_OCCUPATIONS = "esco-occupations-ref/occupations_en.csv"
MIN_ALIASES, MIN_RESPONSIBILITIES, MIN_DIMENSIONS = 10, 5, 8
RESPONSIBILITY_WORDS = (10, 25)
_PAREN = re.compile(r"\s*\(([^()]*)\)")


@dataclass
class Role:
    slug: str
    name: str
    archetype: str
    description: str
    responsibilities: list[str]
    aliases: list[str] = field(default_factory=list)
    dimensions: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "archetype": self.archetype,
            "description": self.description,
            "responsibilities": self.responsibilities,
            "aliases": self.aliases,
            "dimensions": self.dimensions,
        }


def _title_parts(raw: str) -> list[str]:
    """ "DevOps Engineer (Development Operations Engineer)" -> both titles; "(SQE)" is dropped."""
    parts = [_PAREN.sub("", raw).strip()]
    parts += [p.strip() for p in _PAREN.findall(raw) if len(p.split()) >= 2]
    return [" ".join(p.split()) for p in parts if p]


def read_occupation_titles(eval_data_dir: Path) -> list[str]:
    """O*NET alternate titles and ESCO occupation labels (titles only), sorted and unique."""
    titles: set[str] = set()
    with (eval_data_dir / ONET_TITLES).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for column in ("Title", "Alternate Title"):
                titles.update(_title_parts(row[column] or ""))
    with (eval_data_dir / ESCO_OCCUPATIONS).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            labels = [row["preferredLabel"], *(row["altLabels"] or "").splitlines()]
            titles.update(" ".join(label.split()) for label in labels if label.strip())
    return sorted(titles)


def _dimension_slug(ref: dict[str, Any], known: set[str]) -> str:
    if "tech" in ref:
        slug = tech_slug(str(ref["tech"]))
    elif "lightcast" in ref:
        slug = lightcast_slug(str(ref["lightcast"]))
    else:
        raise CuratedFileError(f"role dimension {ref} needs a 'tech' or 'lightcast' name")
    if slug not in known:
        raise CuratedFileError(f"role dimension {ref} names no catalog dimension")
    return slug


def _check_role(entry: dict[str, Any]) -> list[str]:
    problems = []
    lo, hi = RESPONSIBILITY_WORDS
    for text in entry.get("responsibilities") or []:
        if not lo <= len(str(text).split()) <= hi:
            problems.append(f"{entry['slug']}: responsibility of {len(text.split())} words: {text}")
    if len(entry.get("responsibilities") or []) < MIN_RESPONSIBILITIES:
        problems.append(f"{entry['slug']}: fewer than {MIN_RESPONSIBILITIES} responsibilities")
    if not str(entry.get("description", "")).strip():
        problems.append(f"{entry['slug']}: empty description")
    return problems


def build_roles(
    spec: dict[str, Any], titles: list[str], dimension_slugs: set[str]
) -> tuple[list[Role], dict[str, int]]:
    entries = spec.get("roles") or []
    shared = {normalize_alias(t): set(r) for t, r in (spec.get("shared_titles") or {}).items()}
    problems = [p for entry in entries for p in _check_role(entry)]
    owner: dict[str, set[str]] = {}
    for entry in entries:
        for alias in entry.get("aliases") or []:
            owner.setdefault(normalize_alias(str(alias)), set()).add(entry["slug"])
    problems += [
        f"title {t!r} is an alias of {sorted(r)}"
        for t, r in owner.items()
        if len(r) > 1 and shared.get(t) != r
    ]
    patterns = {
        e["slug"]: re.compile("|".join(f"(?:{p})" for p in e.get("title_patterns") or []))
        for e in entries
        if e.get("title_patterns")
    }
    harvested: dict[str, list[str]] = {e["slug"]: [] for e in entries}
    excluded = {normalize_alias(str(t)) for t in spec.get("excluded_titles") or []}
    dropped = 0
    for title in titles:
        norm = normalize_alias(title)
        if norm in excluded:
            continue
        matches = [slug for slug, pattern in patterns.items() if pattern.search(norm)]
        if len(matches) == 1 and owner.get(norm, set(matches)) == set(matches):
            harvested[matches[0]].append(title)
        elif matches:
            dropped += 1
            logger.debug("title %r left out: matches %s", title, matches)
    roles: list[Role] = []
    for entry in entries:
        seen: set[str] = set()
        aliases: list[str] = []
        for title in [str(a) for a in entry.get("aliases") or []] + harvested[entry["slug"]]:
            norm = normalize_alias(title)
            if norm and norm not in seen:
                seen.add(norm)
                aliases.append(title)
        try:
            weighted = [
                (_dimension_slug(d, dimension_slugs), float(d["weight"]))
                for d in entry.get("dimensions") or []
            ]
        except CuratedFileError as e:
            problems.append(f"{entry['slug']}: {e}")
            weighted = []
        if len(aliases) < MIN_ALIASES or len(weighted) < MIN_DIMENSIONS:
            problems.append(f"{entry['slug']}: {len(aliases)} aliases, {len(weighted)} dimensions")
        if any(not 0 < w <= 1 for _, w in weighted) or len(dict(weighted)) < len(weighted):
            problems.append(f"{entry['slug']}: dimension weights out of (0, 1] or repeated")
        dims: list[dict[str, Any]] = [{"slug": slug, "weight": w} for slug, w in weighted]
        roles.append(
            Role(
                slug=entry["slug"],
                name=entry["name"],
                archetype=entry["archetype"],
                description=" ".join(str(entry["description"]).split()),
                responsibilities=[str(r) for r in entry["responsibilities"]],
                aliases=aliases,
                dimensions=dims,
            )
        )
    if len({r.slug for r in roles}) != len(roles):
        problems.append("duplicate role slugs")
    if problems:
        raise CuratedFileError("roles.yaml: " + "; ".join(problems))
    counts = {
        "role_aliases": sum(len(r.aliases) for r in roles),
        "role_aliases_harvested": sum(len(v) for v in harvested.values()),
        "role_titles_ambiguous": dropped,
    }
    logger.info("roles: %d roles, %s", len(roles), counts)
    return roles, counts
