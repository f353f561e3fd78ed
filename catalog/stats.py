"""Catalog counts and export."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import psycopg

STATS_SQL = {
    "skills": "SELECT count(*) FROM skill WHERE status = 'active'",
    "aliases": "SELECT count(*) FROM skill_alias a JOIN skill s ON s.id = a.skill_id "
               "WHERE s.status = 'active'",
    "dimensions": "SELECT count(*) FROM dimension WHERE status = 'active'",
    "roles": "SELECT count(*) FROM role WHERE status = 'active'",
    "role_aliases": "SELECT count(*) FROM role_alias a JOIN role r ON r.id = a.role_id "
                    "WHERE r.status = 'active'",
    "collisions": "SELECT count(DISTINCT normalized) FROM alias_collision",
    "pending_skills": "SELECT count(*) FROM skill WHERE status = 'pending'",
    "pending_dimensions": "SELECT count(*) FROM dimension WHERE status = 'pending'",
    "version": "SELECT coalesce(max(id), 0) FROM catalog_version",
}


def catalog_stats(conn: psycopg.Connection) -> dict[str, int]:
    return {k: int(conn.execute(sql).fetchone()[0]) for k, sql in STATS_SQL.items()}  # type: ignore[index]


EXPORT_SQL = {
    "skills": """SELECT slug, name, coalesce(category, ''), coalesce(sub_category, ''),
                 coalesce(nature, ''), source, coalesce(source_ref, ''),
                 coalesce(description, '') FROM skill WHERE status = 'active' ORDER BY slug""",
    "aliases": """SELECT s.slug, a.alias, a.normalized, a.squashed, a.alias_type,
                  a.match_strategy, a.source FROM skill_alias a JOIN skill s ON s.id = a.skill_id
                  WHERE s.status = 'active' ORDER BY s.slug, a.normalized""",
    "dimensions": """SELECT slug, name, description, coalesce(in_scope, ''),
                     coalesce(out_of_scope, ''), coalesce(difficulty_hint, ''), source
                     FROM dimension WHERE status = 'active' ORDER BY slug""",
    "skill_dimensions": """SELECT s.slug, d.slug, x.weight, x.source FROM skill_dimension x
                           JOIN skill s ON s.id = x.skill_id JOIN dimension d
                           ON d.id = x.dimension_id WHERE s.status = 'active'
                           AND d.status = 'active' ORDER BY 1, 2""",
    "collisions": """SELECT c.normalized, s.slug, array_to_string(c.context_terms, '|'),
                     CASE WHEN c.is_default THEN 'true' ELSE 'false' END, coalesce(c.note, '')
                     FROM alias_collision c JOIN skill s ON s.id = c.skill_id ORDER BY 1, 2""",
    "relations": """SELECT a.slug, b.slug, r.relation, r.source FROM skill_relation r
                    JOIN skill a ON a.id = r.skill_id JOIN skill b ON b.id = r.related_skill_id
                    ORDER BY 1, 2, 3""",
}


def export_catalog(conn: psycopg.Connection, folder: Path) -> dict[str, int]:
    """Write the active catalog in the layout of catalog/files.py (gzip CSV + roles.json)."""
    import csv

    from catalog.files import TABLE_COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, sql in EXPORT_SQL.items():
        rows = conn.execute(sql).fetchall()
        with gzip.open(folder / f"{name}.csv.gz", "wt", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(TABLE_COLUMNS[name])
            writer.writerows(rows)
        counts[name] = len(rows)
    roles: list[dict[str, Any]] = []
    for rid, slug, name, archetype, description, resp in conn.execute(
        "SELECT id, slug, name, archetype, description, responsibilities FROM role "
        "WHERE status = 'active' ORDER BY slug"
    ):
        aliases = [t for (t,) in conn.execute(
            "SELECT title FROM role_alias WHERE role_id = %s ORDER BY normalized", (rid,))]
        dims = [{"slug": d, "weight": w} for d, w in conn.execute(
            "SELECT d.slug, rd.weight FROM role_dimension rd JOIN dimension d "
            "ON d.id = rd.dimension_id WHERE rd.role_id = %s AND d.status = 'active' "
            "ORDER BY d.slug", (rid,))]
        roles.append({"slug": slug, "name": name, "archetype": archetype,
                      "description": description, "responsibilities": resp,
                      "aliases": aliases, "dimensions": dims})
    (folder / "roles.json").write_text(json.dumps(roles, indent=1, ensure_ascii=False) + "\n")
    counts["roles"] = len(roles)
    return counts
