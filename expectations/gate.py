"""Run a stage boundary's data-quality suite on a batch and quarantine the JDs that fail it.

One ephemeral GX context per process holds a pandas data source with one dataframe asset and
whole-dataframe batch definition per stage, and the suites; each call passes the stage's frame
through ``batch_parameters``. Validation runs in two passes to keep
the cost per chunk low: the whole suite with ``BOOLEAN_ONLY`` (a clean chunk stops there),
then only the failing expectations again with ``COMPLETE`` and
``unexpected_index_column_names=["jd_id", ...]`` so that every failing row names its JD.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.core.expectation_validation_result import ExpectationValidationResult
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations.errors import DataQualityThresholdError, GateExecutionError
from expectations.frames import FRAME_BUILDERS, GateContext, checked
from expectations.outcome import Failure, GateResult, collect_failures, label
from expectations.suites import STAGES, get_suite, suite_name
from jdskills.pipeline.state import JDState
from jdskills.settings import Settings, get_settings

log = logging.getLogger(__name__)

DATA_SOURCE = "jdskills_gates"
# Extra columns shown next to jd_id for a failing row (what the offending value refers to).
ROW_LABELS: dict[str, list[str]] = {"match": ["skill_id"], "classify": ["role_id"],
                                    "link": ["dimension_slug"]}


class _Runtime:
    """The process's ephemeral context: a pandas data source with one dataframe asset and
    whole-dataframe batch definition per stage; the suites are registered as first used."""

    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False)
        source = self.context.data_sources.add_pandas(name=DATA_SOURCE)
        self.batch_definitions: dict[str, BatchDefinition] = {
            stage: source.add_dataframe_asset(name=stage)
            .add_batch_definition_whole_dataframe(name=stage) for stage in STAGES}
        self._suites: dict[tuple[str, bool], gx.ExpectationSuite] = {}
        self.lock = threading.Lock()

    def suite(self, stage: str, full: bool) -> gx.ExpectationSuite:
        """A stage's suite, registered with the context (call with the lock held)."""
        key = (stage, full)
        if key not in self._suites:
            self._suites[key] = self.context.suites.add(get_suite(stage, full))
        return self._suites[key]


_RUNTIME: list[_Runtime] = []
_RUNTIME_LOCK = threading.Lock()


def _runtime() -> _Runtime:
    with _RUNTIME_LOCK:
        if not _RUNTIME:
            _RUNTIME.append(_Runtime())
        return _RUNTIME[0]


def warm_gates(settings: Settings | None = None) -> None:
    """Create the process's GX context and register every stage's suite now (before worker
    processes are forked from this one, so that they start with them)."""
    full = (settings or get_settings()).dq_full_suites
    rt = _runtime()
    with rt.lock:
        for stage in STAGES:
            rt.suite(stage, full)


def run_gate(stage: str, batch: list[JDState], *, settings: Settings | None = None,
             **context: Any) -> GateResult:
    """Validate ``batch`` at the ``stage`` boundary; quarantine failing JDs; raise when too many.

    ``context`` fills :class:`~expectations.frames.GateContext`: ``active_skill_ids`` (match),
    ``role_ids`` (classify), ``dimension_status`` (link), ``expected_jds`` (persist).
    Raises :class:`DataQualityThresholdError` when the failing share of the checked JDs
    exceeds ``settings.dq_fail_threshold`` or a batch-level expectation fails (after the
    failing JDs were quarantined), and :class:`GateExecutionError` when GX itself fails.
    """
    started = time.perf_counter()
    s = settings or get_settings()
    name = suite_name(stage, s.dq_full_suites)
    frame = FRAME_BUILDERS[stage](batch, GateContext(**context))
    scope = checked(stage, batch)
    params = {"max_jd_chars": s.max_jd_chars, "max_skills_per_jd": s.dq_max_skills_per_jd,
              "expected_jds": context.get("expected_jds")}
    results = failing_results(stage, frame, params, full=s.dq_full_suites)
    failures, per_jd = collect_failures(results)
    failing_states = [st for st in scope if st.jd_id in per_jd]
    for state in failing_states:
        first, *others = per_jd[state.jd_id]
        state.quarantine(stage, f"expectation {first.name} failed", suite=name,
                         expectation=first.name, column=first.column, values=first.values,
                         also_failed=[f.name for f in others])
    result = GateResult(stage=stage, suite=name, evaluated=len(scope), rows=len(frame),
                        failed_jds=list(dict.fromkeys(st.jd_id for st in failing_states)),
                        failures=failures,
                        failure_rate=len(failing_states) / len(scope) if scope else 0.0,
                        seconds=time.perf_counter() - started)
    _log(result)
    _raise_if_batch_fails(result, s.dq_fail_threshold)
    return result


def failing_results(stage: str, frame: pd.DataFrame, params: dict[str, Any], *,
                    full: bool = False) -> list[ExpectationValidationResult]:
    """Validate a stage's frame; the COMPLETE results of the expectations it fails ([] when
    it passes them all). ``params`` are the suite parameters. Raises GateExecutionError."""
    rt = _runtime()
    index_columns = ["jd_id", *ROW_LABELS.get(stage, [])]
    with rt.lock:
        suite = rt.suite(stage, full)
        # A batch validation stores nothing; a ValidationDefinition.run would keep every
        # result in the context's in-memory store (~10 KB a call) and costs no less.
        batch = rt.batch_definitions[stage].get_batch(batch_parameters={"dataframe": frame})
        quick = batch.validate(suite, expectation_parameters=params,
                               result_format="BOOLEAN_ONLY")
        _raise_on_gx_errors(stage, suite.name, quick.results)
        failing = [r.expectation_config for r in quick.results if not r.success]
        detailed = [batch.validate(config.to_domain_obj(), expectation_parameters=params,
                                   result_format={"result_format": "COMPLETE",
                                                  "unexpected_index_column_names": index_columns})
                    for config in failing if config is not None]
        _raise_on_gx_errors(stage, suite.name, detailed)
    return detailed


def _raise_on_gx_errors(stage: str, suite: str,
                        results: list[ExpectationValidationResult]) -> None:
    """GX records an expectation it could not evaluate as a failed result; surface it."""
    for r in results:
        info = r.exception_info or {}
        infos = [info] if "raised_exception" in info else list(info.values())
        for item in infos:
            if isinstance(item, Mapping) and item.get("raised_exception"):
                raise GateExecutionError(stage, suite, label(r.expectation_config),
                                         str(item.get("exception_message")))


def _raise_if_batch_fails(result: GateResult, threshold: float) -> None:
    batch_level = [f for f in result.failures if f.batch_level]
    if batch_level:
        f = batch_level[0]
        raise DataQualityThresholdError(result.stage, result.suite, f.name, 1.0,
                                        detail=f"observed {f.observed!r}", result=result)
    if result.failure_rate > threshold:
        worst = max(result.failures, key=lambda f: f.failing_jds)
        raise DataQualityThresholdError(result.stage, result.suite, worst.name,
                                        result.failure_rate, threshold=threshold, result=result)


def _log(result: GateResult) -> None:
    if not result.failures:
        log.debug("dq gate %s: %d JDs passed %s", result.stage, result.evaluated, result.suite)
        return
    log.warning("dq gate %s: %d of %d JDs quarantined by %s (%s)", result.stage,
                len(result.failed_jds), result.evaluated, result.suite,
                "; ".join(f"{f.name}: {f.failing_count} rows" for f in result.failures))


__all__ = ["Failure", "GateResult", "failing_results", "run_gate"]
