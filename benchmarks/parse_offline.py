"""Benchmark the offline JD parser on the NHS 2020 corpus.

Prints throughput (JDs/s, single thread, HTML-to-text excluded), the reject rate and reasons,
and CTC agreement with the postings' structured ``baseSalary`` on ads whose description
mentions a £ amount.

    .venv/bin/python benchmarks/parse_offline.py [--limit N] [--repeat N] [--data PATH]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from inscriptis import get_text

from jdskills.offline import parse_jd
from jdskills.records import JDParse

DEFAULT_DATA = Path("/work/shared/eval-data/nhs-jobs-2020/nhs_jobs_2020.jsonl.gz")


def load(path: Path, limit: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(rows) >= limit:
                break
            doc = json.loads(line)
            doc["text"] = get_text(html.unescape(doc.get("description") or ""))
            rows.append(doc)
    return rows


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _stated(amount: int, text: str) -> bool:
    return f"{amount:,}" in text or str(amount) in text


def ctc_agreement(rows: list[dict[str, Any]], parses: list[JDParse]) -> dict[str, float]:
    """CTC against the structured ``baseSalary`` min/max, on ads whose text has a £ amount.

    ``exact_share``: our (min, max) equals theirs (an open "up to X" counts when they give
    X..X). Many ads state the salary only in the structured field and mention other £ amounts
    (fees, bonuses) in the text, so the same figures are also given on the ads whose text
    states both structured amounts (``stated_*``).
    """
    judged = exact = found = stated = stated_exact = stated_found = 0
    for doc, parsed in zip(rows, parses, strict=True):
        value = ((doc.get("baseSalary") or {}).get("value")) or {}
        lo, hi = _number(value.get("minValue")), _number(value.get("maxValue"))
        text = doc["text"]
        if "£" not in text or lo is None or hi is None:
            continue
        want = (int(lo), int(hi))
        in_text = _stated(want[0], text) and _stated(want[1], text)
        judged += 1
        stated += in_text
        ctc = parsed.ctc
        if ctc.currency is None:
            continue
        found += 1
        stated_found += in_text
        ours = (
            int(ctc.min) if ctc.min is not None else None,
            int(ctc.max) if ctc.max is not None else None,
        )
        open_ended = want[0] == want[1] and ours in ((None, want[1]), (want[0], None))
        if ours == want or open_ended:
            exact += 1
            stated_exact += in_text
    return {
        "judged": judged,
        "found_share": found / judged if judged else 0.0,
        "exact_share": exact / judged if judged else 0.0,
        "stated_in_text": stated,
        "stated_found_share": stated_found / stated if stated else 0.0,
        "stated_exact_share": stated_exact / stated if stated else 0.0,
    }


def _company(doc: dict[str, Any]) -> str | None:
    return (doc.get("hiringOrganization") or {}).get("name")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1, help="timed passes; the best is reported")
    args = ap.parse_args()
    rows = load(args.data, args.limit)
    chars = sum(len(r["text"]) for r in rows)
    elapsed = cpu = float("inf")
    parses: list[JDParse] = []
    for _ in range(args.repeat):  # best of N: the figure least disturbed by other processes
        t0, c0 = time.perf_counter(), time.process_time()
        parses = [parse_jd(r["fileid"], r["text"], r.get("title"), _company(r)) for r in rows]
        elapsed = min(elapsed, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    reasons = Counter(p.reject_reason for p in parses if p.jd_type == "reject")
    first = parses[:2000]
    first_rejects = sum(p.jd_type == "reject" for p in first)
    report = {
        "jds": len(rows),
        "mean_chars": round(chars / max(1, len(rows))),
        "seconds": round(elapsed, 3),
        "jds_per_second": round(len(rows) / elapsed, 1),
        "jds_per_cpu_second": round(len(rows) / cpu, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "reject_rate": round(sum(reasons.values()) / max(1, len(rows)), 4),
        "reject_rate_first_2000": round(first_rejects / max(1, len(first)), 4),
        "reject_reasons": dict(reasons),
        "ctc_vs_baseSalary": {k: round(v, 4) for k, v in ctc_agreement(rows, parses).items()},
        "with_ctc": sum(p.ctc.currency is not None for p in parses),
        "with_experience": sum(p.experience.raw is not None for p in parses),
        "with_location": sum(bool(p.job_locations) for p in parses),
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
