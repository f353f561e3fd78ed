"""Review queues: list what the catalog does not know yet; approve, reject or merge it.

Every function takes the caller's psycopg connection and writes inside its transaction (none
commits). A decision locks its queue row, refuses an item that is not pending (``ReviewError``,
nothing written), writes one ``review_action`` row (before/after) and, when the active catalog
changes, a ``catalog_version`` (source 'review') that it stamps on what it changed.

A rejected or merged pending *dimension* keeps status 'pending': the CHECK constraint
``(status = 'pending') = (slug LIKE 'pending/%')`` ties 'pending' to its ``pending/`` slug, so
only the queue item records the decision (a merge also notes ``merged_into`` in review_log).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import psycopg
from psycopg.rows import dict_row

from jdskills.normalize import normalize_alias, slugify
from jdskills.review_skills import (
    KINDS,
    ReviewError,
    Row,
    add_role_alias,
    approve_dimension,
    approve_skill,
    close_skill_items,
    find_pending_skill,
    free_slug,
    merge_dimension,
    merge_skill,
    new_version,
    scalar,
    set_status,
)

__all__ = ["KINDS", "STATUSES", "ReviewError", "approve", "list_items", "merge", "reject"]
STATUSES = ("pending", "approved", "rejected", "merged", "all")
_LIST = {
    "skill": ("q.name, coalesce(r.slug, nullif(q.role_key, '')) AS role, q.skill_id, "
              "s.category, (s.enrichment->>'confidence')::float AS confidence",
              "LEFT JOIN skill s ON s.id = q.skill_id LEFT JOIN role r ON r.id = q.role_id"),
    "role": ("q.title, q.top_candidates", ""),
    "dimension": ("d.name, d.slug, q.dimension_id, coalesce(d.exemplars, '[]') AS exemplars, "
                  "q.nearest", "JOIN dimension d ON d.id = q.dimension_id"),
    "collision": ("q.normalized_title AS title, a.slug AS alias_role, c.slug AS decided_role",
                  "JOIN role a ON a.id = q.alias_role_id JOIN role c ON c.id = q.decided_role_id"),
    "responsibility": ("r.slug AS role, q.statement", "JOIN role r ON r.id = q.role_id"),
}


def list_items(conn: psycopg.Connection, *, kind: str, status: str = "pending",
               limit: int = 50) -> list[Row]:
    """Queue items of one kind, most frequent first, JSON-ready (dates as ISO strings)."""
    _table(kind)
    if status not in STATUSES:
        raise ReviewError(f"unknown status {status!r} (one of: {', '.join(STATUSES)})")
    cols, joins = _LIST[kind]
    where = "" if status == "all" else "WHERE q.status = %(status)s"
    rows = conn.cursor(row_factory=dict_row).execute(
        f"SELECT q.id, {cols}, q.occurrences, q.first_seen, q.last_seen, q.example_jd_ids, "
        f"q.status FROM {KINDS[kind]} q {joins} {where} ORDER BY q.occurrences DESC, q.id "
        "LIMIT %(limit)s", {"status": status, "limit": limit}).fetchall()
    out: list[Row] = [{k: v.isoformat() if isinstance(v, datetime) else v for k, v in r.items()}
           for r in rows]
    if kind == "dimension":
        for r in out:
            r["nearest"] = [{k: n.get(k) for k in ("slug", "name", "score")} for n in r["nearest"]]
    return out


def approve(conn: psycopg.Connection, *, kind: str, item_id: int, actor: str,
            as_name: str | None = None) -> Row:
    """Accept a queue item. skill: the pending skill becomes active and its JD rows in_db;
    role: a new active role with the title as alias; dimension: active under a real slug;
    collision: the title becomes an alias of the decided role; responsibility: appended to
    the role. ``as_name`` renames (skill, role, dimension) or rewords (responsibility)."""
    item = _lock(conn, kind, item_id)
    if as_name is not None and kind == "collision":
        raise ReviewError("--as-name does not apply to a collision (its title is the alias)")
    details = _APPROVE[kind](conn, item, as_name.strip() if as_name else None)
    return _record(conn, actor, kind, item_id, "approve", details)


def reject(conn: psycopg.Connection, *, kind: str, item_id: int, actor: str,
           reason: str | None = None) -> Row:
    """Mark the item rejected; a skill's pending skill becomes 'rejected' too, every queue row
    of its name is rejected, and later runs do not queue the name again."""
    item = _lock(conn, kind, item_id)
    details: Row = {"before": {"status": "pending"}, "after": {"status": "rejected"},
                    "reason": reason}
    if kind == "skill":
        skill = find_pending_skill(conn, item)
        if skill is not None:
            conn.execute("UPDATE skill SET status = 'rejected' WHERE id = %s", (skill["id"],))
            details["skill"] = {"id": skill["id"], "slug": skill["slug"], "status": "rejected"}
        details["queue_items"] = close_skill_items(conn, item, "rejected")
    else:
        set_status(conn, kind, item["id"], "rejected")
    return _record(conn, actor, kind, item_id, "reject", details)


def merge(conn: psycopg.Connection, *, kind: str, item_id: int, into: str, actor: str) -> Row:
    """Fold a new skill or pending dimension into an existing active one (slug or id)."""
    if kind not in ("skill", "dimension"):
        raise ReviewError(f"merge applies to skills and dimensions, not {kind!r}")
    item = _lock(conn, kind, item_id)
    merge_fn = merge_skill if kind == "skill" else merge_dimension
    return _record(conn, actor, kind, item_id, "merge", merge_fn(conn, item, into))


def _approve_role(conn: psycopg.Connection, item: Row, as_name: str | None) -> Row:
    name = as_name or item["title"]
    slug = free_slug(conn, "role", slugify(name))
    version = new_version(conn, f"approve role {name}")
    role_id = scalar(conn, "INSERT INTO role (slug, name, description, responsibilities, "
                     "centroid_n, status, source) VALUES (%s, %s, '', '[]', 0, 'active', 'user') "
                     "RETURNING id", (slug, name[:300]))
    titles = {normalize_alias(t): t for t in (item["title"], name)}
    for norm, title in titles.items():
        add_role_alias(conn, role_id, title, norm)
    set_status(conn, "role", item["id"], "approved")
    return {"before": {"status": "pending", "title": item["title"]},
            "after": {"status": "approved", "role_id": role_id, "slug": slug, "name": name,
                      "aliases": sorted(titles.values())}, "catalog_version": version}


def _approve_collision(conn: psycopg.Connection, item: Row, _as_name: str | None) -> Row:
    norm = item["normalized_title"]
    known = conn.execute("SELECT title FROM role_alias WHERE role_id = %s AND normalized = %s",
                         (item["alias_role_id"], norm)).fetchone()
    examples = conn.execute(
        "SELECT coalesce(p.role_title, j.title) FROM job_description j LEFT JOIN jd_parse p "
        "USING (jd_id) WHERE j.jd_id = ANY(%s)", (list(item["example_jd_ids"]),)).fetchall()
    seen = [t for (t,) in examples if t and normalize_alias(t) == norm]
    title = known[0] if known else seen[0] if seen else norm
    version = new_version(conn, f"approve title {title!r} for role {item['decided_role_id']}")
    added = add_role_alias(conn, item["decided_role_id"], title, norm)
    set_status(conn, "collision", item["id"], "approved")
    return {"before": {"status": "pending", "alias_role_id": item["alias_role_id"]},
            "after": {"status": "approved", "role_id": item["decided_role_id"], "alias": title,
                      "alias_added": added}, "catalog_version": version}


def _approve_responsibility(conn: psycopg.Connection, item: Row, as_name: str | None) -> Row:
    text = as_name or item["statement"]
    before = scalar(conn, "SELECT jsonb_array_length(responsibilities) FROM role WHERE id = %s "
                    "FOR UPDATE", (item["role_id"],))
    version = new_version(conn, f"approve responsibility for role {item['role_id']}")
    conn.execute("UPDATE role SET responsibilities = responsibilities || jsonb_build_array("
                 "%(t)s::text) WHERE id = %(r)s AND NOT responsibilities @> jsonb_build_array("
                 "%(t)s::text)", {"t": text, "r": item["role_id"]})
    set_status(conn, "responsibility", item["id"], "approved")
    after = scalar(conn, "SELECT jsonb_array_length(responsibilities) FROM role WHERE id = %s",
                   (item["role_id"],))
    return {"before": {"status": "pending", "responsibilities": before},
            "after": {"status": "approved", "responsibilities": after, "statement": text},
            "catalog_version": version}


_APPROVE: dict[str, Callable[[psycopg.Connection, Row, str | None], Row]] = {
    "skill": approve_skill, "role": _approve_role, "dimension": approve_dimension,
    "collision": _approve_collision, "responsibility": _approve_responsibility}


def _table(kind: str) -> str:
    if kind not in KINDS:
        raise ReviewError(f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
    return KINDS[kind]


def _lock(conn: psycopg.Connection, kind: str, item_id: int) -> Row:
    item = conn.cursor(row_factory=dict_row).execute(
        f"SELECT * FROM {_table(kind)} WHERE id = %s FOR UPDATE", (item_id,)).fetchone()
    if item is None:
        raise ReviewError(f"no {kind} review item with id {item_id}")
    if item["status"] != "pending":
        last = conn.execute("SELECT action, actor, at FROM review_action WHERE item_type = %s "
                            "AND item_id = %s ORDER BY id DESC LIMIT 1", (kind, item_id)).fetchone()
        how = f" ({last[0]} by {last[1]} on {last[2]:%Y-%m-%d %H:%M})" if last else ""
        raise ReviewError(f"{kind} {item_id} is already {item['status']}{how}; nothing changed")
    return item


def _record(conn: psycopg.Connection, actor: str, kind: str, item_id: int, action: str,
            details: Row) -> Row:
    action_id = scalar(conn, "INSERT INTO review_action (actor, item_type, item_id, action, "
                       "details) VALUES (%s, %s, %s, %s, %s) RETURNING id",
                       (actor[:200], kind, item_id, action, json.dumps(details, default=str)))
    return {"action_id": action_id, "kind": kind, "item_id": item_id, "action": action,
            **details}
