"""Taxonomy and curated skills merged into one skill per normalised name.

Lightcast comes first and its name is the display name; an ESCO skill joins a Lightcast one
when their names are equal, or equal once a qualifier is dropped ("Java (computer
programming)" = "Java (Programming Language)"), or when ``esco_merges`` says so. Curated extra
skills must be new names; curated alias additions must resolve to an existing skill.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from catalog.build_aliases import name_aliases, split_qualifier
from catalog.build_io import CuratedFileError
from catalog.build_model import NATURES, CatalogBuildError, CatalogDraft, Skill
from catalog.build_sources import EscoCollections, LightcastTaxonomy, SourceSkill
from jdskills.normalize import normalize_alias

logger = logging.getLogger(__name__)

_CERT = re.compile(r"\b(certifi\w*|certificate|licen[cs]e|licensure|credential)\b", re.I)
_TOOL_QUALIFIER = re.compile(
    r"\b(software|library|framework|tool|database|platform|engine|ide|system|package|app|"
    r"application|server|os)\b",
    re.I,
)
_LANG_QUALIFIER = re.compile(r"\b(programming|scripting|query) language\b", re.I)
_SOFT_SUBCATEGORIES = frozenset(
    {
        "Critical Thinking and Problem Solving",
        "Initiative and Leadership",
        "Personal Attributes",
        "Social Skills",
        "Physical Abilities",
        "Communication",
    }
)
_TOOL_SUBCATEGORY = re.compile(
    r"software|tools|\(ides\)|operating systems|content management systems|version control|"
    r"video and web conferencing|middleware|backup",
    re.I,
)
_ESCO_NATURE = {"S": "hard", "K": "knowledge", "T": "soft", "A": "soft", "L": "language"}


def lightcast_nature(name: str, sub_category: str) -> str:
    if _CERT.search(name):
        return "certification"
    if sub_category == "Language Competency":
        return "language"
    if sub_category in _SOFT_SUBCATEGORIES:
        return "soft"
    parts = split_qualifier(name)
    if parts is not None:
        if _LANG_QUALIFIER.search(parts[1]):
            return "hard"
        if _TOOL_QUALIFIER.search(parts[1]):
            return "tool"
    if sub_category and _TOOL_SUBCATEGORY.search(sub_category):
        return "tool"
    return "hard"


def esco_nature(skill: SourceSkill) -> str:
    if _CERT.search(skill.name):
        return "certification"
    return _ESCO_NATURE.get(skill.esco_group, "hard")


def add_lightcast(draft: CatalogDraft, lightcast: LightcastTaxonomy) -> None:
    for src in sorted(lightcast.skills, key=lambda s: (normalize_alias(s.name), s.ref)):
        key = normalize_alias(src.name)
        if key in draft.skills:  # the same name twice in Lightcast: one skill, two refs
            draft.skills[key].add_ref(src.ref)
            continue
        skill = draft.add_skill(
            Skill(
                key=key,
                name=src.name,
                origin="lightcast",
                category=src.category,
                sub_category=src.sub_category,
                lightcast_sub=src.sub_category,
                nature=lightcast_nature(src.name, src.sub_category),
                refs=[src.ref],
            )
        )
        for alias, alias_type in name_aliases(src.name):
            draft.add_alias(skill.key, alias, alias_type, "taxonomy")


def _qualified_cores(draft: CatalogDraft) -> dict[str, list[str]]:
    cores: dict[str, list[str]] = {}
    for skill in draft.skills.values():
        parts = split_qualifier(skill.name)
        if parts is not None:
            cores.setdefault(normalize_alias(parts[0]), []).append(skill.key)
    return cores


def _esco_target(
    src: SourceSkill,
    draft: CatalogDraft,
    cores: dict[str, list[str]],
    explicit: dict[str, str],
    excluded: set[str],
) -> str | None:
    key = normalize_alias(src.name)
    if key in explicit:
        return draft.resolve(explicit[key])
    if key in excluded:
        return None
    if key in draft.skills:
        return key
    parts = split_qualifier(src.name)
    core = normalize_alias(parts[0]) if parts else key
    matches = cores.get(core, [])
    return matches[0] if len(matches) == 1 else None


def add_esco(
    draft: CatalogDraft,
    esco: list[SourceSkill],
    collections: EscoCollections,
    curated: dict[str, Any],
    common: set[str],
) -> None:
    """Merge or add every ESCO skill with its alt labels; an alt label that is a single
    common English word ("data", "it", "balance") is noise and is left out."""
    cores = _qualified_cores(draft)
    explicit = {normalize_alias(k): str(v) for k, v in (curated.get("esco_merges") or {}).items()}
    excluded = {normalize_alias(str(x)) for x in curated.get("esco_merge_exclude") or []}
    unknown = (set(explicit) | excluded) - {normalize_alias(s.name) for s in esco}
    if unknown:
        raise CuratedFileError(f"esco_merges/esco_merge_exclude name no ESCO skill: {unknown}")
    merged = 0
    for src in esco:
        target = _esco_target(src, draft, cores, explicit, excluded)
        description = collections.descriptions.get(src.ref, "")
        if target is not None:
            skill = draft.skills[target]
            skill.add_ref(src.ref)
            skill.description = skill.description or description
            draft.add_alias(skill.key, src.name, "synonym", "taxonomy")
            merged += 1
        else:
            key = normalize_alias(src.name)
            if key in draft.skills:
                raise CatalogBuildError(f"ESCO skill {src.name!r} collides with {key!r}")
            skill = draft.add_skill(
                Skill(
                    key=key,
                    name=src.name,
                    origin="esco",
                    category=src.category,
                    sub_category=src.sub_category,
                    nature=esco_nature(src),
                    refs=[src.ref],
                    description=description,
                )
            )
            for alias, alias_type in name_aliases(src.name):
                draft.add_alias(skill.key, alias, alias_type, "taxonomy")
        for label in src.alt_labels:
            norm = normalize_alias(label)
            if " " not in norm and norm in common:
                continue
            draft.add_alias(skill.key, label, "synonym", "taxonomy")
    logger.info("esco: %d skills merged into Lightcast ones, %d new", merged, len(esco) - merged)


def _alias_entries(entry: dict[str, Any]) -> list[tuple[str, str]]:
    out = [(str(a), "synonym") for a in entry.get("aliases") or []]
    out += [(str(a), "abbreviation") for a in entry.get("abbreviations") or []]
    out += [(str(a), "spelling") for a in entry.get("spellings") or []]
    return out


def _check_extra(
    entry: dict[str, Any], draft: CatalogDraft, subcategories: dict[str, str]
) -> str | None:
    name, sub = str(entry["name"]), str(entry.get("sub_category", ""))
    if subcategories.get(sub) != entry.get("category"):
        return f"{name!r}: {sub!r} is not a Lightcast subcategory of {entry.get('category')!r}"
    if entry.get("nature") not in NATURES:
        return f"{name!r}: nature must be one of {sorted(NATURES)}"
    key = normalize_alias(name)
    if key in draft.skills:
        return f"{name!r} already exists as {draft.skills[key].name!r}; use alias_additions"
    return None


def add_curated_skills(
    draft: CatalogDraft, curated: dict[str, Any], lightcast: LightcastTaxonomy
) -> None:
    """Extra skills and alias additions from ``curated/extra_skills.yaml``."""
    subcategories = dict((sub, cat) for cat, sub in lightcast.subcategories)
    entries = curated.get("skills") or []
    problems = [p for p in (_check_extra(e, draft, subcategories) for e in entries) if p]
    if problems:
        raise CuratedFileError("extra skills: " + "; ".join(problems))
    for entry in entries:
        name = str(entry["name"])
        skill = draft.add_skill(
            Skill(
                key=normalize_alias(name),
                name=name,
                origin="curated",
                category=entry["category"],
                sub_category=entry["sub_category"],
                lightcast_sub=entry["sub_category"],
                nature=entry["nature"],
                refs=["curated"],
                description=str(entry.get("description", "")).strip(),
            )
        )
        for alias, alias_type in name_aliases(name) + _alias_entries(entry):
            draft.add_alias(skill.key, alias, alias_type, "curated")
    for target, spec in (curated.get("alias_additions") or {}).items():
        key = draft.resolve(str(target))
        spec = spec if isinstance(spec, dict) else {"aliases": spec}
        for alias, alias_type in _alias_entries(spec):
            draft.add_alias(key, alias, alias_type, "curated")
