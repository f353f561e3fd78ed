"""``jdskills quarantine``: what failed, why, and trying it again."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from jdskills import db
from jdskills.cli.common import console, fail, friendly_errors

quarantine_app = typer.Typer(help="Quarantined JDs and inputs.", no_args_is_help=True)

COLUMNS = ("id", "jd_id", "source_uri", "source_ref", "run_id", "stage", "reason",
           "expectation", "details", "status", "created_at", "resolved_at")


def _rows(where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with db.connect() as conn:
        rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM quarantine {where} "
                            "ORDER BY id", params).fetchall()
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows]


@quarantine_app.command("list")
def list_(run: str = typer.Option(None, "--run", help="Only this run's entries."),
          all_: bool = typer.Option(False, "--all", help="Include resolved entries."),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Open quarantine entries (JD, stage, reason, expectation)."""
    where = ["(%(run)s::text IS NULL OR run_id = %(run)s)"]
    if not all_:
        where.append("status = 'open'")
    with friendly_errors():
        rows = _rows("WHERE " + " AND ".join(where), {"run": run})
    if as_json:
        typer.echo(json.dumps(rows, default=str))
        return
    table = Table("id", "jd / input", "stage", "reason", "expectation", "status")
    for r in rows:
        who = (r["jd_id"] or "")[:16] or f"{r['source_uri']} {r['source_ref'] or ''}"
        table.add_row(str(r["id"]), who, r["stage"], r["reason"][:60], r["expectation"] or "",
                      r["status"])
    console.print(table)
    console.print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")


@quarantine_app.command("show")
def show(jd_id: str = typer.Argument(..., help="JD id or unique prefix.")) -> None:
    """Every quarantine entry of one JD, with details."""
    with friendly_errors():
        rows = _rows("WHERE jd_id LIKE %(p)s || '%%'", {"p": jd_id})
    if not rows:
        fail(f"no quarantine entry for {jd_id}")
    typer.echo(json.dumps(rows, indent=2, default=str))


@quarantine_app.command("retry")
def retry(stage: str = typer.Option(None, "--stage", help="Only JDs that failed this stage."),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Run quarantined JDs through the pipeline again; those that pass leave the quarantine."""
    from flows.retry_quarantined import retry_quarantined

    with friendly_errors():
        result = retry_quarantined(stage=stage)
    if as_json:
        typer.echo(json.dumps(result, default=str))
    else:
        console.print(f"retried {len(result['jd_ids'])}: processed {result['processed']}, "
                      f"rejected {result['rejected']}, still quarantined {result['quarantined']}")
