"""The one settings module. Every tunable of jdskills is read here, from the environment
(prefix ``JDSKILLS_``, plus ``DATABASE_URL`` and the OpenAI variables) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    chunk_size: int = Field(default=500, ge=1, description="JDs per task run.")
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
    role_min_kra_signal: float = Field(default=0.20, ge=0, le=1)
    role_top_k: int = 5
    role_confident: float = Field(default=0.6, ge=0, le=1)

    # placement
    dimension_reuse_threshold: float = Field(default=0.55, ge=0, le=1)

    # data quality
    dq_fail_threshold: float = Field(
        default=0.2, ge=0, le=1, description="Share of a batch failing one suite that fails the run."
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
