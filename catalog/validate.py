"""Row-level validation of a catalog folder before anything is written.

Every problem becomes one ``RowError(file, row, field, reason)``; ``row`` is the 1-based
line number in a CSV file (the header is line 1) or the 1-based index in roles.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from catalog.files import read_manifest, read_roles, read_table, table_path
from jdskills.models.catalog import ALIAS_TYPES, MATCH_STRATEGY, SKILL_SOURCE
from jdskills.normalize import normalize_alias, squash_alias

NATURES = ("hard", "soft", "knowledge", "tool", "certification", "language")
RELATIONS = ("related_to", "requires", "parent", "child")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{0,199}$")
# dimensions may carry one namespace ("lightcast/...", "tech/..."); "pending/" is reserved
DIMENSION_SLUG_RE = re.compile(r"^(?:[a-z0-9][a-z0-9\-]*/)?[a-z0-9][a-z0-9\-]*$")
TRUE_FALSE = {"true": True, "false": False, "1": True, "0": False, "": False}


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.reason}"


class CatalogValidationError(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} bad row(s); nothing was written")


@dataclass
class CatalogBundle:
    skills: pd.DataFrame
    aliases: pd.DataFrame
    dimensions: pd.DataFrame
    skill_dimensions: pd.DataFrame
    collisions: pd.DataFrame
    relations: pd.DataFrame
    roles: list[dict[str, Any]]
    manifest: dict[str, Any] = field(default_factory=dict)


def read_bundle(folder: Any, *, partial: bool = False, trust_keys: bool = False) -> CatalogBundle:
    """Read a catalog folder. With ``partial`` (imports) any file may be absent. Alias keys
    (normalized, squashed) are recomputed from the alias text unless ``trust_keys`` (the
    shipped catalog, whose build computed them with the same functions)."""
    from pathlib import Path

    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    tables = {
        name: read_table(folder, name, required=not partial and name != "relations")
        for name in ("skills", "aliases", "dimensions", "skill_dimensions", "collisions",
                     "relations")
    }
    if partial and not any(table_path(folder, n) for n in tables) and not (
        folder / "roles.json"
    ).exists():
        raise FileNotFoundError(f"{folder} holds no catalog file (see catalog/files.py)")
    aliases = tables["aliases"]
    if len(aliases) and not (trust_keys and (aliases["normalized"] != "").all()):
        aliases = aliases.assign(
            normalized=aliases["alias"].map(normalize_alias),
            squashed=aliases["alias"].map(squash_alias),
        )
    return CatalogBundle(
        skills=tables["skills"], aliases=aliases, dimensions=tables["dimensions"],
        skill_dimensions=tables["skill_dimensions"], collisions=tables["collisions"],
        relations=tables["relations"], roles=read_roles(folder, required=not partial),
        manifest=read_manifest(folder),
    )


def validate_bundle(
    b: CatalogBundle,
    *,
    known_skills: Iterable[str] = (),
    known_dimensions: Iterable[str] = (),
) -> list[RowError]:
    errors: list[RowError] = []
    skills = set(b.skills["slug"]) | set(known_skills)
    dims = set(b.dimensions["slug"]) | set(known_dimensions)

    def bad(file: str, i: int, fld: str, reason: str) -> None:
        errors.append(RowError(file, i + 2, fld, reason))

    def check_slug(file: str, frame: pd.DataFrame, pattern: re.Pattern[str] = SLUG_RE) -> None:
        seen: set[str] = set()
        for i, slug in enumerate(frame["slug"]):
            if slug.startswith("pending/"):
                bad(file, i, "slug", "the pending/ namespace is reserved for pending placements")
            elif not pattern.match(slug) or len(slug) > 200:
                bad(file, i, "slug", f"{slug!r} is not a slug (a-z, 0-9, '-', ≤200 chars)")
            elif slug in seen:
                bad(file, i, "slug", f"duplicate slug {slug!r}")
            seen.add(slug)

    check_slug("skills.csv", b.skills)
    sk = b.skills
    _flag(errors, "skills.csv", sk, "name",
          (sk["name"].str.strip() == "") | (sk["name"].str.len() > 300),
          lambda r: "must be 1–300 characters")
    _flag(errors, "skills.csv", sk, "nature", (sk["nature"] != "") & ~sk["nature"].isin(NATURES),
          lambda r: f"{r.nature!r} not in {NATURES}")
    _flag(errors, "skills.csv", sk, "source",
          (sk["source"] != "") & ~sk["source"].isin(SKILL_SOURCE),
          lambda r: f"{r.source!r} not in {SKILL_SOURCE}")

    al = b.aliases
    _flag(errors, "aliases.csv", al, "skill_slug", ~al["skill_slug"].isin(skills),
          lambda r: f"unknown skill {r.skill_slug!r}")
    _flag(errors, "aliases.csv", al, "alias",
          (al["normalized"] == "") | (al["alias"].str.len() > 300),
          lambda r: "empty after normalisation or over 300 characters")
    _flag(errors, "aliases.csv", al, "alias_type",
          (al["alias_type"] != "") & ~al["alias_type"].isin(ALIAS_TYPES),
          lambda r: f"{r.alias_type!r} not in {ALIAS_TYPES}")
    _flag(errors, "aliases.csv", al, "match_strategy",
          (al["match_strategy"] != "") & ~al["match_strategy"].isin(MATCH_STRATEGY),
          lambda r: f"{r.match_strategy!r} not in {MATCH_STRATEGY}")
    _flag(errors, "aliases.csv", al, "alias", al.duplicated(["skill_slug", "normalized"]),
          lambda r: f"duplicate alias {r.normalized!r} for {r.skill_slug}")

    check_slug("dimensions.csv", b.dimensions, DIMENSION_SLUG_RE)
    for i, r in enumerate(b.dimensions.itertuples(index=False)):
        if not r.name.strip():
            bad("dimensions.csv", i, "name", "required")
        if not r.description.strip():
            bad("dimensions.csv", i, "description", "required")

    sd = b.skill_dimensions
    _flag(errors, "skill_dimensions.csv", sd, "skill_slug", ~sd["skill_slug"].isin(skills),
          lambda r: f"unknown skill {r.skill_slug!r}")
    _flag(errors, "skill_dimensions.csv", sd, "dimension_slug", ~sd["dimension_slug"].isin(dims),
          lambda r: f"unknown dimension {r.dimension_slug!r}")
    _flag(errors, "skill_dimensions.csv", sd, "weight", ~sd["weight"].map(_weight_ok).astype(bool),
          lambda r: f"{r.weight!r} is not a number in [0, 1]")

    for i, r in enumerate(b.collisions.itertuples(index=False)):
        if not normalize_alias(r.normalized):
            bad("collisions.csv", i, "normalized", "required")
        if r.skill_slug not in skills:
            bad("collisions.csv", i, "skill_slug", f"unknown skill {r.skill_slug!r}")
        if r.is_default.strip().lower() not in TRUE_FALSE:
            bad("collisions.csv", i, "is_default", "must be true or false")

    for i, r in enumerate(b.relations.itertuples(index=False)):
        for fld in ("skill_slug", "related_skill_slug"):
            if getattr(r, fld) not in skills:
                bad("relations.csv", i, fld, f"unknown skill {getattr(r, fld)!r}")
        if r.relation not in RELATIONS:
            bad("relations.csv", i, "relation", f"{r.relation!r} not in {RELATIONS}")

    errors.extend(_validate_roles(b.roles, dims))
    return errors


def _flag(errors: list[RowError], file: str, frame: pd.DataFrame, fld: str, mask: pd.Series,
          reason: Any) -> None:
    """One RowError per row where ``mask`` is true (vectorised checks for big files)."""
    if len(frame) == 0 or not mask.any():
        return
    positions = mask.to_numpy().nonzero()[0]
    for pos, row in zip(positions, frame.iloc[positions].itertuples(index=False), strict=True):
        errors.append(RowError(file, int(pos) + 2, fld, reason(row)))


def _weight_ok(value: str) -> bool:
    if value == "":
        return True
    try:
        return 0.0 <= float(value) <= 1.0
    except ValueError:
        return False


def _validate_roles(roles: list[dict[str, Any]], dims: set[str]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for n, role in enumerate(roles, start=1):
        def bad(fld: str, reason: str, n: int = n) -> None:
            errors.append(RowError("roles.json", n, fld, reason))

        if not isinstance(role, dict):
            bad("role", "must be an object")
            continue
        slug = role.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            bad("slug", f"{slug!r} is not a slug")
        elif slug in seen:
            bad("slug", f"duplicate slug {slug!r}")
        else:
            seen.add(slug)
        if not isinstance(role.get("name"), str) or not role["name"].strip():
            bad("name", "required")
        for key in ("responsibilities", "aliases"):
            value = role.get(key, [])
            if not isinstance(value, list) or not all(isinstance(x, str) and x.strip()
                                                      for x in value):
                bad(key, "must be a list of non-empty strings")
        links = role.get("dimensions", [])
        if not isinstance(links, list):
            bad("dimensions", "must be a list of {slug, weight}")
            continue
        for link in links:
            d = link.get("slug") if isinstance(link, dict) else None
            if d not in dims:
                bad("dimensions", f"unknown dimension {d!r}")
            elif not _weight_ok(str(link.get("weight", ""))):
                bad("dimensions", f"weight of {d!r} is not a number in [0, 1]")
    return errors
