"""The offline skill extractor on small in-memory catalogs (and once on the real one)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest

from jdskills.offline import parse_jd
from jdskills.offline.extract import (
    CatalogDirError,
    CatalogTableError,
    Gazetteer,
    load_gazetteer_from_catalog_dir,
)
from jdskills.offline.extract.index import alias_key
from jdskills.records import ExtractedSkill, Section, SourceMarker
from jdskills.settings import PROJECT_ROOT

SEED_JD = Path(__file__).resolve().parents[3] / "shared" / "seed" / "jd.txt"
CATALOG_DIR = PROJECT_ROOT / "catalog" / "data"

# slug, name, nature, aliases (first = canonical), alias strategy
SKILLS: list[tuple[str, str, str, list[str], str]] = [
    ("machine-learning", "Machine Learning", "knowledge", ["Machine Learning", "ML"], "exact"),
    ("mlops", "MLOps", "hard", ["MLOps", "Machine Learning Operations"], "exact"),
    ("apache-spark", "Apache Spark", "tool", ["Apache Spark", "Spark"], "exact"),
    ("pytorch", "PyTorch", "tool", ["PyTorch"], "exact"),
    ("jax", "JAX", "tool", ["JAX"], "exact"),
    ("distributed-systems", "Distributed Systems", "knowledge", ["Distributed Systems"], "exact"),
    ("distributed-training", "Distributed Training", "hard", ["Distributed Training"], "exact"),
    ("gpu-kernel-optimization", "GPU Kernel Optimization", "hard",
     ["GPU Kernel Optimization"], "exact"),
    ("go-lang", "Go", "hard", ["Go", "Golang"], "context"),
    ("r-lang", "R", "hard", ["R"], "context"),
    ("c-lang", "C", "hard", ["C"], "context"),
    ("cpp", "C++", "hard", ["C++"], "exact"),
    ("csharp", "C#", "hard", ["C#"], "exact"),
    ("python", "Python", "hard", ["Python"], "exact"),
    ("java", "Java", "hard", ["Java"], "exact"),
    ("javascript", "JavaScript", "hard", ["JavaScript"], "exact"),
    ("nodejs", "Node.js", "tool", ["Node.js"], "exact"),
    ("ms-excel", "Microsoft Excel", "tool", ["Microsoft Excel", "Excel"], "exact"),
    ("ms-access", "Microsoft Access", "tool", ["Microsoft Access", "Access"], "exact"),
    ("spring-framework", "Spring Framework", "tool", ["Spring Framework", "Spring"], "exact"),
    ("spring-boot", "Spring Boot", "tool", ["Spring Boot"], "exact"),
    ("swift-lang", "Swift", "hard", ["Swift"], "exact"),
    ("rust-lang", "Rust", "hard", ["Rust"], "exact"),
    ("aws", "Amazon Web Services", "tool", ["Amazon Web Services", "AWS"], "exact"),
    ("aws-lambda", "AWS Lambda", "tool", ["AWS Lambda", "Lambda"], "exact"),
    ("unity-engine", "Unity", "tool", ["Unity"], "exact"),
    ("kubernetes", "Kubernetes", "tool", ["Kubernetes"], "exact"),
    ("sql", "SQL", "hard", ["SQL"], "exact"),
    ("ray-framework", "Ray", "tool", ["Ray"], "exact"),
    ("ray-tracing", "Ray Tracing", "hard", ["Ray Tracing"], "exact"),
    ("communication", "communication", "soft", ["communication"], "exact"),
    ("rest-api", "REST", "hard", ["REST"], "exact"),
    ("reasoning", "reasoning", "soft", ["reasoning"], "exact"),
    ("ml-language", "ML (programming language)", "hard", ["ML (programming language)", "ML"],
     "exact"),
    ("websphere", "IBM WebSphere", "tool", ["IBM WebSphere", "WebSphere"], "exact"),
    ("think-creatively", "think creatively", "soft", ["think creatively", "design"], "exact"),
]
COLLISIONS = [
    ("ray", "ray-framework", "distributed|python|cluster", "true", "multi_skill"),
    ("ray", "ray-tracing", "rendering|graphics|shader", "false", "multi_skill"),
]


def _tables(int_keys: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    key = {slug: (i + 1 if int_keys else slug) for i, (slug, *_rest) in enumerate(SKILLS)}
    skills = pd.DataFrame(
        [{"id" if int_keys else "slug": key[s], "name": n, "nature": nat, "category": None}
         for s, n, nat, _a, _m in SKILLS]
    )
    rows = []
    for slug, _name, _nat, aliases, strategy in SKILLS:
        for i, alias in enumerate(aliases):
            rows.append({"skill_id" if int_keys else "skill_slug": key[slug], "alias": alias,
                         "normalized": alias.lower(), "alias_type": "canonical" if i == 0
                         else "synonym", "match_strategy": strategy})
    collisions = pd.DataFrame(
        [{"normalized": n, "skill_key": key[s], "context_terms": t, "is_default": d, "note": x}
         for n, s, t, d, x in COLLISIONS]
    )
    return pd.DataFrame(rows), skills, collisions


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.build(*_tables())


def _section(text: str, body: str, kind: str, heading: str | None = None) -> Section:
    return Section(heading=heading, heading_was_present=heading is not None, kind=kind,
                   text=body, start=text.index(body), bullet_count=0,
                   word_count=len(body.split()),
                   source_marker=SourceMarker(first_5_words="", last_5_words=""))


def _names(skills: list[ExtractedSkill]) -> set[str]:
    return {s.name for s in skills}


def _one(gaz: Gazetteer, text: str) -> set[str]:
    return _names(gaz.extract(text, []))


# --- matching -----------------------------------------------------------------------------

def test_longest_match_wins_and_contained_matches_are_dropped(gaz: Gazetteer) -> None:
    out = gaz.extract("We use machine learning operations and Apache Spark daily.", [])
    assert _names(out) == {"MLOps", "Apache Spark"}
    spark = next(s for s in out if s.name == "Apache Spark")
    assert spark.count == 1 and spark.skill_slug == "apache-spark" and spark.skill_id is None


def test_matches_only_on_token_boundaries(gaz: Gazetteer) -> None:
    names = _one(gaz, "Strong JavaScript and Scala; R&D budget; C++ daily.")
    assert {"JavaScript", "C++"} <= names
    assert not {"Java", "C", "R"} & names
    assert _one(gaz, "Sparkling water, javas, MySQLish") == set()
    # a sentence-final dot and a hyphenated suffix still end the token
    assert _one(gaz, "Services in Node.js. Python-based tools.") == {"Node.js", "Python"}


def test_aliases_holding_or_ending_with_a_dot_match_where_the_dot_ends_a_token() -> None:
    """The automaton reads a token-ending "." as a space, in the text and in its keys."""
    skills = pd.DataFrame([{"slug": "phd", "name": "Ph.D.", "nature": "knowledge"},
                           {"slug": "us-army", "name": "U.S. Army", "nature": "knowledge"},
                           {"slug": "nodejs", "name": "Node.js", "nature": "tool"}])
    aliases = pd.DataFrame([{"skill_slug": slug, "alias": name, "normalized": name.lower(),
                             "alias_type": "canonical", "match_strategy": "exact"}
                            for slug, name in zip(skills["slug"], skills["name"],
                                                  strict=True)])
    g = Gazetteer.build(aliases, skills, pd.DataFrame(
        columns=["normalized", "skill_key", "context_terms", "is_default"]))
    assert _one(g, "Served in the U.S. Army, then a Ph.D. in physics.") == {"U.S. Army",
                                                                             "Ph.D."}
    assert _one(g, "Holds a Ph.D.") == {"Ph.D."}
    assert _one(g, "Node.js.") == {"Node.js"}
    assert _one(g, "A Ph.Dx, the U.S.Army, node.jsx") == set()


def test_the_index_survives_pickling_with_every_key_and_match(gaz: Gazetteer) -> None:
    """The snapshot cache pickles the gazetteer: keys, targets and forms come back whole."""
    again = pickle.loads(pickle.dumps(gaz))
    text = "Machine learning operations on AWS Lambda; Py Torch, Node.js and C++ daily."
    assert again.extract(text, []) == gaz.extract(text, [])
    assert len(again.index.automaton) == len(gaz.index.automaton) > len(SKILLS)
    assert alias_key("aws lambda") in again.index.automaton
    assert alias_key("aws lam") not in again.index.automaton  # a prefix of a key is not one
    assert "aws lambda" not in again.index.automaton  # keys are " form ", with the spaces


def test_offsets_map_back_through_unicode_and_odd_whitespace(gaz: Gazetteer) -> None:
    text = "ﬁne “Expérience” —\u00a0 Machine\u2003\u2003Learning\r\n\t“Kubernetes”, ＡＷＳ?"
    out = {s.name: s for s in gaz.extract(text, [])}
    ml = out["Machine Learning"]
    assert text[ml.start : ml.end] == "Machine\u2003\u2003Learning"
    k8s = out["Kubernetes"]
    assert text[k8s.start : k8s.end] == "Kubernetes"
    aws = out["Amazon Web Services"]
    assert text[aws.start : aws.end] == "ＡＷＳ"  # full-width letters fold to "aws"


def test_multiword_alias_does_not_match_across_punctuation_or_lines(gaz: Gazetteer) -> None:
    assert "Machine Learning" not in _one(gaz, "Build the machine, learning fast.\n")
    assert "Distributed Systems" not in _one(gaz, "distributed\nsystems")


def test_spelling_variant_by_squashed_tokens(gaz: Gazetteer) -> None:
    out = {s.name: s for s in gaz.extract("Experience with Py Torch or py-torch.", [])}
    assert out["PyTorch"].count == 2
    text = "Experience with Py Torch or py-torch."
    assert text[out["PyTorch"].start : out["PyTorch"].end] == "Py Torch"


def test_hyphens_and_slashes_read_as_spaces(gaz: Gazetteer) -> None:
    text = "Deploy on amazon-web-services and machine-learning platforms."
    out = {s.name: s for s in gaz.extract(text, [])}
    assert {"Amazon Web Services", "Machine Learning"} <= set(out)
    aws = out["Amazon Web Services"]
    assert text[aws.start : aws.end] == "amazon-web-services"
    assert "SQL" not in _one(gaz, "Stored procedures in T-SQL.")  # "-" never starts a token


def test_generic_word_policy_context_needs_a_skill_noun_or_a_list() -> None:
    gaz = Gazetteer.build(*_tables(), generic_policy="context")
    assert "communication" in _names(gaz.extract("Strong communication skills.", []))
    assert "communication" in _names(gaz.extract("Python, communication, SQL.", []))
    assert "communication" not in _names(gaz.extract("Open communication with clients.", []))


def test_boilerplate_cue_sentences_outside_requirements_are_skipped(gaz: Gazetteer) -> None:
    text = "Engineer\nWe use Java.\nWe are an equal opportunity employer and teach Kubernetes."
    assert _one(gaz, text) == {"Java"}
    sections = [_section(text, text, "requirements", "Requirements")]
    assert "Kubernetes" in _names(gaz.extract(text, sections))


def test_generic_word_synonym_is_ignored_but_canonical_kept(gaz: Gazetteer) -> None:
    names = _one(gaz, "Good communication and design sense.")
    assert "communication" in names and "think creatively" not in names
    dropping = Gazetteer.build(*_tables(), generic_policy="drop")
    assert "communication" not in _names(dropping.extract("Good communication.", []))


def test_acronym_and_lower_case_only_words_need_their_form_or_a_list(gaz: Gazetteer) -> None:
    assert "REST" in _one(gaz, "Design REST APIs.")
    assert "REST" not in _one(gaz, "Take a rest after lunch.")
    assert "reasoning" not in _one(gaz, "Explain the reasoning behind choices.")
    assert "reasoning" in _one(gaz, "Strong reasoning skills.")
    assert "IBM WebSphere" in _one(gaz, "Deploy to WebSphere and Kubernetes.")


def test_an_everyday_abbreviation_sense_wins(gaz: Gazetteer) -> None:
    [ml] = gaz.extract("Own the ML platform.", [])
    assert ml.name == "Machine Learning"


def test_organisation_names_are_not_skills(gaz: Gazetteer) -> None:
    text = "Join Ray Labs and Java Inc. We use SQL."
    assert _one(gaz, text) == {"SQL"}
    assert _names(gaz.extract("Kubernetes at Spark, with SQL.", [], company="Spark")) == {
        "Kubernetes", "SQL"}


def test_bad_tables_and_folders_raise_specific_errors(tmp_path: Path) -> None:
    aliases, skills, collisions = _tables()
    with pytest.raises(CatalogTableError):
        Gazetteer.build(aliases.drop(columns=["skill_slug"]), skills, collisions)
    with pytest.raises(CatalogDirError):
        load_gazetteer_from_catalog_dir(tmp_path)


def test_catalog_folder_round_trip(tmp_path: Path) -> None:
    aliases, skills, collisions = _tables()
    aliases.to_csv(tmp_path / "aliases.csv.gz", index=False)
    skills.to_csv(tmp_path / "skills.csv.gz", index=False)
    collisions.rename(columns={"skill_key": "skill_slug"}).to_csv(
        tmp_path / "collisions.csv.gz", index=False)
    gaz = load_gazetteer_from_catalog_dir(tmp_path)
    assert "Ray Tracing" in _names(gaz.extract("GPU rendering with Ray and shaders.", []))


def test_integer_keys_fill_skill_id() -> None:
    gaz = Gazetteer.build(*_tables(int_keys=True))
    [jax] = gaz.extract("Hands-on JAX.", [])
    assert isinstance(jax.skill_id, int) and jax.skill_slug is None and jax.name == "JAX"


# --- context rules ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("skill", "positive", "negative"),
    [
        ("Go", "Backend services in Go and Python.", "You will go live with the go-to plan."),
        ("Go", "Languages: Java, Go, Rust.", "Ready to go the extra mile. Go beyond."),
        ("R", "Statistics in R or Python.", "Budget for R&D, section R of the plan."),
        ("C", "Embedded firmware in C and C++.", "Grade C level, the C-suite, plan C."),
        ("Microsoft Excel", "Advanced Excel skills and SQL.", "You will excel at sales."),
        ("Spring Framework", "Java microservices with Spring and Hibernate.",
         "Join us in spring 2025, the Spring semester."),
        ("Swift", "iOS apps in Swift and Objective-C.", "A swift response to customers."),
        ("Rust", "Systems programming in Rust.", "Remove rust from metal parts."),
        ("AWS Lambda", "Serverless functions on AWS Lambda and Lambda triggers with S3.",
         "Use lambda expressions in Java streams."),
        ("Unity", "Build 3D games in Unity with C#.", "Promote unity of the team."),
        ("Microsoft Access", "Reports in MS Access, Excel and SQL.",
         "You get access to our gym."),
    ],
)
def test_context_rule_both_senses(gaz: Gazetteer, skill: str, positive: str,
                                  negative: str) -> None:
    assert skill in _one(gaz, positive)
    assert skill not in _one(gaz, negative)


def test_collision_sense_from_context_terms_else_default(gaz: Gazetteer) -> None:
    assert "Ray" in _one(gaz, "Scale Python jobs on a distributed Ray cluster.")
    rendering = _one(gaz, "Real-time rendering and shader work with Ray, OpenGL.")
    assert "Ray Tracing" in rendering and "Ray" not in rendering
    assert "Ray" in _one(gaz, "Tools: Ray, SQL.")  # no context terms: the default sense


# --- sections, primary, evidence ----------------------------------------------------------

def test_boilerplate_sections_are_not_a_source_of_skills(gaz: Gazetteer) -> None:
    text = ("Data Engineer\nRequirements\nPython and SQL.\nBenefits\nFree Kubernetes course.\n"
            "About us\nWe build Rust tools.\nEEO\nWe value Java developers equally.")
    sections = [
        _section(text, "Python and SQL.", "requirements", "Requirements"),
        _section(text, "Free Kubernetes course.", "benefits", "Benefits"),
        _section(text, "We build Rust tools.", "about_company", "About us"),
        _section(text, "We value Java developers equally.", "eeo", "EEO"),
    ]
    names = _names(gaz.extract(text, sections))
    assert names == {"Python", "SQL"}


def test_primary_and_secondary(gaz: Gazetteer) -> None:
    text = ("Backend Engineer\nWhat you need\nStrong Java. Kubernetes is a plus.\n"
            "Nice to have\nRust.\nAbout the role\nWe also touch SQL now and then.")
    sections = [
        _section(text, "Strong Java. Kubernetes is a plus.", "requirements", "What you need"),
        _section(text, "Rust.", "nice_to_have", "Nice to have"),
        _section(text, "We also touch SQL now and then.", "other", "About the role"),
    ]
    out = {s.name: s.is_primary for s in gaz.extract(text, sections)}
    assert out == {"Java": True, "Kubernetes": False, "Rust": False, "SQL": False}


def test_evidence_is_the_bullet_and_at_most_300_chars(gaz: Gazetteer) -> None:
    text = "Intro line.\n- Build pipelines with Apache Spark on Kubernetes\n- Write docs"
    [spark] = [s for s in gaz.extract(text, []) if s.name == "Apache Spark"]
    assert spark.evidence == "Build pipelines with Apache Spark on Kubernetes"
    long = "word " * 200 + "using JAX " + "word " * 200
    [jax] = gaz.extract(long, [])
    assert "JAX" in jax.evidence and len(jax.evidence) <= 300
    assert long[jax.start : jax.end] == "JAX"


# --- discovery and the seed JD ------------------------------------------------------------

def _seed_sections(text: str) -> list[Section]:
    marks = [("The essentials", "benefits"), ("What you'll do", "responsibilities"),
             ("What you need", "requirements"), ("Why this is worth your time", "benefits"),
             ("About Para AI Labs", "about_company")]
    pos = [(text.index(h), h, k) for h, k in marks]
    out = [_section(text, text[: pos[0][0]], "summary")]
    for i, (p, h, k) in enumerate(pos):
        end = pos[i + 1][0] if i + 1 < len(pos) else len(text)
        out.append(_section(text, text[p + len(h) + 1 : end], k, h))
    return out


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED_JD.exists():
        pytest.skip(f"seed JD not found at {SEED_JD}")
    return SEED_JD.read_text(encoding="utf-8")


def test_discovery_on_the_seed_jd(gaz: Gazetteer, seed_text: str) -> None:
    out = gaz.extract(seed_text, _seed_sections(seed_text), company="Mercor")
    new = {s.name for s in out if s.skill_slug is None and s.skill_id is None}
    assert {"Pallas", "Triton"} <= new
    names = {s.name.lower() for s in out}
    for junk in ("mercor", "india", "usd", "cincinnatus", "w-2", "llc", "scale ai", "turing"):
        assert junk not in names
    assert {"MLOps", "JAX", "PyTorch", "Distributed Training", "GPU Kernel Optimization",
            "Distributed Systems", "Machine Learning"} <= {s.name for s in out}


def test_discovery_needs_a_list_or_a_trigger(gaz: Gazetteer) -> None:
    text = "Requirements\nKernels with Pallas. Meet Alice on Monday. Stack: Python, Zig."
    sections = [_section(text, text[len("Requirements\n"):], "requirements", "Requirements")]
    new = {s.name for s in gaz.extract(text, sections) if s.skill_slug is None}
    assert new == {"Pallas", "Zig"}


def test_everyday_english_is_not_discovered(gaz: Gazetteer) -> None:
    # capitalised ad phrases in a list beside a catalog skill: everyday words, not products
    text = ("Requirements\nPython, Pallas, Awareness and Undertake. Kernels using Triton2, "
            "Desirable Expertise or COME GROW.")
    sections = [_section(text, text[len("Requirements\n"):], "requirements", "Requirements")]
    new = {s.name for s in gaz.extract(text, sections) if s.skill_slug is None}
    assert new == {"Pallas", "Triton2"}


def test_a_rejected_catalog_alias_is_not_rediscovered(gaz: Gazetteer) -> None:
    text = "Requirements\nStart in Spring with Python."
    sections = [_section(text, text[len("Requirements\n"):], "requirements", "Requirements")]
    assert _names(gaz.extract(text, sections)) == {"Python"}


def test_discovery_can_be_switched_off() -> None:
    gaz = Gazetteer.build(*_tables(), discover=False)
    assert _names(gaz.extract("Stack: Python, Zig.", [])) == {"Python"}


# --- the real catalog ---------------------------------------------------------------------

@pytest.mark.skipif(
    not (CATALOG_DIR / "aliases.csv.gz").exists(),
    reason="catalog/data/aliases.csv.gz not built yet (run the catalog build)",
)
def test_seed_jd_on_the_real_catalog(seed_text: str) -> None:
    gaz = load_gazetteer_from_catalog_dir(CATALOG_DIR)
    parsed = parse_jd("seed", seed_text)
    out = gaz.extract(seed_text, parsed.sections, company=parsed.company_name,
                      stop_terms=[loc.country or "" for loc in parsed.job_locations])
    names = {s.name.lower() for s in out}
    for expected in ("mlops", "machine learning", "distributed training", "jax", "pytorch",
                     "pallas", "triton", "gpu kernel optimization", "distributed systems"):
        assert any(expected == n or n.startswith(expected + " (") for n in names), expected
    for junk in ("mercor", "india", "usd", "cincinnatus", "labs", "ai"):
        assert junk not in names
    new = {s.name for s in out if s.skill_slug is None}
    assert {"Pallas", "Triton"} <= new
