"""Write a validated catalog bundle into Postgres in one transaction.

Rows are bulk-copied (COPY) into temporary staging tables and merged with set-based SQL
keyed by slug, so the same code serves ``catalog load`` (empty database, ~200k rows) and
``catalog import`` (a user's file merged into an existing catalog). A merge creates a
``catalog_version`` and stamps the skills it wrote with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg

from catalog.files import DEFAULT_CATALOG_DIR
from catalog.validate import (
    TRUE_FALSE,
    CatalogBundle,
    CatalogValidationError,
    read_bundle,
    validate_bundle,
)
from jdskills.embedder import default_embedder
from jdskills.normalize import normalize_alias

STAGING = {
    "stg_skill": "slug text, name text, category text, sub_category text, nature text, "
    "source text, source_ref text, description text",
    "stg_alias": "skill_slug text, alias text, normalized text, squashed text, alias_type text, "
    "match_strategy text, source text",
    "stg_dimension": "slug text, name text, description text, in_scope text, out_of_scope text, "
    "difficulty_hint text, source text",
    "stg_skill_dimension": "skill_slug text, dimension_slug text, weight float8, source text",
    "stg_collision": "normalized text, skill_slug text, context_terms text[], is_default bool, "
    "note text",
    "stg_relation": "skill_slug text, related_skill_slug text, relation text, source text",
}

MERGE_SQL = {
    "skill": """INSERT INTO skill (slug, name, category, sub_category, nature, source, source_ref,
                          description, status, catalog_version_id)
       SELECT slug, name, nullif(category, ''), nullif(sub_category, ''), nullif(nature, ''),
              coalesce(nullif(source, ''), %(default_source)s), nullif(source_ref, ''),
              nullif(description, ''), 'active', %(version)s FROM stg_skill
       ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,
         sub_category = EXCLUDED.sub_category, nature = EXCLUDED.nature,
         description = coalesce(EXCLUDED.description, skill.description),
         status = 'active', catalog_version_id = EXCLUDED.catalog_version_id""",
    "alias": """INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type,
                                match_strategy, source)
       SELECT s.id, a.alias, a.normalized, a.squashed, coalesce(nullif(a.alias_type, ''),
              'synonym'), coalesce(nullif(a.match_strategy, ''), 'exact'),
              coalesce(nullif(a.source, ''), %(default_source)s)
       FROM stg_alias a JOIN skill s ON s.slug = a.skill_slug
       ON CONFLICT (skill_id, normalized) DO UPDATE SET alias_type = EXCLUDED.alias_type,
         match_strategy = EXCLUDED.match_strategy""",
    "dimension": """INSERT INTO dimension (slug, name, description, in_scope, out_of_scope,
                              difficulty_hint, status, source)
       SELECT slug, name, description, nullif(in_scope, ''), nullif(out_of_scope, ''),
              nullif(difficulty_hint, ''), 'active',
              coalesce(nullif(source, ''), %(default_source)s) FROM stg_dimension
       ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name,
         description = EXCLUDED.description, in_scope = EXCLUDED.in_scope,
         out_of_scope = EXCLUDED.out_of_scope, difficulty_hint = EXCLUDED.difficulty_hint""",
    "skill_dimension": """INSERT INTO skill_dimension (skill_id, dimension_id, weight, source)
       SELECT s.id, d.id, coalesce(x.weight, 1.0), coalesce(nullif(x.source, ''),
              %(default_source)s)
       FROM stg_skill_dimension x JOIN skill s ON s.slug = x.skill_slug
       JOIN dimension d ON d.slug = x.dimension_slug
       ON CONFLICT (skill_id, dimension_id) DO UPDATE SET weight = EXCLUDED.weight""",
    "collision": """INSERT INTO alias_collision (normalized, skill_id, context_terms,
                                    is_default, note)
       SELECT c.normalized, s.id, c.context_terms, c.is_default, nullif(c.note, '')
       FROM stg_collision c JOIN skill s ON s.slug = c.skill_slug
       ON CONFLICT (normalized, skill_id) DO UPDATE SET context_terms = EXCLUDED.context_terms,
         is_default = EXCLUDED.is_default, note = EXCLUDED.note""",
    "relation": """INSERT INTO skill_relation (skill_id, related_skill_id, relation, source)
       SELECT a.id, b.id, r.relation, coalesce(nullif(r.source, ''), %(default_source)s)
       FROM stg_relation r JOIN skill a ON a.slug = r.skill_slug
       JOIN skill b ON b.slug = r.related_skill_slug
       ON CONFLICT DO NOTHING""",
}
# on an empty catalog these three (nearly all rows) are copied straight into their tables
FRESH_TABLES = ("skill", "alias", "skill_dimension")


class CatalogNotEmptyError(RuntimeError):
    """``catalog load`` targets an empty catalog; use ``catalog import`` to merge."""


def load_catalog(conn: psycopg.Connection, folder: Path = DEFAULT_CATALOG_DIR) -> dict[str, int]:
    """Fill an empty catalog from a catalog folder (the default one unless given)."""
    if conn.execute("SELECT count(*) FROM skill").fetchone()[0]:  # type: ignore[index]
        raise CatalogNotEmptyError("the catalog already holds skills; use `catalog import`")
    bundle = read_bundle(folder, trust_keys=True)
    errors = validate_bundle(bundle)
    if errors:
        raise CatalogValidationError(errors)
    version = str(bundle.manifest.get("version", "unversioned"))
    return write_bundle(conn, bundle, source="build", description=f"default catalog {version}",
                        default_source="taxonomy", fresh=True)


def import_catalog(conn: psycopg.Connection, folder: Path) -> dict[str, int]:
    """Merge a user's catalog folder (any subset of the files) into the catalog."""
    bundle = read_bundle(folder, partial=True)
    known_skills = {r[0] for r in conn.execute("SELECT slug FROM skill")}
    known_dims = {r[0] for r in conn.execute("SELECT slug FROM dimension WHERE status='active'")}
    errors = validate_bundle(bundle, known_skills=known_skills, known_dimensions=known_dims)
    if errors:
        raise CatalogValidationError(errors)
    return write_bundle(conn, bundle, source="import", description=f"import of {folder}",
                        default_source="user")


