"""Skill and dimension decisions of the review queues (approve, merge) and the helpers every
decision shares. Functions take the caller's connection and never commit; see jdskills.review.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from jdskills.normalize import normalize_alias, slugify, squash_alias

Row = dict[str, Any]
KINDS = {"skill": "review_new_skill", "role": "review_new_role",
         "dimension": "review_new_dimension", "collision": "review_alias_collision",
         "responsibility": "review_responsibility"}


class ReviewError(Exception):
    """A review request that cannot be carried out (unknown id, not pending, bad target)."""


def approve_skill(conn: psycopg.Connection, item: Row, as_name: str | None) -> Row:
    """The pending skill becomes active (its canonical alias stays; placement kept only in an
    active dimension), every queue row of its name approved, its JD rows in_db/exact."""
    skill = pending_skill(conn, item)
    sid = skill["id"]
    clash = conn.execute(
        "SELECT s.slug FROM skill_alias a JOIN skill s ON s.id = a.skill_id "
        "WHERE s.status = 'active' AND a.normalized = %s LIMIT 1", (item["normalized"],)
    ).fetchone()
    if clash:
        raise ReviewError(f"{item['name']!r} already names active skill {clash[0]!r}; "
                          f"merge it instead (jdskills review merge skill {item['id']} {clash[0]})")
    name = as_name or skill["name"]
    version = new_version(conn, f"approve skill {name}")
    conn.execute("UPDATE skill SET status = 'active', name = %s, catalog_version_id = %s "
                 "WHERE id = %s", (name[:300], version, sid))
    if as_name:
        add_alias(conn, sid, as_name, normalize_alias(as_name))
    conn.execute("DELETE FROM skill_dimension sd USING dimension d WHERE sd.skill_id = %s "
                 "AND d.id = sd.dimension_id AND d.status <> 'active'", (sid,))
    placed = placement_dimension(conn, skill)
    if placed is not None:
        conn.execute("INSERT INTO skill_dimension (skill_id, dimension_id, weight, source) "
                     "VALUES (%s, %s, 1.0, 'placement') ON CONFLICT DO NOTHING", (sid, placed))
    dims = [r[0] for r in conn.execute(
        "SELECT d.slug FROM skill_dimension sd JOIN dimension d ON d.id = sd.dimension_id "
        "WHERE sd.skill_id = %s ORDER BY d.slug", (sid,))]
    relinked = conn.execute(
        "UPDATE jd_skill SET tag = 'in_db', matched_via = 'exact', skill_id = %(s)s, "
        "catalog_version_id = %(v)s WHERE skill_id = %(s)s "
        "OR (skill_id IS NULL AND tag = 'new' AND normalized = %(n)s)",
        {"s": sid, "v": version, "n": item["normalized"]}).rowcount
    return {"before": {"skill_id": sid, "slug": skill["slug"], "name": skill["name"],
                       "status": "pending"},
            "after": {"status": "active", "name": name, "dimensions": dims},
            "jd_skills_relinked": relinked, "catalog_version": version,
            "queue_items": close_skill_items(conn, item, "approved")}



def approve_dimension(conn: psycopg.Connection, item: Row, as_name: str | None) -> Row:
    """The pending dimension becomes active under slugify(name), its old slug kept in
    review_log so placements that name it still find it."""
    dim = lock_dimension(conn, item["dimension_id"])
    name = as_name or dim["name"]
    slug = free_slug(conn, "dimension", slugify(name))
    version = new_version(conn, f"approve dimension {name}")
    conn.execute(  # status and slug together: the pending-namespace CHECK must hold per row
        "UPDATE dimension SET status = 'active', slug = %s, name = %s, review_log = "
        "coalesce(review_log, '{}') || jsonb_build_object('pending_slug', %s::text) "
        "WHERE id = %s", (slug, name[:300], dim["slug"], dim["id"]))
    set_status(conn, "dimension", item["id"], "approved")
    return {"before": {"dimension_id": dim["id"], "slug": dim["slug"], "name": dim["name"],
                       "status": "pending"},
            "after": {"slug": slug, "name": name, "status": "active"},
            "catalog_version": version}



def merge_skill(conn: psycopg.Connection, item: Row, into: str) -> Row:
    """The new skill's name becomes a synonym of ``into``; its JD rows move to ``into`` (a JD
    already naming ``into`` keeps one row) and carry ``into``'s catalog dimensions instead of
    placements in non-active ones; queue rows merged, the pending skill rejected."""
    skill = pending_skill(conn, item)
    target = active_target(conn, "skill", into)
    sid, tid = skill["id"], target["id"]
    version = new_version(conn, f"merge skill {skill['name']} into {target['slug']}")
    alias_added = add_alias(conn, tid, item["name"], item["normalized"])
    rows = conn.execute(
        "SELECT p.id, p.is_primary, (SELECT k.id FROM jd_skill k WHERE k.jd_id = p.jd_id "
        "AND k.skill_id = %(t)s AND k.id <> p.id ORDER BY k.id LIMIT 1) FROM jd_skill p "
        "WHERE p.skill_id = %(s)s OR (p.skill_id IS NULL AND p.tag = 'new' "
        "AND p.normalized = %(n)s)", {"s": sid, "t": tid, "n": item["normalized"]}).fetchall()
    ids = [r[0] for r in rows]
    conn.execute("DELETE FROM jd_dimension_link l USING dimension d WHERE l.jd_skill_id = ANY(%s) "
                 "AND d.id = l.dimension_id AND d.status <> 'active'", (ids,))
    dupes = [(p, primary, keep) for p, primary, keep in rows if keep is not None]
    with conn.cursor() as cur:  # a JD that already names the target keeps its own row
        cur.executemany(
            "UPDATE jd_dimension_link l SET jd_skill_id = %(k)s WHERE l.jd_skill_id = %(p)s AND "
            "NOT EXISTS (SELECT 1 FROM jd_dimension_link x WHERE x.jd_skill_id = %(k)s "
            "AND x.dimension_id = l.dimension_id)", [{"p": p, "k": k} for p, _, k in dupes])
        cur.executemany("UPDATE jd_skill SET is_primary = is_primary OR %s WHERE id = %s",
                        [(primary, k) for _, primary, k in dupes])
    conn.execute("DELETE FROM jd_skill WHERE id = ANY(%s)", ([p for p, _, _ in dupes],))
    moved = [p for p, _, keep in rows if keep is None]
    conn.execute("UPDATE jd_skill SET skill_id = %s, tag = 'in_db', matched_via = 'exact', "
                 "catalog_version_id = %s WHERE id = ANY(%s)", (tid, version, moved))
    links = conn.execute(
        "INSERT INTO jd_dimension_link (jd_id, jd_skill_id, dimension_id, via, "
        "catalog_version_id) SELECT js.jd_id, js.id, sd.dimension_id, 'catalog', %s "
        "FROM jd_skill js JOIN skill_dimension sd ON sd.skill_id = %s JOIN dimension d "
        "ON d.id = sd.dimension_id AND d.status = 'active' WHERE js.id = ANY(%s) "
        "ON CONFLICT (jd_skill_id, dimension_id) DO NOTHING",
        (version, tid, moved + [k for _, _, k in dupes])).rowcount
    conn.execute("UPDATE skill SET status = 'rejected' WHERE id = %s", (sid,))
    return {"before": {"skill_id": sid, "slug": skill["slug"], "status": "pending"},
            "after": {"into_skill_id": tid, "into": target["slug"], "skill_status": "rejected",
                      "alias_added": alias_added},
            "jd_skills_repointed": len(moved), "jd_skills_merged": len(dupes),
            "catalog_links_added": links, "catalog_version": version,
            "queue_items": close_skill_items(conn, item, "merged")}


def merge_dimension(conn: psycopg.Connection, item: Row, into: str) -> Row:
    """Skill and JD links of the pending dimension move to ``into``; the queue item is merged
    and the dimension row (still 'pending', see jdskills.review) notes ``merged_into``."""
    dim = lock_dimension(conn, item["dimension_id"])
    target = active_target(conn, "dimension", into)
    p = {"d": dim["id"], "t": target["id"]}
    p["v"] = new_version(conn, f"merge dimension {dim['slug']} into {target['slug']}")
    skills = conn.execute(
        "INSERT INTO skill_dimension (skill_id, dimension_id, weight, source) SELECT skill_id, "
        "%(t)s, weight, source FROM skill_dimension WHERE dimension_id = %(d)s "
        "ON CONFLICT DO NOTHING", p).rowcount
    conn.execute("DELETE FROM skill_dimension WHERE dimension_id = %(d)s", p)
    links = conn.execute(
        "UPDATE jd_dimension_link l SET dimension_id = %(t)s, catalog_version_id = %(v)s "
        "WHERE l.dimension_id = %(d)s AND NOT EXISTS (SELECT 1 FROM jd_dimension_link x "
        "WHERE x.jd_skill_id = l.jd_skill_id AND x.dimension_id = %(t)s)", p).rowcount
    conn.execute("DELETE FROM jd_dimension_link WHERE dimension_id = %(d)s", p)
    conn.execute("UPDATE dimension SET review_log = coalesce(review_log, '{}') || "
                 "jsonb_build_object('merged_into', %(t)s) WHERE id = %(d)s", p)
    set_status(conn, "dimension", item["id"], "merged")
    return {"before": {"dimension_id": dim["id"], "slug": dim["slug"], "status": "pending"},
            "after": {"into_dimension_id": target["id"], "into": target["slug"]},
            "skill_links_moved": skills, "jd_links_moved": links, "catalog_version": p["v"]}


def find_pending_skill(conn: psycopg.Connection, item: Row) -> Row | None:
    """The queue item's skill (by id, else by canonical alias) when it is pending, locked."""
    cur = conn.cursor(row_factory=dict_row)
    skill = cur.execute("SELECT * FROM skill WHERE id = %s FOR UPDATE",
                        (item["skill_id"],)).fetchone() if item["skill_id"] else cur.execute(
        "SELECT s.* FROM skill s JOIN skill_alias a ON a.skill_id = s.id WHERE a.normalized = %s "
        "AND a.alias_type = 'canonical' AND s.status = 'pending' LIMIT 1 FOR UPDATE OF s",
        (item["normalized"],)).fetchone()
    return skill if skill is not None and skill["status"] == "pending" else None


