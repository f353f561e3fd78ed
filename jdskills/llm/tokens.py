"""Token counts for budgets and the local test server.

tiktoken's encodings are not bundled with the package: ``get_encoding("o200k_base")``
downloads its BPE file on first use. This module uses tiktoken only when that file is already
in tiktoken's cache (``TIKTOKEN_CACHE_DIR``, ``DATA_GYM_CACHE_DIR`` or the temp-dir default),
so it never touches the network. Otherwise it estimates: the text is split with o200k's own
pre-tokenizer pattern (what tiktoken does before applying merges), each piece counts one
token, and pieces longer than ``APPROX_PIECE_CHARS`` count one token per that many
characters. Common English words are single tokens, so the estimate is close for prose; it
is an estimate, and ``TOKENIZER`` says which method is in use.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import regex

ENCODING = "o200k_base"
_BLOB = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
APPROX_PIECE_CHARS = 6
# chat framing per message and for the reply (OpenAI cookbook's counting recipe)
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3

_O200K_PATTERN = regex.compile(
    "|".join([
        r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        r"\p{N}{1,3}",
        r" ?[^\s\p{L}\p{N}]+[\r\n/]*",
        r"\s*[\r\n]+",
        r"\s+(?!\S)",
        r"\s+",
    ])
)


def _cached_bpe_path() -> str | None:
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            base = os.environ[var]
            break
    else:
        base = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    if not base:
        return None
    path = os.path.join(base, hashlib.sha1(_BLOB.encode()).hexdigest())
    return path if os.path.exists(path) else None


@lru_cache(maxsize=1)
def _encoding() -> Any | None:
    if _cached_bpe_path() is None:
        return None
    try:
        import tiktoken

        return tiktoken.get_encoding(ENCODING)
    except Exception:  # noqa: BLE001 - a corrupt cache file means: estimate instead
        return None


def tokenizer_name() -> str:
    return f"tiktoken {ENCODING}" if _encoding() is not None else "approximation (o200k pieces)"


def count_tokens(text: str) -> int:
    enc = _encoding()
    if enc is not None:
        return len(enc.encode(text, disallowed_special=()))
    total = 0
    for piece in _O200K_PATTERN.findall(text):
        stripped = piece.strip() or piece
        total += max(1, -(-len(stripped) // APPROX_PIECE_CHARS))
    return total


def count_chat_tokens(
    messages: Iterable[Mapping[str, Any]], response_schema: Mapping[str, Any] | None = None
) -> int:
    """Prompt tokens of a chat request: each message's content plus framing, plus the JSON
    schema of a structured-output request (which the API also bills as input)."""
    total = TOKENS_PER_REPLY
    for message in messages:
        content = message.get("content") or ""
        total += TOKENS_PER_MESSAGE + count_tokens(str(content))
    if response_schema is not None:
        total += count_tokens(json.dumps(response_schema, separators=(",", ":")))
    return total
