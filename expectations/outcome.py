"""What a gate found: failures per expectation and per JD, read from GX COMPLETE results."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from great_expectations.core.expectation_validation_result import ExpectationValidationResult
from pydantic import BaseModel, Field

SAMPLE_SIZE = 5
MAX_VALUE_CHARS = 200


class Failure(BaseModel):
    """One failed expectation of a suite."""

    name: str = Field(description="expectation type and column, e.g. 'expect_…(ctc_min)'")
    expectation: str
    column: str
    failing_count: int = Field(description="failing rows")
    failing_jds: int = 0
    sample_jd_ids: list[str] = Field(default_factory=list)
    sample_values: list[Any] = Field(default_factory=list)
    batch_level: bool = Field(default=False, description="a count without row ids")
    observed: Any = None


class GateResult(BaseModel):
    """The outcome of one gate on one batch."""

    stage: str
    suite: str
    evaluated: int = Field(description="JDs checked")
    rows: int = Field(description="rows of the validated frame")
    failed_jds: list[str] = Field(default_factory=list)
    failures: list[Failure] = Field(default_factory=list)
    failure_rate: float = 0.0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_markdown(self) -> str:
        """A short report, e.g. for a Prefect markdown artifact."""
        lines = [f"**{self.suite}** ({self.stage}): {self.evaluated} JDs checked, "
                 f"{len(self.failed_jds)} quarantined ({self.failure_rate:.1%})"]
        if self.failures:
            lines += ["", "| expectation | failing rows | JDs | sample JDs | sample values |",
                      "|---|---|---|---|---|"]
            for f in self.failures:
                ids = ", ".join(jd[:12] for jd in f.sample_jd_ids)
                values = f.observed if f.batch_level else f.sample_values
                cell = str(values).replace("|", "\\|")[:MAX_VALUE_CHARS]
                lines.append(f"| `{f.name}` | {f.failing_count} | {f.failing_jds} | {ids} "
                             f"| {cell} |")
        return "\n".join(lines)


@dataclass
class JDFailure:
    """One failed expectation as it concerns one JD (its offending values)."""

    name: str
    column: str
    values: list[Any] = field(default_factory=list)


def label(config: Any) -> str:
    """``expect_column_values_to_be_between(ctc_min)`` for an expectation configuration."""
    return f"{config.type}({_columns(config.kwargs)})"


def _columns(kwargs: Mapping[str, Any]) -> str:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    if "column_list" in kwargs:
        return ",".join(kwargs["column_list"])
    return "<table>"


def collect_failures(
    results: list[ExpectationValidationResult],
) -> tuple[list[Failure], dict[str, list[JDFailure]]]:
    """Failures per expectation, and per JD id (in suite order) from COMPLETE results."""
    failures: list[Failure] = []
    per_jd: dict[str, list[JDFailure]] = {}
    for r in results:
        config = r.expectation_config
        if config is None:
            raise ValueError("a GX result without its expectation configuration")
        name, column = label(config), _columns(config.kwargs)
        rows = r.result.get("unexpected_index_list")
        if rows is None:  # table-level or aggregate expectation: no rows to blame
            failures.append(Failure(name=name, expectation=config.type, column=column,
                                    failing_count=0, batch_level=True,
                                    observed=plain(r.result.get("observed_value"))))
            continue
        by_jd: dict[str, JDFailure] = {}
        for row in rows:
            values = {k: v for k, v in row.items() if k != "jd_id"}
            jd = str(row["jd_id"])
            hit = by_jd.setdefault(jd, JDFailure(name=name, column=column))
            if len(hit.values) < SAMPLE_SIZE:
                hit.values.append(_row_value(values))
        for jd, hit in by_jd.items():
            per_jd.setdefault(jd, []).append(hit)
        failures.append(Failure(
            name=name, expectation=config.type, column=column,
            failing_count=int(r.result.get("unexpected_count") or len(rows)),
            failing_jds=len(by_jd), sample_jd_ids=list(by_jd)[:SAMPLE_SIZE],
            sample_values=[h.values[0] for h in list(by_jd.values())[:SAMPLE_SIZE]]))
    return failures, per_jd


def _row_value(values: Mapping[str, Any]) -> Any:
    """The offending value of a row: the checked column's value, or the row's labelled values
    (both columns of a pair, or the value with the ids it refers to)."""
    if len(values) == 1:
        return plain(next(iter(values.values())))
    return {k: plain(v) for k, v in values.items()}


def plain(value: Any) -> Any:
    """A JSON-friendly, truncated copy of a value from a GX result (numpy → Python)."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return value[:MAX_VALUE_CHARS]
    if isinstance(value, tuple | list):
        return [plain(v) for v in value[:SAMPLE_SIZE]]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value
