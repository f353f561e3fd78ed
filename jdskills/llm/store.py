"""Postgres side of the LLM client: the response cache (``llm_cache``) and the call log
(``llm_call``).

The cache key is the sha256 of (model, prompt version, output schema, input messages): the
same request made twice, by a re-run or an overlapping backfill, is answered from the table.
An embedding is cached per text under sha256(model, "embedding", text)
(:func:`embedding_key`), so one embeddings request fills one cache row per input.
Each request, answered by the API or by the cache, leaves one ``llm_call`` row; nothing here
ever sees the API key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from pydantic import BaseModel

from jdskills import db
from jdskills.settings import LLMPrice, Settings

INSERT_CALL = """
    INSERT INTO llm_call (run_id, stage, model, prompt_version, request_hash, tokens_in,
                          tokens_out, cost_usd, latency_ms, cache_hit, error, created_at)
    VALUES (%(run_id)s, %(stage)s, %(model)s, %(prompt_version)s, %(request_hash)s,
            %(tokens_in)s, %(tokens_out)s, %(cost_usd)s, %(latency_ms)s, %(cache_hit)s,
            %(error)s, now())"""
INSERT_CACHE = """
    INSERT INTO llm_cache (key, stage, model, prompt_version, response, tokens_in, tokens_out,
                           created_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, now())
    ON CONFLICT (key) DO NOTHING"""
EMBEDDING = "embedding"  # the prompt_version of embedding rows
SELECT_CACHE = "SELECT key, response, tokens_in, tokens_out FROM llm_cache WHERE key = ANY(%s)"


@dataclass(frozen=True)
class CallRecord:
    """One ``llm_call`` row: what one request cost, answered by the API or the cache."""

    run_id: str | None
    stage: str
    model: str
    prompt_version: str
    request_hash: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    cache_hit: bool = False
    error: str | None = None


@dataclass(frozen=True)
class CacheEntry:
    """One ``llm_cache`` row filled by a request whose own key is not the entry's."""

    key: str
    response: Mapping[str, Any]
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass(frozen=True)
class CachedResponse:
    response: dict[str, Any]
    tokens_in: int
    tokens_out: int


@lru_cache(maxsize=2048)
def schema_json(schema: type[BaseModel]) -> str:
    return json.dumps(schema.model_json_schema(), sort_keys=True, separators=(",", ":"))


def request_key(
    model: str, prompt_version: str, schema: type[BaseModel], messages: Sequence[Mapping[str, Any]]
) -> str:
    payload = json.dumps(
        {"model": model, "prompt_version": prompt_version, "schema": schema_json(schema),
         "messages": [dict(m) for m in messages]},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def embedding_key(model: str, text: str) -> str:
    payload = json.dumps({"model": model, "kind": EMBEDDING, "input": text},
                         sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def batch_key(keys: Sequence[str]) -> str:
    """The ``request_hash`` of a request made of several cached items (an embeddings batch)."""
    return hashlib.sha256("\n".join(keys).encode("ascii")).hexdigest()


def list_price_usd(prices: Mapping[str, LLMPrice], model: str, tokens_in: int,
                   tokens_out: int) -> float | None:
    """Cost at the price table's list price; a dated snapshot ("gpt-4.1-nano-2025-04-14")
    takes its model's price. None when the model has no price."""
    names = [k for k in prices if model == k or model.startswith(k + "-")]
    if not names:
        return None
    price = prices[max(names, key=len)]
    return (tokens_in * price.input_per_mtok + tokens_out * price.output_per_mtok) / 1e6


class LLMStore:
    """Reads the cache and writes calls and cached responses, each in its own commit (a call
    that happened is logged even when the run fails afterwards)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def connect(self) -> psycopg.Connection:
        """An autocommit connection whose commits do not wait for the WAL flush: a crash
        of Postgres itself may lose the last few log/cache rows (never corrupt them), and
        the batch does not wait ~10-30 ms per completed call on a slow disk."""
        conn = db.connect(self._settings, autocommit=True)
        conn.execute("SET synchronous_commit TO off")
        return conn

    def lookup(self, conn: psycopg.Connection, keys: Iterable[str]) -> dict[str, CachedResponse]:
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        rows = conn.execute(SELECT_CACHE, (wanted,)).fetchall()
        return {key: CachedResponse(response, tin, tout) for key, response, tin, tout in rows}

    def save(self, conn: psycopg.Connection,
             items: Iterable[tuple[CallRecord, Mapping[str, Any] | None]]) -> None:
        """Call rows, and responses into the cache where given, in one transaction."""
        items = list(items)
        if not items:
            return
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(INSERT_CALL, [asdict(record) for record, _ in items])
            cached = [(r.request_hash, r.stage, r.model, r.prompt_version, Jsonb(dict(resp)),
                       r.tokens_in, r.tokens_out) for r, resp in items if resp is not None]
            if cached:
                cur.executemany(INSERT_CACHE, cached)

    def save_call(self, conn: psycopg.Connection, record: CallRecord,
                  entries: Iterable[CacheEntry] = ()) -> None:
        """One call row and the cache entries its answer filled, in one transaction."""
        rows = [(e.key, record.stage, record.model, record.prompt_version,
                 Jsonb(dict(e.response)), e.tokens_in, e.tokens_out) for e in entries]
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(INSERT_CALL, asdict(record))
            if rows:
                cur.executemany(INSERT_CACHE, rows)
