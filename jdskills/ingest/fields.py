"""The input field convention: which keys of a structured record feed which JD field.

See the package docstring (and ``docs/input-format.md``) for the convention itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from jdskills.ingest.text import decode_bytes

FIELD_CONVENTION: dict[str, tuple[str, ...]] = {
    "text": ("text", "description", "body", "content"),
    "external_id": ("id", "external_id", "job_id", "fileid"),
    "title": ("title", "job_title"),
    "company": ("company", "company_name", "hiringOrganization.name"),
    "url": ("url",),
    "posted_at": ("posted_at", "date_posted", "datePosted"),
}
JD_FIELDS = frozenset(FIELD_CONVENTION)


class FieldMapError(ValueError):
    """``settings.field_map`` names a JD field that does not exist."""


def field_sources(field_map: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The convention with ``field_map`` applied: a mapped field reads only its mapped key."""
    unknown = set(field_map) - JD_FIELDS
    if unknown:
        raise FieldMapError(
            f"field_map has unknown JD field(s) {sorted(unknown)}; known: {sorted(JD_FIELDS)}"
        )
    return {name: (field_map[name],) if name in field_map else keys
            for name, keys in FIELD_CONVENTION.items()}


def lookup(row: Mapping[str, Any], key: str,
           folds: dict[int, dict[str, Any]] | None = None) -> Any:
    """``row[key]``; else a dotted path through nested mappings (``hiringOrganization.name``);
    else the same, matching keys case-insensitively (the first key that matches). None when
    absent. ``folds`` keeps each mapping's case-folded keys between lookups in one row."""
    if key in row:
        return row[key]
    node: Any = row
    for part in key.split("."):
        if not isinstance(node, Mapping):
            return None
        if part in node:
            node = node[part]
            continue
        if folds is None:
            folds = {}
        folded = folds.get(id(node))
        if folded is None:
            folded = folds[id(node)] = {}
            for k, v in node.items():
                folded.setdefault(str(k).casefold(), v)
        node = folded.get(part.casefold())
        if node is None:
            return None
    return node


def _as_text(value: Any) -> str | None:
    """A scalar as a non-empty string; a list of scalars joined by newlines; a mapping with a
    ``name`` (schema.org style) as its name; otherwise None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Mapping):
        return _as_text(value.get("name"))
    if isinstance(value, list | tuple):
        parts = [t for t in (_as_text(v) for v in value) if t]
        return "\n".join(parts) or None
    if isinstance(value, bytes):
        value = decode_bytes(value)[0]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class RowFields:
    """The JD fields found in one structured record (text still raw: maybe HTML)."""

    text: str | None
    text_key_present: bool
    external_id: str | None
    title: str | None
    company: str | None
    url: str | None
    posted_at_raw: Any


def extract_fields(row: Mapping[str, Any], sources: Mapping[str, tuple[str, ...]]) -> RowFields:
    folds: dict[int, dict[str, Any]] = {}  # the row's mappings stay alive: ids are stable

    def first(name: str) -> str | None:
        for key in sources[name]:
            text = _as_text(lookup(row, key, folds))
            if text:
                return text
        return None

    posted = next((v for k in sources["posted_at"]
                   if (v := lookup(row, k, folds)) not in (None, "")), None)
    return RowFields(
        text=first("text"),
        text_key_present=any(lookup(row, k, folds) is not None for k in sources["text"]),
        external_id=first("external_id"),
        title=first("title"),
        company=first("company"),
        url=first("url"),
        posted_at_raw=posted,
    )


class BadDateError(ValueError):
    pass


def parse_posted_at(value: Any) -> datetime | None:
    """ISO-8601 strings, RFC-2822 strings, dates, datetimes and epoch seconds/milliseconds.
    Naive values are taken as UTC. Raises BadDateError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = _from_epoch(value)
    elif isinstance(value, str):
        parsed = _parse_date_string(value.strip())
    else:
        raise BadDateError(f"unsupported date value {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _from_epoch(value: float) -> datetime:
    """Epoch seconds, or milliseconds when the number is too large to be seconds."""
    seconds = value / 1000 if abs(value) > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as e:
        raise BadDateError(f"epoch value out of range: {value!r}") from e


def _parse_date_string(value: str) -> datetime:
    if value.lstrip("-").replace(".", "", 1).isdigit():
        return _from_epoch(float(value))
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError) as e:
        raise BadDateError(f"unparseable date {value!r}") from e
