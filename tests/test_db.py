"""Schema migrations and the managed local Postgres, against real servers."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect

from jdskills import migrate
from jdskills.local_postgres import LocalPostgres, LocalPostgresError

EXPECTED_TABLES = {
    "skill", "skill_alias", "alias_collision", "dimension", "role", "role_alias",
    "skill_dimension", "role_dimension", "skill_relation", "catalog_version", "ingested_file",
    "job_description", "jd_parse", "jd_location", "jd_skill", "role_decision",
    "jd_dimension_link", "jd_summary", "review_new_skill", "review_new_role",
    "review_new_dimension", "review_alias_collision", "review_responsibility", "review_action",
    "quarantine", "pipeline_run", "llm_call", "llm_cache",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_up_and_down_on_an_empty_database(empty_db: str) -> None:
    assert _tables(empty_db) == set()
    migrate.upgrade(url=empty_db)
    assert _tables(empty_db) >= EXPECTED_TABLES
    migrate.downgrade("base", url=empty_db)
    assert _tables(empty_db) <= {"alembic_version"}
    migrate.upgrade(url=empty_db)
    assert _tables(empty_db) >= EXPECTED_TABLES


@pytest.mark.parametrize(
    "sql",
    [
        # one content hash per JD
        "INSERT INTO job_description (jd_id, source_uri, text, status) VALUES "
        "('h1', 'f', 't', 'processed'), ('h1', 'f', 't2', 'processed')",
        # status enum
        "INSERT INTO job_description (jd_id, source_uri, text, status) VALUES "
        "('h2', 'f', 't', 'done')",
        # ctc min <= max and ISO currency
        "INSERT INTO job_description (jd_id, source_uri, text, status) VALUES "
        "('h3', 'f', 't', 'processed'); INSERT INTO jd_parse (jd_id, jd_type, ctc_min, ctc_max, "
        "education, certifications, sections, urls, parser) VALUES "
        "('h3', 'pass', 10, 5, '[]', '[]', '[]', '[]', 'offline')",
        "INSERT INTO job_description (jd_id, source_uri, text, status) VALUES "
        "('h4', 'f', 't', 'processed'); INSERT INTO jd_parse (jd_id, jd_type, ctc_currency, "
        "education, certifications, sections, urls, parser) VALUES "
        "('h4', 'pass', 'usd', '[]', '[]', '[]', '[]', 'offline')",
        # a pending dimension must live in the pending/ namespace (seed defect 1)
        "INSERT INTO dimension (slug, name, description, status, source) VALUES "
        "('react-frontend', 'x', 'y', 'pending', 'offline')",
        # confidence in [0, 1] and a role unless case C
        "INSERT INTO job_description (jd_id, source_uri, text, status) VALUES "
        "('h5', 'f', 't', 'processed'); INSERT INTO role_decision (jd_id, decision_case, "
        "confidence, signals, decided_by) VALUES ('h5', 'A', 0.9, '{}', 'offline')",
        # unique normalised alias per skill
        "INSERT INTO skill (slug, name, status, source) VALUES ('s', 'S', 'active', 'user');"
        "INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type, "
        "match_strategy, source) SELECT id, 'S', 's', 's', 'canonical', 'exact', 'user' "
        "FROM skill; INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type, "
        "match_strategy, source) SELECT id, 's', 's', 's', 'synonym', 'exact', 'user' FROM skill",
    ],
    ids=["jd-hash-unique", "jd-status", "ctc-order", "ctc-iso", "pending-namespace",
         "decision-role", "alias-unique"],
)
def test_constraints_reject_dishonest_rows(migrated_db: str, sql: str) -> None:
    with psycopg.connect(migrated_db) as conn, pytest.raises(psycopg.errors.IntegrityError):
        conn.execute(sql)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_local_postgres_starts_survives_restart_and_keeps_data(tmp_path: Path) -> None:
    pg = LocalPostgres(tmp_path / "data", _free_port())
    assert pg.status() == "absent"
    url = pg.ensure_running().replace("postgresql+psycopg://", "postgresql://")
    try:
        assert pg.status() == "running"
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE kept (v text)")
            conn.execute("INSERT INTO kept VALUES ('still here')")
        assert pg.stop() is True
        assert pg.status() == "stopped"
        assert pg.stop() is False
        pg.ensure_running()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT v FROM kept").fetchall() == [("still here",)]
    finally:
        pg.stop()


def test_local_postgres_reports_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        pg = LocalPostgres(tmp_path / "data", blocker.getsockname()[1])
        with pytest.raises(LocalPostgresError, match="taken by another program"):
            pg.ensure_running()


def test_the_migrations_build_exactly_the_models_schema(migrated_db: str) -> None:
    """No table, column, index or constraint of the models is missing from (or extra in) the
    migrated database: a model change always comes with its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import jdskills.models  # noqa: F401 - registers the tables

    engine = create_engine(migrated_db.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []
    indexes = {i["name"] for i in inspect(engine).get_indexes("jd_skill")}
    assert "uq_jd_skill" in indexes and "ix_jd_skill_jd_id" not in indexes
