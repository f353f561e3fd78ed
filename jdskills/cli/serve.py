"""``jdskills serve``: a local Prefect server with its UI, the deployments and a worker."""

from __future__ import annotations

from pathlib import Path

import typer

from jdskills.cli.common import console, fail, friendly_errors
from jdskills.settings import get_settings


def serve(
    port: int = typer.Option(4200, help="Port of the Prefect server and UI (on 127.0.0.1)."),
    prefect_home: Path = typer.Option(
        None, help="Where the server keeps its database and logs (default: "
        "JDSKILLS_DATA_DIR/prefect).", show_default=False),
    deploy: bool = typer.Option(True, help="Deploy prefect.yaml (prefect deploy --all)."),
    worker: bool = typer.Option(True, help="Start a worker on the pool."),
    bootstrap: bool = typer.Option(True, help="Migrate the database and load the default "
                                   "catalog into an empty one first."),
) -> None:
    """Start Prefect (server + UI, work pool, deployments, worker) until Ctrl-C."""
    from deployments.serve import ServeError, ServeOptions
    from deployments.serve import serve as run_stack

    settings = get_settings()
    if bootstrap:
        from jdskills.bootstrap import ensure_ready

        with friendly_errors():
            ensure_ready(settings)
    options = ServeOptions(port=port, deploy=deploy, worker=worker,
                           prefect_home=prefect_home or settings.data_dir / "prefect")

    def say(message: str) -> None:
        console.print(message, highlight=False, soft_wrap=True)

    try:
        gone = run_stack(options, say)
    except ServeError as e:
        fail(str(e))
    if gone is not None:
        fail(f"{gone} stopped unexpectedly; see its log in {options.prefect_home / 'logs'}")
