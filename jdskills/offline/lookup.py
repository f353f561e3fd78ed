"""Fast per-snapshot lookups for the offline stages that read catalog rows one at a time.

``DataFrame.at`` costs ~0.1–0.2 ms a call on the catalog's Arrow-backed string columns; the
enrich and summarize stages make tens of thousands of such reads a batch. The plain dicts
here are built once per snapshot object (and dropped with it).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from jdskills.pipeline.catalog_snapshot import CACHED_DERIVED, CatalogSnapshot

T = TypeVar("T")
_DERIVED: dict[tuple[int, str], tuple[weakref.ref[CatalogSnapshot], Any]] = {}
_LOCK = threading.RLock()


def snapshot_cached(snapshot: CatalogSnapshot, name: str,
                    build: Callable[[CatalogSnapshot], T]) -> T:
    """``build(snapshot)``, computed once per snapshot object and kept while it lives; kept
    in ``snapshot.derived`` (and so in the on-disk cache) when ``name`` is one of
    ``CACHED_DERIVED``, whose builders read only the cached tables."""
    with _LOCK:
        if name in snapshot.derived:
            return cast(T, snapshot.derived[name])
        hit = _DERIVED.get((id(snapshot), name))
        if hit is not None and hit[0]() is snapshot:
            return cast(T, hit[1])
        value = build(snapshot)
        if name in CACHED_DERIVED:
            snapshot.derived[name] = value
            return value
        for key in [k for k, (ref, _) in _DERIVED.items() if ref() is None]:
            del _DERIVED[key]
        _DERIVED[(id(snapshot), name)] = (weakref.ref(snapshot), value)
        return value


@dataclass(frozen=True)
class CatalogRows:
    """Skill and dimension columns as dicts keyed by id (missing column → empty dict)."""

    skill: dict[str, dict[int, Any]]  # column -> {skill id: value}
    dimension: dict[str, dict[int, Any]]  # column -> {dimension id: value}

    def skill_value(self, column: str, skill_id: int) -> str | None:
        value = self.skill.get(column, {}).get(skill_id)
        return value if isinstance(value, str) and value else None

    def skill_name(self, skill_id: int) -> str:
        return str(self.skill["name"][skill_id])

    def skill_slug(self, skill_id: int) -> str:
        return str(self.skill.get("slug", {}).get(skill_id, skill_id))

    def dimension_slug(self, dimension_id: int) -> str:
        return str(self.dimension["slug"][dimension_id])

    def dimension_name(self, dimension_id: int) -> str:
        return str(self.dimension.get("name", self.dimension["slug"])[dimension_id])


def _build_rows(snapshot: CatalogSnapshot) -> CatalogRows:
    def columns(frame: Any, names: tuple[str, ...]) -> dict[str, dict[int, Any]]:
        ids = [int(i) for i in frame.index]
        return {c: dict(zip(ids, frame[c].tolist(), strict=True))
                for c in names if c in frame.columns}

    return CatalogRows(
        skill=columns(snapshot.skills, ("slug", "name", "nature", "category", "sub_category")),
        dimension=columns(snapshot.dimensions, ("slug", "name")),
    )


def catalog_rows(snapshot: CatalogSnapshot) -> CatalogRows:
    return snapshot_cached(snapshot, "catalog-rows", _build_rows)


def _build_aliases(snapshot: CatalogSnapshot) -> dict[int, tuple[str, ...]]:
    frame = snapshot.aliases
    out: dict[int, dict[str, None]] = {}
    if {"skill_id", "normalized"} <= set(frame.columns):
        for sid, alias in zip(frame["skill_id"].tolist(), frame["normalized"].tolist(),
                              strict=True):
            if isinstance(alias, str) and len(alias) >= 2:
                out.setdefault(int(sid), {})[alias] = None
    return {sid: tuple(forms) for sid, forms in out.items()}


def skill_aliases(snapshot: CatalogSnapshot) -> dict[int, tuple[str, ...]]:
    """Normalised aliases (2+ characters) per active skill id."""
    return snapshot_cached(snapshot, "skill-aliases", _build_aliases)
