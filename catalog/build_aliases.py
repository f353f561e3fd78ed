"""Alias derivation from skill names: qualifiers, abbreviations, CamelCase spellings, versions.

"Application Programming Interface (API)" -> "API" (abbreviation) and
"Application Programming Interface" (synonym); "PyTorch (Machine Learning Library)" ->
"PyTorch" (synonym) -> "Py Torch" (spelling); "python 3" -> "python" (the version stripped).
"""

from __future__ import annotations

import re

from jdskills.normalize import normalize_alias

_PAREN = re.compile(r"^(?P<core>[^()]*[^\s(])\s*\((?P<paren>[^()]+)\)$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[A-Za-z0-9]+")
_STOPWORDS = frozenset({"and", "of", "for", "the", "to", "in", "on", "a", "an", "with", "&"})
_VERSION_SUFFIX = re.compile(
    r"^(?P<base>.*?[a-z+#].*?)\s*"
    r"(?:\s(?:v|ver|version)\.?\s*|\s)"
    r"(?:\d{1,2}|(?:19|20)\d\d)(?:\.\d+)*(?:\.x|x|\+)?"
    r"(?:(?:\s*(?:/|&|,|and|or)\s*|\s+)\d{1,2}(?:\.\d+)*(?:\.x|x|\+)?)*"
    r"(?:\s*(?:\+|and (?:above|later|newer)))?$"
)
_GLUED_VERSION = re.compile(r"^(?P<base>[a-z][a-z.+#]{2,}?[a-z])v?\d{1,2}(?:\.\d+)*(?:\.x|\+)?$")
# Short names a number after is a version of; other names under four characters keep their
# number ("soc 2", "cms-2" and "iso 9001" are not versions of "soc", "cms", "iso").
_SHORT_VERSIONED = frozenset(
    {"vue", "php", "css", "ios", "c++", "c#", ".net", "jdk", "jre", "gcc", "qt", "ruby", "perl"}
)


def split_qualifier(name: str) -> tuple[str, str] | None:
    """``"Core (paren)"`` -> ``("Core", "paren")``; None when the name has no final bracket."""
    m = _PAREN.match(name.strip())
    if m is None or not m.group("core").strip():
        return None
    return m.group("core").strip(), m.group("paren").strip()


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _is_subsequence(piece: str, word: str) -> bool:
    it = iter(word)
    return all(ch in it for ch in piece)


def _aligns(short: str, words: list[str], skips: int) -> bool:
    """Can ``short`` be cut into pieces, each starting a word and a subsequence of it, in order?

    Stopwords may contribute nothing; ``skips`` other words may be skipped as well.
    """
    if not short:
        return skips >= sum(w not in _STOPWORDS for w in words)
    if not words:
        return False
    word, rest = words[0], words[1:]
    if short[0] == word[0]:
        for cut in range(len(short), 0, -1):
            if _is_subsequence(short[:cut], word) and _aligns(short[cut:], rest, skips):
                return True
    if word in _STOPWORDS:
        return _aligns(short, rest, skips)
    return skips > 0 and _aligns(short, rest, skips - 1)


def is_abbreviation(short: str, long: str, *, cased: bool = False) -> bool:
    """True when ``short`` (one token, 2-12 letters) abbreviates the phrase ``long``.

    With ``cased`` the short form must also look like one (two or more capitals: API, MLOps).
    """
    if " " in short.strip() or not short[:1].isalnum():
        return False
    if cased and sum(ch.isupper() for ch in short) < 2:
        return False
    letters = _letters(short)
    words = [w.lower() for w in _WORD.findall(long)]
    if not 2 <= len(letters) <= 12 or len(words) < 2:
        return False
    return _aligns(letters, words, skips=1)


def name_aliases(name: str) -> list[tuple[str, str]]:
    """Aliases implied by a skill name itself, as (alias, alias_type) pairs."""
    out: list[tuple[str, str]] = []
    parts = split_qualifier(name)
    if parts is not None:
        core, paren = parts
        if is_abbreviation(paren, core, cased=True):
            out += [(paren, "abbreviation"), (core, "synonym")]
        elif is_abbreviation(core, paren, cased=True):
            out += [(core, "abbreviation"), (paren, "synonym")]
        else:
            out.append((core, "synonym"))
    for text in [name] + [alias for alias, _ in out]:
        spelled = camel_spelling(text)
        if spelled is not None:
            out.append((spelled, "spelling"))
    return out


def camel_spelling(text: str) -> str | None:
    """``"PyTorch"`` -> ``"Py Torch"``; None when no token is CamelCase in 2+ letter parts."""
    changed = False
    tokens = []
    for token in text.split(" "):
        pieces = _CAMEL.split(token)
        if (
            len(pieces) > 1
            and token.isalpha()
            and all(len(p) >= 2 for p in pieces)
            and not token.isupper()
        ):
            tokens.append(" ".join(pieces))
            changed = True
        else:
            tokens.append(token)
    return " ".join(tokens) if changed else None


def strip_version(text: str, *, normalized: bool = False) -> str | None:
    """The name without a trailing version (``"spring boot 3.x"`` -> ``"spring boot"``)."""
    norm = text if normalized else normalize_alias(text)
    m = _VERSION_SUFFIX.match(norm) or _GLUED_VERSION.match(norm)
    if m is None:
        return None
    base = m.group("base").strip(" -/,")
    if base == norm or (len(base) < 4 and base not in _SHORT_VERSIONED):
        return None
    return base


def singular_plural(norm: str) -> list[str]:
    """Number variants of a normalised alias's last word (``"databases"`` <-> ``"database"``)."""
    if len(norm) < 4 or not norm[-1].isalpha():
        return []
    if norm.endswith("ies"):
        return [norm[:-3] + "y"]
    if norm.endswith("s") and not norm.endswith("ss"):
        return [norm[:-1]]
    if norm.endswith("y") and norm[-2:-1] not in "aeiou":
        return [norm[:-1] + "ies"]
    return [norm + "s"]


def trailing_acronym(norm: str) -> str | None:
    """``"test driven development tdd"`` -> ``"test driven development"``."""
    head, _, last = norm.rpartition(" ")
    if not head or not last.isalpha():
        return None
    return head if is_abbreviation(last, head) else None
