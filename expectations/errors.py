"""Errors raised by the data-quality gates. Both fail the flow run loudly; neither is retried."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from expectations.gate import GateResult


class DataQualityError(Exception):
    """Base class of the data-quality gate errors."""


class DataQualityThresholdError(DataQualityError):
    """Too much of a batch failed one suite, or a batch-level expectation (a count) failed.

    ``rate`` is the failing share of the JDs the gate checked (1.0 for a batch-level failure);
    ``result`` is the gate's full result when it got that far (failing JDs were quarantined).
    """

    def __init__(self, stage: str, suite: str, expectation: str, rate: float,
                 threshold: float | None = None, detail: str | None = None,
                 result: GateResult | None = None) -> None:
        self.stage = stage
        self.suite = suite
        self.expectation = expectation
        self.rate = rate
        self.threshold = threshold
        self.result = result
        if detail is not None:
            message = (f"data-quality gate {stage!r}: suite {suite!r}, batch-level expectation "
                       f"{expectation} failed ({detail}); the whole batch fails")
        else:
            limit = f" (threshold {threshold:.1%})" if threshold is not None else ""
            message = (f"data-quality gate {stage!r}: suite {suite!r} failed for {rate:.1%} of "
                       f"the batch{limit}; most failures: expectation {expectation}")
        self.detail = detail
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across task-runner processes
        return (type(self), (self.stage, self.suite, self.expectation, self.rate,
                             self.threshold, self.detail, self.result))


class GateExecutionError(DataQualityError):
    """Great Expectations could not evaluate an expectation (missing column, bad metric...)."""

    def __init__(self, stage: str, suite: str, expectation: str, message: str) -> None:
        self.stage = stage
        self.suite = suite
        self.expectation = expectation
        self.message = message
        super().__init__(f"data-quality gate {stage!r}: suite {suite!r} could not evaluate "
                         f"{expectation}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.stage, self.suite, self.expectation, self.message))
