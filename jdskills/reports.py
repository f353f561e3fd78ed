"""Stored runs and JDs as plain dicts (for `jdskills report` and the run artifacts)."""

from __future__ import annotations

from typing import Any

import psycopg


class NotFoundError(LookupError):
    """No run or JD with that id."""


def run_report(conn: psycopg.Connection, run_id: str | None = None) -> dict[str, Any]:
    sql = ("SELECT run_id, flow_run_id, flow_name, parameters, status, started_at, finished_at, "
           "counts, jd_ids, stage_seconds, data_quality, llm_calls, cache_hits, tokens_in, "
           "tokens_out, cost_usd, error FROM pipeline_run ")
    row = (conn.execute(sql + "WHERE run_id = %s", (run_id,)) if run_id
           else conn.execute(sql + "ORDER BY started_at DESC LIMIT 1")).fetchone()
    if row is None:
        raise NotFoundError(f"no run {run_id}" if run_id else "no run recorded yet")
    keys = ["run_id", "flow_run_id", "flow_name", "parameters", "status", "started_at",
            "finished_at", "counts", "jd_ids", "stage_seconds", "data_quality", "llm_calls",
            "cache_hits", "tokens_in", "tokens_out", "cost_usd", "error"]
    out = dict(zip(keys, row, strict=True))
    out["started_at"] = out["started_at"].isoformat()
    out["finished_at"] = out["finished_at"].isoformat() if out["finished_at"] else None
    return out


def jd_report(conn: psycopg.Connection, jd_id: str) -> dict[str, Any]:
    jd = conn.execute(
        "SELECT jd_id, external_id, source_uri, title, company, status, reason, last_run_id "
        "FROM job_description WHERE jd_id = %s OR (length(%s) < 64 AND jd_id LIKE %s || '%%') "
        "ORDER BY jd_id LIMIT 2", (jd_id, jd_id, jd_id)).fetchall()
    if len(jd) != 1:
        raise NotFoundError(f"no JD {jd_id}" if not jd else f"JD id prefix {jd_id} is ambiguous")
    (jid, ext, uri, title, company, status, reason, run) = jd[0]
    out: dict[str, Any] = {"jd_id": jid, "external_id": ext, "source_uri": uri, "title": title,
                           "company": company, "status": status, "reason": reason,
                           "last_run_id": run}
    p = conn.execute(
        "SELECT role_title, ctc_min, ctc_max, ctc_currency, ctc_period, ctc_raw, exp_min, "
        "exp_max, exp_raw, jd_type, reject_reason, education, certifications, domain "
        "FROM jd_parse WHERE jd_id = %s", (jid,)).fetchone()
    if p:
        out["parsed_title"] = p[0]
        out["ctc"] = {"min": p[1], "max": p[2], "currency": p[3], "period": p[4], "raw": p[5]}
        out["experience"] = {"min": p[6], "max": p[7], "raw": p[8]}
        out["jd_type"], out["reject_reason"] = p[9], p[10]
        out["education"], out["certifications"], out["domain"] = p[11], p[12], p[13]
    else:
        out["ctc"] = out["experience"] = None
    out["locations"] = [dict(zip(("city", "state", "country", "work_mode"), r, strict=True))
                        for r in conn.execute("SELECT city, state, country, work_mode FROM "
                                              "jd_location WHERE jd_id = %s ORDER BY id", (jid,))]
    out["skills"] = [
        {"name": name or term, "input_term": term, "skill_id": sid, "is_primary": prim,
         "tag": tag, "matched_via": via, "score": score, "evidence": ev}
        for name, term, sid, prim, tag, via, score, ev in conn.execute(
            "SELECT s.name, js.input_term, js.skill_id, js.is_primary, js.tag, js.matched_via, "
            "js.match_score, js.evidence FROM jd_skill js LEFT JOIN skill s ON s.id = js.skill_id "
            "WHERE js.jd_id = %s ORDER BY js.is_primary DESC, js.id", (jid,))]
    d = conn.execute(
        "SELECT rd.decision_case, rd.confidence, rd.signals, rd.rationale, r.slug, r.name "
        "FROM role_decision rd LEFT JOIN role r ON r.id = rd.role_id WHERE rd.jd_id = %s",
        (jid,)).fetchone()
    out["case"], out["confidence"], out["signals"], out["rationale"] = (
        (d[0], d[1], d[2], d[3]) if d else (None, None, {}, None))
    out["role"] = {"slug": d[4], "name": d[5]} if d and d[4] else None
    out["links"] = [
        {"skill": skill, "dimension": slug, "dimension_name": dname, "via": via,
         "dimension_status": dstatus}
        for skill, slug, dname, via, dstatus in conn.execute(
            "SELECT coalesce(s.name, js.input_term), d.slug, d.name, l.via, d.status "
            "FROM jd_dimension_link l JOIN jd_skill js ON js.id = l.jd_skill_id "
            "JOIN dimension d ON d.id = l.dimension_id LEFT JOIN skill s ON s.id = js.skill_id "
            "WHERE l.jd_id = %s ORDER BY 1, 2", (jid,))]
    summary = conn.execute("SELECT nature_of_work, tech_maturity, ai_index, ai_flags, clusters "
                           "FROM jd_summary WHERE jd_id = %s", (jid,)).fetchone()
    out["summary"] = dict(zip(("nature_of_work", "tech_maturity", "ai_index", "ai_flags",
                               "clusters"), summary, strict=True)) if summary else None
    q = conn.execute("SELECT stage, reason, expectation, status FROM quarantine WHERE jd_id = %s "
                     "ORDER BY id DESC LIMIT 1", (jid,)).fetchone()
    out["quarantine"] = dict(zip(("stage", "reason", "expectation", "status"), q, strict=True)
                             ) if q else None
    return out
