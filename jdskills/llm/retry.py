"""The one retry layer of LLM calls (the openai client runs with ``max_retries=0``).

Retried: 429 (honouring Retry-After up to a cap), 408/409, 5xx, timeouts and connection
errors, with exponential backoff and jitter (tenacity). Not retried: every other 4xx, which
becomes :class:`LLMBadRequest`. Refusals, length cut-offs and invalid output are not HTTP
errors and never reach this layer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from openai import APIConnectionError, APIStatusError, APITimeoutError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from jdskills.llm.errors import LLMBadRequest, LLMUnavailable
from jdskills.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRIED_STATUS = frozenset({408, 409, 429})


def is_transient(error: BaseException) -> bool:
    if isinstance(error, APIConnectionError):  # APITimeoutError is one
        return True
    if isinstance(error, APIStatusError):
        return error.status_code in RETRIED_STATUS or error.status_code >= 500
    return False


def retry_after_s(error: BaseException | None) -> float | None:
    """The server's Retry-After (``retry-after-ms`` or ``retry-after`` seconds), if any."""
    if not isinstance(error, APIStatusError):
        return None
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
    return None


def describe(error: BaseException) -> str:
    if isinstance(error, APITimeoutError):
        return "timeout"
    if isinstance(error, APIStatusError):
        return f"HTTP {error.status_code}"
    if isinstance(error, APIConnectionError):
        return "connection error"
    return type(error).__name__


class RetryPolicy:
    def __init__(self, settings: Settings) -> None:
        self.attempts = settings.llm_max_attempts
        self.retry_after_cap = settings.llm_retry_after_max_s
        self._backoff = wait_exponential_jitter(
            multiplier=settings.llm_backoff_initial_s, max=settings.llm_backoff_max_s,
            jitter=settings.llm_backoff_initial_s)

    def wait(self, state: RetryCallState) -> float:
        delay = self._backoff(state)
        error = state.outcome.exception() if state.outcome else None
        hinted = retry_after_s(error)
        if hinted is not None:
            delay = max(delay, min(hinted, self.retry_after_cap))
        return delay

    def run(self, fn: Callable[[], T], *, what: str, redact: Callable[[str], str]) -> T:
        """``fn()`` with retries; failures become domain errors (messages redacted)."""

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.warning("%s: %s, retry %d/%d in %.2fs", what, describe(error) if error else "?",
                        state.attempt_number, self.attempts - 1,
                        state.next_action.sleep if state.next_action else 0.0)

        retrying = Retrying(retry=retry_if_exception(is_transient), wait=self.wait,
                            stop=stop_after_attempt(self.attempts), reraise=True,
                            before_sleep=before_sleep)
        try:
            return retrying(fn)
        except APIConnectionError as e:  # "Connection error." / "Request timed out."
            raise LLMUnavailable(f"{what}: {describe(e)} after {self.attempts} attempt(s)") from e
        except APIStatusError as e:
            # not chained: the SDK's message quotes the server's body, which may quote the
            # key (a traceback of the chain would carry it into logs and quarantine rows)
            message = redact(str(e.message))[:500]
            request_id = f" [request {e.request_id}]" if e.request_id else ""
            if is_transient(e):
                raise LLMUnavailable(f"{what}: {describe(e)} after {self.attempts} attempt(s): "
                                     f"{message}{request_id}") from None
            raise LLMBadRequest(f"{what}: {describe(e)} (not retried): {message}"
                                f"{request_id}") from None
