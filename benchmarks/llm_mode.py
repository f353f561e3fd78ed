"""Benchmark the LLM backend against the local OpenAI-compatible test server.

Runs N sample JDs through the backend functions twice (cold, then warm from the cache) with
a simulated model latency, in a throwaway database on the configured (or managed local)
Postgres, and prints: sequential LLM round trips per JD, tokens per JD, cost per JD at the
list prices of two models, the cache hit rate of the second run and JDs/s.

Classification is simulated (every ``--case-b-every``-th JD is case B among three catalog
roles, described by their archetype as the classify stage does) and new skills are the
extracted names the shipped catalog has no alias for, each offered its three nearest catalog
dimensions by name and slug, as the enrich stage does. Prompt tokens are counted as the API
bills them (messages plus the JSON schema) with the model's own BPE encoding (bpe-openai,
offline); output tokens are those of the test model's answers, which follow the prompts'
rules (e.g. no evidence quote for a skill the JD names as written).

    .venv/bin/python benchmarks/llm_mode.py [--n 68] [--latency 0.4] [--concurrency 8]
        [--summarize] [--models gpt-4.1-nano,gpt-4.1-mini]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import multiprocessing
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the local server lives with the tests

from llm_server import LLMServer  # noqa: E402

from jdskills import db, migrate  # noqa: E402
from jdskills.ingest.text import content_hash  # noqa: E402
from jdskills.llm import backend  # noqa: E402
from jdskills.llm.inputs import DimensionCandidate, NewSkillInput, RoleCandidate  # noqa: E402
from jdskills.llm.store import list_price_usd  # noqa: E402
from jdskills.llm.tokens import tokenizer_name  # noqa: E402
from jdskills.normalize import normalize_alias  # noqa: E402
from jdskills.pipeline.state import Decision, JDState  # noqa: E402
from jdskills.records import JDRecord  # noqa: E402
from jdskills.settings import SAMPLE_BATCH_URI, Settings, get_settings  # noqa: E402

CATALOG = ROOT / "catalog" / "data"
CASE_B_ROLES = ("data-engineer", "ml-engineer", "backend-engineer")


def load_states(n: int) -> list[JDState]:
    rows = [json.loads(line) for line in Path(SAMPLE_BATCH_URI).read_text().splitlines()]
    return [JDState(record=JDRecord(jd_id=content_hash(r["text"]), source_uri=SAMPLE_BATCH_URI,
                                    title=r.get("title"), company=r.get("company"),
                                    text=r["text"])) for r in rows[:n]]


def catalog_aliases() -> set[str]:
    with gzip.open(CATALOG / "aliases.csv.gz", "rt", encoding="utf-8") as fh:
        return {row["normalized"] for row in csv.DictReader(fh)}


def dimensions() -> list[tuple[set[str], DimensionCandidate]]:
    with gzip.open(CATALOG / "dimensions.csv.gz", "rt", encoding="utf-8") as fh:
        return [(set(normalize_alias(r["name"]).split()),
                 DimensionCandidate(r["slug"], r["name"]))
                for r in csv.DictReader(fh)]


def nearest_dimensions(name: str, dims: list[tuple[set[str], DimensionCandidate]]
                       ) -> list[DimensionCandidate]:
    """The three dimensions sharing most name words with the skill (a stand-in for the
    offline placement scores the enrich task has)."""
    words = set(normalize_alias(name).split())
    return [d for _, d in sorted(dims, key=lambda wd: -len(words & wd[0]))[:3]]


def case_b_candidates(states: list[JDState], every: int) -> dict[str, list[RoleCandidate]]:
    roles = {r["slug"]: r for r in json.loads((CATALOG / "roles.json").read_text())}
    picked = [roles[s] for s in CASE_B_ROLES if s in roles]
    out: dict[str, list[RoleCandidate]] = {}
    for i, state in enumerate(s for s in states if s.active):
        if i % every:
            continue
        state.decision = Decision(case="B", role_id=1, role_slug=picked[0]["slug"],
                                  role_name=picked[0]["name"], confidence=0.4, signals={},
                                  rationale="simulated case B")
        out[state.jd_id] = [RoleCandidate(n + 1, r["slug"], r["name"], r.get("archetype"),
                                          {"skill": 0.4 - n / 10, "title": 0.3 + n / 10})
                            for n, r in enumerate(picked)]
    return out


def run(states: list[JDState], run_id: str, settings: Settings, args: argparse.Namespace,
        known: set[str], dims: list[tuple[set[str], DimensionCandidate]]) -> dict[str, Any]:
    started = time.perf_counter()
    backend.parse_extract_batch(states, run_id, settings=settings)
    candidates = case_b_candidates(states, args.case_b_every)
    backend.adjudicate_batch(states, candidates, run_id, settings=settings)
    new: dict[str, NewSkillInput] = {}
    for state in states:
        for s in state.extracted if state.active else []:
            key = normalize_alias(s.name)
            if key not in known and key not in new:
                new[key] = NewSkillInput(key, s.name, (s.evidence,))
    backend.enrich_batch(list(new.values()), {k: nearest_dimensions(v.name, dims)
                                      for k, v in new.items()}, run_id, settings=settings)
    if args.summarize:
        backend.summarize_batch(states, run_id, settings=settings)
    return {"seconds": time.perf_counter() - started, "case_b": len(candidates),
            "new_skills": len(new), "summarize": args.summarize}


def calls(url: str, run_id: str) -> list[dict[str, Any]]:
    with psycopg.connect(url) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute("SELECT * FROM llm_call WHERE run_id = %s", (run_id,)).fetchall()


def report(rows: list[dict[str, Any]], n: int, info: dict[str, Any], s: Settings,
           models: list[str]) -> None:
    by_stage = Counter(r["stage"] for r in rows)
    hits = sum(r["cache_hit"] for r in rows)
    tin, tout = sum(r["tokens_in"] for r in rows), sum(r["tokens_out"] for r in rows)
    print(f"  JDs/s: {n / info['seconds']:.1f} (wall {info['seconds']:.2f}s); calls "
          f"{dict(by_stage)}; cache hits {hits}/{len(rows)} "
          f"({100 * hits / max(len(rows), 1):.0f}%)")
    per_jd = 1 + info["case_b"] / n + (1 if info["summarize"] else 0)
    print(f"  sequential round trips per JD: parse+extract 1, adjudication 1 for case B "
          f"({info['case_b']}/{n} JDs){', summary 1' if info['summarize'] else ''} → mean "
          f"{per_jd:.2f}, max {2 + int(info['summarize'])}; enrichment: {info['new_skills']} "
          "distinct new skills, one call each, shared by every JD that names them")
    for stage in sorted(by_stage):
        sr = [r for r in rows if r["stage"] == stage and not r["cache_hit"]]
        if sr:
            print(f"    {stage:14s} per call: in {sum(r['tokens_in'] for r in sr) / len(sr):6.0f}"
                  f"  out {sum(r['tokens_out'] for r in sr) / len(sr):5.0f}")
    pe = [r for r in rows if r["stage"] == "parse_extract"]
    pe_in, pe_out = sum(r["tokens_in"] for r in pe), sum(r["tokens_out"] for r in pe)
    print(f"  tokens per JD (all stages): {(tin + tout) / n:.0f} (prompt {tin / n:.0f}, output "
          f"{tout / n:.0f}); parse+extract alone: {(pe_in + pe_out) / n:.0f}")
    print(f"  cost per JD as configured ({s.llm_model_small} small / {s.llm_model_strong} "
          f"strong): ${sum(r['cost_usd'] for r in rows) / n:.6f}")
    for model in models:
        every = list_price_usd(s.llm_prices, model, tin, tout) or 0.0
        parse = list_price_usd(s.llm_prices, model, pe_in, pe_out) or 0.0
        print(f"  cost per JD, every call on {model}: ${every / n:.6f} "
              f"(parse+extract ${parse / n:.6f})")


def serve(latency_s: float, pipe: Any) -> None:
    """The test server in its own process, so its CPU work does not compete with the
    client for this process's GIL (a real API server is remote)."""
    server = LLMServer(latency_s=latency_s).start()
    pipe.send(server.url)
    threading.Event().wait()


