"""Counting what a run did, as it goes (JD outcomes, rows per table, seconds per stage)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class RunTally:
    started: float = field(default_factory=time.perf_counter)
    counts: Counter[str] = field(default_factory=Counter)
    stage_seconds: Counter[str] = field(default_factory=Counter)
    jd_ids: list[str] = field(default_factory=list)
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)

    def timed(self, stage: str, fn: Callable[..., T], *args: Any) -> T:
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.stage_seconds[stage] += time.perf_counter() - t0

    def add_skipped_files(self, jds: int, files: int) -> None:
        self.counts["skipped"] += jds
        self.counts["files_skipped"] += files

    def add_ingest(self, records: int, rejected: int, skipped_ids: list[str],
                   duplicates: int) -> None:
        self.counts["files_read"] += 1
        self.counts["quarantined"] += rejected
        self.counts["skipped"] += len(skipped_ids) + duplicates
        self.counts["duplicates_in_batch"] += duplicates
        self.counts["records"] += records

    def add_quality(self, results: list[dict[str, Any]]) -> None:
        from jdskills.pipeline.quality import merge_gate_results

        merge_gate_results(self.quality, results)

    def add_chunk(self, persisted: dict[str, int], jd_ids: list[str]) -> None:
        self.counts.update(persisted)
        self.jd_ids.extend(jd_ids)

    def summary(self) -> dict[str, Any]:
        c = self.counts
        outcome = {k: c.get(k, 0) for k in ("processed", "rejected", "quarantined", "skipped")}
        return {
            "jds_in": sum(outcome.values()), **outcome,
            "new_skills": c.get("new_skills", 0),
            "decisions": {k: c.get(f"case_{k}", 0) for k in "ABC"},
            "skills_found": c.get("jd_skill", 0),
            "links": c.get("jd_dimension_link", 0),
            "new_dimensions": c.get("new_dimensions", 0),
            "new_aliases": c.get("new_aliases", 0),
            "queue_entries": {k.removeprefix("queue_"): v for k, v in sorted(c.items())
                              if k.startswith("queue_")},
            "files": {"read": c.get("files_read", 0), "skipped": c.get("files_skipped", 0)},
            "data_quality": {suite: f"{q['failed']}/{q['evaluated']} failed"
                             for suite, q in self.quality.items()},
            "seconds": round(time.perf_counter() - self.started, 3),
        }
