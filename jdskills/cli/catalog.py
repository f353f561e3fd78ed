"""``jdskills catalog``: build, load, import, export and count the catalog."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from catalog.files import DEFAULT_CATALOG_DIR
from catalog.load import import_catalog, load_catalog
from catalog.stats import catalog_stats, export_catalog
from jdskills import db, migrate
from jdskills.cli.common import console, friendly_errors
from jdskills.settings import PROJECT_ROOT

catalog_app = typer.Typer(help="The skills/roles/dimensions catalog.", no_args_is_help=True)
SHARED = PROJECT_ROOT.parent / "shared"


@catalog_app.command()
def build(
    taxonomies: Path = typer.Option(SHARED / "taxonomies", help="Public taxonomies folder."),
    eval_data: Path = typer.Option(SHARED / "eval-data", help="For ESCO/O*NET role titles."),
    out: Path = typer.Option(DEFAULT_CATALOG_DIR, help="Where to write the catalog files."),
) -> None:
    """Rebuild the default catalog files from the public taxonomies (reproducible)."""
    from catalog.build import build_catalog

    with friendly_errors():
        counts = build_catalog(taxonomies, eval_data, out)
    console.print_json(json.dumps(counts))


@catalog_app.command()
def load(
    path: Path = typer.Argument(DEFAULT_CATALOG_DIR, help="Catalog folder."),
) -> None:
    """Fill an empty database with a catalog (the default one unless PATH is given)."""
    started = time.perf_counter()
    with friendly_errors():
        migrate.upgrade(url=db.database_url())
        with db.connect() as conn:
            counts = load_catalog(conn, path)
    counts["seconds"] = round(time.perf_counter() - started, 2)  # type: ignore[assignment]
    console.print_json(json.dumps(counts))


@catalog_app.command("import")
def import_(path: Path = typer.Argument(..., help="Folder in the catalog layout.")) -> None:
    """Merge your own skills/aliases/dimensions/roles (see docs/catalog-format.md).

    Every bad row is reported (file, row, field, reason) and nothing is written."""
    with friendly_errors():
        migrate.upgrade(url=db.database_url())
        with db.connect() as conn:
            counts = import_catalog(conn, path)
    console.print_json(json.dumps(counts))


@catalog_app.command()
def export(path: Path = typer.Argument(..., help="Folder to write.")) -> None:
    """Write the active catalog in the import layout."""
    with friendly_errors(), db.connect() as conn:
        counts = export_catalog(conn, path)
    console.print_json(json.dumps(counts))


@catalog_app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Counts of the active catalog."""
    with friendly_errors(), db.connect() as conn:
        counts = catalog_stats(conn)
    if as_json:
        typer.echo(json.dumps(counts))
    else:
        for key, value in counts.items():
            console.print(f"{key:>20}: {value:,}")
