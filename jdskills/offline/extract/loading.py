"""Build a :class:`Gazetteer` from a catalog folder (``catalog/data`` layout).

The pipeline builds the gazetteer from Postgres tables; this reader serves evaluation,
benchmarks and tests, which work from the shipped gzip CSV files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jdskills.offline.extract.gazetteer import Gazetteer
from jdskills.offline.extract.index import GenericPolicy


class CatalogDirError(FileNotFoundError):
    """The catalog folder lacks a table the gazetteer needs."""


def _read_optional(folder: Path, name: str) -> pd.DataFrame | None:
    for path in (folder / f"{name}.csv.gz", folder / f"{name}.csv"):
        if path.exists():
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    return None


def _read_required(folder: Path, name: str) -> pd.DataFrame:
    frame = _read_optional(folder, name)
    if frame is None:
        raise CatalogDirError(f"{folder}: missing {name}.csv.gz (or {name}.csv)")
    return frame


def load_gazetteer_from_catalog_dir(
    path: Path | str, *, generic_policy: GenericPolicy = "canonical", discover: bool = True
) -> Gazetteer:
    """Read ``aliases``, ``skills`` and (optional) ``collisions`` CSVs and build a gazetteer
    keyed by skill slug."""
    folder = Path(path)
    aliases = _read_required(folder, "aliases")
    skills = _read_required(folder, "skills")
    collisions = _read_optional(folder, "collisions")
    return Gazetteer.build(
        aliases, skills, collisions, generic_policy=generic_policy, discover=discover
    )
