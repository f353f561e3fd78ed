"""Small text helpers shared by the offline parser modules."""

from __future__ import annotations


def words_of(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a literal word list, in order."""
    return tuple(text.split())


def is_word_boundary(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not glued to letters or digits on either side."""
    if start > 0 and text[start - 1].isalnum():
        return False
    return not (end < len(text) and text[end].isalnum())
