"""Everything the analysis stages derive from the catalog snapshot, built up front.

The stages build these on first use. A process that hands chunks to forked workers (or a
Dask worker before its first chunk) calls :func:`warm_analysis` once instead, so that the
work is done once and the forked workers share the result instead of each rebuilding it.

The extractor package is imported with this module, not when the snapshot is first loaded:
it imports ``wordfreq``, whose data path comes from ``locate.this_dir()``, which calls
``inspect.stack()``. Inside a flow run's deep stack that import took 1.25 s of the run,
with the catalog load on its critical path; imported with the flow's module, 0.7 s.
"""

from __future__ import annotations

from expectations.frames import catalog_context
from expectations.gate import warm_gates
from jdskills.offline.enrich.neighbours import name_index
from jdskills.offline.enrich.signals import dimension_profiles, specificity
from jdskills.offline.extract.discovery import everyday_english
from jdskills.offline.lookup import catalog_rows, skill_aliases, snapshot_cached
from jdskills.pipeline.catalog_snapshot import CACHED_PROPERTIES, CatalogSnapshot, get_snapshot
from jdskills.pipeline.role_signals import role_index
from jdskills.settings import Settings, get_settings


def warm_analysis(settings: Settings | None = None) -> int:
    """Load the catalog snapshot and build its derived structures; the snapshot version."""
    s = settings or get_settings()
    snapshot = get_snapshot(s)
    for name in (*CACHED_PROPERTIES, "skill_vectors_t", "dimension_slugs", "role_by_id"):
        getattr(snapshot, name)
    role_index(snapshot)
    catalog_rows(snapshot)
    build_cached_derived(snapshot)
    snapshot_cached(snapshot, "gate-context", catalog_context)
    warm_gates(s)
    everyday_english("experience")  # loads wordfreq's English list once, before any fork
    return snapshot.version


def build_cached_derived(snapshot: CatalogSnapshot) -> None:
    """The structures of ``CACHED_DERIVED`` (kept in the on-disk snapshot cache)."""
    skill_aliases(snapshot)
    name_index(snapshot)
    snapshot_cached(snapshot, "dimension-profiles", dimension_profiles)
    snapshot_cached(snapshot, "dimension-specificity", specificity)