def write_bundle(
    conn: psycopg.Connection, b: CatalogBundle, *, source: str, description: str,
    default_source: str, fresh: bool = False,
) -> dict[str, int]:
    """Stage and merge ``b`` inside the caller's transaction; return rows per table. With
    ``fresh`` (an empty catalog) skills, aliases and their dimension links are copied
    straight into their tables."""
    counts = {"skills": len(b.skills), "aliases": len(b.aliases),
              "dimensions": len(b.dimensions), "skill_dimensions": len(b.skill_dimensions),
              "collisions": len(b.collisions), "relations": len(b.relations),
              "roles": len(b.roles)}
    version = conn.execute(
        "INSERT INTO catalog_version (source, description, counts) VALUES (%s, %s, %s) "
        "RETURNING id", (source, description, json.dumps(counts)),
    ).fetchone()[0]  # type: ignore[index]
    for table, columns in STAGING.items():
        conn.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
    _copy(conn, "stg_dimension", b.dimensions.itertuples(index=False))
    if not fresh:
        _copy(conn, "stg_skill", b.skills.itertuples(index=False))
        _copy(conn, "stg_alias", b.aliases.itertuples(index=False))
        _copy(conn, "stg_skill_dimension", (
            (r.skill_slug, r.dimension_slug, float(r.weight) if r.weight else None, r.source)
            for r in b.skill_dimensions.itertuples(index=False)))
    _copy(conn, "stg_collision", (
        (r.normalized, r.skill_slug, [t.strip() for t in r.context_terms.split("|") if t.strip()],
         TRUE_FALSE[r.is_default.strip().lower()], r.note)
        for r in b.collisions.itertuples(index=False)))
    _copy(conn, "stg_relation", b.relations.itertuples(index=False))
    params = {"version": version, "default_source": default_source}
    if fresh:
        conn.execute(MERGE_SQL["dimension"], params)  # type: ignore[arg-type]
        _copy_fresh(conn, b, version=version, default_source=default_source)
    for name, sql in MERGE_SQL.items():
        if not (fresh and (name in FRESH_TABLES or name == "dimension")):
            conn.execute(sql, params)  # type: ignore[arg-type]
    _merge_roles(conn, b.roles, default_source="curated" if source == "build" else "user")
    # fresh planner statistics: a bulk-loaded table without them gets nested-loop plans
    # (the snapshot's fingerprint query took minutes on a just-loaded database)
    conn.execute("ANALYZE skill, skill_alias, alias_collision, dimension, skill_dimension, "
                 "role, role_alias, role_dimension")
    counts["version"] = version
    return counts


