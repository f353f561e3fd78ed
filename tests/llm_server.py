"""A real HTTP server on 127.0.0.1 speaking the OpenAI API, for tests and benchmarks.

``/v1/chat/completions`` answers structured-output requests (``response_format`` json_schema)
with schema-valid JSON from :mod:`llm_fake_model`; ``/v1/embeddings`` returns deterministic
hashed word vectors (texts equal after lower-casing and whitespace splitting get the same
vector; ``embedding_synonyms`` lets a test embed one text as another). Both report ``usage``,
counted with the model's tokenizer (:mod:`jdskills.llm.tokens`).

Faults, injected as a sequence consumed one per chat request (optionally only by requests
whose messages contain ``match``) or at random at a rate: ``429`` (with Retry-After), ``500``,
``400``, ``echo_key`` (a 401 whose message quotes the bearer token, as careless servers do),
``timeout`` (sleeps past the client timeout), ``length`` (finish_reason "length"),
``invalid_json``, ``schema_invalid``, ``refusal``. ``inject_embeddings`` queues the HTTP
faults (``429``, ``500``, ``400``, ``echo_key``) for the next embeddings requests. ``counts``,
``requests`` and ``embedding_requests`` record what was received; ``max_in_flight`` the peak
concurrency; ``GET /_stats`` serves the counters to another process.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import llm_fake_enrich
import llm_fake_model

from jdskills.llm.tokens import count_chat_tokens, count_tokens

FAULTS = frozenset({"429", "500", "400", "echo_key", "timeout", "length", "invalid_json",
                    "schema_invalid", "refusal"})
EMBEDDING_FAULTS = frozenset({"429", "500", "400", "echo_key"})
EMBEDDING_DIM = 64
TEST_API_KEY = "sk-test-SECRET123"  # what the tests configure; must never leak


class LLMServer:
    def __init__(self, *, latency_s: float = 0.0, timeout_sleep_s: float = 2.0,
                 retry_after: str = "0", obey_injections: bool = False) -> None:
        self.latency_s = latency_s
        self.timeout_sleep_s = timeout_sleep_s
        self.retry_after = retry_after
        self.obey_injections = obey_injections
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self.reset()

    # --- control ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> LLMServer:
        server = self

        class Handler(_Handler):
            app = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def reset(self) -> None:
        with self._lock:
            self.counts: Counter[str] = Counter()
            self.requests: list[dict[str, Any]] = []
            self.authorizations: set[str] = set()
            self._rules: list[tuple[str | None, deque[str]]] = []
            self._embedding_faults: deque[str] = deque()
            self.embedding_requests: list[dict[str, Any]] = []
            self.embedding_synonyms: dict[str, str] = {}
            self._rate = 0.0
            self._rate_kinds: tuple[str, ...] = ()
            self._rng = random.Random(0)
            self._in_flight = 0
            self.max_in_flight = 0
        self.obey_injections = False

    def inject(self, *faults: str, match: str | None = None) -> None:
        """Faults for the next chat requests (those containing ``match``, if given)."""
        unknown = set(faults) - FAULTS
        assert not unknown, f"unknown faults {unknown}"
        with self._lock:
            self._rules.append((match, deque(faults)))

    def inject_embeddings(self, *faults: str) -> None:
        """HTTP faults for the next embeddings requests, one each."""
        unknown = set(faults) - EMBEDDING_FAULTS
        assert not unknown, f"unknown embedding faults {unknown}"
        with self._lock:
            self._embedding_faults.extend(faults)

    def fault_rate(self, rate: float, kinds: tuple[str, ...], seed: int = 0) -> None:
        with self._lock:
            self._rate, self._rate_kinds, self._rng = rate, kinds, random.Random(seed)

    def _next_fault(self, body_text: str) -> str | None:
        with self._lock:
            for match, queue in self._rules:
                if queue and (match is None or match in body_text):
                    return queue.popleft()
            if self._rate and self._rng.random() < self._rate:
                return self._rng.choice(self._rate_kinds)
        return None

    # --- answers ------------------------------------------------------------------------------
    def chat(self, body: dict[str, Any], raw: str) -> tuple[int, dict[str, str], dict[str, Any]]:
        fmt = (body.get("response_format") or {}).get("json_schema") or {}
        name, schema = fmt.get("name", "text"), fmt.get("schema") or {}
        with self._lock:
            self.counts["chat"] += 1
            self.counts[f"chat:{name}"] += 1
            self.requests.append(body)
        fault = self._next_fault(raw)
        if fault:
            with self._lock:
                self.counts[f"fault:{fault}"] += 1
        if fault in ("429", "500", "400", "echo_key"):
            return _error(fault, self.retry_after, next(iter(self.authorizations), ""))
        time.sleep(self.timeout_sleep_s if fault == "timeout" else self.latency_s)
        content: str | None = json.dumps(self.answer(name, schema, body["messages"]),
                                         ensure_ascii=False, separators=(",", ":"))
        finish, refusal = "stop", None
        if fault == "length":
            content, finish = content[: len(content) // 3], "length"
        elif fault == "invalid_json":
            content = content[: len(content) // 2]
        elif fault == "schema_invalid":
            payload = json.loads(content)
            payload.pop(next(iter(payload)))
            content = json.dumps(payload)
        elif fault == "refusal":
            content, refusal = None, "I can't help with that."
        prompt = count_chat_tokens(body["messages"], schema, body.get("model"))
        completion = count_tokens(content or refusal or "", body.get("model"))
        return 200, {}, {
            "id": f"chatcmpl-{self.counts['chat']}", "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                         "message": {"role": "assistant", "content": content,
                                     "refusal": refusal}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion}}

    def answer(self, name: str, schema: dict[str, Any], messages: list[dict[str, Any]]
               ) -> dict[str, Any]:
        props = schema.get("properties", {})
        if name == "ParseExtractOutput":
            return llm_fake_model.parse_extract(llm_fake_model.jd_text(messages),
                                                self.obey_injections)
        if name == "AdjudicationOutput":
            allowed = props["chosen_role_slug"]["enum"]
            return llm_fake_model.adjudicate(messages, allowed, self.obey_injections)
        if name == "EnrichmentOutput":
            placement = schema["$defs"]["PlacementOut"]["properties"]["dimension_slug"]
            return llm_fake_enrich.enrich(messages, placement["enum"])
        if name == "SummaryOutput":
            return llm_fake_model.summarize(messages)
        raise ValueError(f"the test model knows no schema named {name!r}")

    def embeddings(self, body: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        with self._lock:
            self.counts["embeddings"] += 1
            self.counts["embedding_inputs"] += len(inputs)
            self.embedding_requests.append(body)
            fault = self._embedding_faults.popleft() if self._embedding_faults else None
            synonyms = {k.strip().lower(): v for k, v in self.embedding_synonyms.items()}
            if fault:
                self.counts[f"fault:{fault}"] += 1
        if fault:
            return _error(fault, self.retry_after, next(iter(self.authorizations), ""))
        time.sleep(self.latency_s)
        dim = int(body.get("dimensions") or EMBEDDING_DIM)
        data = [{"object": "embedding", "index": i, "embedding": _hashed_vector(
                    synonyms.get(str(t).strip().lower(), str(t)), dim)}
                for i, t in enumerate(inputs)]
        tokens = sum(count_tokens(str(t), body.get("model")) for t in inputs)
        return 200, {}, {"object": "list", "data": data, "model": body.get("model", "fake"),
                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


def _hashed_vector(text: str, dim: int) -> list[float]:
    vec = [0.0] * dim
    for word in text.lower().split():
        h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "big")
        vec[h % dim] += 1.0 if (h >> 32) & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def _error(kind: str, retry_after: str, bearer: str) -> tuple[int, dict[str, str], dict]:
    status, headers, message = {
        "429": (429, {"retry-after": retry_after}, "Rate limit reached, slow down"),
        "500": (500, {}, "The server had an error while processing your request"),
        "400": (400, {}, "Invalid schema for response_format"),
        "echo_key": (401, {}, f"Incorrect API key provided: {bearer}"),
    }[kind]
    return status, headers, {"error": {"message": message, "type": "fake_error",
                                       "code": kind, "param": None}}


class _Handler(BaseHTTPRequestHandler):
    app: LLMServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        """``/_stats``: counters, for a client in another process (the benchmark)."""
        with self.app._lock:
            payload = {"counts": dict(self.app.counts), "max_in_flight": self.app.max_in_flight}
        status = 200 if self.path.endswith("/_stats") else 404
        self._send(status, {}, payload if status == 200 else {"error": {"message": "not found"}})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        app = self.app
        raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode("utf-8")
        auth = self.headers.get("authorization", "")
        with app._lock:
            app.authorizations.add(auth.removeprefix("Bearer "))
            app._in_flight += 1
            app.max_in_flight = max(app.max_in_flight, app._in_flight)
        try:
            body = json.loads(raw)
            if self.path.endswith("/chat/completions"):
                status, headers, payload = app.chat(body, raw)
            elif self.path.endswith("/embeddings"):
                status, headers, payload = app.embeddings(body)
            else:
                status, headers, payload = 404, {}, {"error": {"message": "not found"}}
        finally:
            with app._lock:
                app._in_flight -= 1
        self._send(status, headers, payload)

    def _send(self, status: int, headers: dict[str, str], payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            for key, value in {"content-type": "application/json", **headers}.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass
