"""The data-quality gates as the flow uses them: one GX suite per stage boundary on each
chunk, results kept per suite for the run record and the run's artifacts."""

from __future__ import annotations

from typing import Any

from expectations.frames import catalog_context
from expectations.gate import run_gate
from jdskills.offline.lookup import snapshot_cached
from jdskills.pipeline.catalog_snapshot import get_snapshot
from jdskills.pipeline.state import JDState


class ChunkGates:
    """Runs the gates for one chunk and remembers what each suite found."""

    def __init__(self, expected_jds: int) -> None:
        self.expected_jds = expected_jds
        self.results: list[dict[str, Any]] = []
        self._catalog: dict[str, Any] | None = None

    def check(self, stage: str, batch: list[JDState]) -> list[JDState]:
        context: dict[str, Any] = {}
        if stage in ("match", "classify", "link"):
            if self._catalog is None:
                self._catalog = snapshot_cached(get_snapshot(), "gate-context", catalog_context)
            context = self._catalog
        elif stage == "persist":
            context = {"expected_jds": self.expected_jds}
        result = run_gate(stage, batch, **context)
        self.results.append(result.model_dump(exclude={"failed_jds"})
                            | {"failed": len(result.failed_jds)})
        return batch


def merge_gate_results(into: dict[str, dict[str, Any]], results: list[dict[str, Any]]) -> None:
    """Add a chunk's gate results to the run's per-suite totals."""
    for r in results:
        suite = into.setdefault(r["suite"], {"stage": r["stage"], "evaluated": 0, "failed": 0,
                                             "seconds": 0.0, "failures": {}})
        suite["evaluated"] += r["evaluated"]
        suite["failed"] += r["failed"]
        suite["seconds"] = round(suite["seconds"] + r["seconds"], 4)
        for f in r["failures"]:
            agg = suite["failures"].setdefault(f["name"], {"failing_count": 0,
                                                           "sample_jd_ids": [],
                                                           "sample_values": []})
            agg["failing_count"] += f["failing_count"]
            agg["sample_jd_ids"] = (agg["sample_jd_ids"] + f["sample_jd_ids"])[:5]
            agg["sample_values"] = (agg["sample_values"] + f["sample_values"])[:5]


def publish_quality_artifacts(quality: dict[str, dict[str, Any]]) -> list[str]:
    """One Prefect table artifact per suite that failed rows in this run; returns the keys."""
    from prefect.artifacts import create_table_artifact

    from jdskills.pipeline.artifacts import artifact_key

    keys = []
    for suite, q in sorted(quality.items()):
        if not q["failures"]:
            continue
        key = artifact_key(f"dq-{suite}")
        create_table_artifact(
            key=key, description=f"{suite}: {q['failed']} of {q['evaluated']} JDs failed",
            table=[{"expectation": name, "failing_count": f["failing_count"],
                    "sample_jd_ids": ", ".join(i[:12] for i in f["sample_jd_ids"]),
                    "sample_values": str(f["sample_values"])[:300]}
                   for name, f in sorted(q["failures"].items())])
        keys.append(key)
    return keys
