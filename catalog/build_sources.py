"""Readers for the public taxonomies the default catalog is built from.

Each reader returns plain records; nothing here merges or invents anything.
"""

from __future__ import annotations

import ast
import csv
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

LIGHTCAST_DIR = "lightcast-open-skills"
ESCO_DIR = "esco-v1.1.1"
ESCO_COLLECTIONS_DIR = "esco-v1.0-collections"
GAZETTEER_DIR = "skill-extractor-gazetteer"

SOURCE_FILES = (
    f"{LIGHTCAST_DIR}/lightcast_data_formatted.csv",
    f"{LIGHTCAST_DIR}/lightcast_hier_mapper.json",
    f"{ESCO_DIR}/esco_v_1_1_1_data_formatted.csv",
    f"{ESCO_DIR}/esco_v_1_1_1_hier_mapper.json",
    f"{ESCO_COLLECTIONS_DIR}/ictSkillsCollection_en.csv",
    f"{ESCO_COLLECTIONS_DIR}/transversalSkillsCollection_en.csv",
    f"{GAZETTEER_DIR}/skills.json",
)
ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"


class TaxonomyInputError(ValueError):
    """A taxonomy file is missing or not in the layout described in taxonomies/SOURCES.md."""


@dataclass
class SourceSkill:
    """One skill concept as a taxonomy states it."""

    ref: str  # "lightcast:<id>" or "esco:<uuid>"
    name: str
    category: str = ""
    sub_category: str = ""
    esco_group: str = ""  # first letter of the ESCO path: S, K, T, A, L
    alt_labels: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class LightcastTaxonomy:
    skills: list[SourceSkill]
    subcategories: list[tuple[str, str]]  # (category, subcategory), sorted


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError as e:
        raise TaxonomyInputError(f"missing taxonomy file {path}") from e


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise TaxonomyInputError(f"missing taxonomy file {path}") from e


def _levels(raw: str) -> list[list[str | None]]:
    if not raw:
        return []
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError) as e:
        raise TaxonomyInputError(f"unreadable hierarchy_levels {raw!r}") from e
    return [list(v) for v in value]


def read_lightcast(taxonomies_dir: Path) -> LightcastTaxonomy:
    base = taxonomies_dir / LIGHTCAST_DIR
    mapper = _read_json(base / "lightcast_hier_mapper.json")
    if not isinstance(mapper, dict):
        raise TaxonomyInputError("lightcast_hier_mapper.json: expected an object")
    skills: list[SourceSkill] = []
    pairs: set[tuple[str, str]] = set()
    for row in _read_csv(base / "lightcast_data_formatted.csv"):
        if row["type"] == "subcategory":
            pairs.add((mapper[row["id"].split(".")[0] + ".0"], row["description"]))
        if row["type"] != "skill":
            continue
        skill = SourceSkill(ref=f"lightcast:{row['id']}", name=" ".join(row["description"].split()))
        for cat, sub in _levels(row["hierarchy_levels"]):
            if cat in mapper and sub in mapper:
                skill.category, skill.sub_category = mapper[cat], mapper[sub]
                break
        skills.append(skill)
    logger.info("lightcast: %d skills, %d subcategories", len(skills), len(pairs))
    return LightcastTaxonomy(skills=skills, subcategories=sorted(pairs))


def read_esco(taxonomies_dir: Path) -> list[SourceSkill]:
    """ESCO v1.1.1 skills with alt labels; category = top group, sub-category = second level."""
    base = taxonomies_dir / ESCO_DIR
    mapper = _read_json(base / "esco_v_1_1_1_hier_mapper.json")
    if not isinstance(mapper, dict):
        raise TaxonomyInputError("esco_v_1_1_1_hier_mapper.json: expected an object")
    by_id: dict[str, SourceSkill] = {}
    alt_rows: list[dict[str, str]] = []
    for row in _read_csv(base / "esco_v_1_1_1_data_formatted.csv"):
        if row["type"] == "altLabels":
            alt_rows.append(row)
        elif row["type"] == "preferredLabel":
            skill = SourceSkill(ref=f"esco:{row['id']}", name=" ".join(row["description"].split()))
            for path in _levels(row["hierarchy_levels"]):
                top, second = path[1], path[2] if len(path) > 2 else None
                if top in mapper:
                    skill.category = mapper[top]
                    skill.sub_category = mapper.get(second or "", "") or mapper[top]
                    skill.esco_group = str(path[0])
                    break
            by_id[row["id"]] = skill
    for row in alt_rows:
        owner = by_id.get(row["id"])
        if owner is None:
            raise TaxonomyInputError(f"ESCO alt label for unknown skill {row['id']}")
        owner.alt_labels.append(" ".join(row["description"].split()))
    logger.info("esco: %d skills, %d alt labels", len(by_id), len(alt_rows))
    return [by_id[k] for k in sorted(by_id)]


@dataclass
class EscoCollections:
    descriptions: dict[str, str]  # "esco:<uuid>" -> description
    broader: list[tuple[str, str]]  # ("esco:<uuid>", "esco:<broader uuid>")


def read_esco_collections(taxonomies_dir: Path) -> EscoCollections:
    """Descriptions and broader-skill links of the ESCO ICT and transversal collections."""
    base = taxonomies_dir / ESCO_COLLECTIONS_DIR
    descriptions: dict[str, str] = {}
    broader: set[tuple[str, str]] = set()
    for name in ("ictSkillsCollection_en.csv", "transversalSkillsCollection_en.csv"):
        for row in _read_csv(base / name):
            ref = "esco:" + row["conceptUri"].removeprefix(ESCO_SKILL_URI)
            descriptions[ref] = " ".join(row["description"].split())
            for uri in row["broaderConceptUri"].split("|"):
                uuid = uri.strip().removeprefix(ESCO_SKILL_URI)
                if "-" in uuid:  # skill-to-skill links only, not links to skill groups
                    broader.add((ref, f"esco:{uuid}"))
    return EscoCollections(descriptions=descriptions, broader=sorted(broader))


def read_gazetteer(taxonomies_dir: Path) -> list[str]:
    forms = _read_json(taxonomies_dir / GAZETTEER_DIR / "skills.json")
    if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
        raise TaxonomyInputError("skills.json: expected a JSON list of strings")
    return sorted({" ".join(f.split()) for f in forms if f.strip()})
