"""An in-memory, read-only view of the active catalog for the stages of one run.

Loaded once per process and catalog version (a few seconds for ~200k rows), then shared by
every chunk: exact alias indexes, fuzzy choices, hashed vectors for semantic matching and
placement, roles with their aliases, dimensions and centroids.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from jdskills import db
from jdskills.embedder import default_embedder
from jdskills.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoleInfo:
    id: int
    slug: str
    name: str
    archetype: str | None
    titles: dict[str, str]  # normalised title -> title
    dimension_weights: dict[int, float]  # dimension id -> weight
    centroid: np.ndarray | None
    centroid_n: int


@dataclass
class CatalogSnapshot:
    version: int
    skills: pd.DataFrame  # index: skill id; columns slug, name, nature, category, sub_category
    aliases: pd.DataFrame  # skill_id, alias, normalized, squashed, alias_type, match_strategy
    collisions: pd.DataFrame  # normalized, skill_id, context_terms, is_default
    dimensions: pd.DataFrame  # index: dimension id; slug, name, description, status
    skill_dims: dict[int, list[int]]
    roles: list[RoleInfo]
    # structures other modules build from the tables above (names in CACHED_DERIVED; see
    # ``jdskills.offline.lookup.snapshot_cached``), kept in the on-disk cache with them
    derived: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- exact indexes --------------------------------------------------------------------
    @cached_property
    def by_normalized(self) -> dict[str, list[int]]:
        return _group(self.aliases, "normalized")

    @cached_property
    def by_squashed(self) -> dict[str, list[int]]:
        return _group(self.aliases, "squashed")

    @cached_property
    def fuzzy_choices(self) -> tuple[list[str], np.ndarray]:
        """Distinct normalised aliases of 4+ characters and their skill ids (for rapidfuzz)."""
        frame = self.aliases[self.aliases["normalized"].str.len() >= 4]
        frame = frame.drop_duplicates("normalized")
        return frame["normalized"].tolist(), frame["skill_id"].to_numpy()

    @cached_property
    def skill_vectors(self) -> sparse.csr_matrix:
        return default_embedder().embed_sparse(self.skills["name"].tolist())

    @cached_property
    def skill_vectors_t(self) -> sparse.csr_matrix:
        """``skill_vectors`` transposed (features × skills), for names × skills products."""
        return self.skill_vectors.T.tocsr()

    @cached_property
    def skill_ids(self) -> np.ndarray:
        return self.skills.index.to_numpy()

    @cached_property
    def active_dimensions(self) -> pd.DataFrame:
        return self.dimensions[self.dimensions["status"] == "active"]

    @cached_property
    def dimension_vectors(self) -> sparse.csr_matrix:
        d = self.active_dimensions
        return default_embedder().embed_sparse((d["name"] + ". " + d["description"]).tolist())

    @cached_property
    def gazetteer(self) -> Any:
        from jdskills.offline.extract import Gazetteer

        skills = self.skills.reset_index().rename(columns={"index": "id"})
        collisions = self.collisions.rename(columns={"skill_id": "skill_key"})
        return Gazetteer.build(self.aliases, skills, collisions)

    @cached_property
    def role_by_id(self) -> dict[int, RoleInfo]:
        return {r.id: r for r in self.roles}

    @cached_property
    def skill_names(self) -> dict[int, str]:
        return dict(zip(self.skills.index.tolist(), self.skills["name"].tolist(), strict=True))

    def __getstate__(self) -> dict[str, Any]:
        """For the on-disk cache: the tables and derived structures, not the lock, the
        roles (loaded fresh) or per-run memos (names starting with "_")."""
        return {k: v for k, v in self.__dict__.items()
                if not k.startswith("_") and k not in FRESH_ON_LOAD}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.roles = []
        self._lock = threading.Lock()

    def skill_name(self, skill_id: int) -> str:
        return self.skill_names[skill_id]

    @cached_property
    def dimension_slugs(self) -> dict[int, str]:
        return dict(zip(self.dimensions.index.tolist(), self.dimensions["slug"].tolist(),
                        strict=True))

    def dimension_slug(self, dimension_id: int) -> str:
        return self.dimension_slugs[dimension_id]


def _group(frame: pd.DataFrame, key: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for k, sid in zip(frame[key].tolist(), frame["skill_id"].tolist(), strict=True):
        ids = out.setdefault(k, [])
        if sid not in ids:
            ids.append(sid)
    return out


_CACHE: dict[tuple[str, int], CatalogSnapshot] = {}
_CACHE_LOCK = threading.Lock()


def current_version(settings: Settings | None = None) -> int:
    with db.connect(settings) as conn:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM catalog_version").fetchone()[0])  # type: ignore[index]


_PINNED: ContextVar[int | None] = ContextVar("jdskills_pinned_catalog_version", default=None)


@contextmanager
def pinned_version(version: int) -> Iterator[None]:
    """Within the block, ``get_snapshot`` serves the cached snapshot of ``version`` without
    asking the database for the newest version (one query per call otherwise): a chunk is
    analysed against the catalog version its run started with."""
    token = _PINNED.set(version)
    try:
        yield
    finally:
        _PINNED.reset(token)


def get_snapshot(settings: Settings | None = None) -> CatalogSnapshot:
    """The snapshot of the newest catalog version (cached per database and version), or of
    the pinned version when it is the one cached."""
    s = settings or get_settings()
    pinned = _PINNED.get()
    if pinned is not None:
        key = (db.libpq_url(s), pinned)
        with _CACHE_LOCK:
            if key in _CACHE:
                return _CACHE[key]
    key = (db.libpq_url(s), current_version(s))
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE.clear()
            _CACHE[key] = load_snapshot(s, key[1])
        return _CACHE[key]


# loaded from the database each time, never from the on-disk cache (runs change them)
FRESH_ON_LOAD = ("roles", "role_by_id", "dimensions", "dimension_slugs")
# derived structures kept in the on-disk cache with the tables (the costly ones to build)
CACHED_PROPERTIES = ("gazetteer", "skill_vectors", "by_normalized", "by_squashed",
                     "fuzzy_choices", "skill_ids", "skill_names", "active_dimensions",
                     "dimension_vectors")
# structures the stages derive from the cached tables alone (not from roles or pending
# dimensions): built before the cache file is written (``jdskills.pipeline.warm``) and
# kept in it, so that loading the snapshot does not rebuild them (~1.6 s)
CACHED_DERIVED = ("skill-aliases", "name-index", "dimension-profiles",
                  "dimension-specificity")
CACHE_FORMAT = 2
_CACHE_KEEP = 2  # snapshot files kept in the cache folder


def catalog_fingerprint(conn: Any) -> str:
    """A digest of everything a snapshot keeps on disk: active skills, their aliases,
    collisions, active dimensions and the links between them (about 0.3 s for the shipped
    catalog). Roles and pending dimensions, which runs add to, are loaded fresh."""
    parts = conn.execute(
        """SELECT
          (SELECT md5(coalesce(string_agg(concat_ws('|', id, slug, name, nature, category,
                  sub_category), ',' ORDER BY id), '')) FROM skill WHERE status = 'active'),
          (SELECT md5(coalesce(string_agg(concat_ws('|', a.id, a.skill_id, a.alias,
                  a.normalized, a.squashed, a.alias_type, a.match_strategy), ',' ORDER BY a.id),
                  '')) FROM skill_alias a JOIN skill s ON s.id = a.skill_id
                  WHERE s.status = 'active'),
          (SELECT md5(coalesce(string_agg(concat_ws('|', normalized, skill_id, is_default,
                  array_to_string(context_terms, ';')), ',' ORDER BY normalized, skill_id),
                  '')) FROM alias_collision),
          (SELECT md5(coalesce(string_agg(concat_ws('|', id, slug, name, description,
                  status), ',' ORDER BY id), '')) FROM dimension WHERE status = 'active'),
          (SELECT md5(coalesce(string_agg(concat_ws('|', skill_id, dimension_id, weight),
                  ',' ORDER BY skill_id, dimension_id), '')) FROM skill_dimension sd
                  WHERE sd.skill_id IN (SELECT id FROM skill WHERE status = 'active')
                  AND sd.dimension_id IN (SELECT id FROM dimension
                                          WHERE status = 'active'))"""
    ).fetchone()
    digest = hashlib.sha256(
        f"{CACHE_FORMAT}:{default_embedder().name}:{_code_digest()}".encode())
    for part in parts:
        digest.update(str(part).encode())
    return digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of the code that builds the cached structures, so that a changed builder
    (gazetteer, embedder, normalisation) never reads a file an older one wrote."""
    import jdskills.embedder
    import jdskills.normalize
    import jdskills.offline.enrich.neighbours
    import jdskills.offline.enrich.signals
    import jdskills.offline.extract
    import jdskills.offline.lookup
    import jdskills.pipeline.warm

    files = [Path(__file__), *(Path(m.__file__ or "") for m in (
                 jdskills.embedder, jdskills.normalize, jdskills.offline.lookup,
                 jdskills.offline.enrich.neighbours, jdskills.offline.enrich.signals,
                 jdskills.pipeline.warm)),
             *sorted(Path(jdskills.offline.extract.__file__).parent.glob("*.py"))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "cache"


def _cache_file(settings: Settings, fingerprint: str) -> Path:
    return _cache_dir(settings) / f"catalog-snapshot-{fingerprint}.pickle"


def _read_cached(settings: Settings, fingerprint: str, *,
                 quiet: bool = False) -> CatalogSnapshot | None:
    """The cached snapshot of ``fingerprint``, or None. ``quiet``: an unreadable file (e.g.
    one an older version wrote, read on the chance it is current) is not worth a warning."""
    path = _cache_file(settings, fingerprint)
    collecting = gc.isenabled()
    gc.disable()  # millions of new objects would set off many useless collections (~35%)
    try:
        with path.open("rb") as fh:
            snapshot = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as e:  # noqa: BLE001 - a damaged or outdated cache file is rebuilt
        log.log(logging.DEBUG if quiet else logging.WARNING,
                "catalog snapshot cache %s unreadable (%s); rebuilding", path, e)
        return None
    finally:
        if collecting:
            gc.enable()
    return snapshot if isinstance(snapshot, CatalogSnapshot) else None


def _write_cached(settings: Settings, fingerprint: str, snapshot: CatalogSnapshot) -> None:
    """Build the costly structures and keep them on disk (atomic replace; the oldest
    files beyond ``_CACHE_KEEP`` are removed). A failure to write only costs speed."""
    from jdskills.pipeline.warm import build_cached_derived

    path = _cache_file(settings, fingerprint)
    try:
        for name in CACHED_PROPERTIES:
            getattr(snapshot, name)
        build_cached_derived(snapshot)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(snapshot, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        old = sorted(path.parent.glob("catalog-snapshot-*.pickle"),
                     key=_mtime, reverse=True)[_CACHE_KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError as e:
        log.warning("catalog snapshot cache not written (%s)", e)


def load_snapshot(settings: Settings, version: int) -> CatalogSnapshot:
    """The snapshot of the active catalog. Everything but the roles and dimensions (which
    runs change) comes from the on-disk cache when the catalog's fingerprint has been seen
    before; otherwise it is built and cached (``settings.snapshot_cache``).

    The newest cache file (the last one written or used) is read while the database
    computes the fingerprint (each takes about a second); it is used when its name carries
    that fingerprint, else the file that does is read (and becomes the newest) or the
    snapshot is built."""
    if not settings.snapshot_cache:
        return _load_from_database(settings, version)
    with ThreadPoolExecutor(1, thread_name_prefix="catalog-fingerprint") as pool:
        asked = pool.submit(_fingerprint, settings)
        newest = _newest_cached(settings)
        fingerprint = asked.result()
    cached = newest[1] if newest is not None and newest[0] == fingerprint else None
    del newest  # a stale snapshot is not kept while the right one is read or built
    if cached is None:
        cached = _read_cached(settings, fingerprint)
        if cached is not None:  # the newest file is the one read first: make it this one
            _touch(_cache_file(settings, fingerprint))
    if cached is not None:
        with db.connect(settings) as conn:
            cached.version = version
            cached.dimensions = _load_dimensions(conn)
            cached.roles = _load_roles(conn)
        return cached
    snapshot = _load_from_database(settings, version)
    _write_cached(settings, fingerprint, snapshot)
    return snapshot


def _fingerprint(settings: Settings) -> str:
    with db.connect(settings) as conn:
        return catalog_fingerprint(conn)


def _newest_cached(settings: Settings) -> tuple[str, CatalogSnapshot] | None:
    """The most recently written cache file's fingerprint and snapshot, if any is readable."""
    files = sorted(_cache_dir(settings).glob("catalog-snapshot-*.pickle"), key=_mtime,
                   reverse=True)
    if not files:
        return None
    fingerprint = files[0].stem.removeprefix("catalog-snapshot-")
    snapshot = _read_cached(settings, fingerprint, quiet=True)
    return (fingerprint, snapshot) if snapshot is not None else None


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError as e:  # only costs speed: the next run reads another file first
        log.debug("catalog snapshot cache %s not touched (%s)", path, e)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def _load_from_database(settings: Settings, version: int) -> CatalogSnapshot:
    with db.connect(settings) as conn:
        def frame(sql: str) -> pd.DataFrame:
            cur = conn.execute(sql)
            cols = [c.name for c in cur.description or []]
            return pd.DataFrame(cur.fetchall(), columns=cols)

        skills = frame("SELECT id, slug, name, nature, category, sub_category FROM skill "
                       "WHERE status = 'active'").set_index("id")
        aliases = frame("SELECT a.skill_id, a.alias, a.normalized, a.squashed, a.alias_type, "
                        "a.match_strategy FROM skill_alias a JOIN skill s ON s.id = a.skill_id "
                        "WHERE s.status = 'active' ORDER BY a.id")
        collisions = frame("SELECT normalized, skill_id, context_terms, is_default "
                           "FROM alias_collision")
        collisions["context_terms"] = collisions["context_terms"].map("|".join)
        dimensions = _load_dimensions(conn)
        links = conn.execute("SELECT sd.skill_id, sd.dimension_id FROM skill_dimension sd "
                             "JOIN skill s ON s.id = sd.skill_id AND s.status = 'active' "
                             "JOIN dimension d ON d.id = sd.dimension_id "
                             "WHERE d.status = 'active' ORDER BY weight DESC").fetchall()
        roles = _load_roles(conn)
    skill_dims: dict[int, list[int]] = {}
    for sid, did in links:
        skill_dims.setdefault(sid, []).append(did)
    return CatalogSnapshot(version=version, skills=skills, aliases=aliases,
                           collisions=collisions, dimensions=dimensions,
                           skill_dims=skill_dims, roles=roles)


def _load_dimensions(conn: Any) -> pd.DataFrame:
    """Active and pending dimensions (pending ones are added by runs: never from the cache)."""
    cur = conn.execute("SELECT id, slug, name, description, status FROM dimension "
                       "WHERE status IN ('active', 'pending')")
    frame = pd.DataFrame(cur.fetchall(), columns=["id", "slug", "name", "description", "status"])
    return frame.set_index("id")


def _load_roles(conn: Any) -> list[RoleInfo]:
    roles: list[RoleInfo] = []
    titles: dict[int, dict[str, str]] = {}
    for rid, title, norm in conn.execute("SELECT role_id, title, normalized FROM role_alias"):
        titles.setdefault(rid, {})[norm] = title
    dims: dict[int, dict[int, float]] = {}
    for rid, did, w in conn.execute(
        "SELECT rd.role_id, rd.dimension_id, rd.weight FROM role_dimension rd "
        "JOIN dimension d ON d.id = rd.dimension_id WHERE d.status = 'active'"
    ):
        dims.setdefault(rid, {})[did] = float(w)
    for rid, slug, name, archetype, centroid, n in conn.execute(
        "SELECT id, slug, name, archetype, centroid, centroid_n FROM role "
        "WHERE status = 'active' ORDER BY id"
    ):
        roles.append(RoleInfo(
            id=rid, slug=slug, name=name, archetype=archetype, titles=titles.get(rid, {}),
            dimension_weights=dims.get(rid, {}),
            centroid=np.asarray(centroid, dtype=np.float32) if centroid else None,
            centroid_n=int(n),
        ))
    return roles
