"""SQL for the persist stage. Every function takes the caller's connection and writes inside
the caller's transaction; none commits."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import psycopg

from jdskills.models.catalog import SKILL_SOURCE
from jdskills.normalize import normalize_alias, slugify, squash_alias
from jdskills.pipeline.state import Enrichment, JDState
from jdskills.records import RejectedInput

NATURES = {"hard", "soft", "knowledge", "tool", "certification", "language"}
DERIVED = ("jd_parse", "jd_location", "jd_skill", "role_decision", "jd_summary")


def copy_rows(conn: psycopg.Connection, table: str, columns: Sequence[str],
              data: Iterable[Sequence[Any]]) -> int:
    n = 0
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in data:
            copy.write_row(row)
            n += 1
    return n


def upsert_jds(conn: psycopg.Connection, data: list[tuple[Any, ...]], run_id: str) -> None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS stg_jd (jd_id text, source_uri text, "
                 "external_id text, title text, company text, text text, posted_at timestamptz, "
                 "status text, reason text) ON COMMIT DELETE ROWS")
    copy_rows(conn, "stg_jd", ("jd_id", "source_uri", "external_id", "title", "company", "text",
                               "posted_at", "status", "reason"), data)
    conn.execute(
        """INSERT INTO job_description (jd_id, source_uri, external_id, title, company, text,
                                        posted_at, status, reason, first_run_id, last_run_id)
           SELECT jd_id, source_uri, external_id, title, company, text, posted_at, status,
                  reason, %(run)s, %(run)s FROM stg_jd
           ON CONFLICT (jd_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
             last_run_id = EXCLUDED.last_run_id""", {"run": run_id})


def delete_derived(conn: psycopg.Connection, ids: list[str]) -> None:
    for table in DERIVED:
        conn.execute(f"DELETE FROM {table} WHERE jd_id = ANY(%s)", (ids,))


def upsert_pending_skills(conn: psycopg.Connection, enrichments: dict[str, Enrichment],
                          counts: Counter[str]) -> dict[str, int]:
    """Pending skills for the batch's new skills (created once, ever); normalised → id."""
    if not enrichments:
        return {}
    found = dict(conn.execute(
        "SELECT a.normalized, s.id FROM skill s JOIN skill_alias a ON a.skill_id = s.id "
        "WHERE s.status IN ('pending', 'rejected') AND a.alias_type = 'canonical' "
        "AND a.normalized = ANY(%s)", (list(enrichments),)).fetchall())
    for norm, e in sorted(enrichments.items()):
        if norm in found:
            continue
        f = e.fields
        nature = f.get("nature") if f.get("nature") in NATURES else None
        source = e.source if e.source in SKILL_SOURCE else "offline"
        base, n = slugify(e.name), 1
        while True:
            slug = base if n == 1 else f"{base}-{n}"
            row = conn.execute(
                """INSERT INTO skill (slug, name, category, sub_category, nature, enrichment,
                                      status, source)
                   VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s)
                   ON CONFLICT (slug) DO NOTHING RETURNING id""",
                (slug, e.name[:300], _s(f.get("category")), _s(f.get("sub_category")), nature,
                 json.dumps({**f, "placement": e.placement.model_dump()}, default=str), source),
            ).fetchone()
            if row:
                break
            n += 1
        found[norm] = row[0]
        conn.execute(
            "INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type, "
            "match_strategy, source) VALUES (%s, %s, %s, %s, 'canonical', 'exact', 'pipeline')",
            (row[0], e.name[:300], norm, squash_alias(e.name)))
        counts["new_skills"] += 1
    return found


def upsert_pending_dimensions(conn: psycopg.Connection, enrichments: dict[str, Enrichment],
                              counts: Counter[str]) -> None:
    """The pending dimensions the batch's placements propose, and their review-queue rows.

    Two ``executemany`` calls (psycopg pipelines them: one round trip each, not two per
    placement); the statements still run one after the other, so placements sharing a slug
    merge their exemplars and count one occurrence each, as row by row."""
    data: list[tuple[Any, ...]] = []
    nearest: list[str] = []
    for e in enrichments.values():
        p = e.placement
        if p.reused:
            continue
        if not p.dimension_slug.startswith("pending/"):
            raise ValueError(f"pending placement {p.dimension_slug!r} outside pending/ namespace")
        extra = {**p.model_dump(), **(e.fields.get("proposed_dimension") or {})}
        data.append((
            p.dimension_slug, p.dimension_name[:300],
            extra.get("description") or f"Proposed dimension for skills such as {e.name}",
            extra.get("in_scope"), extra.get("out_of_scope"),
            json.dumps(sorted({e.name, *(extra.get("exemplars") or [])})),
            e.source if e.source in SKILL_SOURCE else "offline",
            json.dumps({"nearest": p.nearest, **(extra.get("review_log") or {})}, default=str)))
        nearest.append(json.dumps(p.nearest))
    if not data:
        return
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO dimension (slug, name, description, in_scope, out_of_scope,
                                      exemplars, status, source, review_log)
               VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s, %s)
               ON CONFLICT (slug) DO UPDATE SET exemplars = (
                 SELECT jsonb_agg(DISTINCT x) FROM jsonb_array_elements(
                   coalesce(dimension.exemplars, '[]') || EXCLUDED.exemplars) x)
               RETURNING id, (xmax = 0)""", data, returning=True)
        rows = [result.fetchone() for result in cur.results()]  # one per statement, in order
        ids = [row[0] for row in rows if row is not None]
        counts["new_dimensions"] += sum(1 for row in rows if row is not None and row[1])
        cur.executemany(
            """INSERT INTO review_new_dimension (dimension_id, nearest, occurrences, first_seen,
                                                 last_seen, example_jd_ids, status)
               VALUES (%s, %s, 1, now(), now(), '[]', 'pending')
               ON CONFLICT (dimension_id) DO UPDATE SET occurrences =
                 review_new_dimension.occurrences + 1, last_seen = now()""",
            list(zip(ids, nearest, strict=True)))


def link_pending_skills(conn: psycopg.Connection, enrichments: dict[str, Enrichment],
                        pending_ids: dict[str, int]) -> int:
    """skill_dimension rows (source placement) for the batch's pending skills."""
    data = [(pending_ids[n], e.placement.dimension_slug, max(0.0, min(1.0, e.placement.score)))
            for n, e in sorted(enrichments.items()) if n in pending_ids]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO skill_dimension (skill_id, dimension_id, weight, source) "
            "SELECT %s, id, %s, 'placement' FROM dimension WHERE slug = %s "
            "ON CONFLICT (skill_id, dimension_id) DO NOTHING",
            [(sid, w, slug) for sid, slug, w in data])
    return len(data)


