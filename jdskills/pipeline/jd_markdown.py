"""One JD as a Markdown page (a Prefect artifact), in the spirit of the seed's run page:
parsed fields, the role decision with its case and each signal's top roles, skills with
their tag and primary flag, dimension links, review-queue entries and LLM cost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SIGNAL_TOP = 3


def cell(value: Any, limit: int = 160) -> str:
    """A value fit for one Markdown table cell (no pipes or line breaks, bounded length)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, float):
        text = f"{value:.3g}"
    elif isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    else:
        text = str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], limit: int = 160) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v, limit) for v in row) + " |" for row in rows]
    return "\n".join(lines) if len(lines) > 2 else "_none_"


def _number(value: Any) -> str:
    return f"{value:,.10g}" if isinstance(value, int | float) else str(value)


def _range(part: Mapping[str, Any] | None, unit: str = "") -> str:
    """``{min, max, currency?, period?}`` as "35–45 USD per hour", "2+ years", "3 years"."""
    if not part or (part.get("min") is None and part.get("max") is None):
        return "—"
    lo, hi = part.get("min"), part.get("max")
    if hi is None:
        span = f"{_number(lo)}+"
    elif lo is None or lo == hi:
        span = f"{'up to ' if lo is None else ''}{_number(hi)}"
    else:
        span = f"{_number(lo)}–{_number(hi)}"
    period = f"per {part['period']}" if part.get("period") else None
    return " ".join(str(w) for w in (span, part.get("currency"), unit, period) if w)


def _parsed(jd: Mapping[str, Any]) -> str:
    rows = [
        ("JD type", jd.get("jd_type")), ("reject reason", jd.get("reject_reason")),
        ("role title", jd.get("parsed_title") or jd.get("title")), ("company", jd.get("company")),
        ("CTC", _range(jd.get("ctc"))), ("CTC as written", (jd.get("ctc") or {}).get("raw")),
        ("experience", _range(jd.get("experience"), "years")),
        ("locations", "; ".join(cell(loc) for loc in jd.get("locations") or [])),
        ("education", jd.get("education")),
        ("certifications", jd.get("certifications")), ("domain", jd.get("domain")),
    ]
    return table(("field", "value"), [r for r in rows if r[1] not in (None, "", [], {})])


def _decision(jd: Mapping[str, Any]) -> str:
    role = jd.get("role") or {}
    if jd.get("case") is None:
        return "_no role decision (the JD was not processed)_"
    chosen = f"{role.get('name')} (`{role.get('slug')}`)" if role else "no catalog role"
    head = (f"**Case {jd['case']}** → {chosen} · confidence "
            f"{float(jd.get('confidence') or 0):.2f}")
    rationale = f"\n\n> {cell(jd['rationale'], 600)}" if jd.get("rationale") else ""
    signals = table(
        ("signal", *(f"#{i + 1}" for i in range(SIGNAL_TOP))),
        [(name, *[f"{h.get('slug')} {float(h.get('score') or 0):.2f}" for h in hits[:SIGNAL_TOP]],
          *[""] * (SIGNAL_TOP - len(hits[:SIGNAL_TOP])))
         for name, hits in (jd.get("signals") or {}).items()])
    return f"{head}{rationale}\n\n**Signals — top roles**\n\n{signals}"


def _summary(jd: Mapping[str, Any]) -> str:
    s = jd.get("summary")
    if not s:
        return "_none_"
    nature, maturity = s.get("nature_of_work") or {}, s.get("tech_maturity") or {}
    flags = [k.replace("_", " ") for k, v in (s.get("ai_flags") or {}).items() if v is True]
    aspects = table(("aspect", "value"), [
        ("nature of work", f"{nature.get('label') or '—'} — {nature.get('summary') or ''}"),
        ("evidence", nature.get("evidence")),
        ("tech-stack maturity", f"{maturity.get('label') or '—'} — "
                                f"{maturity.get('reasoning') or ''}"),
        ("AI index (0–5)", f"{s.get('ai_index')} ({', '.join(flags) or 'no flags'})"),
    ], limit=400)
    clusters = table(("skill cluster (the role's dimensions)", "skills"), [
        (c.get("name") or c.get("dimension"), c.get("skills"))
        for c in s.get("clusters") or [] if isinstance(c, dict) and c.get("skills")], limit=600)
    return f"{aspects}\n\n{clusters}"


def render_jd_markdown(jd: Mapping[str, Any], queue: Sequence[Mapping[str, Any]],
                       cost: Mapping[str, Any]) -> str:
    """``jd`` is ``jdskills.reports.jd_report``; ``queue`` its review-queue entries; ``cost``
    the run's LLM usage (calls are logged per run, so the per-JD figure is the average)."""
    name = jd.get("external_id") or jd["jd_id"][:16]
    title = " · ".join(str(x) for x in (jd.get("title"), jd.get("company")) if x)
    skills = jd.get("skills") or []
    parts = [
        f"# JD {cell(name)}{' — ' + cell(title) if title else ''}",
        f"status **{jd['status']}**{' (' + cell(jd['reason']) + ')' if jd.get('reason') else ''}"
        f" · run `{jd.get('last_run_id')}` · source `{jd.get('source_uri')}` · "
        f"jd_id `{jd['jd_id']}`",
        "## Parsed fields", _parsed(jd),
        "## Role", _decision(jd),
        f"## Skills ({len(skills)}: {sum(1 for s in skills if s['tag'] == 'new')} new, "
        f"{sum(1 for s in skills if s['is_primary'])} primary)",
        table(("skill", "tag", "primary", "matched via", "score", "evidence"),
              [(s["name"], s["tag"], "primary" if s["is_primary"] else "secondary",
                s["matched_via"], s.get("score"), s.get("evidence")) for s in skills]),
        f"## Dimension links ({len(jd.get('links') or [])})",
        table(("skill", "dimension", "via", "dimension status"),
              [(lk["skill"], f"{lk['dimension_name']} ({lk['dimension']})", lk["via"],
                lk["dimension_status"]) for lk in jd.get("links") or []]),
        f"## Review queue entries ({len(queue)})",
        table(("queue", "item", "role", "occurrences", "status"),
              [(q["queue"], q["item"], q["role"], q["occurrences"], q["status"])
               for q in queue]),
        "## Summary", _summary(jd),
        "## Cost",
        table(("LLM calls (run)", "cache hits", "tokens in/out", "cost USD (run)",
               "cost USD per JD (average)"),
              [(cost.get("llm_calls", 0), cost.get("cache_hits", 0),
                f"{cost.get('tokens_in', 0)}/{cost.get('tokens_out', 0)}",
                f"{float(cost.get('cost_usd') or 0):.4f}",
                f"{float(cost.get('cost_usd_per_jd') or 0):.5f}")]),
    ]
    if jd.get("quarantine"):
        q = jd["quarantine"]
        parts += ["## Quarantine", table(("stage", "reason", "expectation", "status"),
                                         [(q["stage"], q["reason"], q["expectation"],
                                           q["status"])])]
    return "\n\n".join(parts) + "\n"
