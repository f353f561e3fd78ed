"""``OpenAIEmbedder``: the :class:`~jdskills.embedder.Embedder` protocol over the OpenAI
embeddings API (``settings.llm_embedding_model``), for the LLM backend.

Requests go through the process's shared :class:`~jdskills.llm.client.LLMClient` (its openai
client, its one retry layer, its concurrency limit and its key redaction): one
``embeddings.create`` call per batch of at most ``EMBED_BATCH`` distinct texts that are not
cached yet. Each text's vector is cached in ``llm_cache`` under sha256(model, "embedding",
text), so a re-run asks the API for nothing. Every request leaves one ``llm_call`` row (tokens,
cost, latency, error), and so does every batch of texts answered from the cache (``cache_hit``).
A failed request raises its :class:`~jdskills.llm.errors.LLMError` after its row is written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence

import numpy as np
import psycopg

from jdskills.llm.client import LLMClient
from jdskills.llm.errors import LLMConfigError, LLMError, LLMInvalidOutput
from jdskills.llm.store import (
    EMBEDDING,
    CacheEntry,
    CallRecord,
    LLMStore,
    batch_key,
    embedding_key,
)
from jdskills.llm.tokens import count_tokens
from jdskills.settings import Settings, get_settings

log = logging.getLogger(__name__)
EMBED_BATCH = 256


class OpenAIEmbedder:
    """L2-normalised float32 embeddings of ``settings.llm_embedding_model``. ``dim`` is 0
    until the first vector is seen (the API decides it, not us)."""

    def __init__(self, settings: Settings | None = None, *, stage: str = "embed",
                 run_id: str | None = None) -> None:
        s = settings or get_settings()
        if not s.llm_embedding_model:
            raise LLMConfigError("OpenAIEmbedder needs settings.llm_embedding_model "
                                 "(JDSKILLS_LLM_EMBEDDING_MODEL)")
        self.model: str = s.llm_embedding_model
        self.name = f"openai-{self.model}"
        self.dim = 0
        self.stage = stage
        self.run_id = run_id
        self._client = LLMClient.shared(s)
        self._store = LLMStore(s)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        distinct = list(dict.fromkeys(texts))
        keys = {t: embedding_key(self.model, t) for t in distinct}
        vectors: dict[str, list[float]] = {}
        with self._store.connect() as conn:
            cached = self._store.lookup(conn, keys.values())
            for t in distinct:
                hit = cached.get(keys[t])
                vector = hit.response.get("embedding") if hit is not None else None
                if isinstance(vector, list) and vector:
                    vectors[t] = vector
            for batch in _batches([t for t in distinct if t in vectors]):
                self._store.save_call(conn, CallRecord(
                    self.run_id, self.stage, self.model, EMBEDDING,
                    batch_key([keys[t] for t in batch]), cache_hit=True))
            for batch in _batches([t for t in distinct if t not in vectors]):
                vectors.update(self._fetch(conn, batch, keys))
        return self._matrix([vectors[t] for t in texts])

    def _fetch(self, conn: psycopg.Connection, batch: list[str], keys: dict[str, str]
               ) -> dict[str, list[float]]:
        """One request; its llm_call row and the cache rows of its vectors are saved."""
        started = time.perf_counter()
        request_hash = batch_key([keys[t] for t in batch])
        try:
            response = self._client.create_embeddings(self.model, batch)
            vectors = _vectors_in_order(response.data, len(batch), self.model)
        except LLMError as e:
            e.record = CallRecord(self.run_id, self.stage, self.model, EMBEDDING, request_hash,
                                  latency_ms=_ms_since(started),
                                  error=f"{type(e).__name__}: {e}"[:2000])
            self._store.save_call(conn, e.record)
            log.warning("%s: %d embedding(s) failed: %s", self.stage, len(batch), e)
            raise
        tokens = int(response.usage.prompt_tokens) if response.usage else 0
        record = CallRecord(self.run_id, self.stage, self.model, EMBEDDING, request_hash,
                            tokens, 0, self._client.cost_usd(self.model, tokens, 0),
                            _ms_since(started), False)
        entries = [CacheEntry(keys[t], {"embedding": v}, count_tokens(t, self.model))
                   for t, v in zip(batch, vectors, strict=True)]
        self._store.save_call(conn, record, entries)
        log.debug("%s: embedded %d text(s) with %s, %d tokens, %.0f ms", self.stage,
                  len(batch), self.model, tokens, record.latency_ms)
        return dict(zip(batch, vectors, strict=True))

    def _matrix(self, rows: list[list[float]]) -> np.ndarray:
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        dims = {len(r) for r in rows}
        if len(dims) != 1:
            raise LLMInvalidOutput(f"{self.model}: embeddings of different lengths {sorted(dims)}"
                                   " (cached under another configuration?)")
        matrix = np.asarray(rows, dtype=np.float32)
        if not np.isfinite(matrix).all():
            raise LLMInvalidOutput(f"{self.model}: an embedding holds a non-finite value")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.dim = matrix.shape[1]
        return matrix / norms


def _vectors_in_order(data: Sequence[object], expected: int, model: str) -> list[list[float]]:
    """The reply's vectors in input order (the API numbers them with ``index``)."""
    by_index = {int(getattr(d, "index", -1)): getattr(d, "embedding", None) for d in data}
    if sorted(by_index) != list(range(expected)):
        raise LLMInvalidOutput(f"{model}: {len(data)} embedding(s) for {expected} input(s)")
    vectors = [by_index[i] for i in range(expected)]
    if not all(isinstance(v, list) and v for v in vectors):
        raise LLMInvalidOutput(f"{model}: an embedding is empty or not a list of floats")
    return vectors  # type: ignore[return-value]


def _batches(texts: list[str]) -> Iterator[list[str]]:
    for lo in range(0, len(texts), EMBED_BATCH):
        yield texts[lo:lo + EMBED_BATCH]


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
