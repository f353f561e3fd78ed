"""The hashing embedder's per-word char n-gram cache gives scikit-learn's exact output."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from jdskills.embedder import HashingEmbedder

TEXTS = [
    "Build ML pipelines with Py Torch and JAX; own GPU kernels (Pallas/Triton).",
    "Senior Data Engineer II (Remote)\n\n\tSpark,  Kafka  and dbt",
    "", "   ", "a", "ab", "C++ / C# / .NET", "Ünïcode STRASSE straße", "PyTorch pytorch PYTORCH",
]


def _reference(e: HashingEmbedder, texts: list[str]) -> np.ndarray:
    words = normalize(e._words.transform(texts))
    chars = normalize(e._chars.transform(texts))
    return normalize(words * 0.6 + chars * 0.4).toarray()


def test_cached_vectors_equal_the_vectorizer_output() -> None:
    e = HashingEmbedder()
    want = _reference(e, TEXTS)
    for _ in range(2):  # cold, then every word cached
        got = e.embed_sparse(TEXTS).toarray()
        np.testing.assert_allclose(got, want, atol=1e-12)
    # a batch mixing cached and new words, in another order
    texts = [TEXTS[1], "Kafka Streams and Flink", TEXTS[0]]
    np.testing.assert_allclose(e.embed_sparse(texts).toarray(), _reference(e, texts),
                               atol=1e-12)


def test_the_word_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    e = HashingEmbedder()
    monkeypatch.setattr(type(e._char_cache), "MAX_WORDS", 8)
    for text in TEXTS + ["one two three four five six seven eight nine ten"]:
        np.testing.assert_allclose(e.embed_sparse([text]).toarray(), _reference(e, [text]),
                                   atol=1e-12)
    assert len(e._char_cache._index) <= 10  # reset when full, then this batch's words


def test_embed_shapes() -> None:
    e = HashingEmbedder(dim=64)
    assert e.embed([]).shape == (0, 64)
    out = e.embed(["data engineer", "nurse"])
    assert out.shape == (2, 64) and np.allclose(np.linalg.norm(out, axis=1), 1.0)


def test_no_texts_give_an_empty_matrix() -> None:
    assert HashingEmbedder(dim=64).embed_sparse([]).shape == (0, 64)
