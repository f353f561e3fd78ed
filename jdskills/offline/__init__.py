"""Offline (deterministic, rule-based) backend of the pipeline stages.

``parse_jd`` turns one JD text into a :class:`jdskills.records.JDParse` without any model,
network or data download: regular expressions, small gazetteers and keyword rules. It is
imported lazily so that the other offline modules do not pay for the parser's tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jdskills.offline.parser import parse_jd

__all__ = ["parse_jd"]


def __getattr__(name: str) -> Any:
    if name == "parse_jd":
        from jdskills.offline.parser import parse_jd

        return parse_jd
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
