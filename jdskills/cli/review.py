"""``jdskills review``: list the review queues and approve, reject or merge their items."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from typing import Any

import psycopg
import typer
from rich.table import Table

from jdskills import db, review
from jdskills.cli.common import console, fail, friendly_errors

review_app = typer.Typer(
    help="Review what the catalog does not know yet: new skills, roles and dimensions, "
         "alias collisions and responsibility statements.", no_args_is_help=True)

KIND_HELP = "skill | role | dimension | collision | responsibility"
PLURALS = {"skills": "skill", "roles": "role", "dimensions": "dimension",
           "collisions": "collision", "responsibilities": "responsibility"}
Cell = Callable[[dict[str, Any]], str]
COLUMNS: dict[str, list[tuple[str, Cell]]] = {
    "skill": [("name", lambda r: r["name"]), ("role", lambda r: r["role"] or "—"),
              ("category", lambda r: r["category"] or "—"),
              ("conf", lambda r: "—" if r["confidence"] is None else f"{r['confidence']:.2f}")],
    "role": [("title", lambda r: r["title"]),
             ("top candidates", lambda r: ", ".join(
                 str(c.get("slug", c)) if isinstance(c, dict) else str(c)
                 for c in r["top_candidates"][:3]))],
    "dimension": [("name", lambda r: r["name"]),
                  ("exemplars", lambda r: ", ".join(map(str, (r["exemplars"] or [])[:5]))),
                  ("nearest", lambda r: ", ".join(f"{n['slug']} {n['score'] or 0:.2f}"
                                                  for n in r["nearest"][:3]))],
    "collision": [("title", lambda r: r["title"]), ("alias role", lambda r: r["alias_role"]),
                  ("decided role", lambda r: r["decided_role"])],
    "responsibility": [("role", lambda r: r["role"]), ("statement", lambda r: r["statement"])],
}


def _kind(value: str) -> str:
    kind = PLURALS.get(value.lower(), value.lower())
    if kind not in review.KINDS:
        fail(f"unknown kind {value!r} (one of: {KIND_HELP})")
    return kind


def _actor(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _in_transaction(fn: Callable[[psycopg.Connection], Any]) -> Any:
    """Run ``fn`` in one transaction; a ReviewError rolls everything back and exits 1."""
    with friendly_errors():
        try:
            with db.connect() as conn:
                return fn(conn)
        except review.ReviewError as e:
            fail(str(e))


def _lister(kind: str) -> Callable[..., None]:
    def show(
        status: str = typer.Option("pending", help="pending | approved | rejected | merged | all"),
        limit: int = typer.Option(50, min=1, help="At most this many items."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
    ) -> None:
        items = _in_transaction(lambda c: review.list_items(c, kind=kind, status=status,
                                                            limit=limit))
        if as_json:
            typer.echo(json.dumps(items, default=str))
            return
        table = Table("id", *(h for h, _ in COLUMNS[kind]), "n", "first seen", "last seen",
                      "example JDs", title=f"{kind} queue ({status})", title_justify="left")
        for r in items:
            table.add_row(str(r["id"]), *(cell(r) for _, cell in COLUMNS[kind]),
                          str(r["occurrences"]), r["first_seen"][:16].replace("T", " "),
                          r["last_seen"][:16].replace("T", " "),
                          ", ".join(j[:12] for j in r["example_jd_ids"][:3]))
        console.print(table if items else f"no {status} {kind} items", highlight=False)

    show.__doc__ = f"List the {kind} review queue, most frequent first."
    return show


for _plural, _singular in PLURALS.items():
    review_app.command(_plural)(_lister(_singular))


def _report(result: dict[str, Any]) -> None:
    version = result.get("catalog_version")
    done = {"approve": "approved", "reject": "rejected", "merge": "merged"}[result["action"]]
    console.print(f"{done} {result['kind']} {result['item_id']}"
                  + (f" (catalog version {version})" if version else ""), highlight=False)
    console.print_json(json.dumps(result, default=str))


@review_app.command()
def approve(
    kind: str = typer.Argument(..., help=KIND_HELP),
    item_id: int = typer.Argument(..., help="The queue item's id (see the list commands)."),
    as_name: str | None = typer.Option(None, "--as-name",
                                       help="Name to use (skill, role, dimension) or reworded "
                                            "statement (responsibility)."),
    by: str | None = typer.Option(None, "--by", help="Reviewer (default: the OS user)."),
) -> None:
    """Accept an item into the active catalog (a new catalog version)."""
    k = _kind(kind)
    _report(_in_transaction(lambda c: review.approve(c, kind=k, item_id=item_id,
                                                     actor=_actor(by), as_name=as_name)))


@review_app.command()
def reject(
    kind: str = typer.Argument(..., help=KIND_HELP),
    item_id: int = typer.Argument(..., help="The queue item's id."),
    by: str | None = typer.Option(None, "--by", help="Reviewer (default: the OS user)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit log)."),
) -> None:
    """Reject an item; a rejected skill name is not queued again by later runs."""
    k = _kind(kind)
    _report(_in_transaction(lambda c: review.reject(c, kind=k, item_id=item_id,
                                                    actor=_actor(by), reason=reason)))


@review_app.command()
def merge(
    kind: str = typer.Argument(..., help="skill | dimension"),
    item_id: int = typer.Argument(..., help="The queue item's id."),
    into: str = typer.Argument(..., help="Slug or id of the active skill/dimension to keep."),
    by: str | None = typer.Option(None, "--by", help="Reviewer (default: the OS user)."),
) -> None:
    """Fold a new skill (as an alias) or a pending dimension into an existing active one."""
    k = _kind(kind)
    _report(_in_transaction(lambda c: review.merge(c, kind=k, item_id=item_id, into=into,
                                                   actor=_actor(by))))