def insert_links(conn: psycopg.Connection, live: list[JDState], version: int) -> int:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS stg_link (jd_id text, normalized text, "
                 "dimension_slug text, via text) ON COMMIT DELETE ROWS")
    copy_rows(conn, "stg_link", ("jd_id", "normalized", "dimension_slug", "via"),
              [(s.jd_id, lk.skill_normalized, lk.dimension_slug, lk.via)
               for s in live for lk in s.links])
    # jd_skill rows of the chunk's JDs only (uq_jd_skill leads with jd_id): joined to the whole
    # table, the planner hashed every jd_skill row ever written, once per chunk
    cur = conn.execute(
        """INSERT INTO jd_dimension_link (jd_id, jd_skill_id, dimension_id, via,
                                          catalog_version_id)
           SELECT l.jd_id, js.id, d.id, l.via, %s FROM stg_link l
           JOIN jd_skill js ON js.jd_id = l.jd_id AND js.normalized = l.normalized
           JOIN dimension d ON d.slug = l.dimension_slug
           WHERE js.jd_id = ANY(%s)
             AND ((d.status = 'active') OR (l.via = 'placement' AND d.slug LIKE 'pending/%%'))
           ON CONFLICT (jd_skill_id, dimension_id) DO NOTHING""",
        (version, [s.jd_id for s in live]))
    return cur.rowcount


