"""Token counting with the models' own BPE encodings (bundled by bpe-openai, no download)."""

from __future__ import annotations

import pytest

from jdskills.llm.tokens import (
    TOKENS_PER_MESSAGE,
    TOKENS_PER_REPLY,
    count_chat_tokens,
    count_tokens,
    encoding_name,
)

HINDI = "नमस्ते दुनिया"  # 5 tokens in o200k_base, 13 in cl100k_base


@pytest.mark.parametrize(("model", "encoding"), [
    ("gpt-4.1-nano", "o200k_base"), ("gpt-4.1-mini-2025-04-14", "o200k_base"),
    ("gpt-4o-mini", "o200k_base"), ("gpt-5-nano", "o200k_base"), ("o3-mini", "o200k_base"),
    ("openai/gpt-4.1-nano", "o200k_base"), ("gpt-4-turbo", "cl100k_base"),
    ("gpt-3.5-turbo", "cl100k_base"), ("llama3.1:8b", "o200k_base"), (None, "o200k_base"),
])
def test_model_families_map_to_their_encoding(model: str | None, encoding: str) -> None:
    assert encoding_name(model) == encoding


def test_counts_are_the_encodings_own() -> None:
    assert count_tokens("hello world", "gpt-4.1-nano") == 2
    assert count_tokens(HINDI, "gpt-4.1-nano") == 5
    assert count_tokens(HINDI, "gpt-4-turbo") == 13
    assert count_tokens("<|endoftext|>") == 7  # special-token text is plain text in a JD


def test_chat_count_adds_framing_and_the_schema() -> None:
    messages = [{"role": "system", "content": "hello world"},
                {"role": "user", "content": HINDI}]
    plain = count_chat_tokens(messages, model="gpt-4.1-nano")
    assert plain == TOKENS_PER_REPLY + 2 * TOKENS_PER_MESSAGE + 2 + 5
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert count_chat_tokens(messages, schema, "gpt-4.1-nano") > plain
