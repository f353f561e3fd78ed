"""Small helpers that turn enum-like value sets into named CHECK constraints."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CheckConstraint


def check_in(column: str, values: Iterable[str], *, nullable: bool = True) -> CheckConstraint:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    expr = f"{column} IN ({quoted})"
    if nullable:
        expr = f"{column} IS NULL OR {expr}"
    return CheckConstraint(expr, name=f"ck_{column}_values")


def check_between(column: str, low: float, high: float) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {low} AND {column} <= {high})",
        name=f"ck_{column}_range",
    )