def _upsert_queue(conn: psycopg.Connection, table: str, keys: Sequence[str],
                  data: list[dict[str, Any]]) -> int:
    if not data:
        return 0
    cols = [c for c in data[0] if c not in ("n", "examples")]
    sql = (f"INSERT INTO {table} ({', '.join(cols)}, occurrences, first_seen, last_seen, "
           f"example_jd_ids, status) VALUES ({', '.join('%(' + c + ')s' for c in cols)}, "
           f"%(n)s, now(), now(), %(examples)s, 'pending') ON CONFLICT ({', '.join(keys)}) "
           f"DO UPDATE SET occurrences = {table}.occurrences + EXCLUDED.occurrences, "
           f"last_seen = now(), example_jd_ids = (SELECT coalesce(jsonb_agg(x), '[]') FROM ("
           f"SELECT DISTINCT x FROM jsonb_array_elements({table}.example_jd_ids || "
           f"EXCLUDED.example_jd_ids) x LIMIT 5) t)")
    with conn.cursor() as cur:
        cur.executemany(sql, data)
    return len(data)


def queue_new_skills(conn: psycopg.Connection, live: list[JDState], pending_ids: dict[str, int],
                     counts: Counter[str]) -> None:
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for s in live:
        role_slug = s.decision.role_slug if s.decision and s.decision.role_slug else ""
        role_id = s.decision.role_id if s.decision else None
        for m in s.skills:
            if m.tag != "new":
                continue
            item = grouped.setdefault((m.normalized, role_slug), {
                "normalized": m.normalized, "name": m.input_term[:300],
                "skill_id": pending_ids.get(m.normalized), "role_id": role_id,
                "role_key": role_slug, "n": 0, "examples": []})
            item["n"] += 1
            if len(item["examples"]) < 5:
                item["examples"].append(s.jd_id)
    data = [{**v, "examples": json.dumps(v["examples"])} for v in grouped.values()]
    # a name a reviewer rejected is not queued again
    rejected = {r[0] for r in conn.execute(
        "SELECT DISTINCT normalized FROM review_new_skill WHERE status = 'rejected'")}
    data = [d for d in data if d["normalized"] not in rejected]
    counts["queue_new_skill"] += _upsert_queue(conn, "review_new_skill",
                                               ("normalized", "role_key"), data)


def queue_roles_and_collisions(conn: psycopg.Connection, live: list[JDState],
                               counts: Counter[str]) -> None:
    roles: dict[str, dict[str, Any]] = {}
    collisions: dict[tuple[str, int, int], dict[str, Any]] = {}
    for s in live:
        d = s.decision
        title = (s.parse.role if s.parse and s.parse.role else s.record.title) or ""
        norm = normalize_alias(title)
        if d is None or not norm:
            continue
        if d.case == "C":
            top = [h.model_dump() for hits in d.signals.values() for h in hits[:1]]
            item = roles.setdefault(norm, {"normalized_title": norm, "title": title[:300],
                                           "top_candidates": json.dumps(top), "n": 0,
                                           "examples": []})
            item["n"] += 1
            item["examples"].append(s.jd_id)
        elif d.title_alias_role_id is not None and d.role_id is not None:
            key = (norm, d.title_alias_role_id, d.role_id)
            item = collisions.setdefault(key, {
                "normalized_title": norm, "alias_role_id": d.title_alias_role_id,
                "decided_role_id": d.role_id, "n": 0, "examples": []})
            item["n"] += 1
            item["examples"].append(s.jd_id)
    fix = [{**v, "examples": json.dumps(v["examples"][:5])} for v in roles.values()]
    counts["queue_new_role"] += _upsert_queue(conn, "review_new_role", ("normalized_title",), fix)
    fix = [{**v, "examples": json.dumps(v["examples"][:5])} for v in collisions.values()]
    counts["queue_alias_collision"] += _upsert_queue(
        conn, "review_alias_collision",
        ("normalized_title", "alias_role_id", "decided_role_id"), fix)


