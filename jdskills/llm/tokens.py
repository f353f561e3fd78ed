"""Token counts with the model's own tokenizer, offline.

``bpe-openai`` bundles OpenAI's BPE files (o200k_base, cl100k_base), so counting never
downloads anything (tiktoken fetches its encodings on first use). Its ``encoding_for_model``
does not know the newer model names, so the family → encoding map lives here: the GPT-4.1,
GPT-4o, GPT-5 and o-series models use o200k_base, GPT-4 / GPT-3.5 cl100k_base. A model that
matches neither (a local vLLM/Ollama model) is counted with o200k_base.

Chat requests are counted as the API bills them: each message's content plus its framing
(the OpenAI cookbook's recipe), plus the JSON schema of a structured-output request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import bpe_openai

DEFAULT_ENCODING = "o200k_base"
_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(gpt-4\.1|gpt-4o|gpt-4\.5|gpt-5|o\d|chatgpt-4o)"), "o200k_base"),
    (re.compile(r"^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)"), "cl100k_base"),
)
# chat framing per message and for the reply (OpenAI cookbook's counting recipe)
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3


def encoding_name(model: str | None) -> str:
    """The BPE encoding of ``model`` (o200k_base when the family is unknown)."""
    name = (model or "").lower().rsplit("/", 1)[-1]  # "openai/gpt-4.1-nano" as some proxies say
    for pattern, encoding in _FAMILIES:
        if pattern.match(name):
            return encoding
    return DEFAULT_ENCODING


@lru_cache(maxsize=4)
def _encoding(name: str) -> Any:
    return bpe_openai.get_encoding(name)


def tokenizer_name(model: str | None = None) -> str:
    return f"bpe-openai {encoding_name(model)}"


def count_tokens(text: str, model: str | None = None) -> int:
    """Tokens of ``text`` for ``model``; special-token text counts as ordinary text."""
    return len(_encoding(encoding_name(model)).encode_ordinary(text))


def count_chat_tokens(
    messages: Iterable[Mapping[str, Any]], response_schema: Mapping[str, Any] | None = None,
    model: str | None = None,
) -> int:
    """Prompt tokens of a chat request: each message's content plus framing, plus the JSON
    schema of a structured-output request (which the API also bills as input)."""
    total = TOKENS_PER_REPLY
    for message in messages:
        content = message.get("content") or ""
        total += TOKENS_PER_MESSAGE + count_tokens(str(content), model)
    if response_schema is not None:
        total += count_tokens(json.dumps(response_schema, separators=(",", ":")), model)
    return total
