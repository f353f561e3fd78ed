"""Text embedders for matching (stage 3), role KRA similarity (stage 4) and placement (5).

The default is dependency-light and needs no fitting: hashed word and character n-gram
vectors (scikit-learn's HashingVectorizer), L2-normalised. Being stateless, vectors made
today compare with centroids stored months ago. With the LLM backend and
``settings.llm_embedding_model``, :class:`jdskills.llm.embeddings.OpenAIEmbedder` follows the
same protocol; stage 3 uses it to re-rank its semantic shortlist (``tasks/match.py``). Roles
(stage 4) and placement (5) use hashed vectors with either backend.
"""

from __future__ import annotations

import threading
from collections import Counter
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

        self._char_cache = _CharGramCache(self._chars)

    def embed_sparse(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if not len(texts):
            return sparse.csr_matrix((0, self.dim), dtype=np.float64)
        words = normalize(self._words.transform(texts))
        chars = normalize(self._char_cache.transform(texts))
        return normalize(words * 0.6 + chars * 0.4)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.embed_sparse(list(texts)).toarray().astype(np.float32)


class _CharGramCache:
    """``HashingVectorizer(analyzer="char_wb")`` with the same output, computed per distinct
    word. char_wb n-grams never cross a word boundary, so a text's counts are the sum of its
    lower-cased whitespace-separated words' counts: each word is hashed once per process
    (bounded), and a batch becomes one sparse (texts × words) @ (words × features) product.
    JD text repeats its vocabulary heavily, so this is several times faster on long texts."""

    MAX_WORDS = 500_000

    def __init__(self, vectorizer: HashingVectorizer) -> None:
        self._vectorizer = vectorizer
        self._lock = threading.Lock()
        self._index: dict[str, int] = {}
        self._blocks: list[sparse.csr_matrix] = []
        self._matrix: sparse.csr_matrix | None = None

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = [Counter(t.lower().split()) for t in texts]
        with self._lock:
            vocab = {w for c in counts for w in c}
            new = [w for w in vocab if w not in self._index]
            if len(self._index) + len(new) > self.MAX_WORDS:
                self._index.clear()
                self._blocks.clear()
                new = list(vocab)
            if new or self._matrix is None:
                if new:
                    base = len(self._index)
                    self._index.update((w, base + i) for i, w in enumerate(new))
                    self._blocks.append(self._vectorizer.transform(new).tocsr())
                self._matrix = (sparse.vstack(self._blocks, format="csr") if self._blocks
                                else sparse.csr_matrix((0, self._vectorizer.n_features)))
                self._blocks = [self._matrix]
            index, matrix = self._index, self._matrix
        indptr, cols, data = [0], [], []
        for c in counts:
            cols.extend(index[w] for w in c)
            data.extend(c.values())
            indptr.append(len(cols))
        per_text = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float64), np.asarray(cols, dtype=np.int64), indptr),
            shape=(len(texts), matrix.shape[0]))
        out = (per_text @ matrix).tocsr()
        out.sort_indices()
        return out


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
