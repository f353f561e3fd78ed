"""Rows of the catalog files (layout in ``catalog/files.py``) and the manifest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from catalog.build_collisions import Collision
from catalog.build_dimensions import Dimension
from catalog.build_io import sha256_file, write_csv_gz, write_json
from catalog.build_model import MAX_TEXT, NATURES, CatalogBuildError, CatalogDraft
from catalog.build_roles import ESCO_OCCUPATIONS, ONET_TITLES, Role
from catalog.build_sources import SOURCE_FILES
from catalog.files import TABLE_COLUMNS

MAX_SOURCE_REF = 400
_REF_ORDER = ("lightcast:", "esco:", "curated", "gazetteer")


@dataclass
class CatalogOutput:
    draft: CatalogDraft
    dimensions: list[Dimension]
    links: list[tuple[str, str, float, str]]
    collisions: list[Collision]
    roles: list[Role]
    relations: list[tuple[str, str, str, str]]


def _source_ref(refs: list[str]) -> str:
    ordered = sorted(
        refs,
        key=lambda r: (next(i for i, p in enumerate(_REF_ORDER + ("",)) if r.startswith(p)), r),
    )
    return "|".join(ordered)


Row = tuple[object, ...]


def skill_rows(draft: CatalogDraft) -> list[Row]:
    rows: list[Row] = []
    for s in draft.skills.values():
        ref = _source_ref(s.refs)
        if not (s.category and s.sub_category) or s.nature not in NATURES:
            raise CatalogBuildError(f"skill {s.name!r} lacks category, sub-category or nature")
        if len(ref) > MAX_SOURCE_REF or len(s.slug) > MAX_TEXT:
            raise CatalogBuildError(f"skill {s.name!r}: source_ref or slug too long")
        rows.append(
            (s.slug, s.name, s.category, s.sub_category, s.nature, s.source, ref, s.description)
        )
    return rows


def alias_rows(draft: CatalogDraft) -> list[Row]:
    slug = {k: s.slug for k, s in draft.skills.items()}
    return [
        (
            slug[a.skill_key],
            a.alias,
            a.normalized,
            a.squashed,
            a.alias_type,
            a.match_strategy,
            a.source,
        )
        for a in draft.aliases.values()
    ]


def write_catalog(
    out: CatalogOutput,
    out_dir: Path,
    *,
    taxonomies_dir: Path,
    eval_data_dir: Path,
    curated_dir: Path,
) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    slug = {k: s.slug for k, s in out.draft.skills.items()}
    if any("|" in t for c in out.collisions for t in c.context_terms):
        raise CatalogBuildError("a collision context term contains '|'")
    tables: dict[str, list[Row]] = {
        "skills": skill_rows(out.draft),
        "aliases": alias_rows(out.draft),
        "dimensions": [
            (d.slug, d.name, d.description, d.in_scope, d.out_of_scope, d.difficulty_hint, d.source)
            for d in out.dimensions
        ],
        "skill_dimensions": [(slug[k], d, w, src) for k, d, w, src in out.links],
        "collisions": [
            (c.normalized, slug[c.skill_key], "|".join(c.context_terms), c.is_default, c.note)
            for c in out.collisions
        ],
        "relations": [(slug[a], slug[b], rel, src) for a, b, rel, src in out.relations],
    }
    counts = {
        name: write_csv_gz(out_dir / f"{name}.csv.gz", TABLE_COLUMNS[name], rows)
        for name, rows in tables.items()
    }
    roles = sorted(out.roles, key=lambda r: r.slug)
    write_json(out_dir / "roles.json", [r.as_json() for r in roles])
    counts["roles"] = len(roles)
    counts["role_aliases"] = sum(len(r.aliases) for r in roles)
    counts["collision_forms"] = len({c.normalized for c in out.collisions})
    sources = _source_hashes(taxonomies_dir, eval_data_dir, curated_dir)
    version = hashlib.sha256("\n".join(f"{k} {v}" for k, v in sources.items()).encode())
    write_json(
        out_dir / "manifest.json",
        {
            "version": "default-" + version.hexdigest()[:12],
            "sources": sources,
            "counts": dict(sorted(counts.items())),
        },
    )
    return counts


def _source_hashes(taxonomies_dir: Path, eval_data_dir: Path, curated_dir: Path) -> dict[str, str]:
    """sha256 of every input: taxonomy files, the two title lists, curated files, build code."""
    files = {f"taxonomies/{name}": taxonomies_dir / name for name in SOURCE_FILES}
    files.update(
        {f"eval-data/{name}": eval_data_dir / name for name in (ONET_TITLES, ESCO_OCCUPATIONS)}
    )
    files.update({f"catalog/curated/{p.name}": p for p in sorted(curated_dir.glob("*.yaml"))})
    code_dir = Path(__file__).resolve().parent
    files.update({f"catalog/{p.name}": p for p in sorted(code_dir.glob("build*.py"))})
    return {name: sha256_file(path) for name, path in sorted(files.items())}