def pending_skill(conn: psycopg.Connection, item: Row) -> Row:
    skill = find_pending_skill(conn, item)
    if skill is None:
        raise ReviewError(f"skill item {item['id']} has no pending skill; nothing changed")
    return skill


def lock_dimension(conn: psycopg.Connection, dimension_id: int) -> Row:
    dim = conn.cursor(row_factory=dict_row).execute(
        "SELECT * FROM dimension WHERE id = %s FOR UPDATE", (dimension_id,)).fetchone()
    if dim is None or dim["status"] != "pending":
        raise ReviewError(f"dimension {dimension_id} is not pending; nothing changed")
    return dim


def placement_dimension(conn: psycopg.Connection, skill: Row) -> int | None:
    """The active dimension the enrichment placed the skill in, following an approved
    dimension's old pending slug and a merged one's target."""
    slug = ((skill.get("enrichment") or {}).get("placement") or {}).get("dimension_slug")
    row = conn.execute(
        "SELECT coalesce(m.id, d.id) FROM dimension d LEFT JOIN dimension m ON m.id = "
        "(d.review_log->>'merged_into')::int WHERE (d.slug = %(s)s OR d.review_log->>"
        "'pending_slug' = %(s)s) AND coalesce(m.status, d.status) = 'active' LIMIT 1",
        {"s": slug}).fetchone() if slug else None
    return row[0] if row else None


