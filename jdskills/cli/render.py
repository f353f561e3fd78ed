"""Rich renderings of a run summary and a per-JD report (in the spirit of the seed's run page)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def render_run(console: Console, run: dict[str, Any]) -> None:
    c = run.get("counts", run)
    t = Table(title=f"run {run.get('run_id', '')}", show_header=False, title_justify="left")
    for key in ("jds_in", "processed", "rejected", "quarantined", "skipped", "skills_found",
                "new_skills", "new_dimensions", "new_aliases", "links", "seconds"):
        if key in c:
            t.add_row(key.replace("_", " "), f"{c[key]:,}" if isinstance(c[key], int)
                      else str(c[key]))
    t.add_row("decisions", "  ".join(f"{k}: {v}" for k, v in c.get("decisions", {}).items()))
    t.add_row("queue entries", "  ".join(f"{k}: {v}" for k, v in
                                         c.get("queue_entries", {}).items()) or "none")
    llm = {k: run.get(k, c.get(k)) for k in ("llm_calls", "cache_hits", "tokens_in",
                                             "tokens_out", "cost_usd")}
    if llm["llm_calls"]:
        t.add_row("llm calls", f"{llm['llm_calls']:,} ({llm['cache_hits']:,} cache hits)  "
                  + "  ".join(f"{stage}: {v['calls']}" for stage, v in
                              (c.get("llm_by_stage") or {}).items()))
        t.add_row("llm tokens", f"in {llm['tokens_in']:,}  out {llm['tokens_out']:,}")
        t.add_row("llm cost", f"${llm['cost_usd']:.6f}")
    for suite, q in (run.get("data_quality") or {}).items():
        if not isinstance(q, dict):  # a live run's summary: "failed/evaluated" strings
            t.add_row(f"dq {suite}", str(q))
            continue
        worst = max((q.get("failures") or {}).items(), key=lambda kv: kv[1]["failing_count"],
                    default=None)
        note = f"  worst: {worst[0]} ({worst[1]['failing_count']} rows)" if worst else ""
        t.add_row(f"dq {suite}", f"{q['failed']}/{q['evaluated']} JDs failed{note}")
    if run.get("stage_seconds"):
        t.add_row("stage seconds", "  ".join(f"{k} {v:.2f}" for k, v in
                                             run["stage_seconds"].items()))
    console.print(t)


def render_jd(console: Console, jd: dict[str, Any]) -> None:
    console.rule(f"JD {jd['jd_id'][:16]}  {jd.get('title') or ''}")
    role = jd.get("role") or {}
    console.print(f"status: {jd['status']}  {jd.get('reason') or ''}", highlight=False)
    console.print(f"role: [bold]{role.get('name', '—')}[/] ({role.get('slug', 'none')}), "
                  f"case {jd.get('case')}, confidence {jd.get('confidence') or 0:.2f}",
                  highlight=False)
    if jd.get("rationale"):
        console.print(f"rationale: {jd['rationale']}", highlight=False)
    ctc, exp = jd.get("ctc") or {}, jd.get("experience") or {}
    console.print(f"ctc: {ctc.get('min')}–{ctc.get('max')} {ctc.get('currency') or ''} per "
                  f"{ctc.get('period') or '?'}   experience: {exp.get('min')}–{exp.get('max')} y",
                  highlight=False)
    for loc in jd.get("locations", []):
        console.print("location: " + ", ".join(str(v) for v in loc.values() if v),
                      highlight=False)
    skills = Table("skill", "tag", "primary", "via", "score", title="skills", title_justify="left")
    for s in jd.get("skills", []):
        skills.add_row(s["name"], s["tag"], "yes" if s["is_primary"] else "",
                       s["matched_via"], f"{s['score']:.0f}" if s.get("score") else "")
    console.print(skills)
    signals = Table("signal", "top roles", title="role signals", title_justify="left")
    for name, hits in (jd.get("signals") or {}).items():
        signals.add_row(name, "  ".join(f"{h['slug']} {h['score']:.2f}" for h in hits[:3]))
    console.print(signals)
    links = Table("skill", "dimension", "via", "status", title="links", title_justify="left")
    for lk in jd.get("links", []):
        links.add_row(lk["skill"], lk["dimension_name"], lk["via"], lk["dimension_status"])
    console.print(links)
    if jd.get("summary"):
        s = jd["summary"]
        console.print(f"nature of work: {(s.get('nature_of_work') or {}).get('label')}   "
                      f"tech maturity: {(s.get('tech_maturity') or {}).get('label')}   "
                      f"AI index: {s.get('ai_index')}", highlight=False)
