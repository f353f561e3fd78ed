"""Bring-your-own catalog: a good import merges and versions; a bad one writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from catalog.load import import_catalog
from catalog.stats import catalog_stats, export_catalog
from catalog.validate import CatalogValidationError

GOOD = {
    "skills.csv": "slug,name,category,sub_category,nature,source,source_ref,description\n"
    "widget-ops,Widget Ops,Information Technology,Operations,hard,user,,Running widgets\n"
    "gizmo-lang,Gizmo,Information Technology,Programming Languages,hard,user,,\n",
    "aliases.csv": "skill_slug,alias,normalized,squashed,alias_type,match_strategy,source\n"
    "widget-ops,Widget Ops,,,canonical,exact,user\n"
    "widget-ops,WidgetOps,,,spelling,exact,user\n"
    "gizmo-lang,Gizmo,,,canonical,context,user\n",
    "dimensions.csv": "slug,name,description,in_scope,out_of_scope,difficulty_hint,source\n"
    "widgetry,Widgetry,Building and running widgets,widgets,gadgets,intermediate,user\n",
    "skill_dimensions.csv": "skill_slug,dimension_slug,weight,source\n"
    "widget-ops,widgetry,1.0,user\ngizmo-lang,widgetry,0.5,user\n",
    "collisions.csv": "normalized,skill_slug,context_terms,is_default,note\n"
    "gizmo,gizmo-lang,compiler|gizmo code,true,common_word\n",
}
ROLES = [{"slug": "widget-engineer", "name": "Widget Engineer", "archetype": "Engineering",
          "description": "Builds widgets", "responsibilities": ["Operate widget fleets daily"],
          "aliases": ["Widget Developer", "Widgeteer"],
          "dimensions": [{"slug": "widgetry", "weight": 1.0}]}]


def _write(folder: Path, files: dict[str, str], roles: list | None = ROLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    if roles is not None:
        (folder / "roles.json").write_text(json.dumps(roles))
    return folder


def _count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_good_import_writes_everything_and_creates_a_version(migrated_db: str,
                                                             tmp_path: Path) -> None:
    folder = _write(tmp_path / "good", GOOD)
    with psycopg.connect(migrated_db) as conn:
        counts = import_catalog(conn, folder)
    with psycopg.connect(migrated_db) as conn:
        stats = catalog_stats(conn)
        assert stats["skills"] == 2 and stats["aliases"] == 3 and stats["dimensions"] == 1
        assert stats["roles"] == 1 and stats["role_aliases"] == 3 and stats["collisions"] == 1
        assert stats["version"] == counts["version"] >= 1
        row = conn.execute("SELECT normalized, squashed FROM skill_alias WHERE alias = "
                           "'WidgetOps'").fetchone()
        assert row == ("widgetops", "widgetops")
        assert conn.execute("SELECT source FROM skill WHERE slug = 'widget-ops'").fetchone() == (
            "user",)
        centroid_n = conn.execute("SELECT centroid_n, array_length(centroid, 1) FROM role")
        assert centroid_n.fetchone()[0] == 1
    # importing the same folder again changes nothing but the version
    with psycopg.connect(migrated_db) as conn:
        import_catalog(conn, folder)
    with psycopg.connect(migrated_db) as conn:
        again = catalog_stats(conn)
    assert {k: v for k, v in again.items() if k != "version"} == {
        k: v for k, v in stats.items() if k != "version"}
    assert again["version"] == stats["version"] + 1


def test_bad_rows_are_all_reported_and_nothing_is_written(migrated_db: str,
                                                          tmp_path: Path) -> None:
    bad = dict(GOOD)
    bad["aliases.csv"] = GOOD["aliases.csv"] + "no-such-skill,Foo,,,synonym,exact,user\n" \
        "widget-ops,   ,,,synonym,exact,user\n"
    bad["skill_dimensions.csv"] = GOOD["skill_dimensions.csv"] + "widget-ops,widgetry,7,user\n"
    bad["dimensions.csv"] = GOOD["dimensions.csv"] + "Bad Slug,Name,desc,,,,user\n"
    roles = [*ROLES, {"slug": "x-role", "name": "X", "responsibilities": [], "aliases": [],
                      "dimensions": [{"slug": "missing-dim", "weight": 1}]}]
    folder = _write(tmp_path / "bad", bad, roles)
    with psycopg.connect(migrated_db) as conn, pytest.raises(CatalogValidationError) as info:
        import_catalog(conn, folder)
    found = {(e.file, e.row, e.field) for e in info.value.errors}
    assert ("aliases.csv", 5, "skill_slug") in found
    assert ("aliases.csv", 6, "alias") in found
    assert ("skill_dimensions.csv", 4, "weight") in found
    assert ("dimensions.csv", 3, "slug") in found
    assert ("roles.json", 2, "dimensions") in found
    assert len(info.value.errors) == 5
    with psycopg.connect(migrated_db) as conn:
        for table in ("skill", "skill_alias", "dimension", "role", "catalog_version"):
            assert _count(conn, table) == 0, table


def test_import_can_reference_skills_already_in_the_catalog(migrated_db: str,
                                                            tmp_path: Path) -> None:
    with psycopg.connect(migrated_db) as conn:
        import_catalog(conn, _write(tmp_path / "first", GOOD))
    only_alias = {"aliases.csv": "skill_slug,alias,normalized,squashed,alias_type,"
                  "match_strategy,source\nwidget-ops,WOps,,,abbreviation,exact,user\n"}
    with psycopg.connect(migrated_db) as conn:
        import_catalog(conn, _write(tmp_path / "second", only_alias, roles=None))
        assert conn.execute("SELECT count(*) FROM skill_alias a JOIN skill s ON s.id = "
                            "a.skill_id WHERE s.slug = 'widget-ops'").fetchone()[0] == 3


def test_export_round_trips_through_import(migrated_db: str, make_database,
                                           tmp_path: Path) -> None:
    from jdskills import migrate

    with psycopg.connect(migrated_db) as conn:
        import_catalog(conn, _write(tmp_path / "good", GOOD))
        exported = export_catalog(conn, tmp_path / "export")
        before = catalog_stats(conn)
    assert exported["skills"] == 2 and exported["roles"] == 1
    other = make_database()
    migrate.upgrade(url=other)
    with psycopg.connect(other) as conn:
        import_catalog(conn, tmp_path / "export")
        after = catalog_stats(conn)
    assert {k: v for k, v in after.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"}
