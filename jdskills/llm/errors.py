"""Domain errors of the LLM backend. Messages never carry the API key (the client redacts
them), and each error keeps the accounting record of the request that failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jdskills.llm.store import CallRecord


class LLMError(Exception):
    """Base class. ``record`` is the llm_call row written for the failed request."""

    retryable = False

    def __init__(self, message: str, *, record: CallRecord | None = None) -> None:
        super().__init__(message)
        self.record = record


class LLMConfigError(LLMError):
    """The backend is not configured (no API key, no model)."""


class LLMUnavailable(LLMError):
    """429, 5xx, timeouts or connection errors outlasted every retry."""

    retryable = True


class LLMBadRequest(LLMError):
    """The API rejected the request (400 and other 4xx but 408/409/429): not retried."""


class LLMRefusal(LLMError):
    """The model refused, or the content filter stopped it: not retried."""


class LLMTruncated(LLMError):
    """The output hit the token limit (finish_reason "length"): not retried."""


class LLMInvalidOutput(LLMError):
    """The output failed schema validation, and so did the one repair attempt."""
