"""``jdskills run`` and ``jdskills report``."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from typing import Any

import typer

from jdskills import db
from jdskills.cli.common import console, fail, friendly_errors
from jdskills.cli.render import render_jd, render_run
from jdskills.reports import NotFoundError, jd_report, run_report
from jdskills.settings import SAMPLE_BATCH_URI, get_settings


class Backend(StrEnum):
    offline = "offline"
    llm = "llm"


report_app = typer.Typer(help="Show stored runs and JDs.", no_args_is_help=True)


def run(
    uri: str = typer.Argument(SAMPLE_BATCH_URI, help="File, glob or folder; local, s3:// or "
                              "gs://. Default: the bundled sample batch.", show_default=False),
    chunk_size: int = typer.Option(None, help="JDs per task run (default: settings)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run record as JSON."),
    backend: Backend = typer.Option(None, "--backend", help="offline (default) or llm "
                                    "(OPENAI_BASE_URL / OPENAI_API_KEY); overrides "
                                    "JDSKILLS_BACKEND.", show_default=False),
) -> None:
    """Run the pipeline (flow ingest_batch) on a batch; by default the bundled sample."""
    from flows.ingest_batch import ingest_batch
    from jdskills.bootstrap import ensure_ready

    if backend is not None:  # settings are read from the environment, by the flow too
        os.environ["JDSKILLS_BACKEND"] = backend.value
        get_settings.cache_clear()

    with friendly_errors():
        ensure_ready()
        result: dict[str, Any] = ingest_batch(uri=uri, chunk_size=chunk_size)
    if as_json:
        typer.echo(json.dumps(result, default=str))
        return
    render_run(console, result)
    if result["jd_ids"]:
        with db.connect() as conn:
            processed = [j for j in result["jd_ids"]
                         if jd_report(conn, j)["status"] == "processed"]
            if processed:
                render_jd(console, jd_report(conn, processed[0]))


@report_app.command("run")
def report_run(
    run_id: str = typer.Argument(None, help="Run id (default: the last run)."),
    last: bool = typer.Option(False, "--last", help="The most recent run."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A stored run record."""
    with friendly_errors(), db.connect() as conn:
        try:
            rec = run_report(conn, None if last else run_id)
        except NotFoundError as e:
            fail(str(e))
    if as_json:
        typer.echo(json.dumps(rec, default=str))
    else:
        render_run(console, {**rec, "counts": rec["counts"]})


@report_app.command("jd")
def report_jd(jd_id: str = typer.Argument(..., help="JD id (content hash) or a unique prefix."),
              as_json: bool = typer.Option(False, "--json")) -> None:
    """Everything stored about one JD."""
    with friendly_errors(), db.connect() as conn:
        try:
            rep = jd_report(conn, jd_id)
        except NotFoundError as e:
            fail(str(e))
    if as_json:
        typer.echo(json.dumps(rep, default=str))
    else:
        render_jd(console, rep)
