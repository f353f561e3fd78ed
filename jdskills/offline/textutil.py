"""Small text helpers shared by the offline parser modules."""

from __future__ import annotations

from collections.abc import Container, Iterable
from itertools import compress, count


def words_of(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a literal word list, in order."""
    return tuple(text.split())


def is_word_boundary(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not glued to letters or digits on either side."""
    if start > 0 and text[start - 1].isalnum():
        return False
    return not (end < len(text) and text[end].isalnum())


def positions(words: Iterable[str], vocabulary: Container[str]) -> list[int]:
    """Indexes of the words that are in ``vocabulary``, in order. The loop runs in C
    (``compress`` over ``map``): several times faster than a comprehension on JD-length
    word lists."""
    return list(compress(count(), map(vocabulary.__contains__, words)))
