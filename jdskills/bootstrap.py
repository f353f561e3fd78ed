"""Bring a database to a usable state: reachable, migrated, holding a catalog."""

from __future__ import annotations

import logging

from catalog.load import load_catalog
from jdskills import db, migrate
from jdskills.settings import Settings, get_settings

log = logging.getLogger(__name__)


def ensure_ready(settings: Settings | None = None) -> dict[str, int] | None:
    """Start the local Postgres when needed, migrate to head, and load the default catalog
    into an empty database. Returns the load counts when a catalog was loaded."""
    s = settings or get_settings()
    migrate.upgrade(url=db.database_url(s))
    with db.connect(s) as conn:
        empty = conn.execute("SELECT count(*) FROM skill").fetchone()[0] == 0  # type: ignore[index]
        if empty:
            log.info("empty catalog: loading the default catalog")
            return load_catalog(conn)
    return None
