"""Dimensions and skill-dimension links.

Two families, in their own slug namespaces: ``lightcast/<subcategory>`` (the 442 Lightcast
subcategories; every skill is linked to its stated subcategory with weight 1.0, or to an
inferred one with a lower weight) and ``tech/<name>`` (curated technology dimensions whose
members are resolved to catalog skills by name; an unresolvable member fails the build).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from catalog.build_io import CuratedFileError
from catalog.build_model import CatalogBuildError, CatalogDraft
from jdskills.normalize import slugify

logger = logging.getLogger(__name__)

LIGHTCAST_PREFIX = "lightcast/"
TECH_PREFIX = "tech/"
DIFFICULTY_HINTS = frozenset({"foundational", "well_known", "specialist", "emerging"})
MIN_MEMBERS, MAX_MEMBERS = 20, 60
CURATED_MEMBER_WEIGHT = 1.0


@dataclass
class Dimension:
    slug: str
    name: str
    description: str
    in_scope: str = ""
    out_of_scope: str = ""
    difficulty_hint: str = ""
    source: str = "taxonomy"
    members: list[str] = field(default_factory=list)  # skill keys (curated dimensions only)


def lightcast_slug(subcategory: str) -> str:
    return LIGHTCAST_PREFIX + slugify(subcategory)


def tech_slug(name: str) -> str:
    return TECH_PREFIX + slugify(name)


def lightcast_dimensions(subcategories: list[tuple[str, str]]) -> list[Dimension]:
    dims = [
        Dimension(
            slug=lightcast_slug(sub),
            name=sub,
            description=f"Skills in {sub} ({cat}), from Lightcast Open Skills.",
            in_scope=f"Lightcast Open Skills subcategory '{sub}' of category '{cat}'.",
        )
        for cat, sub in subcategories
    ]
    if len({d.slug for d in dims}) != len(dims):
        raise CatalogBuildError("two Lightcast subcategories share a slug")
    return dims


def tech_dimensions(
    spec: dict[str, Any], draft: CatalogDraft, defaults: dict[str, str]
) -> list[Dimension]:
    """Curated dimensions with members resolved; every problem is reported at once."""
    dims: list[Dimension] = []
    problems: list[str] = []
    for entry in spec.get("dimensions") or []:
        name = str(entry["name"])
        dim = Dimension(
            slug=tech_slug(name),
            name=name,
            description=str(entry.get("description", "")),
            in_scope=str(entry.get("in_scope", "")),
            out_of_scope=str(entry.get("out_of_scope", "")),
            difficulty_hint=str(entry.get("difficulty_hint", "")),
            source="curated",
        )
        if not dim.description.strip():
            problems.append(f"{name}: empty description")
        if dim.difficulty_hint not in DIFFICULTY_HINTS:
            problems.append(f"{name}: difficulty_hint must be one of {sorted(DIFFICULTY_HINTS)}")
        for member in entry.get("members") or []:
            try:
                key = draft.resolve(str(member), defaults)
            except CatalogBuildError as e:
                problems.append(f"{name}: {e}")
                continue
            if key not in dim.members:
                dim.members.append(key)
        if not MIN_MEMBERS <= len(dim.members) <= MAX_MEMBERS:
            problems.append(
                f"{name}: {len(dim.members)} members (want {MIN_MEMBERS}-{MAX_MEMBERS})"
            )
        dims.append(dim)
    if len({d.slug for d in dims}) != len(dims):
        problems.append("two curated dimensions share a slug")
    if problems:
        for problem in problems:
            logger.error("tech_dimensions.yaml: %s", problem)
        raise CuratedFileError(
            f"tech_dimensions.yaml: {len(problems)} problem(s): " + "; ".join(problems[:10])
        )
    return dims


def skill_dimension_links(
    draft: CatalogDraft, dims: list[Dimension]
) -> list[tuple[str, str, float, str]]:
    """(skill key, dimension slug, weight, source) for every link, one per pair."""
    links: dict[tuple[str, str], tuple[float, str]] = {}
    for skill in draft.skills.values():
        if skill.lightcast_sub:
            links[(skill.key, lightcast_slug(skill.lightcast_sub))] = (1.0, skill.source)
        elif skill.inferred_sub:
            links[(skill.key, lightcast_slug(skill.inferred_sub))] = (
                skill.inferred_weight,
                skill.source,
            )
    for dim in dims:
        for key in dim.members:
            links[(key, dim.slug)] = (CURATED_MEMBER_WEIGHT, "curated")
    known = {d.slug for d in dims}
    missing = {slug for _, slug in links} - known
    if missing:
        raise CatalogBuildError(f"links to unknown dimensions: {sorted(missing)[:5]}")
    return [(k, s, w, src) for (k, s), (w, src) in links.items()]
