"""Reproducible build of the default catalog (``catalog/data/``) from public taxonomies and
the hand-curated files in ``catalog/curated/``.

    python -m catalog.build [--taxonomies DIR] [--eval-data DIR] [--out DIR]

Order: Lightcast skills, ESCO skills merged in, curated extra skills and aliases, gazetteer
forms mapped or added, curated collision senses, category inference, slugs, collisions and
match strategies, dimensions and links, roles, relations; then every file is written sorted
and gzipped with mtime 0, so the same inputs give byte-identical outputs.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from catalog.build_categories import infer_categories
from catalog.build_collisions import (
    apply_curated_senses,
    build_collisions,
    check_collisions,
    common_words,
)
from catalog.build_dimensions import (
    lightcast_dimensions,
    skill_dimension_links,
    tech_dimensions,
)
from catalog.build_gazetteer import add_gazetteer
from catalog.build_io import CuratedFileError, load_yaml
from catalog.build_model import CatalogBuildError, CatalogDraft
from catalog.build_output import CatalogOutput, write_catalog
from catalog.build_relations import build_relations
from catalog.build_roles import build_roles, read_occupation_titles
from catalog.build_skills import add_curated_skills, add_esco, add_lightcast
from catalog.build_sources import (
    TaxonomyInputError,
    read_esco,
    read_esco_collections,
    read_gazetteer,
    read_lightcast,
)
from jdskills.normalize import normalize_alias, slugify
from jdskills.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

CURATED_DIR = Path(__file__).resolve().parent / "curated"
MAX_SLUG = 180


def assign_slugs(draft: CatalogDraft) -> None:
    """slugify(name), with -2, -3... for later names (in normalised-name order) that clash."""
    taken: set[str] = set()
    for key in sorted(draft.skills):
        skill = draft.skills[key]
        base = slugify(skill.name)[:MAX_SLUG].rstrip("-") or "skill"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        skill.slug = slug


def check_forbidden(draft: CatalogDraft, forbidden: set[str]) -> None:
    bad = sorted({a.normalized for a in draft.aliases.values()} & forbidden)
    if bad:
        raise CatalogBuildError(f"forbidden aliases present in the catalog: {bad}")


def build_catalog(taxonomies_dir: Path, eval_data_dir: Path, out_dir: Path) -> dict[str, int]:
    """Build the default catalog into ``out_dir``; returns the counts written to the manifest."""
    started = time.monotonic()
    extra = load_yaml(CURATED_DIR / "extra_skills.yaml")
    forbidden = {normalize_alias(str(f)) for f in extra.get("forbidden_aliases") or []}
    dropped = {normalize_alias(str(f)) for f in extra.get("drop_gazetteer_forms") or []}

    lightcast = read_lightcast(taxonomies_dir)
    esco = read_esco(taxonomies_dir)
    collections = read_esco_collections(taxonomies_dir)
    common = common_words(esco)

    draft = CatalogDraft()
    add_lightcast(draft, lightcast)
    add_esco(draft, esco, collections, extra, common)
    add_curated_skills(draft, extra, lightcast)
    forms = [f for f in read_gazetteer(taxonomies_dir) if normalize_alias(f) not in dropped]
    gazetteer_counts = add_gazetteer(draft, forms, forbidden, common)
    senses = apply_curated_senses(draft, load_yaml(CURATED_DIR / "collisions.yaml"))
    check_forbidden(draft, forbidden)
    category_counts = infer_categories(draft)
    assign_slugs(draft)

    collisions = build_collisions(draft, common, senses, forbidden)
    check_collisions(draft, collisions)
    defaults = {c.normalized: c.skill_key for c in collisions if c.is_default}
    dimensions = lightcast_dimensions(lightcast.subcategories) + tech_dimensions(
        load_yaml(CURATED_DIR / "tech_dimensions.yaml"), draft, defaults
    )
    links = skill_dimension_links(draft, dimensions)
    roles, role_counts = build_roles(
        load_yaml(CURATED_DIR / "roles.yaml"),
        read_occupation_titles(eval_data_dir),
        {d.slug for d in dimensions},
    )
    relations = build_relations(draft, collections)

    output = CatalogOutput(
        draft=draft,
        dimensions=dimensions,
        links=links,
        collisions=collisions,
        roles=roles,
        relations=relations,
    )
    counts = write_catalog(
        output,
        out_dir,
        taxonomies_dir=taxonomies_dir,
        eval_data_dir=eval_data_dir,
        curated_dir=CURATED_DIR,
    )
    logger.info("build details: %s", {**gazetteer_counts, **category_counts, **role_counts})
    logger.info("catalog built in %.1f s: %s", time.monotonic() - started, counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    shared = PROJECT_ROOT.parent / "shared"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxonomies", type=Path, default=shared / "taxonomies")
    parser.add_argument("--eval-data", type=Path, default=shared / "eval-data")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "catalog" / "data")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        build_catalog(args.taxonomies, args.eval_data, args.out)
    except (CatalogBuildError, CuratedFileError, TaxonomyInputError) as e:
        logger.error("catalog build failed: %s", e)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
