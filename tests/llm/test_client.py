"""LLMClient against the local OpenAI-compatible server, through the real openai client and a
real Postgres: structured parsing, the cache, the one retry layer, repair, concurrency, and
the API key staying secret."""

from __future__ import annotations

import logging
import time
import traceback
import uuid

import psycopg
import pytest
from llm_server import TEST_API_KEY as API_KEY
from llm_server import LLMServer
from openai import OpenAI

from jdskills.llm.client import LLMClient, LLMRequest
from jdskills.llm.errors import (
    LLMBadRequest,
    LLMConfigError,
    LLMError,
    LLMInvalidOutput,
    LLMRefusal,
    LLMTruncated,
    LLMUnavailable,
)
from jdskills.llm.prompts import load_prompt
from jdskills.llm.schemas import (
    AdjudicationOutput,
    EnrichmentOutput,
    ParseExtractOutput,
    SummaryOutput,
)
from jdskills.settings import Settings

JD = ("Senior Data Engineer\n\nAbout the role\nYou will build batch and streaming pipelines.\n\n"
      "Requirements\n- 4+ years with Python and SQL\n- Airflow and Kafka in production\n"
      "- Experience with QuuxFlow\n\nNice to have\n- Terraform\n\nSalary: $120,000 - "
      "$150,000 per year. Remote (US).\n")


def _parse_request(text: str = JD, model: str = "gpt-4.1-nano") -> LLMRequest:
    prompt = load_prompt("parse_extract")
    return LLMRequest("parse_extract", model, prompt.version,
                      prompt.messages(title="Data Engineer", company="Acme", jd=text),
                      ParseExtractOutput)


def _call(client: LLMClient, req: LLMRequest, run_id: str = "run-1"):
    return client.call(req.stage, req.model, req.prompt_version, req.messages, req.schema,
                       run_id=run_id)


def test_each_stage_schema_is_parsed_into_its_model(llm_settings: Settings,
                                                    llm_server: LLMServer, llm_rows) -> None:
    adjudication = AdjudicationOutput.for_candidates(("data-engineer", "backend-engineer"))
    enrichment = EnrichmentOutput.for_dimensions(("data-pipelines",))
    user = {"role": "user", "content": (
        "JD title: Data Engineer\nSkill: QuuxFlow\nCandidate roles:\n"
        "- data-engineer: Data Engineer [skill 0.60, title 0.90]\n"
        "- backend-engineer: Backend Engineer [skill 0.20]\n<jd_text>\n" + JD + "\n</jd_text>")}
    with LLMClient(llm_settings) as client:
        parsed = _call(client, _parse_request())[0]
        chosen = client.call("adjudicate", "gpt-4.1-mini", "adjudicate.v1", [user],
                             adjudication, run_id="run-1")[0]
        enriched = client.call("enrich", "gpt-4.1-mini", "enrich.v1", [user], enrichment,
                               run_id="run-1")[0]
        summary, record = client.call("summarize", "gpt-4.1-nano", "summarize.v1", [user],
                                      SummaryOutput, run_id="run-1")
    assert isinstance(parsed, ParseExtractOutput) and parsed.jd_type == "pass"
    assert {"Python", "SQL", "Airflow", "Kafka", "QuuxFlow"} <= {s.name for s in parsed.skills}
    assert isinstance(chosen, AdjudicationOutput) and chosen.chosen_role_slug == "data-engineer"
    assert isinstance(enriched, EnrichmentOutput)
    assert enriched.placement.dimension_slug in {"data-pipelines", "new"}
    assert isinstance(summary, SummaryOutput)
    rows = llm_rows()
    assert [r["stage"] for r in rows] == ["parse_extract", "adjudicate", "enrich", "summarize"]
    assert all(r["run_id"] == "run-1" and r["tokens_in"] > 0 and r["tokens_out"] > 0
               and not r["cache_hit"] and r["error"] is None for r in rows)
    nano = llm_settings.llm_prices["gpt-4.1-nano"]
    assert record.cost_usd == pytest.approx(
        (record.tokens_in * nano.input_per_mtok + record.tokens_out * nano.output_per_mtok) / 1e6)
    assert rows[1]["model"] == "gpt-4.1-mini" and rows[1]["cost_usd"] > 0


