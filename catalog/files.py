"""The catalog file layout: what ``catalog build`` writes, ``catalog load`` reads, and
``catalog import/export`` exchange. One folder, gzip CSV (plain CSV also accepted) plus
``roles.json``:

================================  ===========================================================
file                              columns
================================  ===========================================================
skills.csv[.gz]                   slug, name, category, sub_category, nature, source,
                                  source_ref, description
aliases.csv[.gz]                  skill_slug, alias, normalized, squashed, alias_type,
                                  match_strategy, source
dimensions.csv[.gz]               slug, name, description, in_scope, out_of_scope,
                                  difficulty_hint, source
skill_dimensions.csv[.gz]         skill_slug, dimension_slug, weight, source
collisions.csv[.gz]               normalized, skill_slug, context_terms (pipe-separated),
                                  is_default, note
relations.csv[.gz] (optional)     skill_slug, related_skill_slug, relation, source
roles.json                        [{slug, name, archetype, description, responsibilities[],
                                  aliases[], dimensions[{slug, weight}]}]
manifest.json (optional)          {version, sources, counts}
================================  ===========================================================
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from jdskills.settings import PROJECT_ROOT

DEFAULT_CATALOG_DIR = PROJECT_ROOT / "catalog" / "data"

TABLE_COLUMNS: dict[str, list[str]] = {
    "skills": ["slug", "name", "category", "sub_category", "nature", "source", "source_ref",
               "description"],
    "aliases": ["skill_slug", "alias", "normalized", "squashed", "alias_type", "match_strategy",
                "source"],
    "dimensions": ["slug", "name", "description", "in_scope", "out_of_scope", "difficulty_hint",
                   "source"],
    "skill_dimensions": ["skill_slug", "dimension_slug", "weight", "source"],
    "collisions": ["normalized", "skill_slug", "context_terms", "is_default", "note"],
    "relations": ["skill_slug", "related_skill_slug", "relation", "source"],
}
REQUIRED_TABLES = ("skills", "aliases", "dimensions", "skill_dimensions", "collisions")


class CatalogFileError(ValueError):
    """A catalog folder is missing a file or a file is not in the documented layout."""


def table_path(folder: Path, name: str) -> Path | None:
    for candidate in (folder / f"{name}.csv.gz", folder / f"{name}.csv"):
        if candidate.exists():
            return candidate
    return None


def read_table(folder: Path, name: str, *, required: bool = True) -> pd.DataFrame:
    path = table_path(folder, name)
    columns = TABLE_COLUMNS[name]
    if path is None:
        if required:
            raise CatalogFileError(f"{folder}: missing {name}.csv or {name}.csv.gz")
        return pd.DataFrame(columns=columns)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CatalogFileError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return frame[columns]


def read_roles(folder: Path, *, required: bool = True) -> list[dict[str, Any]]:
    path = folder / "roles.json"
    if not path.exists():
        if required:
            raise CatalogFileError(f"{folder}: missing roles.json")
        return []
    try:
        roles = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise CatalogFileError(f"roles.json: not valid JSON ({e})") from e
    if not isinstance(roles, list):
        raise CatalogFileError("roles.json: expected a JSON list of roles")
    return roles


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
