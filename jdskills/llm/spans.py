"""Finding the spans the model quotes (section markers, skill evidence) in the original JD
text, ignoring case and whitespace: the model sees compacted text and may re-space it."""

from __future__ import annotations

import re
from bisect import bisect_right

_RUN = re.compile(r"\S+")


class SpanFinder:
    """One JD text, indexed once: its case-folded text without whitespace, and where each
    run of non-space characters starts in both."""

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        runs = [(m.start(), m.group(0)) for m in _RUN.finditer(lowered)]
        self._orig = [start for start, _ in runs]
        self._length = [len(run) for _, run in runs]
        self._squashed_at: list[int] = []
        at = 0
        for _, run in runs:
            self._squashed_at.append(at)
            at += len(run)
        self._squashed = "".join(run for _, run in runs)

    def _to_text(self, i: int) -> int:
        r = bisect_right(self._squashed_at, i) - 1
        return self._orig[r] + (i - self._squashed_at[r])

    def _to_squashed(self, pos: int) -> int:
        r = bisect_right(self._orig, pos) - 1
        if r < 0:
            return 0
        return self._squashed_at[r] + min(pos - self._orig[r], self._length[r])

    def find(self, fragment: str, start: int = 0, *, whole_words: bool = False
             ) -> tuple[int, int] | None:
        """(start, end) in the original text of the first match at or after ``start``;
        with ``whole_words`` a match must not touch a letter or digit on either side."""
        needle = "".join(fragment.lower().split())
        if not needle or not self._squashed:
            return None
        at = self._to_squashed(start)
        while (at := self._squashed.find(needle, at)) >= 0:
            lo, hi = self._to_text(at), self._to_text(at + len(needle) - 1) + 1
            if lo >= start and (not whole_words or self._bounded(lo, hi)):
                return lo, hi
            at += 1
        return None

    def _bounded(self, lo: int, hi: int) -> bool:
        before = self.text[lo - 1] if lo > 0 else " "
        after = self.text[hi] if hi < len(self.text) else " "
        return not (before.isalnum() or after.isalnum())