def test_a_repeated_request_is_answered_from_the_cache(llm_settings: Settings,
                                                       llm_server: LLMServer, llm_rows) -> None:
    with LLMClient(llm_settings) as client:
        first, rec1 = _call(client, _parse_request(), run_id="run-a")
        assert llm_server.counts["chat"] == 1
        second, rec2 = _call(client, _parse_request(), run_id="run-b")
    assert llm_server.counts["chat"] == 1  # no HTTP request the second time
    assert second == first
    assert rec2.cache_hit and rec2.request_hash == rec1.request_hash
    rows = llm_rows()
    assert [(r["run_id"], r["cache_hit"]) for r in rows] == [("run-a", False), ("run-b", True)]
    assert rows[1]["tokens_in"] == rows[1]["tokens_out"] == 0 and rows[1]["cost_usd"] == 0
    assert len(llm_rows("llm_cache")) == 1
    other = _parse_request(model="gpt-4.1-mini")  # another model is another key
    assert other.key != rec1.request_hash


@pytest.mark.parametrize(("faults", "requests"), [
    (("429",), 2), (("500", "500"), 3), (("timeout",), 2), (("429", "timeout"), 3)])
def test_transient_failures_are_retried_then_succeed(
        impatient_settings: Settings, llm_server: LLMServer, llm_rows, faults, requests) -> None:
    llm_server.inject(*faults)
    with LLMClient(impatient_settings) as client:
        parsed, record = _call(client, _parse_request())
    assert isinstance(parsed, ParseExtractOutput)
    assert llm_server.counts["chat"] == requests
    assert record.error is None and llm_rows()[0]["error"] is None


def test_retry_after_is_honoured(llm_settings: Settings, llm_server: LLMServer) -> None:
    llm_server.retry_after = "0.4"
    try:
        llm_server.inject("429")
        started = time.perf_counter()
        with LLMClient(llm_settings) as client:
            _call(client, _parse_request())
        assert time.perf_counter() - started >= 0.4
    finally:
        llm_server.retry_after = "0"


def test_retries_stop_at_max_attempts(llm_settings: Settings, llm_server: LLMServer,
                                      llm_rows) -> None:
    llm_server.inject("500", "500", "500", "500")
    with LLMClient(llm_settings) as client, pytest.raises(LLMUnavailable) as caught:
        _call(client, _parse_request())
    assert llm_server.counts["chat"] == llm_settings.llm_max_attempts == 3
    assert caught.value.retryable and caught.value.record is not None
    assert llm_rows()[0]["error"].startswith("LLMUnavailable")
    assert llm_rows("llm_cache") == []


@pytest.mark.parametrize(("fault", "error"), [
    ("400", LLMBadRequest), ("refusal", LLMRefusal), ("length", LLMTruncated)])
def test_bad_requests_refusals_and_cut_offs_are_not_retried(
        llm_settings: Settings, llm_server: LLMServer, llm_rows, fault, error) -> None:
    llm_server.inject(fault)
    with LLMClient(llm_settings) as client, pytest.raises(error):
        _call(client, _parse_request())
    assert llm_server.counts["chat"] == 1
    [row] = llm_rows()
    assert row["error"].startswith(error.__name__) and not row["cache_hit"]
    assert llm_rows("llm_cache") == []


