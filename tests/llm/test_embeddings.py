"""OpenAIEmbedder and the stage-3 re-ranking it drives, through the real openai client
against the local OpenAI-compatible server (tests/llm_server.py) and a real Postgres."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pytest
from llm_server import TEST_API_KEY, LLMServer

from jdskills.llm.embeddings import EMBED_BATCH, OpenAIEmbedder
from jdskills.llm.errors import LLMBadRequest, LLMConfigError, LLMUnavailable
from jdskills.normalize import normalize_alias, squash_alias
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot
from jdskills.settings import Settings
from tasks.match import resolve_names

MODEL = "text-embedding-3-small"
SKILLS = {1: "PyTorch", 2: "Kubernetes", 3: "Apache Airflow", 4: "Machine Learning",
          5: "Deep Learning", 6: "Data Visualization"}


@pytest.fixture
def embed_settings(llm_settings: Settings) -> Settings:
    return llm_settings.model_copy(update={"backend": "llm", "llm_embedding_model": MODEL})


@pytest.fixture
def snapshot() -> CatalogSnapshot:
    """A small catalog; a fresh one per test (resolutions are remembered on the snapshot)."""
    names = list(SKILLS.values())
    skills = pd.DataFrame({"slug": [normalize_alias(n) for n in names], "name": names},
                          index=list(SKILLS))
    aliases = pd.DataFrame({"skill_id": list(SKILLS), "alias": names,
                            "normalized": [normalize_alias(n) for n in names],
                            "squashed": [squash_alias(n) for n in names]})
    return CatalogSnapshot(version=1, skills=skills, aliases=aliases, collisions=pd.DataFrame(),
                           dimensions=pd.DataFrame(), skill_dims={}, roles=[])


def test_embeddings_are_requested_normalised_and_logged(
        embed_settings: Settings, llm_server: LLMServer,
        llm_rows: Callable[..., list[dict[str, Any]]]) -> None:
    vectors = OpenAIEmbedder(embed_settings, run_id="r1").embed(["kafka", "Spark", "kafka"])
    assert vectors.shape == (3, 64) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])
    assert llm_server.counts["embeddings"] == 1
    assert llm_server.embedding_requests[0]["input"] == ["kafka", "Spark"]  # distinct texts
    assert llm_server.embedding_requests[0]["model"] == MODEL
    [call] = llm_rows()
    assert (call["run_id"], call["stage"], call["model"], call["cache_hit"]) == (
        "r1", "embed", MODEL, False)
    assert call["tokens_in"] >= 2 and call["error"] is None and call["latency_ms"] > 0
    assert call["cost_usd"] == pytest.approx(call["tokens_in"] * 0.02 / 1e6)
    cached = llm_rows("llm_cache")
    assert len(cached) == 2 and all(len(c["response"]["embedding"]) == 64 for c in cached)


def test_a_repeat_is_answered_from_the_cache(
        embed_settings: Settings, llm_server: LLMServer,
        llm_rows: Callable[..., list[dict[str, Any]]]) -> None:
    texts = [f"skill number {i}" for i in range(EMBED_BATCH + 10)]
    first = OpenAIEmbedder(embed_settings).embed(texts)
    assert llm_server.counts["embeddings"] == 2  # batches of at most EMBED_BATCH
    assert [len(r["input"]) for r in llm_server.embedding_requests] == [EMBED_BATCH, 10]
    llm_server.reset()
    again = OpenAIEmbedder(embed_settings, run_id="re-run").embed(list(reversed(texts)))
    assert llm_server.counts["embeddings"] == 0  # no HTTP request at all
    assert np.array_equal(again, first[::-1])
    repeat = [r for r in llm_rows() if r["run_id"] == "re-run"]
    assert len(repeat) == 2 and all(r["cache_hit"] and r["cost_usd"] == 0 for r in repeat)


def test_a_failed_request_is_logged_and_raised_without_the_key(
        embed_settings: Settings, llm_server: LLMServer,
        llm_rows: Callable[..., list[dict[str, Any]]], caplog: pytest.LogCaptureFixture) -> None:
    llm_server.inject_embeddings("500", "500", "500")
    with pytest.raises(LLMUnavailable) as unavailable:
        OpenAIEmbedder(embed_settings).embed(["kafka"])
    assert llm_server.counts["embeddings"] == 3  # the one retry layer: llm_max_attempts
    llm_server.inject_embeddings("echo_key")
    with pytest.raises(LLMBadRequest) as leaky:
        OpenAIEmbedder(embed_settings).embed(["spark"])
    assert TEST_API_KEY in llm_server.authorizations
    assert "[redacted]" in str(leaky.value)
    rows = llm_rows()
    assert [r["cache_hit"] for r in rows] == [False, False]
    assert rows[0]["error"].startswith("LLMUnavailable") and rows[1]["error"]
    assert llm_rows("llm_cache") == []
    texts = [str(e.value) for e in (unavailable, leaky)] + [caplog.text, str(rows)]
    texts += ["".join(traceback.format_exception(e.value)) for e in (unavailable, leaky)]
    assert all(TEST_API_KEY not in t for t in texts)


def test_the_embedder_needs_a_model(llm_settings: Settings) -> None:
    with pytest.raises(LLMConfigError):
        OpenAIEmbedder(llm_settings)


def test_match_re_ranks_the_hashed_shortlist_by_embedding(
        embed_settings: Settings, llm_server: LLMServer, snapshot: CatalogSnapshot,
        llm_rows: Callable[..., list[dict[str, Any]]]) -> None:
    # the server embeds "learning machines" as "deep learning": hashed vectors prefer
    # Machine Learning (more shared n-grams), the embeddings Deep Learning
    llm_server.embedding_synonyms["learning machines"] = "deep learning"
    names = ["learning machines", "quantum annealing"]
    got = resolve_names(names, snapshot, embed_settings, run_id="r2")
    picked = got["learning machines"]
    assert (picked.via, picked.skill_id, picked.score) == ("semantic", 5, pytest.approx(1.0))
    by_id = {c["skill_id"]: c for c in picked.candidates}
    assert by_id[5]["embedding_score"] == pytest.approx(1.0)
    assert by_id[4]["score"] > by_id[5]["score"]  # the hashed vectors ranked it second
    assert all({"score", "embedding_score"} <= c.keys() for c in picked.candidates)
    assert got["quantum annealing"].via == "new"
    assert llm_server.counts["embeddings"] == 1  # names and candidates in one request
    [call] = llm_rows()
    assert (call["stage"], call["run_id"], call["cache_hit"]) == ("match", "r2", False)


def test_match_falls_back_to_hashed_vectors_when_embeddings_fail(
        embed_settings: Settings, llm_server: LLMServer, snapshot: CatalogSnapshot,
        llm_rows: Callable[..., list[dict[str, Any]]]) -> None:
    offline = Settings(_env_file=None)  # type: ignore[call-arg]
    names = ["learning machines", "machine learnings stuff", "quantum annealing"]
    expected = resolve_names(names, snapshot, offline)
    llm_server.embedding_synonyms["learning machines"] = "deep learning"
    llm_server.inject_embeddings("500", "500", "500")
    got = resolve_names(names, snapshot, embed_settings)
    assert {n: (r.via, r.skill_id) for n, r in got.items()} == {
        n: (r.via, r.skill_id) for n, r in expected.items()}
    assert all("embedding_score" not in c for r in got.values() for c in r.candidates)
    assert llm_rows()[0]["error"].startswith("LLMUnavailable")
    # not remembered: the next chunk asks again, and the embeddings decide
    again = resolve_names(names, snapshot, embed_settings)
    assert llm_server.counts["embeddings"] == 4
    assert (again["learning machines"].via, again["learning machines"].skill_id) == (
        "semantic", 5)


def test_without_an_embedding_model_the_llm_backend_matches_as_offline(
        llm_settings: Settings, llm_server: LLMServer, snapshot: CatalogSnapshot) -> None:
    names = ["learning machines", "machine learnings stuff"]
    offline = Settings(_env_file=None)  # type: ignore[call-arg]
    llm = llm_settings.model_copy(update={"backend": "llm"})
    assert resolve_names(names, snapshot, llm) == resolve_names(names, snapshot, offline)
    assert llm_server.counts["embeddings"] == 0


def test_cached_embeddings_need_no_server(
        embed_settings: Settings, llm_server: LLMServer, snapshot: CatalogSnapshot) -> None:
    llm_server.embedding_synonyms["learning machines"] = "deep learning"
    resolve_names(["learning machines"], snapshot, embed_settings)
    unreachable = embed_settings.model_copy(update={"openai_base_url": "http://127.0.0.1:9/v1"})
    fresh = CatalogSnapshot(version=1, skills=snapshot.skills, aliases=snapshot.aliases,
                            collisions=pd.DataFrame(), dimensions=pd.DataFrame(),
                            skill_dims={}, roles=[])
    got = resolve_names(["learning machines"], fresh, unreachable)
    assert (got["learning machines"].via, got["learning machines"].skill_id) == ("semantic", 5)
    with psycopg.connect(str(embed_settings.database_url).replace("+psycopg", "")) as conn:
        dumps = [r[0] for t in ("llm_call", "llm_cache")
                 for r in conn.execute(f"SELECT t::text FROM {t} t")]
    assert dumps and all(TEST_API_KEY not in d for d in dumps)
