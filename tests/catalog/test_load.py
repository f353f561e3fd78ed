"""The shipped default catalog, loaded into a real Postgres, meets the counts the project
promises, and the CLI reports them."""

from __future__ import annotations

import json

import psycopg
import pytest
from typer.testing import CliRunner

from catalog.load import CatalogNotEmptyError, load_catalog
from catalog.stats import catalog_stats
from jdskills.cli.main import app


def test_default_catalog_counts(catalog_db_url: str) -> None:
    with psycopg.connect(catalog_db_url) as conn:
        stats = catalog_stats(conn)
    assert stats["skills"] >= 40_000
    assert stats["aliases"] >= 120_000
    assert stats["dimensions"] >= 400
    assert stats["roles"] >= 25
    assert stats["role_aliases"] >= 25 * 10
    assert stats["collisions"] >= 8
    assert stats["version"] >= 1


def test_every_role_is_usable(catalog_db_url: str) -> None:
    with psycopg.connect(catalog_db_url) as conn:
        rows = conn.execute(
            "SELECT r.slug, (SELECT count(*) FROM role_alias a WHERE a.role_id = r.id), "
            "jsonb_array_length(r.responsibilities), "
            "(SELECT count(*) FROM role_dimension d WHERE d.role_id = r.id), "
            "array_length(r.centroid, 1) FROM role r").fetchall()
    for slug, aliases, statements, dims, centroid_dim in rows:
        assert aliases >= 10 and statements >= 5 and dims >= 8, slug
        assert centroid_dim and centroid_dim > 0, slug
    assert {"ml-engineer", "mlops-engineer", "data-engineer", "backend-engineer"} <= {
        r[0] for r in rows}


@pytest.mark.parametrize(("surface", "expected"), [("Py Torch", "pytorch"),
                                                    ("py-torch", "pytorch"),
                                                    ("PYTORCH", "pytorch")])
def test_spelling_variants_reach_one_skill(catalog_db_url: str, surface: str,
                                           expected: str) -> None:
    from jdskills.normalize import normalize_alias, squash_alias

    with psycopg.connect(catalog_db_url) as conn:
        ids = {r[0] for r in conn.execute(
            "SELECT skill_id FROM skill_alias WHERE normalized = %s OR squashed = %s",
            (normalize_alias(surface), squash_alias(surface)))}
        names = {r[0].lower() for r in conn.execute(
            "SELECT name FROM skill WHERE id = ANY(%s)", (list(ids),))}
    assert len(ids) == 1 and any(expected in n for n in names), names


def test_colliding_aliases_are_recorded(catalog_db_url: str) -> None:
    with psycopg.connect(catalog_db_url) as conn:
        forms = {r[0] for r in conn.execute("SELECT DISTINCT normalized FROM alias_collision")}
        # no normalised alias points at two active skills without a collision record
        unrecorded = conn.execute(
            "SELECT a.normalized FROM skill_alias a JOIN skill s ON s.id = a.skill_id "
            "WHERE s.status = 'active' GROUP BY a.normalized "
            "HAVING count(DISTINCT a.skill_id) > 1 "
            "EXCEPT SELECT normalized FROM alias_collision").fetchall()
    assert {"go", "r", "c", "excel", "spring", "swift", "rust", "lambda"} <= forms
    assert unrecorded == []


def test_load_refuses_a_non_empty_catalog(catalog_db_url: str) -> None:
    with psycopg.connect(catalog_db_url) as conn, pytest.raises(CatalogNotEmptyError):
        load_catalog(conn)


def test_stats_cli_json(catalog_db_url: str, use_database) -> None:
    use_database(catalog_db_url)
    result = CliRunner().invoke(app, ["catalog", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert set(stats) >= {"skills", "aliases", "dimensions", "roles", "role_aliases",
                          "collisions", "version"}
    assert stats["skills"] >= 40_000
