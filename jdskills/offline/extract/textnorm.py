"""A normalised copy of a JD text with a map back to the original offsets.

The copy uses the same character rules as :func:`jdskills.normalize.normalize_alias` so that
catalog aliases can be found in it verbatim: NFKC, case-folding, dash variants to ``-``,
quotes deleted, ``_`` to a space, runs of horizontal whitespace collapsed to one space.
Two things differ on purpose, because a text is not a single alias:

* punctuation that ``normalize_alias`` turns into a space (commas, brackets, colons, ...)
  and line breaks become :data:`SEP`, a character no alias contains, so that a multi-word
  alias never matches across "Spark, SQL" or across two bullets;
* leading/trailing ``.``, ``-`` and ``/`` of a token are kept; the boundary check of the
  matcher decides whether they end a token ("Node.js." ends after "node.js").

``offsets[i]`` is the index in the original text of the character that produced
``norm[i]``; ``offsets`` has one extra entry (``len(text)``) so that an exclusive end maps too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SEP = "\x00"
_KEEP_PUNCT = frozenset("+#./&-")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_QUOTES = frozenset("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00b4`'\"")
# characters before which a token may start (a token's end: see matching.haystack)
LEFT_BOUNDARY = frozenset(" /" + SEP)


@lru_cache(maxsize=8192)
def _map_char(ch: str) -> str:
    """What one original character becomes in the normalised copy ('' = deleted)."""
    if ch == "\n" or ch == "\r":
        return SEP
    if ch.isspace():
        return " "
    if ch in _QUOTES:
        return ""
    if ch in _DASHES:
        return "-"
    if ch == "_":
        return " "
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c.isalnum() or c in _KEEP_PUNCT:
            out.append(c)
        elif c in _QUOTES:
            continue
        elif c.isspace():
            out.append(" ")
        elif unicodedata.category(c).startswith("M"):
            out.append(c)  # combining mark stays attached to its letter
        else:
            out.append(SEP)
    return "".join(out)


_DELETE = "\x01"  # marks a deleted character in the same-length intermediate copy
_EXPAND = "\x02"  # marks a character that becomes several ("ﬁ" -> "fi", "…" -> "...")
# runs to splice: 2+ of space/deleted/expanding, or one deleted/expanding character
_RUNS = re.compile("[ \x01\x02]{2,}|[\x01\x02]")


class _CharTable(dict[int, str]):
    """char code -> one-character replacement or a marker, learnt on first sight
    (``str.translate`` calls ``__missing__`` for codes not in the table)."""

    def __missing__(self, code: int) -> str:
        mapped = _map_char(chr(code))
        out = _EXPAND if len(mapped) > 1 else (mapped or _DELETE)
        self[code] = out
        return out


_TABLE = _CharTable()


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """``norm`` is the matching copy of ``text``; ``offsets`` maps norm indices to text."""

    text: str
    norm: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised ``[start, end)``."""
        return self.offsets[start], self.offsets[end - 1] + 1


def normalise_text(text: str) -> NormalisedText:
    """Build the matching copy of ``text`` and its offset map.

    One ``str.translate`` gives a same-length copy; space runs, deleted and expanding
    characters are then spliced, keeping each output character's original offset.
    """
    same = text.translate(_TABLE)
    lead = len(same) - len(same.lstrip(" "))
    if not lead and "\x01" not in same and "\x02" not in same and "  " not in same:
        return NormalisedText(text=text, norm=same, offsets=list(range(len(text) + 1)))
    if _EXPAND not in same:
        return _spliced(text, same)
    pieces: list[str] = []
    offsets: list[int] = []
    pos = lead
    prev_space = True
    for m in _RUNS.finditer(same, lead):
        a, b = m.span()
        if a > pos:
            pieces.append(same[pos:a])
            offsets.extend(range(pos, a))
            prev_space = same[a - 1] == " "
        for i in range(a, b):
            c = same[i]
            if c == " ":
                if not prev_space:
                    pieces.append(" ")
                    offsets.append(i)
                    prev_space = True
            elif c == _EXPAND:
                mapped = _map_char(text[i])
                pieces.append(mapped)
                offsets.extend([i] * len(mapped))
                prev_space = False
        pos = b
    pieces.append(same[pos:])
    offsets.extend(range(pos, len(text)))
    offsets.append(len(text))
    return NormalisedText(text=text, norm="".join(pieces), offsets=offsets)


def _spliced(text: str, same: str) -> NormalisedText:
    """``normalise_text`` without expanding characters, in numpy: deleted characters go,
    a space goes when the character kept before it is a space (or none is)."""
    codes = np.frombuffer(same.encode("utf-32-le"), dtype=np.uint32)
    at = np.flatnonzero(codes != ord(_DELETE))
    space = codes[at] == ord(" ")
    follows_space = np.empty_like(space)
    follows_space[:1] = True
    follows_space[1:] = space[:-1]
    kept = at[~(space & follows_space)]
    offsets = kept.tolist()
    offsets.append(len(text))
    return NormalisedText(text=text, norm=codes[kept].tobytes().decode("utf-32-le"),
                          offsets=offsets)

