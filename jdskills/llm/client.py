"""``LLMClient``: structured-output calls through the openai client, with a Postgres cache,
a call log, one retry layer (:mod:`jdskills.llm.retry`) and one repair attempt.

``call_many`` answers what it can from ``llm_cache``, sends the rest concurrently (at most
``settings.llm_concurrency`` requests in flight per client) and writes one ``llm_call`` row
per request as each completes. A request's failure is returned with it, never raised over
its batch; ``call`` raises it. The API key is read from settings into the openai client only:
it is never logged, and every error text is redacted before it is raised or stored.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from openai import ContentFilterFinishReasonError, LengthFinishReasonError, OpenAI, OpenAIError
from openai.types import CreateEmbeddingResponse
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency as prefect_concurrency
from prefect.exceptions import ObjectNotFound
from pydantic import BaseModel, ValidationError

from jdskills.llm.errors import (
    LLMConfigError,
    LLMError,
    LLMInvalidOutput,
    LLMRefusal,
    LLMTruncated,
)
from jdskills.llm.replies import REPAIR, Usage, content_and_usage, validation_problems
from jdskills.llm.retry import RetryPolicy
from jdskills.llm.store import (
    CachedResponse,
    CallRecord,
    LLMStore,
    list_price_usd,
    request_key,
)
from jdskills.settings import Settings, get_settings

log = logging.getLogger(__name__)
REDACTED = "[redacted]"

__all__ = ["CallRecord", "LLMClient", "LLMRequest", "LLMResult"]
_SHARED: dict[str, LLMClient] = {}
_SHARED_LOCK = threading.Lock()


@dataclass(frozen=True)
class LLMRequest:
    stage: str
    model: str
    prompt_version: str
    messages: list[dict[str, str]]
    schema: type[BaseModel]
    key: str = field(init=False)

    def __post_init__(self) -> None:
        key = request_key(self.model, self.prompt_version, self.schema, self.messages)
        object.__setattr__(self, "key", key)


@dataclass
class LLMResult:
    request: LLMRequest
    record: CallRecord
    parsed: BaseModel | None = None
    error: LLMError | None = None


class LLMClient:
    def __init__(self, settings: Settings | None = None) -> None:
        s = settings or get_settings()
        secret = s.openai_api_key.get_secret_value() if s.openai_api_key else ""
        if not secret:
            raise LLMConfigError("the LLM backend needs OPENAI_API_KEY (any non-empty value "
                                 "for a local OpenAI-compatible server)")
        self.settings = s
        self._secret = secret
        self._openai = OpenAI(api_key=secret, base_url=s.openai_base_url, max_retries=0,
                              timeout=s.llm_timeout_s)
        self._store = LLMStore(s)
        self._retry = RetryPolicy(s)
        self._slots = threading.BoundedSemaphore(s.llm_concurrency)
        if s.llm_concurrency_limit is not None:
            _check_concurrency_limit(s.llm_concurrency_limit)
        self._unpriced: set[str] = set()

    @classmethod
    def shared(cls, settings: Settings) -> LLMClient:
        """One long-lived client per configuration in this process: building the openai
        client (connection pool, TLS context) costs ~0.2 s, and one client's concurrency
        limit then holds across the stage tasks of the process."""
        secret = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        key = hashlib.sha256((settings.model_dump_json() + secret).encode()).hexdigest()
        with _SHARED_LOCK:
            if key not in _SHARED:
                _SHARED[key] = cls(settings)
            return _SHARED[key]

    def __repr__(self) -> str:
        return f"LLMClient(base_url={self._openai.base_url!s}, api_key={REDACTED})"

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._openai.close()

    # --- public calls -------------------------------------------------------------------------
    def call(self, stage: str, model: str, prompt_version: str, messages: list[dict[str, str]],
             schema: type[BaseModel], *, run_id: str | None = None
             ) -> tuple[BaseModel, CallRecord]:
        [result] = self.call_many([LLMRequest(stage, model, prompt_version, messages, schema)],
                                  run_id=run_id)
        if result.error is not None:
            raise result.error
        assert result.parsed is not None
        return result.parsed, result.record

    def call_many(self, requests: Sequence[LLMRequest], *, run_id: str | None
                  ) -> list[LLMResult]:
        """One result per request, in order; identical requests are sent once."""
        results: list[LLMResult | None] = [None] * len(requests)
        with self._store.connect() as conn:
            cached = self._store.lookup(conn, (r.key for r in requests))
            pending: dict[str, list[int]] = {}
            hits: list[LLMResult] = []
            for i, req in enumerate(requests):
                parsed = self._from_cache(req, cached.get(req.key))
                if parsed is not None:
                    results[i] = self._hit(req, parsed, run_id)
                    hits.append(results[i])  # type: ignore[arg-type]
                else:
                    pending.setdefault(req.key, []).append(i)
            self._store.save(conn, [(hit.record, None) for hit in hits])
            if pending:
                workers = min(self.settings.llm_concurrency, len(pending))
                with ThreadPoolExecutor(workers, thread_name_prefix="llm") as pool:
                    futures = {pool.submit(self._fetch, requests[idx[0]], run_id): idx
                               for idx in pending.values()}
                    for future in as_completed(futures):  # saved as each completes
                        first, *same = futures[future]
                        result = results[first] = future.result()
                        dump = result.parsed.model_dump(mode="json") if result.parsed else None
                        copies = [self._same_as(requests[j], result, run_id) for j in same]
                        for j, copy in zip(same, copies, strict=True):
                            results[j] = copy
                        self._store.save(conn, [(result.record, dump),
                                                *((c.record, None) for c in copies)])
        done = [r for r in results if r is not None]
        assert len(done) == len(requests)
        return done

    def create_embeddings(self, model: str, texts: list[str]) -> CreateEmbeddingResponse:
        """One embeddings request through the same openai client, retry layer and concurrency
        limit as chat calls (caching and the call log: :mod:`jdskills.llm.embeddings`).
        Failures raise :class:`LLMError` with the key redacted."""
        def send() -> CreateEmbeddingResponse:
            with self._slot():
                return self._openai.embeddings.create(model=model, input=texts,
                                                      encoding_format="float")

        try:
            return self._retry.run(send, what=f"embed {model}", redact=self._redact)
        except OpenAIError as e:  # neither an HTTP status nor a connection error: a bad reply
            raise LLMInvalidOutput(self._redact(f"embed {model}: {type(e).__name__}: {e}")
                                   [:500]) from None

    @contextmanager
    def _slot(self) -> Iterator[None]:
        """One request in flight: a slot of this client's semaphore and, when
        ``settings.llm_concurrency_limit`` names one, of that Prefect global concurrency limit
        (shared by every process talking to the same Prefect server)."""
        with self._slots:
            name = self.settings.llm_concurrency_limit
            if name is None:
                yield
                return
            with prefect_concurrency(name, occupy=1):
                yield

    # --- cache --------------------------------------------------------------------------------
    def _from_cache(self, req: LLMRequest, hit: CachedResponse | None) -> BaseModel | None:
        if hit is None:
            return None
        try:
            return req.schema.model_validate(hit.response)
        except ValidationError:
            log.warning("%s: cached response %s… no longer validates; asking again",
                        req.stage, req.key[:12])
            return None

    def _hit(self, req: LLMRequest, parsed: BaseModel, run_id: str | None) -> LLMResult:
        record = CallRecord(run_id, req.stage, req.model, req.prompt_version, req.key,
                            cache_hit=True)
        return LLMResult(req, record, parsed)

    def _same_as(self, req: LLMRequest, first: LLMResult, run_id: str | None) -> LLMResult:
        """A duplicate in the same batch: answered by the first one's call at no cost."""
        record = CallRecord(run_id, req.stage, req.model, req.prompt_version, req.key,
                            cache_hit=first.parsed is not None, error=first.record.error)
        return LLMResult(req, record, first.parsed, first.error)

    # --- one request (worker thread) ----------------------------------------------------------
    def _fetch(self, req: LLMRequest, run_id: str | None) -> LLMResult:
        started = time.perf_counter()
        usage = Usage()
        parsed: BaseModel | None = None
        error: LLMError | None = None
        try:
            parsed = self._ask(req, usage)
        except LLMError as e:
            error = e
        except Exception as e:  # noqa: BLE001 - an unforeseen failure stays with its request
            log.warning("%s: unexpected %s", req.stage, type(e).__name__)
            error = LLMError(self._redact(f"{req.stage}: {type(e).__name__}: {e}"))
        if error is not None:
            error.args = (self._redact(str(error)),)
        record = CallRecord(
            run_id, req.stage, req.model, req.prompt_version, req.key, usage.tokens_in,
            usage.tokens_out, self.cost_usd(req.model, usage.tokens_in, usage.tokens_out),
            round((time.perf_counter() - started) * 1000, 1), False,
            f"{type(error).__name__}: {error}"[:2000] if error else None)
        if error is not None:
            error.record = record
        log.debug("llm %s %s %s… in=%d out=%d %.0fms%s", req.stage, req.model, req.key[:12],
                  record.tokens_in, record.tokens_out, record.latency_ms,
                  f" error={record.error}" if error else "")
        return LLMResult(req, record, parsed, error)

    def _ask(self, req: LLMRequest, usage: Usage) -> BaseModel:
        """The parsed output, after at most one repair round trip."""
        messages = list(req.messages)
        parsed, content, problem = self._complete(req, messages, usage)
        if parsed is not None:
            return parsed
        log.info("%s: output %s… failed validation, asking once for a repair (%s)",
                 req.stage, req.key[:12], problem[:200])
        messages += [{"role": "assistant", "content": content},
                     {"role": "user", "content": REPAIR.format(errors=problem)}]
        parsed, _, problem = self._complete(req, messages, usage)
        if parsed is not None:
            return parsed
        raise LLMInvalidOutput(f"{req.stage}: output failed validation after one repair: "
                               f"{problem[:500]}")

    def _complete(self, req: LLMRequest, messages: list[dict[str, str]], usage: Usage
                  ) -> tuple[BaseModel | None, str, str]:
        """(parsed, raw content, validation problem) of one round trip."""
        def send() -> Any:
            with self._slot():
                extra = ({} if self.settings.llm_temperature is None
                         else {"temperature": self.settings.llm_temperature})
                return self._openai.chat.completions.with_raw_response.parse(
                    model=req.model, messages=messages,  # type: ignore[arg-type]
                    response_format=req.schema,
                    max_completion_tokens=self.settings.llm_max_output_tokens,
                    **extra)  # type: ignore[arg-type]

        raw = self._retry.run(send, what=f"{req.stage} {req.model}", redact=self._redact)
        try:
            completion = raw.parse()
        except LengthFinishReasonError as e:
            usage.add(e.completion.usage)
            raise LLMTruncated(f"{req.stage}: output cut at the token limit "
                               f"({self.settings.llm_max_output_tokens})") from e
        except ContentFilterFinishReasonError as e:
            usage.add(e.completion.usage if e.completion else None)
            raise LLMRefusal(f"{req.stage}: stopped by the content filter") from e
        except ValidationError as e:
            content, body_usage = content_and_usage(raw.text)
            usage.add(body_usage)
            return None, content, validation_problems(e)
        usage.add(completion.usage)
        if not completion.choices:
            return None, "", "the reply had no choices"
        message = completion.choices[0].message
        if message.refusal:
            raise LLMRefusal(f"{req.stage}: the model refused: {message.refusal[:300]}")
        if message.parsed is None:
            return None, message.content or "", "the reply was empty"
        return message.parsed, message.content or "", ""

    # --- money and secrets --------------------------------------------------------------------
    def cost_usd(self, model: str, tokens_in: int, tokens_out: int) -> float:
        cost = list_price_usd(self.settings.llm_prices, model, tokens_in, tokens_out)
        if cost is None and model not in self._unpriced:
            self._unpriced.add(model)
            log.warning("no price for model %r in settings.llm_prices: cost recorded as 0", model)
        return cost or 0.0

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, REDACTED) if len(self._secret) >= 4 else text


def _check_concurrency_limit(name: str) -> None:
    """The Prefect global concurrency limit ``name`` must exist (else requests would run
    unlimited without a word)."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            raise LLMConfigError(
                f"llm_concurrency_limit {name!r}: no such Prefect global concurrency limit on "
                f"the Prefect server; create it with `prefect gcl create {name} --limit N`"
            ) from None
