"""The one settings module. Every tunable of jdskills is read here, from the environment
(prefix ``JDSKILLS_``, plus ``DATABASE_URL`` and the OpenAI variables) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class LLMPrice(BaseModel):
    """List price of one model, USD per million tokens."""

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JDSKILLS_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # --- database -------------------------------------------------------------------
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "JDSKILLS_DATABASE_URL"),
        description="Postgres URL; when unset, a local Postgres is managed in data_dir.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".jdskills",
        description="Where the managed local Postgres keeps its cluster and logs.",
    )
    local_pg_port: int = 54329
    local_pg_start_timeout_s: float = 60.0

    # --- pipeline -------------------------------------------------------------------
    backend: Literal["offline", "llm"] = "offline"
    chunk_size: int = Field(
        default=1000, ge=1,
        description="JDs per chunk (at most): the batch every stage takes. With forked analysis "
        "workers, a file's chunks are evened out and its last ~workers x chunk_size JDs go in "
        "chunks of about half the size (runners.chunked). Each chunk has a fixed cost (seven "
        "GX validations, task runs, a transaction); larger chunks hold more JDs in memory.")
    field_map: dict[str, str] = Field(
        default_factory=dict,
        description="Override of the input field convention, e.g. {'text': 'body'}.",
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("JDSKILLS_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL"),
    )
    max_jd_chars: int = Field(default=200_000, description="Longer JD text is truncated.")

    # match thresholds
    fuzzy_match_threshold: float = Field(default=90.0, ge=0, le=100)
    semantic_match_threshold: float = Field(default=0.82, ge=0, le=1)
    alias_persist_threshold: float = Field(default=94.0, ge=0, le=100)

    # classify thresholds
    role_min_skill_signal: float = Field(default=0.15, ge=0, le=1)
    role_min_title_signal: float = Field(default=80.0, ge=0, le=100)
    role_min_kra_signal: float = Field(default=0.40, ge=0, le=1)
    role_top_k: int = 5
    role_confident: float = Field(default=0.6, ge=0, le=1)
    # classify: case-B vote = weighted sum of the signals mapped to [0,1]
    role_weight_skill: float = Field(default=0.35, ge=0)
    role_weight_title: float = Field(default=0.45, ge=0)
    role_weight_kra: float = Field(default=0.20, ge=0)
    role_skill_full: float = Field(
        default=0.4, gt=0, le=1, description="Skill signal that counts as full strength."
    )
    role_title_floor: float = Field(
        default=0.5, ge=0, lt=1, description="Title similarity below this adds nothing."
    )
    role_kra_lift_full: float = Field(
        default=0.15, gt=0, le=1,
        description="KRA cosine above the JD's median over all roles that counts as full strength.",
    )
    role_min_combined: float = Field(
        default=0.25, ge=0, le=1, description="Below this best vote, no catalog role (case C)."
    )
    role_margin_full: float = Field(
        default=0.2, gt=0, le=1,
        description="Vote margin to the runner-up at which confidence is not discounted.",
    )

    # placement
    dimension_reuse_threshold: float = Field(
        default=0.35, ge=0, le=1,
        description="Placement score (jdskills.offline.enrich.placement) from which a new skill "
        "reuses a catalog dimension; below it, a pending dimension is proposed.",
    )

    # data quality
    dq_fail_threshold: float = Field(
        default=0.2, ge=0, le=1,
        description="Share of a batch failing one suite that fails the run.",
    )
    dq_max_skills_per_jd: int = Field(
        default=60, ge=1, description="More skills than this in one JD fails the extract gate."
    )
    dq_full_suites: bool = Field(
        default=False,
        description="Add the expectations that re-check what is already guaranteed (record "
        "types' literals, bounds, lengths; duplicate links): 12 more, ~10 ms CPU each a chunk.",
    )

    # --- orchestration: nightly / backfill partitions, scale-out ------------------------
    partition_prefix: str = Field(
        default=str(PROJECT_ROOT / ".jdskills" / "incoming"),
        description="Where nightly and backfill find the partitions <prefix>/dt=YYYY-MM-DD/ "
        "(a path, file://, s3:// or gs://).",
    )
    timezone: str = Field(
        default="UTC",
        description="IANA timezone of the nightly run's default date ('yesterday'); keep it "
        "equal to the nightly schedule's timezone in prefect.yaml.",
    )
    backfill_max_days: int = Field(
        default=366, ge=1, description="The longest date range one backfill run accepts."
    )
    snapshot_cache: bool = Field(
        default=True,
        description="Keep the catalog snapshot's costly structures (gazetteer, vectors, "
        "indexes) in data_dir/cache, keyed by a digest of the active catalog, so that a new "
        "process loads them in about a second instead of building them.",
    )
    task_runner: Literal["thread", "dask"] = Field(
        default="thread",
        description="thread: stages run in the flow's process; dask: each chunk's stages run "
        "on a Dask cluster (prefect-dask; pip install 'jdskills[dask]').",
    )
    dask_address: str | None = Field(
        default=None,
        description="Scheduler of a running Dask cluster (tcp://host:8786); unset: a local "
        "cluster of dask_workers processes per flow run.",
    )
    dask_workers: int = Field(default=2, ge=1, description="Processes of the local cluster.")
    analysis_processes: int = Field(
        default=0, ge=0,
        description="thread runner: a file's chunks after the first are analysed (stages 1-7) "
        "by this many worker processes forked from the flow's process, while it writes; "
        "0: one per CPU; 1: no worker, every chunk in the flow's process. Needs fork (Linux).",
    )

    # --- LLM backend ------------------------------------------------------------------
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "JDSKILLS_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "JDSKILLS_OPENAI_BASE_URL")
    )
    llm_model_small: str = "gpt-4.1-nano"
    llm_model_strong: str = "gpt-4.1-mini"
    llm_stage_models: dict[str, str] = Field(
        default_factory=dict,
        description="Per-stage model override, e.g. {'enrich': 'gpt-4.1-nano'}; stages are "
        "parse_extract, summarize (small model by default), adjudicate, enrich (strong).",
    )
    # USD per 1M tokens (input, output): OpenAI API list prices (standard tier, not batch or
    # cached input) as published on the OpenAI pricing page, checked 2025-08. A model not in
    # the table costs 0 (e.g. a local vLLM/Ollama server) and is logged once.
    llm_prices: dict[str, LLMPrice] = Field(
        default_factory=lambda: {
            "gpt-4.1-nano": LLMPrice(input_per_mtok=0.10, output_per_mtok=0.40),
            "gpt-4.1-mini": LLMPrice(input_per_mtok=0.40, output_per_mtok=1.60),
            "gpt-4.1": LLMPrice(input_per_mtok=2.00, output_per_mtok=8.00),
            "gpt-4o-mini": LLMPrice(input_per_mtok=0.15, output_per_mtok=0.60),
            "gpt-4o": LLMPrice(input_per_mtok=2.50, output_per_mtok=10.00),
            "gpt-5-nano": LLMPrice(input_per_mtok=0.05, output_per_mtok=0.40),
            "gpt-5-mini": LLMPrice(input_per_mtok=0.25, output_per_mtok=2.00),
            "text-embedding-3-small": LLMPrice(input_per_mtok=0.02, output_per_mtok=0.0),
            "text-embedding-3-large": LLMPrice(input_per_mtok=0.13, output_per_mtok=0.0),
            "text-embedding-ada-002": LLMPrice(input_per_mtok=0.10, output_per_mtok=0.0),
        }
    )
    llm_embedding_model: str | None = Field(
        default=None,
        description="Embedding model (e.g. 'text-embedding-3-small') through the same client; "
        "when set, stage 3 re-ranks the hashed-vector semantic shortlist of a name with no "
        "exact/fuzzy match by the cosine of these embeddings. None: hashed vectors only.",
    )
    llm_semantic_match_threshold: float = Field(
        default=0.80, ge=0, le=1,
        description="Embedding cosine from which the best re-ranked candidate is a semantic "
        "match (only with llm_embedding_model).",
    )
    llm_concurrency: int = Field(default=8, ge=1, description="Concurrent requests per client.")
    llm_concurrency_limit: str | None = Field(
        default=None,
        description="Name of a Prefect global concurrency limit every LLM request also holds a "
        "slot of, so that all flow runs and workers together stay under it (create it with "
        "`prefect gcl create NAME --limit N`). None: only the per-process llm_concurrency.",
    )
    llm_timeout_s: float = Field(default=60.0, gt=0, description="Per HTTP request.")
    llm_max_attempts: int = Field(
        default=4, ge=1,
        description="Attempts per request on 429/5xx/timeout/connection errors (the one retry "
        "layer: the openai client itself runs with max_retries=0).",
    )
    llm_backoff_initial_s: float = Field(default=1.0, ge=0)
    llm_backoff_max_s: float = Field(default=30.0, ge=0)
    llm_retry_after_max_s: float = Field(
        default=60.0, ge=0, description="Cap on a server's Retry-After that is honoured."
    )
    llm_max_output_tokens: int = Field(default=2048, ge=16)
    llm_temperature: float | None = Field(
        default=0.0, ge=0, le=2, description="None omits it (models that reject it)."
    )
    llm_max_input_chars: int = Field(
        default=8000, ge=500,
        description="JD text sent to the model is compacted (EEO boilerplate and blank runs "
        "dropped) and cut to this many characters (~2k tokens).",
    )
    llm_summarize: bool = Field(
        default=False, description="Summarize with the LLM (else the offline rules)."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown timezone {v!r} (use an IANA name such as "
                             "'UTC' or 'Europe/London')") from e
        return v

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, v: str | None) -> str | None:
        """Accept postgresql:// and postgres:// URLs and use the psycopg 3 driver."""
        if v is None or v == "":
            return None
        for prefix in ("postgres://", "postgresql://"):
            if v.startswith(prefix):
                return "postgresql+psycopg://" + v[len(prefix) :]
        if not v.startswith("postgresql+psycopg://"):
            raise ValueError("DATABASE_URL must be a postgresql:// or postgresql+psycopg:// URL")
        return v


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


SAMPLE_BATCH_URI = str(PROJECT_ROOT / "jdskills" / "data" / "sample" / "jds.jsonl")
