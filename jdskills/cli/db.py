"""``jdskills db``: the local Postgres and the schema."""

from __future__ import annotations

import typer

from jdskills import db, migrate
from jdskills.cli.common import console, fail, friendly_errors
from jdskills.settings import get_settings

db_app = typer.Typer(help="Manage the database (local Postgres and migrations).",
                     no_args_is_help=True)


def _require_local() -> None:
    if get_settings().database_url:
        fail("DATABASE_URL is set: the database is not managed by jdskills")


@db_app.command()
def start() -> None:
    """Start the local Postgres (created on first use in JDSKILLS_DATA_DIR)."""
    _require_local()
    with friendly_errors():
        url = db.local_postgres().ensure_running()
    console.print(f"running: {url}", highlight=False)


@db_app.command()
def stop() -> None:
    """Stop the local Postgres (its data stays)."""
    _require_local()
    with friendly_errors():
        stopped = db.local_postgres().stop()
    console.print("stopped" if stopped else "not running")


@db_app.command()
def status() -> None:
    """Say whether the local Postgres is running, stopped or not created yet."""
    s = get_settings()
    if s.database_url:
        console.print("external (DATABASE_URL is set)")
        return
    pg = db.local_postgres(s)
    console.print(f"{pg.status()} (data: {pg.pgdata}, port {pg.port})", highlight=False)


@db_app.command()
def url() -> None:
    """Print the database URL (starting the local Postgres if needed)."""
    with friendly_errors():
        typer.echo(db.libpq_url())


@db_app.command()
def upgrade(revision: str = typer.Argument("head")) -> None:
    """Migrate the schema up (default: to the newest revision)."""
    with friendly_errors():
        migrate.upgrade(revision, url=db.database_url())
    console.print(f"schema at {revision}")


@db_app.command()
def downgrade(revision: str = typer.Argument("-1", help="'base' drops every table.")) -> None:
    """Migrate the schema down (default: one revision)."""
    with friendly_errors():
        migrate.downgrade(revision, url=db.database_url())
    console.print(f"schema downgraded to {revision}")
