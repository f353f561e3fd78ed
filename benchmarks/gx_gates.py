"""Cost of the seven data-quality gates on synthetic chunks shaped like real ones.

Usage: python benchmarks/gx_gates.py [--chunk 500] [--repeat 5] [--skills 20] [--bad 0.01]
Prints, per gate, the median wall/CPU milliseconds per chunk for a clean chunk, for a chunk
where a share ``--bad`` of the JDs fails each gate, for a clean chunk with the full
suites (``dq_full_suites``), and for one COMPLETE validation of the core suite (the
one-pass alternative); then the totals per chunk and per JD, and the import/setup cost.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

T0 = time.perf_counter()
import great_expectations  # noqa: E402,F401  (timed: the import is part of the cost)

IMPORT_S = time.perf_counter() - T0

from expectations.frames import FRAME_BUILDERS, GateContext  # noqa: E402
from expectations.gate import _runtime, run_gate  # noqa: E402
from expectations.suites import STAGES, get_suite  # noqa: E402
from jdskills.pipeline.state import Decision, JDState, Link, SkillMatch  # noqa: E402
from jdskills.records import CTC, Experience, ExtractedSkill, JDParse, JDRecord, Location  # noqa: E402
from jdskills.settings import get_settings  # noqa: E402

TEXT = "We are hiring a data engineer to build pipelines with Spark and SQL. " * 40


def make_jd(i: int, n_skills: int) -> JDState:
    record = JDRecord(jd_id=f"{i:064x}", source_uri="s3://bucket/jds.jsonl", text=TEXT)
    parse = JDParse(jd_id=record.jd_id, jd_type="pass",
                    ctc=CTC(min=10 + i % 7, max=20 + i % 7, currency="INR", period="year"),
                    experience=Experience(min=i % 5, max=i % 5 + 3),
                    job_locations=[Location(city="Pune", work_mode="hybrid"),
                                   Location(city="Remote", work_mode="remote")][: 1 + i % 2])
    extracted = [ExtractedSkill(name=f"Skill {k}", is_primary=k < 5, evidence="...",
                                skill_id=k if k % 4 else None) for k in range(n_skills)]
    skills = [SkillMatch(input_term=x.name, normalized=x.name.lower(), is_primary=x.is_primary,
                         evidence="...", tag="in_db" if x.skill_id else "new",
                         skill_id=x.skill_id, matched_via="exact" if x.skill_id else "new",
                         score=100.0 if x.skill_id else None) for x in extracted]
    links = [Link(skill_normalized=m.normalized,
                  dimension_slug=f"dim-{m.skill_id % 9}" if m.skill_id else "pending/new-dim",
                  via="catalog" if m.skill_id else "placement") for m in skills]
    decision = Decision(case="B", role_id=1 + i % 20, role_slug="r", role_name="R",
                        confidence=0.7, signals={}, rationale="vote")
    return JDState(record=record, parse=parse, extracted=extracted, skills=skills,
                   decision=decision, links=links)


def make_chunk(n: int, n_skills: int, bad: float) -> list[JDState]:
    """A chunk where, for each gate, a share ``bad`` of the JDs (distinct ones) fails it."""
    batch = [make_jd(i, n_skills) for i in range(n)]
    k = int(n * bad)
    for j, state in enumerate(batch[: 7 * k]):
        assert state.parse is not None and state.decision is not None
        fault = j // k
        if fault == 0:
            state.record.text = "   "
        elif fault == 1:
            state.parse.ctc.currency = "rupees"
        elif fault == 2:
            state.extracted[0].name = "see https://example.com/apply"
        elif fault == 3:
            state.skills[1].skill_id = 999_999
        elif fault == 4:
            state.decision.role_id = 999_999
        elif fault == 5:
            state.links[1] = Link(skill_normalized=state.links[1].skill_normalized,
                                  dimension_slug="pending/x", via="catalog")
        else:
            state.links.append(Link(skill_normalized="no such skill", dimension_slug="dim-1",
                                    via="catalog"))
    return batch


CONTEXT: dict[str, Any] = {
    "active_skill_ids": frozenset(range(1, 40_000)), "role_ids": frozenset(range(1, 300)),
    "dimension_status": {f"dim-{k}": "active" for k in range(9)}}


def time_gates(n: int, n_skills: int, bad: float, repeat: int,
               full: bool = False) -> dict[str, tuple[float, float]]:
    """Median (wall ms, CPU ms) per gate and chunk."""
    times: dict[str, list[tuple[float, float]]] = {stage: [] for stage in STAGES}
    settings = get_settings().model_copy(update={"dq_fail_threshold": 1.0,
                                                 "dq_full_suites": full})
    for _ in range(repeat):
        batch = make_chunk(n, n_skills, bad)
        for stage in STAGES:
            wall, cpu = time.perf_counter(), time.process_time()
            run_gate(stage, batch, settings=settings, expected_jds=n, **CONTEXT)
            times[stage].append((1000 * (time.perf_counter() - wall),
                                 1000 * (time.process_time() - cpu)))
    return {stage: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
            for stage, ts in times.items()}


def time_single_complete(n: int, n_skills: int, repeat: int) -> dict[str, tuple[float, float]]:
    """One validation of the core suite with COMPLETE (what the gate avoids on clean data)."""
    rt, out = _runtime(), {}  # the gate's own context (private: this is a benchmark)
    batch = make_chunk(n, n_skills, 0.0)
    params = {"max_jd_chars": 200_000, "max_skills_per_jd": 60, "expected_jds": n}
    fmt = {"result_format": "COMPLETE", "unexpected_index_column_names": ["jd_id"]}
    for stage in STAGES:
        frame = FRAME_BUILDERS[stage](batch, GateContext(expected_jds=n, **CONTEXT))
        ts = []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            gx_batch = rt.batch_definitions[stage].get_batch(batch_parameters={"dataframe": frame})
            gx_batch.validate(get_suite(stage), result_format=fmt, expectation_parameters=params)
            ts.append((1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)))
        out[stage] = (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunk", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skills", type=int, default=20, help="skills (and links) per JD")
    ap.add_argument("--bad", type=float, default=0.01, help="share of JDs failing each gate")
    args = ap.parse_args()

    started = time.perf_counter()
    _runtime()
    setup_s = time.perf_counter() - started
    time_gates(args.chunk, args.skills, 0.0, 1)  # warm up
    runs = {"clean": time_gates(args.chunk, args.skills, 0.0, args.repeat),
            f"{args.bad:.0%} bad": time_gates(args.chunk, args.skills, args.bad, args.repeat),
            "clean full": time_gates(args.chunk, args.skills, 0.0, args.repeat, full=True)}
    runs["1x COMPLETE*"] = time_single_complete(args.chunk, args.skills, args.repeat)
    print(f"GX import {IMPORT_S:.2f} s, context setup {setup_s:.2f} s (once per process)")
    print(f"chunk: {args.chunk} JDs x {args.skills} skills/links; median of {args.repeat}; "
          "ms per chunk as wall/CPU (* GX only, frame built beforehand)")
    print(f"{'gate':9s}" + "".join(f"{name:>16s}" for name in runs))
    for stage in STAGES:
        cells = "".join(f"{r[stage][0]:9.1f}/{r[stage][1]:6.1f}" for r in runs.values())
        print(f"{stage:9s}{cells}")
    for name, r in runs.items():
        wall, cpu = sum(v[0] for v in r.values()), sum(v[1] for v in r.values())
        print(f"total {name:13s} {wall:7.1f} ms wall = {wall / args.chunk:.3f} ms/JD; "
              f"{cpu:7.1f} ms CPU = {cpu / args.chunk:.3f} ms/JD")


if __name__ == "__main__":
    main()