def _copy_fresh(conn: psycopg.Connection, b: CatalogBundle, *, version: int,
                default_source: str) -> None:
    """Skills get ids 1..n in file order; aliases and links are copied with those ids."""
    ids = {slug: i for i, slug in enumerate(b.skills["slug"], start=1)}
    sk = b.skills
    _copy_cols(conn, "skill", ("id", "slug", "name", "category", "sub_category", "nature",
                               "source", "source_ref", "description", "status",
                               "catalog_version_id"),
               zip(ids.values(), sk["slug"], sk["name"], _none(sk["category"]),
                   _none(sk["sub_category"]), _none(sk["nature"]),
                   sk["source"].replace("", default_source), _none(sk["source_ref"]),
                   _none(sk["description"]), ["active"] * len(sk), [version] * len(sk),
                   strict=True))
    conn.execute("SELECT setval(pg_get_serial_sequence('skill', 'id'), %s)", (max(len(sk), 1),))
    al = b.aliases
    _copy_cols(conn, "skill_alias", ("skill_id", "alias", "normalized", "squashed", "alias_type",
                                     "match_strategy", "source"),
               zip(al["skill_slug"].map(ids), al["alias"], al["normalized"], al["squashed"],
                   al["alias_type"].replace("", "synonym"),
                   al["match_strategy"].replace("", "exact"),
                   al["source"].replace("", default_source), strict=True))
    dims = dict(conn.execute("SELECT slug, id FROM dimension").fetchall())
    sd = b.skill_dimensions
    _copy_cols(conn, "skill_dimension", ("skill_id", "dimension_id", "weight", "source"),
               zip(sd["skill_slug"].map(ids), sd["dimension_slug"].map(dims),
                   sd["weight"].replace("", "1.0").astype(float),
                   sd["source"].replace("", default_source), strict=True))


def _none(col: Any) -> list[Any]:
    return [v if v else None for v in col]


def _copy_cols(conn: psycopg.Connection, table: str, columns: tuple[str, ...],
               rows: Any) -> None:
    with conn.cursor().copy(  # type: ignore[arg-type]
        f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


def _copy(conn: psycopg.Connection, table: str, rows: Any) -> None:
    with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:  # type: ignore[arg-type]
        for row in rows:
            copy.write_row(tuple(row))


def _merge_roles(conn: psycopg.Connection, roles: list[dict[str, Any]], *,
                 default_source: str) -> None:
    embedder = default_embedder()
    for role in roles:
        statements = [s.strip() for s in role.get("responsibilities", []) if s.strip()]
        centroid = embedder.embed(statements).mean(axis=0).tolist() if statements else None
        role_id = conn.execute(
            """INSERT INTO role (slug, name, archetype, description, responsibilities, centroid,
                                 centroid_n, status, source)
               VALUES (%s, %s, %s, %s, %s, %s, %s, 'active', %s)
               ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name,
                 archetype = EXCLUDED.archetype, description = EXCLUDED.description,
                 responsibilities = EXCLUDED.responsibilities, centroid = EXCLUDED.centroid,
                 centroid_n = EXCLUDED.centroid_n, status = 'active'
               RETURNING id""",
            (role["slug"], role["name"], role.get("archetype"), role.get("description", ""),
             json.dumps(statements), centroid, len(statements), role.get("source",
                                                                        default_source)),
        ).fetchone()[0]  # type: ignore[index]
        titles = {normalize_alias(t): t for t in [role["name"], *role.get("aliases", [])]}
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO role_alias (role_id, title, normalized, source) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (role_id, normalized) DO NOTHING",
                [(role_id, t, n, default_source) for n, t in titles.items() if n],
            )
            cur.executemany(
                "INSERT INTO role_dimension (role_id, dimension_id, weight, evidence_count) "
                "SELECT %s, id, %s, 0 FROM dimension WHERE slug = %s "
                "ON CONFLICT (role_id, dimension_id) DO UPDATE SET weight = EXCLUDED.weight",
                [(role_id, float(d.get("weight", 1.0)), d["slug"])
                 for d in role.get("dimensions", [])],
            )
