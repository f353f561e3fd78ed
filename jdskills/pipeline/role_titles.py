"""Title similarity for the role signal of stage 4 (classify).

A title key is the normalised title without bracketed text, seniority / level / employment
words and filler words ("Senior Data Engineer II (Remote)" → "data engineer"). A key splits
into *specific* words ("data", "machine learning") and a canonical *head* noun ("engineer";
"developer" and "programmer" count as "engineer").

similarity = spec · head^0.4, where
* spec is ¾ of the share of the alias's specific words found in the title plus ¼ of the
  converse, a word pair counting when rapidfuzz's ``ratio`` is ≥ 85 (weighted by it); 1 when
  the squashed words are equal ("front end" = "frontend"). A title more specific than an alias
  still fits it ("Oracle Database Administrator" → "Database Administrator" 0.88), one more
  generic does not ("Software Engineer" → "AI Software Engineer" 0.62);
* head is 1 for the same head noun, 0.5 when one title has none, 0.3 for different ones.
A title that is only a head noun ("Engineer", "Senior Developer") matches only an alias that
is the same bare noun. A JD title also tries its parts ("ML Engineer – Ads" → "ml engineer")
when the part ends in a head noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from jdskills.normalize import normalize_alias

_BRACKETS = re.compile(r"[(\[{][^)\]}]*[)\]}]")
_PHRASES = re.compile(r"\b(?:full|part)[ -]time\b|\bmid[ -]level\b|\bentry[ -]level\b", re.I)
_PARTS = re.compile(r"\s[-|/]\s|[,|–—:;]")  # " - ", " / ", ",", "|", dashes, ":"
SENIORITY = frozenset({
    "senior", "sr", "snr", "junior", "jr", "lead", "principal", "staff", "associate",
    "experienced", "mid", "entry", "level", "graduate", "intern", "internship", "trainee",
    "apprentice", "i", "ii", "iii", "iv", "1", "2", "3", "l1", "l2", "l3", "l4", "contract",
    "contractor", "freelance", "temporary", "temp", "remote", "hybrid", "onsite",
})
FILLER = frozenset({"of", "the", "for", "a", "an", "and", "&", "with", "in", "at", "to"})
HEADS = {  # head noun -> canonical head; every other word of a title is a specific word
    "engineer": "engineer", "engineers": "engineer", "developer": "engineer",
    "developers": "engineer", "programmer": "engineer",
    "analyst": "analyst", "analysts": "analyst", "scientist": "scientist",
    "architect": "architect", "manager": "manager", "administrator": "administrator",
    "admin": "administrator", "specialist": "specialist", "consultant": "consultant",
    "designer": "designer", "tester": "tester", "researcher": "researcher",
    "technician": "technician", "officer": "officer", "executive": "executive",
    "director": "director", "coordinator": "coordinator", "representative": "representative",
}
HEAD_EXPONENT = 0.4
HEAD_MISSING, HEAD_DIFFERENT = 0.5, 0.3
TOKEN_MATCH = 85.0
ALIAS_COVER = 0.75  # weight of "the alias's words are in the title" vs the converse


def title_key(title: str) -> str:
    """Normalised title without bracketed text, seniority/level/employment and filler words."""
    t = normalize_alias(_PHRASES.sub(" ", _BRACKETS.sub(" ", title))).replace("-", " ")
    tokens = [w for w in t.split() if w not in FILLER]
    kept = [w for w in tokens if w not in SENIORITY]
    return " ".join(kept or tokens)


def title_candidates(title: str) -> list[str]:
    """Keys of the whole title and of each part that ends in a head noun."""
    stripped = _BRACKETS.sub(" ", title)
    parts = [title_key(p) for p in _PARTS.split(stripped)]
    keys = [title_key(stripped), *(p for p in parts if p and p.split()[-1] in HEADS)]
    return list(dict.fromkeys(k for k in keys if k))


def split_title(key: str) -> tuple[list[str], str]:
    """(specific words, canonical head nouns joined) of a title key."""
    words = list(dict.fromkeys(key.split()))
    heads = " ".join(sorted({HEADS[w] for w in words if w in HEADS}))
    return [w for w in words if w not in HEADS], heads


@dataclass
class TitleIndex:
    """All aliases of all roles, prepared for scoring one query title against every alias."""

    spec_len: np.ndarray  # specific words per alias
    heads: np.ndarray  # canonical head string per alias
    squashed: np.ndarray  # specific words without spaces
    vocab: list[str]  # every specific word of every alias
    incidence: sparse.csr_matrix  # alias x vocab, 1 where the alias has the word

    @classmethod
    def build(cls, keys: list[str]) -> TitleIndex:
        parts = [split_title(k) for k in keys]
        vocab = sorted({w for spec, _ in parts for w in spec})
        col = {w: i for i, w in enumerate(vocab)}
        rows, cols = [], []
        for r, (spec, _) in enumerate(parts):
            for w in set(spec):
                rows.append(r)
                cols.append(col[w])
        incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                      shape=(len(keys), max(len(vocab), 1)))
        return cls(spec_len=np.array([len(s) for s, _ in parts], dtype=np.float64),
                   heads=np.array([h for _, h in parts], dtype=object),
                   squashed=np.array(["".join(s) for s, _ in parts], dtype=object),
                   vocab=vocab, incidence=incidence)

    @cached_property
    def dense_incidence(self) -> np.ndarray:
        """``incidence`` as a dense array (aliases × vocabulary: small) for fast slicing."""
        return self.incidence.toarray()

    def scores(self, key: str) -> np.ndarray:
        """Similarity in [0,1] of one title key to every alias."""
        spec, head = split_title(key)
        n = self.spec_len.size
        if not spec:  # a bare head noun matches only the same bare head noun
            return ((self.spec_len == 0) & (self.heads == head)).astype(np.float64)
        spec_sim = np.zeros(n)
        if self.vocab:
            ratios = process.cdist(spec, self.vocab, scorer=fuzz.ratio, dtype=np.float32) / 100
            ratios[ratios < TOKEN_MATCH / 100] = 0.0
            best_per_word = ratios.max(axis=0)
            alias_side = self.incidence @ best_per_word  # alias words that meet a query word
            hit = ratios.any(axis=0)  # only vocabulary words some query word meets matter
            dense = self.dense_incidence[:, hit]
            query_side = (dense[None, :, :] * ratios[:, None, hit]).max(axis=2).sum(axis=0) \
                if hit.any() else np.zeros(n)  # query words that meet an alias word
            alias_cover = alias_side / np.maximum(self.spec_len, 1)
            spec_sim = ALIAS_COVER * alias_cover + (1 - ALIAS_COVER) * query_side / len(spec)
        spec_sim[self.squashed == "".join(spec)] = 1.0
        head_sim = np.where(self.heads == head, 1.0,
                            np.where((self.heads == "") | (head == ""), HEAD_MISSING,
                                     HEAD_DIFFERENT))
        return np.clip(spec_sim, 0, 1) * np.power(head_sim, HEAD_EXPONENT)
