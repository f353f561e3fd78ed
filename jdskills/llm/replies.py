"""Reading chat replies: token usage, the content of a reply that failed validation, and
the repair message that sends the validation errors back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

REPAIR = ("Your previous reply did not validate against the required JSON schema:\n{errors}\n"
          "Reply again with one JSON object that follows the schema exactly.")


@dataclass
class Usage:
    """Tokens of every round trip of one request (repairs included)."""

    tokens_in: int = 0
    tokens_out: int = 0

    def add(self, usage: Any) -> None:
        """Add a response's usage (the SDK's object, or the raw JSON dict)."""
        if usage is None:
            return
        data = usage if isinstance(usage, dict) else vars(usage)
        self.tokens_in += int(data.get("prompt_tokens") or 0)
        self.tokens_out += int(data.get("completion_tokens") or 0)


def content_and_usage(body: str) -> tuple[str, dict[str, Any] | None]:
    """Content and usage of a reply the SDK could not parse into the schema."""
    try:
        data = json.loads(body)
        return str(data["choices"][0]["message"].get("content") or ""), data.get("usage")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return body[:4000], None


def validation_problems(error: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
             for e in error.errors()[:12]]
    return "; ".join(parts)