def record_role_evidence(conn: psycopg.Connection, live: list[JDState],
                         counts: Counter[str]) -> None:
    hits: Counter[tuple[int, str]] = Counter()
    for s in live:
        if s.decision and s.decision.role_id is not None:
            for slug in s.role_dimension_slugs:
                hits[(s.decision.role_id, slug)] += 1
    with conn.cursor() as cur:
        cur.executemany(
            """UPDATE role_dimension rd SET evidence_count = rd.evidence_count + %s,
                 first_seen = coalesce(rd.first_seen, now()), last_seen = now()
               FROM dimension d WHERE d.id = rd.dimension_id AND rd.role_id = %s
               AND d.slug = %s""",
            [(n, role_id, slug) for (role_id, slug), n in sorted(hits.items())])
    counts["role_dimension_evidence"] += sum(hits.values())


def learn_roles(conn: psycopg.Connection, learning: Any, counts: Counter[str]) -> None:
    for role_id, total in sorted(learning.centroid_sums.items()):
        k = learning.centroid_counts[role_id]
        row = conn.execute("SELECT centroid, centroid_n FROM role WHERE id = %s FOR UPDATE",
                           (role_id,)).fetchone()
        if row is None:
            continue
        old = np.asarray(row[0] or np.zeros(len(total)), dtype=np.float64)
        n = int(row[1] or 0)
        new = (old * n + np.asarray(total)) / (n + k)
        conn.execute("UPDATE role SET centroid = %s, centroid_n = %s WHERE id = %s",
                     (new.tolist(), n + k, role_id))
        counts["centroid_updates"] += k
    data = [{"role_id": r, "statement": text, "normalized": normalize_alias(text)[:600],
             "n": 1, "examples": json.dumps([jd])} for r, text, jd in learning.statements]
    dedup = {(d["role_id"], d["normalized"]): d for d in data}
    counts["queue_responsibility"] += _upsert_queue(
        conn, "review_responsibility", ("role_id", "normalized"), list(dedup.values()))


def persist_aliases(conn: psycopg.Connection, live: list[JDState]) -> int:
    data = {(m.skill_id, m.normalized): m.input_term for s in live for m in s.skills
            if m.persist_alias and m.skill_id is not None}
    n = 0
    for (skill_id, norm), alias in sorted(data.items()):
        cur = conn.execute(
            "INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type, "
            "match_strategy, source) VALUES (%s, %s, %s, %s, 'synonym', 'exact', 'pipeline') "
            "ON CONFLICT (skill_id, normalized) DO NOTHING",
            (skill_id, alias[:300], norm, squash_alias(alias)))
        n += cur.rowcount
    return n


def quarantine_states(conn: psycopg.Connection, run_id: str, states: list[JDState]) -> int:
    return copy_rows(conn, "quarantine", (
        "jd_id", "source_uri", "source_ref", "run_id", "stage", "reason", "expectation",
        "details", "status"), [
        (s.jd_id, s.record.source_uri, s.record.source_ref, run_id, s.failed_stage or "unknown",
         s.reason or "", (s.failure or {}).get("expectation"),
         json.dumps(s.failure or {}, default=str), "open") for s in states])


def resolve_quarantine(conn: psycopg.Connection, ids: list[str]) -> None:
    conn.execute("UPDATE quarantine SET status = 'resolved', resolved_at = now() "
                 "WHERE status = 'open' AND jd_id = ANY(%s)", (ids,))


def quarantine_inputs(conn: psycopg.Connection, run_id: str,
                      rejected: list[RejectedInput]) -> int:
    return copy_rows(conn, "quarantine", (
        "source_uri", "source_ref", "run_id", "stage", "reason", "details", "status"), [
        (r.source_uri, r.source_ref, run_id, r.stage, r.reason,
         json.dumps(r.details, default=str), "open") for r in rejected])


def _s(value: Any) -> str | None:
    return str(value)[:200] if value else None
