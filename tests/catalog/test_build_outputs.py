"""The committed default catalog (catalog/data/) meets its acceptance counts and invariants.

These tests read the built files only; rebuilding is ``python -m catalog.build``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from catalog.files import TABLE_COLUMNS
from jdskills.normalize import normalize_alias, squash_alias

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data"
TABLES = ("skills", "aliases", "dimensions", "skill_dimensions", "collisions", "relations")
REQUIRED_ROLES = {
    "Machine Learning Engineer",
    "AI Engineer",
    "MLOps Engineer",
    "Data Engineer",
    "Data Scientist",
    "Data Analyst",
    "Backend Engineer",
    "Frontend Engineer",
    "Full-Stack Engineer",
    "Android Engineer",
    "iOS Engineer",
    "Mobile Engineer (Cross-platform)",
    "DevOps Engineer",
    "Site Reliability Engineer",
    "Cloud Engineer",
    "Cybersecurity Engineer",
    "Security Analyst (SOC)",
    "QA / Test Automation Engineer",
    "Embedded Software Engineer",
    "AR/VR Engineer",
    "Platform Engineer",
    "Solutions Architect",
    "Database Administrator",
    "Computer Vision Engineer",
    "NLP Engineer",
    "Game Developer",
    "Engineering Manager",
    "Technical Product Manager",
}
REQUIRED_EXTRA_SKILLS = (
    "JAX",
    "Distributed Training",
    "Distributed Systems",
    "GPU Kernel Optimization",
    "ML Infrastructure",
    "ML Systems",
    "LLM Fine-Tuning",
    "RAG",
    "Vector Databases",
    "Prompt Engineering",
    "Kubernetes Operators",
)
REQUIRED_COLLISIONS = (
    "go",
    "r",
    "c",
    "lambda",
    "spring",
    "swift",
    "rust",
    "excel",
    "spark",
    "flask",
    "ruby",
    "shell",
    "unity",
    "access",
    "word",
)


@pytest.fixture(scope="module")
def t() -> Iterator[dict[str, pd.DataFrame]]:
    yield {
        name: pd.read_csv(DATA / f"{name}.csv.gz", dtype=str, keep_default_na=False)
        for name in TABLES
    }


@pytest.fixture(scope="module")
def roles() -> list[dict]:
    return json.loads((DATA / "roles.json").read_text(encoding="utf-8"))


def _skill_of(t: dict[str, pd.DataFrame], norm: str) -> set[str]:
    names = t["skills"].set_index("slug")["name"]
    return {names[s] for s in t["aliases"].loc[t["aliases"].normalized == norm, "skill_slug"]}


def test_files_have_the_documented_columns_and_gzip_mtime_zero(t: dict) -> None:
    for name in TABLES:
        assert list(t[name].columns) == TABLE_COLUMNS[name]
        header = (DATA / f"{name}.csv.gz").read_bytes()[:10]
        assert header[:2] == b"\x1f\x8b" and header[4:8] == b"\0\0\0\0"  # gzip, mtime 0
        assert t[name].iloc[:, 0].is_monotonic_increasing, name  # rows are sorted


def test_acceptance_counts(t: dict, roles: list) -> None:
    assert len(t["skills"]) >= 40_000
    assert len(t["aliases"]) >= 120_000
    assert len(t["dimensions"]) >= 400
    assert len(roles) >= 25
    assert t["collisions"].normalized.nunique() >= 25
    assert (t["dimensions"].slug.str.startswith("lightcast/")).sum() == 442
    assert (t["dimensions"].slug.str.startswith("tech/")).sum() >= 40


def test_manifest_counts_match_the_files(t: dict, roles: list) -> None:
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    for name in TABLES:
        assert counts[name] == len(t[name]), name
    assert counts["roles"] == len(roles)
    assert counts["role_aliases"] == sum(len(r["aliases"]) for r in roles)
    assert manifest["version"] and all(len(h) == 64 for h in manifest["sources"].values())


def test_skills_are_unique_and_categorised(t: dict) -> None:
    skills = t["skills"]
    assert skills.slug.is_unique
    assert skills.name.map(normalize_alias).is_unique  # one skill per normalised name
    assert (skills.category != "").all() and (skills.sub_category != "").all()
    assert set(skills.nature) <= {"hard", "soft", "knowledge", "tool", "certification", "language"}
    assert set(skills.source) <= {"taxonomy", "curated"}
    assert skills.source_ref.str.contains(r"lightcast:|esco:|gazetteer|curated").all()


def test_aliases_are_consistent(t: dict) -> None:
    aliases, skills = t["aliases"], t["skills"]
    assert not aliases.duplicated(["skill_slug", "normalized"]).any()
    assert set(aliases.skill_slug) <= set(skills.slug)
    assert set(aliases.alias_type) <= {
        "canonical",
        "synonym",
        "abbreviation",
        "version",
        "spelling",
    }
    assert set(aliases.match_strategy) <= {"exact", "fuzzy", "context"}
    assert set(aliases.source) <= {"taxonomy", "curated"}
    canonical = aliases[aliases.alias_type == "canonical"]
    assert canonical.skill_slug.is_unique and set(canonical.skill_slug) == set(skills.slug)
    names = skills.set_index("slug")["name"]
    assert (canonical.alias.values == names[canonical.skill_slug].values).all()
    sample = pd.concat([aliases.iloc[::13], aliases[aliases.source == "curated"]])
    assert (sample.alias.map(normalize_alias) == sample.normalized).all()
    assert (sample.alias.map(squash_alias) == sample.squashed).all()


def test_every_multi_skill_alias_is_a_recorded_collision(t: dict) -> None:
    aliases, coll = t["aliases"], t["collisions"]
    shared = aliases[aliases.normalized.duplicated(keep=False)]
    multi = shared.groupby("normalized").skill_slug.apply(frozenset)
    recorded = coll.groupby("normalized").skill_slug.apply(frozenset)
    assert len(multi) > 0
    for norm, slugs in multi.items():
        assert recorded.get(norm) == slugs, norm
    assert (coll.groupby("normalized").is_default.apply(lambda s: (s == "true").sum()) == 1).all()
    assert set(coll.is_default) <= {"true", "false"}
    context = set(aliases.loc[aliases.match_strategy == "context", "normalized"])
    assert context == set(coll.normalized)
    assert set(coll.skill_slug) <= set(t["skills"].slug)


def test_required_collisions_have_context_terms(t: dict) -> None:
    coll = t["collisions"].set_index(["normalized", "is_default"])
    for form in REQUIRED_COLLISIONS:
        terms = coll.loc[(form, "true"), "context_terms"]
        assert len(terms.split("|")) >= 4, form
    go = coll.loc[("go", "true"), "context_terms"].split("|")
    assert "golang" in go and "goroutine" in go
    assert "vlookup" in coll.loc[("excel", "true"), "context_terms"].split("|")


def test_dimensions_and_links(t: dict) -> None:
    dims, links, skills = t["dimensions"], t["skill_dimensions"], t["skills"]
    assert dims.slug.is_unique and (dims.description.str.strip() != "").all()
    assert not dims.slug.str.startswith("pending/").any()
    assert set(dims.source) <= {"taxonomy", "curated"}
    assert not links.duplicated(["skill_slug", "dimension_slug"]).any()
    assert set(links.dimension_slug) <= set(dims.slug)
    assert set(links.skill_slug) <= set(skills.slug)
    weights = links.weight.astype(float)
    assert ((weights > 0) & (weights <= 1)).all()
    members = links[links.dimension_slug.str.startswith("tech/")].groupby("dimension_slug").size()
    assert len(members) == (dims.slug.str.startswith("tech/")).sum()
    assert members.between(20, 60).all()


def test_relations_reference_skills(t: dict) -> None:
    rel = t["relations"]
    assert set(rel.relation) <= {"related_to", "requires", "parent", "child"}
    assert set(rel.skill_slug) | set(rel.related_skill_slug) <= set(t["skills"].slug)


def test_roles_are_complete_and_distinct(t: dict, roles: list) -> None:
    dims = set(t["dimensions"].slug)
    assert {r["name"] for r in roles} >= REQUIRED_ROLES
    assert len({r["slug"] for r in roles}) == len(roles)
    owners: dict[str, str] = {}
    for role in roles:
        assert role["archetype"] and role["description"]
        assert len(role["aliases"]) >= 10, role["slug"]
        assert len(role["responsibilities"]) >= 5, role["slug"]
        assert all(10 <= len(r.split()) <= 25 for r in role["responsibilities"]), role["slug"]
        assert len(role["dimensions"]) >= 8, role["slug"]
        assert {d["slug"] for d in role["dimensions"]} <= dims
        assert all(0 < d["weight"] <= 1 for d in role["dimensions"])
        for alias in role["aliases"]:
            norm = normalize_alias(alias)
            assert owners.setdefault(norm, role["slug"]) == role["slug"], alias


def test_key_technology_names_resolve(t: dict) -> None:
    aliases = t["aliases"]
    pytorch = aliases[aliases.squashed == squash_alias("py torch")]
    assert set(pytorch.skill_slug) == {"pytorch-machine-learning-library"}
    assert _skill_of(t, "py torch") == {"PyTorch (Machine Learning Library)"}
    api = aliases[(aliases.normalized == "api") & (aliases.alias_type == "abbreviation")]
    assert set(api.skill_slug) == {"application-programming-interface-api"}
    assert _skill_of(t, "mlops") == {"MLOps (Machine Learning Operations)"}
    for name in REQUIRED_EXTRA_SKILLS:
        assert len(_skill_of(t, normalize_alias(name))) == 1, name
    assert not aliases.normalized.isin(["pallas", "triton"]).any()