@pytest.mark.parametrize("fault", ["invalid_json", "schema_invalid"])
def test_invalid_output_gets_one_repair_attempt(llm_settings: Settings, llm_server: LLMServer,
                                                llm_rows, fault) -> None:
    llm_server.inject(fault)
    with LLMClient(llm_settings) as client:
        parsed, record = _call(client, _parse_request())
    assert isinstance(parsed, ParseExtractOutput)
    assert llm_server.counts["chat"] == 2
    repair = llm_server.requests[1]["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert "did not validate" in repair[-1]["content"]
    assert record.tokens_in > 0 and llm_rows()[0]["tokens_in"] == record.tokens_in


def test_output_still_invalid_after_repair_raises(llm_settings: Settings,
                                                  llm_server: LLMServer, llm_rows) -> None:
    llm_server.inject("invalid_json", "schema_invalid")
    with LLMClient(llm_settings) as client, pytest.raises(LLMInvalidOutput):
        _call(client, _parse_request())
    assert llm_server.counts["chat"] == 2
    assert llm_rows()[0]["error"].startswith("LLMInvalidOutput")
    assert llm_rows("llm_cache") == []


def test_call_many_runs_concurrently_under_the_limit(llm_settings: Settings,
                                                     llm_server: LLMServer, llm_rows) -> None:
    llm_server.latency_s = 0.15
    try:
        requests = [_parse_request(JD + f"\nRef {i}") for i in range(10)]
        requests.append(requests[0])  # an identical request is sent once
        with LLMClient(llm_settings) as client:
            results = client.call_many(requests, run_id="run-c")
    finally:
        llm_server.latency_s = 0.0
    assert all(r.error is None for r in results)
    assert llm_server.counts["chat"] == 10
    assert 2 <= llm_server.max_in_flight <= llm_settings.llm_concurrency == 4
    assert results[10].parsed == results[0].parsed and results[10].record.cache_hit
    assert len(llm_rows()) == 11


def test_a_prefect_global_concurrency_limit_caps_requests(
        llm_settings: Settings, llm_server: LLMServer, llm_rows, prefect_harness) -> None:
    """llm_concurrency allows 4 in flight; the Prefect limit named in settings allows 1."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    name = f"jdskills-llm-{uuid.uuid4().hex[:6]}"
    with get_client(sync_client=True) as prefect:
        prefect.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
    settings = llm_settings.model_copy(update={"llm_concurrency_limit": name})
    llm_server.latency_s = 0.1
    try:
        with LLMClient(settings) as client:
            results = client.call_many([_parse_request(JD + f"\nRef {i}") for i in range(4)],
                                       run_id="run-g")
    finally:
        llm_server.latency_s = 0.0
    assert all(r.error is None for r in results) and llm_server.counts["chat"] == 4
    assert llm_server.max_in_flight == 1


def test_an_unknown_prefect_concurrency_limit_is_a_config_error(
        llm_settings: Settings, prefect_harness) -> None:
    settings = llm_settings.model_copy(update={"llm_concurrency_limit": "no-such-limit"})
    with pytest.raises(LLMConfigError, match="prefect gcl create no-such-limit"):
        LLMClient(settings)


def test_a_missing_api_key_is_a_config_error(llm_db: str) -> None:
    with pytest.raises(LLMConfigError):
        LLMClient(Settings(openai_api_key=None, database_url=llm_db))


def test_the_api_key_never_leaks(impatient_settings: Settings, llm_server: LLMServer,
                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[LLMError] = []
    with LLMClient(impatient_settings) as client:
        assert API_KEY not in repr(client)
        _call(client, _parse_request())
        for faults in (("echo_key",), ("400",), ("refusal",), ("500",) * 3,
                       ("invalid_json", "invalid_json"), ("timeout",) * 3):
            llm_server.inject(*faults)
            with pytest.raises(LLMError) as caught:
                _call(client, _parse_request(JD + f"\n{faults}"))
            errors.append(caught.value)
    assert API_KEY in llm_server.authorizations  # the key really was sent
    assert "Incorrect API key provided: [redacted]" in str(errors[0])
    texts = [str(e) for e in errors] + [repr(e) for e in errors]
    texts += ["".join(traceback.format_exception(e)) for e in errors]
    texts += [str(e.record) for e in errors] + [caplog.text]
    assert all(API_KEY not in t for t in texts)
    with psycopg.connect(str(impatient_settings.database_url).replace("+psycopg", "")) as conn:
        dumps = [row[0] for table in ("llm_call", "llm_cache")
                 for row in conn.execute(f"SELECT t::text FROM {table} t")]
    assert len(dumps) == 1 + 6 + 1 and all(API_KEY not in d for d in dumps)


def test_the_server_serves_deterministic_embeddings(llm_server: LLMServer) -> None:
    client = OpenAI(api_key=API_KEY, base_url=llm_server.url, max_retries=0)
    first = client.embeddings.create(model="text-embedding-3-small", input=["kafka", "spark"])
    again = client.embeddings.create(model="text-embedding-3-small", input="kafka")
    vectors = [d.embedding for d in first.data]
    assert vectors[0] == again.data[0].embedding and vectors[0] != vectors[1]
    assert sum(v * v for v in vectors[0]) == pytest.approx(1.0)
    assert first.usage.prompt_tokens >= 2 and llm_server.counts["embeddings"] == 2