def http_requests(url: str) -> int:
    with urllib.request.urlopen(url + "/_stats") as response:
        return int(json.load(response)["counts"].get("chat", 0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=68)
    ap.add_argument("--latency", type=float, default=0.4, help="simulated seconds per call")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--case-b-every", type=int, default=4)
    ap.add_argument("--summarize", action="store_true")
    ap.add_argument("--models", default="gpt-4.1-nano,gpt-4.1-mini")
    args = ap.parse_args()
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    child = ctx.Process(target=serve, args=(args.latency, there), daemon=True)
    child.start()
    server_url = here.recv()
    base = db.libpq_url(get_settings())
    name = f"jdskills_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        migrate.upgrade(url=url)
        s = Settings(openai_api_key="sk-bench-local", openai_base_url=server_url,
                     database_url=url, llm_concurrency=args.concurrency)
        known, dims = catalog_aliases(), dimensions()
        print(f"LLM mode: {args.n} sample JDs, simulated latency {args.latency}s/call, "
              f"concurrency {args.concurrency}; tokenizers: " + ", ".join(
                  f"{m} {tokenizer_name(m)}" for m in dict.fromkeys(
                      [s.llm_model_small, s.llm_model_strong, *args.models.split(",")])))
        for label, run_id in (("cold run", "bench-cold"), ("warm run (re-run)", "bench-warm")):
            before = http_requests(server_url)
            info = run(load_states(args.n), run_id, s, args, known, dims)
            print(f"{label}: {http_requests(server_url) - before} HTTP requests")
            report(calls(url, run_id), args.n, info, s, args.models.split(","))
    finally:
        child.terminate()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