def active_target(conn: psycopg.Connection, table: str, ref: str) -> Row:
    row = conn.cursor(row_factory=dict_row).execute(
        f"SELECT id, slug, status FROM {table} WHERE slug = %s OR id = %s ORDER BY slug = %s DESC "
        "LIMIT 1", (ref, int(ref) if ref.isdigit() else -1, ref)).fetchone()
    if row is None or row["status"] != "active":
        state = f"is {row['status']}" if row else "does not exist"
        raise ReviewError(f"{table} {ref!r} {state}; merge into an active {table}")
    return row


def close_skill_items(conn: psycopg.Connection, item: Row, status: str) -> list[int]:
    return sorted(r[0] for r in conn.execute(
        "UPDATE review_new_skill SET status = %s WHERE normalized = %s AND status = 'pending' "
        "RETURNING id", (status, item["normalized"])))


def set_status(conn: psycopg.Connection, kind: str, item_id: int, status: str) -> None:
    conn.execute(f"UPDATE {KINDS[kind]} SET status = %s WHERE id = %s", (status, item_id))


def add_alias(conn: psycopg.Connection, skill_id: int, alias: str, norm: str) -> bool:
    return conn.execute(
        "INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type, "
        "match_strategy, source) VALUES (%s, %s, %s, %s, 'synonym', 'exact', 'review') "
        "ON CONFLICT (skill_id, normalized) DO NOTHING",
        (skill_id, alias[:300], norm[:300], squash_alias(alias)[:300])).rowcount > 0


def add_role_alias(conn: psycopg.Connection, role_id: int, title: str, norm: str) -> bool:
    return conn.execute("INSERT INTO role_alias (role_id, title, normalized, source) VALUES "
                        "(%s, %s, %s, 'review') ON CONFLICT (role_id, normalized) DO NOTHING",
                        (role_id, title[:300], norm[:300])).rowcount > 0


def free_slug(conn: psycopg.Connection, table: str, base: str) -> str:
    base, n = base[:190], 1
    while conn.execute(f"SELECT 1 FROM {table} WHERE slug = %s",
                       (slug := base if n == 1 else f"{base}-{n}",)).fetchone():
        n += 1
    return slug


def new_version(conn: psycopg.Connection, description: str) -> int:
    return scalar(conn, "INSERT INTO catalog_version (source, description, counts) VALUES "
                  "('review', %s, '{}') RETURNING id", (f"review: {description}"[:1000],))


def scalar(conn: psycopg.Connection, sql: str, params: Any) -> Any:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


