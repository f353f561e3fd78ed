"""Text embedders for matching (stage 3), role KRA similarity (stage 4) and placement (5).

The default is dependency-light and needs no fitting: hashed word and character n-gram
vectors (scikit-learn's HashingVectorizer), L2-normalised. Being stateless, vectors made
today compare with centroids stored months ago. ``OpenAIEmbedder`` (LLM backend) uses the
same protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

DEFAULT_DIM = 2048


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim) with L2-normalised rows."""
        ...


class HashingEmbedder:
    """Word (1–2 gram, English stop words removed) plus char (3–5 gram) hashed features."""

    def __init__(self, dim: int = DEFAULT_DIM) -> None:
        self.dim = dim
        self.name = f"hashing-v1-{dim}"
        common = {"n_features": dim, "alternate_sign": False, "norm": None, "lowercase": True}
        self._words = HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), stop_words="english", **common
        )
        self._chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common)

    def embed_sparse(self, texts: Sequence[str]) -> sparse.csr_matrix:
        words = normalize(self._words.transform(texts))
        chars = normalize(self._chars.transform(texts))
        return normalize(words * 0.6 + chars * 0.4)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.embed_sparse(list(texts)).toarray().astype(np.float32)


@lru_cache(maxsize=1)
def default_embedder() -> HashingEmbedder:
    return HashingEmbedder()


def cosine_to_rows(vector: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Cosine of one vector to each row of a matrix (rows need not be normalised)."""
    if matrix.size == 0:
        return np.zeros(0, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(vector) or 1.0)
    norms[norms == 0] = 1.0
    return (matrix @ vector) / norms
