"""The ``jdskills`` command: the human entry point."""

from __future__ import annotations

import logging
import os

import typer

# Prefect runs offline here: an ephemeral server, no analytics (before prefect is imported)
for _key, _value in {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
                     "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}.items():
    os.environ.setdefault(_key, _value)

from jdskills.cli.catalog import catalog_app
from jdskills.cli.db import db_app
from jdskills.cli.eval import eval_app
from jdskills.cli.quarantine import quarantine_app
from jdskills.cli.review import review_app
from jdskills.cli.run import report_app, run
from jdskills.cli.serve import serve

app = typer.Typer(
    help="jdskills: job descriptions in, a skills graph in Postgres out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(report_app, name="report")
app.add_typer(eval_app, name="eval")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(review_app, name="review")
app.command()(run)
app.command()(serve)


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log at INFO level."),
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


if __name__ == "__main__":  # pragma: no cover
    app()
