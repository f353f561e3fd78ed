"""Text keys used to compare skill and role names.

``normalize_alias`` is the key stored in ``skill_alias.normalized`` and used for exact
matching: case-folded, Unicode-normalised, punctuation reduced to the few characters that
carry meaning in technology names (``c++``, ``c#``, ``.net``, ``node.js``, ``ci/cd``),
whitespace collapsed. ``squash_alias`` additionally drops spaces, dots, hyphens and slashes
so that spelling variants meet ("Py Torch", "py-torch" and "PyTorch" -> "pytorch").
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00b4`'\""), None)
# anything that is not a word character or one of + # . / - & becomes a space
_DROP = re.compile(r"[^\w+#./&\- ]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# dots, slashes and hyphens only matter inside a token (".net" keeps its leading dot)
_EDGE_PUNCT = re.compile(r"(?:(?<=\s)|^)[-/]+|[-/.]+(?=\s|$)")
_SQUASH = re.compile(r"[\s.\-/_]+")


def normalize_alias(text: str) -> str:
    """The exact-match key of a skill or title surface form."""
    t = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    t = t.casefold().replace("_", " ")
    t = _DROP.sub(" ", t)
    t = _SPACES.sub(" ", t).strip()
    t = _EDGE_PUNCT.sub("", t)
    return _SPACES.sub(" ", t).strip()


def squash_alias(text: str) -> str:
    """A looser key: the normalised form without separators ("py torch" -> "pytorch")."""
    return _SQUASH.sub("", normalize_alias(text))


_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A URL- and key-safe identifier: ``"C++ (programming)"`` -> ``"c-plus-plus-programming"``."""
    t = normalize_alias(text).replace("++", " plus plus ").replace("#", " sharp ")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", t).strip("-") or "x"
