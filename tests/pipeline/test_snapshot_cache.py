"""The catalog snapshot's on-disk cache: a second process loads the same structures from it;
any change of the active catalog changes the fingerprint, so a stale file is never used."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from jdskills import db
from jdskills.pipeline import catalog_snapshot as cs
from jdskills.settings import Settings


def _seed(url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("""
            INSERT INTO skill (id, slug, name, nature, status, source) VALUES
              (1, 'python', 'Python', 'language', 'active', 'user'),
              (2, 'pytorch', 'PyTorch', 'tool', 'active', 'user');
            INSERT INTO skill_alias (skill_id, alias, normalized, squashed, alias_type,
                                     match_strategy, source) VALUES
              (1, 'Python', 'python', 'python', 'canonical', 'exact', 'user'),
              (2, 'PyTorch', 'pytorch', 'pytorch', 'canonical', 'exact', 'user');
            INSERT INTO catalog_version (source, description) VALUES ('import', 'test');""")


@pytest.fixture
def settings(migrated_db: str, tmp_path: Path) -> Settings:
    _seed(migrated_db)
    cs._CACHE.clear()
    return Settings(_env_file=None, database_url=migrated_db,  # type: ignore[call-arg]
                    data_dir=tmp_path)


def _names(snapshot: cs.CatalogSnapshot) -> set[str]:
    return set(snapshot.by_normalized)


def test_a_new_process_loads_the_snapshot_from_the_cache(settings: Settings) -> None:
    built = cs.load_snapshot(settings, 1)
    [cached_file] = (settings.data_dir / "cache").glob("catalog-snapshot-*.pickle")
    loaded = cs.load_snapshot(settings, 1)  # as another process would: from the file
    assert loaded is not built
    assert _names(loaded) == _names(built) == {"python", "pytorch"}
    assert loaded.skill_names == built.skill_names
    assert (loaded.skill_vectors != built.skill_vectors).nnz == 0
    found = {s.name for s in loaded.gazetteer.extract("We use Python and Py Torch daily.", [])}
    assert {"Python", "PyTorch"} <= found
    assert "_lock" in loaded.__dict__ and loaded.roles == built.roles
    assert cached_file.stat().st_size > 0
    # what other modules derive from the tables comes from the file too, not rebuilt
    assert set(loaded.derived) == set(cs.CACHED_DERIVED)
    assert loaded.derived["skill-aliases"] == {1: ("python",), 2: ("pytorch",)}


def test_a_catalog_change_is_never_served_from_a_stale_file(settings: Settings) -> None:
    before = cs.load_snapshot(settings, 1)
    with db.connect(settings) as conn:
        conn.execute("INSERT INTO skill_alias (skill_id, alias, normalized, squashed, "
                     "alias_type, match_strategy, source) VALUES "
                     "(1, 'Python3', 'python3', 'python3', 'version', 'exact', 'user')")
    after = cs.load_snapshot(settings, 1)
    assert "python3" not in _names(before) and "python3" in _names(after)
    assert len(list((settings.data_dir / "cache").glob("catalog-snapshot-*.pickle"))) == 2


def test_an_older_file_serves_when_the_catalog_is_back_to_it(settings: Settings) -> None:
    """The newest file is read while the fingerprint is computed; when it is not the
    current one, the file that is (here: written before a change that was undone) is."""
    cs.load_snapshot(settings, 1)
    [first] = (settings.data_dir / "cache").glob("catalog-snapshot-*.pickle")
    alias = ("(1, 'Python3', 'python3', 'python3', 'version', 'exact', 'user')")
    with db.connect(settings) as conn:
        conn.execute("INSERT INTO skill_alias (skill_id, alias, normalized, squashed, "
                     f"alias_type, match_strategy, source) VALUES {alias}")
    assert "python3" in _names(cs.load_snapshot(settings, 1))
    files = {p: p.stat().st_mtime_ns
             for p in (settings.data_dir / "cache").glob("catalog-snapshot-*.pickle")}
    assert len(files) == 2 and max(files, key=files.__getitem__) != first
    inode_before = first.stat().st_ino
    with db.connect(settings) as conn:
        conn.execute("DELETE FROM skill_alias WHERE normalized = 'python3'")
    again = cs.load_snapshot(settings, 1)
    assert _names(again) == {"python", "pytorch"}
    # read, not rebuilt (a rebuild replaces the file), and made the newest: tried first next
    assert first.stat().st_ino == inode_before and first.stat().st_mtime_ns > files[first]
    assert max(files, key=lambda p: p.stat().st_mtime_ns) == first


def test_a_damaged_cache_file_is_rebuilt(settings: Settings) -> None:
    cs.load_snapshot(settings, 1)
    [cached_file] = (settings.data_dir / "cache").glob("catalog-snapshot-*.pickle")
    cached_file.write_bytes(b"not a pickle")
    assert _names(cs.load_snapshot(settings, 1)) == {"python", "pytorch"}
    assert cached_file.read_bytes() != b"not a pickle"


def test_the_cache_can_be_switched_off(settings: Settings) -> None:
    off = settings.model_copy(update={"snapshot_cache": False})
    assert _names(cs.load_snapshot(off, 1)) == {"python", "pytorch"}
    assert not (settings.data_dir / "cache").exists()


def test_what_runs_add_keeps_the_cached_file_and_is_loaded_fresh(settings: Settings) -> None:
    """A run adds pending skills, their placement links and pending dimensions: the cached
    file stays valid (same fingerprint), and the pending dimensions still show."""
    cs.load_snapshot(settings, 1)
    with db.connect(settings) as conn:
        conn.execute("""
            INSERT INTO dimension (id, slug, name, description, status, source) VALUES
              (7, 'ml/frameworks', 'ML frameworks', 'd', 'active', 'user');
            INSERT INTO skill_dimension (skill_id, dimension_id, weight, source)
              VALUES (2, 7, 1.0, 'user');""")
    with_dimension = cs.load_snapshot(settings, 1)
    assert with_dimension.skill_dims == {2: [7]}
    files = set((settings.data_dir / "cache").glob("catalog-snapshot-*.pickle"))
    with db.connect(settings) as conn:  # what the persist stage writes for a new skill
        conn.execute("""
            INSERT INTO skill (id, slug, name, status, source)
              VALUES (3, 'pallas', 'Pallas', 'pending', 'offline');
            INSERT INTO dimension (id, slug, name, description, status, source) VALUES
              (8, 'pending/kernels', 'Kernels', 'd', 'pending', 'offline');
            INSERT INTO skill_dimension (skill_id, dimension_id, weight, source)
              VALUES (3, 8, 0.4, 'placement'), (3, 7, 0.3, 'placement');""")
    after_run = cs.load_snapshot(settings, 1)
    assert set((settings.data_dir / "cache").glob("catalog-snapshot-*.pickle")) == files
    assert after_run.dimension_slug(8) == "pending/kernels"  # fresh, not from the file
    assert after_run.skill_dims == {2: [7]}  # the pending skill is not in the snapshot
    assert "pallas" not in _names(after_run)
