"""Enumerations: is a mention an item of a list whose neighbour is another skill?

"Python, Go and Rust", "(JAX, Py Torch, Pallas/Triton)", "Pallas (JAX) or Triton" and one
skill per bullet line all count. A neighbour is found by skipping, from the mention outwards,
whitespace, list punctuation and the words "and", "or", "and/or", "&"; at least one separator
must be skipped and the next character must be the edge of another mention.
"""

from __future__ import annotations

from collections.abc import Collection

_SEP_CHARS = frozenset(",/;|&()[]{}·•▪●◦*\n\r\t-–—+")
_SEP_WORDS = ("and/or", "and", "or", "as well as", "plus", "nor")
_MAX_GAP = 16
_WORD_LAST = frozenset("drsDRS")
_WORD_FIRST = frozenset("aopnAOPN")


def skip_left(text: str, pos: int) -> tuple[int, bool]:
    """Move left over spaces and separators; also says whether a separator was passed."""
    limit = max(0, pos - _MAX_GAP)
    saw_sep = False
    while pos > limit:
        ch = text[pos - 1]
        if ch == " " or ch == "\u00a0":
            pos -= 1
            continue
        if ch in _SEP_CHARS:
            pos -= 1
            saw_sep = True
            continue
        if ch not in _WORD_LAST:
            break
        for word in _SEP_WORDS:
            n = len(word)
            if (
                pos - n >= 0
                and text[pos - n : pos].lower() == word
                and (pos - n == 0 or not text[pos - n - 1].isalnum())
            ):
                pos -= n
                saw_sep = True
                break
        else:
            break
    return pos, saw_sep


def skip_right(text: str, pos: int) -> tuple[int, bool]:
    """Move right over spaces and separators; also says whether a separator was passed."""
    limit = min(len(text), pos + _MAX_GAP)
    saw_sep = False
    while pos < limit:
        ch = text[pos]
        if ch == " " or ch == "\u00a0":
            pos += 1
            continue
        if ch in _SEP_CHARS:
            pos += 1
            saw_sep = True
            continue
        if ch not in _WORD_FIRST:
            break
        for word in _SEP_WORDS:
            n = len(word)
            if (
                text[pos : pos + n].lower() == word
                and (pos + n == len(text) or not text[pos + n].isalnum())
            ):
                pos += n
                saw_sep = True
                break
        else:
            break
    return pos, saw_sep


def list_neighbour(
    text: str, start: int, end: int, starts: Collection[int], ends: Collection[int]
) -> bool:
    """Whether ``text[start:end]`` sits in a list next to a span that starts/ends as given."""
    left, sep = skip_left(text, start)
    if sep and left in ends and left != end:
        return True
    right, sep = skip_right(text, end)
    return sep and right in starts and right != start

