"""Flow ``ingest_batch``: one batch file, glob or folder through every stage into Postgres."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from prefect import flow, runtime, task
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from jdskills.ingest import IngestIncompleteError, StorageReadError
from jdskills.pipeline.artifacts import RunProgress, publish_run_artifacts, publish_run_summary
from jdskills.pipeline.catalog_snapshot import current_version, pinned_version
from jdskills.pipeline.quality import ChunkGates, publish_quality_artifacts
from jdskills.pipeline.run_record import finish_run, start_run
from jdskills.pipeline.runners import (
    OrderedWrites,
    Prefetch,
    chunked,
    prefetch,
    results_in_order,
    settings_task_runner,
    stage,
    warm_catalog_snapshot,
)
from jdskills.pipeline.state import Enrichment, JDState, drop_mentions
from jdskills.pipeline.tally import RunTally
from jdskills.records import JDRecord
from jdskills.settings import SAMPLE_BATCH_URI, get_settings
from tasks.classify import classify_roles
from tasks.enrich import enrich_new_skills
from tasks.extract import extract_skills
from tasks.ingest import ingest_file, jds_in, mark_file_done, plan_files
from tasks.link import RoleLearning, link_dimensions
from tasks.match import match_skills
from tasks.parse import parse_jds
from tasks.persist import persist_batch, persist_rejected_inputs
from tasks.summarize import summarize_jds


@flow(name="ingest_batch", log_prints=False, task_runner=settings_task_runner())
def ingest_batch(uri: str = SAMPLE_BATCH_URI, chunk_size: int | None = None) -> dict[str, Any]:
    """Ingest one batch (a file, a glob or a folder; local, s3:// or gs://)."""
    size = chunk_size or get_settings().chunk_size
    run_id = start_run("ingest_batch", {"uri": uri, "chunk_size": size}, _flow_run_id())
    tally = RunTally()
    # chunk n+1 is analysed while chunk n is written; the new skills enriched so far in the
    # run go to the next chunks, so none is enriched twice though not written yet
    writes = OrderedWrites(persist_batch, background=True)
    known: dict[str, Enrichment] = {}
    ahead: Prefetch | None = None
    try:
        version = current_version()
        plan = tally.timed("ingest", plan_files, uri)
        tally.add_skipped_files(plan.jds_in_done_files, len(plan.done_before))
        progress = RunProgress(len(plan.to_read))
        unread: list[str] = []
        if plan.to_read:  # read the first file in a forked process while the catalog loads
            ahead = prefetch(ingest_file, run_id, plan.to_read[0])
            if ahead is not None:
                tally.timed("catalog", warm_catalog_snapshot)
        for i, f in enumerate(plan.to_read):
            try:
                got = tally.timed("ingest", ingest_file, run_id, f,
                                  quote(ahead) if i == 0 else None)
            except StorageReadError as e:  # after the task's retries: not done, next run
                unread.append(str(e))
                continue
            tally.add_ingest(len(got.records), len(got.rejected), got.skipped_ids, got.duplicates)
            tally.timed("persist", persist_rejected_inputs, run_id, got.rejected)
            chunks = chunked(got.records, size)
            for n, chunk in enumerate(results_in_order(analyse_chunk, chunks, run_id=run_id,
                                                       known=quote(known), version=version,
                                                       prepare_workers=warm_catalog_snapshot), 1):
                known.update(chunk.enrichments)
                persist_chunk(run_id, chunk, version, tally, writes,
                              then=partial(progress.chunk_done, i, n, len(chunks)))
            writes.wait()
            mark_file_done(got.file.fingerprint, jds_in(got))
        progress.finish()
        if unread:
            raise IngestIncompleteError(unread)
    except BaseException as e:
        with contextlib.suppress(BaseException):  # the first error is the one reported
            if ahead is not None:
                ahead.close()
            writes.wait()  # a chunk already written counts in the run record
        record = finish_run(run_id, tally.summary(), tally.jd_ids, dict(tally.stage_seconds),
                            error=f"{type(e).__name__}: {e}", data_quality=tally.quality)
        publish_quality_artifacts(tally.quality)
        publish_run_summary({"run_id": run_id, **record}, dict(tally.stage_seconds))
        raise
    record = finish_run(run_id, tally.summary(), tally.jd_ids, dict(tally.stage_seconds),
                        data_quality=tally.quality)
    publish_quality_artifacts(tally.quality)
    result = {"run_id": run_id, **record, "jd_ids": tally.jd_ids}
    publish_run_artifacts(result, dict(tally.stage_seconds))
    return result


@dataclass
class AnalysedChunk:
    batch: list[JDState]
    enrichments: dict[str, Enrichment]
    learning: RoleLearning
    stage_seconds: dict[str, float]
    quality: list[dict[str, Any]]


@task(name="analyse-chunk", cache_policy=NONE)
def analyse_chunk(records: list[JDRecord], run_id: str | None = None,
                  known: dict[str, Enrichment] | None = None,
                  version: int | None = None) -> AnalysedChunk:
    """Stages 1–7 for one chunk, in order, with a data-quality gate after each boundary
    (on a Dask worker when the run has a cluster), against the catalog ``version`` the run
    started with when given."""
    if version is None:
        return _analyse(records, run_id, known)
    with pinned_version(version):
        return _analyse(records, run_id, known)


def _analyse(records: list[JDRecord], run_id: str | None,
             known: dict[str, Enrichment] | None) -> AnalysedChunk:
    timer = RunTally()
    gates = ChunkGates(expected_jds=len(records))

    def gate(boundary: str, batch: list[JDState]) -> list[JDState]:
        return timer.timed("quality", gates.check, boundary, batch)

    batch = gate("ingest", [JDState(record=r) for r in records])
    batch = gate("parse", timer.timed("parse", stage(parse_jds), quote(batch), run_id))
    batch = gate("extract", timer.timed("extract", stage(extract_skills), quote(batch)))
    batch = gate("match", timer.timed("match", stage(match_skills), quote(batch), run_id))
    batch = gate("classify", timer.timed("classify", stage(classify_roles), quote(batch),
                                         run_id))
    batch, enrichments = timer.timed("enrich", stage(enrich_new_skills), quote(batch), run_id,
                                     quote(known))
    batch, learning = timer.timed("link", stage(link_dimensions), quote(batch),
                                  quote(enrichments))
    batch = gate("link", batch)
    batch = gate("persist", timer.timed("summarize", stage(summarize_jds), quote(batch),
                                        quote(enrichments), run_id))
    return AnalysedChunk(drop_mentions(batch), enrichments, learning,
                         dict(timer.stage_seconds), gates.results)


def persist_chunk(run_id: str, chunk: AnalysedChunk, version: int, tally: RunTally,
                  writes: OrderedWrites | None = None,
                  then: Callable[[], Any] | None = None) -> None:
    """Stage 8 for one analysed chunk, in chunk order: through ``writes`` (in the background
    while the next chunk is analysed) or inline; the rows written go into the tally."""
    tally.stage_seconds.update(chunk.stage_seconds)  # type: ignore[arg-type]
    tally.add_quality(chunk.quality)

    def written(counts: dict[str, int], seconds: float) -> None:
        tally.stage_seconds["persist"] += seconds
        tally.add_chunk(counts, [s.jd_id for s in chunk.batch])
        if then is not None:
            then()

    (writes or OrderedWrites(persist_batch, background=False)).submit(
        run_id, quote(chunk.batch), quote(chunk.enrichments), quote(chunk.learning), version,
        on_done=written)


def _flow_run_id() -> str | None:
    value = runtime.flow_run.id
    return str(value) if value else None
