"""The ``jdskills`` command: the human entry point."""

from __future__ import annotations

import logging

import typer

from jdskills.cli.catalog import catalog_app
from jdskills.cli.db import db_app

app = typer.Typer(
    help="jdskills: job descriptions in, a skills graph in Postgres out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log at INFO level.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


if __name__ == "__main__":  # pragma: no cover
    app()
