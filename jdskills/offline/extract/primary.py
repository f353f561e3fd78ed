"""Where a mention sits (section kind), whether a skill is primary, and its evidence.

Primary vs secondary, per skill over its mentions outside boilerplate:

1. a mention in the title line, a requirements or a responsibilities section makes the skill
   primary, unless that mention's sentence carries a nice-to-have cue ("preferred", "a plus",
   "bonus", "nice to have", "desirable", "ideally", "advantage");
2. otherwise, if every mention is in a nice-to-have section or in a cued sentence, it is
   secondary;
3. otherwise (summary / other sections, or a JD without sections) it is primary when it is
   mentioned at least twice or first mentioned in the first third of the text.

Boilerplate (benefits, EEO, about-the-company) is not a source of skills at all.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

import ahocorasick

from jdskills.records import Section

BOILERPLATE_KINDS = frozenset({"benefits", "eeo", "about_company"})
PRIMARY_KINDS = frozenset({"title", "requirements", "responsibilities"})
REQUIREMENT_KINDS = frozenset({"title", "requirements", "responsibilities", "nice_to_have"})
EVIDENCE_MAX = 300

_NICE_CUE = re.compile(
    r"\b(?:preferred|prefer|bonus|a plus|nice[- ]to[- ]have|desirable|desired|ideally|"
    r"advantage|advantageous|optional|good to have|would be great|beneficial)\b",
    re.IGNORECASE,
)
BOILERPLATE_CUES = (
    "benefits package", "benefits include", "pension", "health insurance", "dental",
    "life insurance", "paid leave", "paid time off", "paid holiday", "holiday allowance",
    "annual leave", "vacation days", "parental", "maternity", "paternity", "pregnan",
    "equal opportunit", "equal employment", "discriminat", "regardless of",
    "protected veteran", "protected characteristic", "sexual orientation", "gender identity",
    "national origin", "reasonable adjustment", "reasonable accommodation",
    "diversity and inclusion", "wellbeing", "well-being", "gym membership", "perks include",
    "employee discount", "cycle to work", "how to apply", "apply now", "closing date",
    "send your cv", "send us your cv", "send your resume", "send us your resume",
    "career development", "personal development",
)
_CUES = ahocorasick.Automaton()
for _cue in BOILERPLATE_CUES:
    _CUES.add_word(_cue, len(_cue))
_CUES.make_automaton()
CUE_WINDOW = 120
_BOUNDARY = re.compile(r"[.!?;](?=\s)|\n|[•·▪●◦]")
_TRIM = " \t\r\n-*•·▪●◦>:"


class SectionIndex:
    """Section kind at a character offset; text outside every section is ``other``.

    The first line of the text counts as the ``title`` when no section other than a
    summary/other one covers it.
    """

    def __init__(self, text: str, sections: Sequence[Section]) -> None:
        spans = sorted((s.start, s.start + len(s.text), s.kind) for s in sections)
        self._starts = [s for s, _, _ in spans]
        self._spans = spans
        self.has_boilerplate = any(k in BOILERPLATE_KINDS for _, _, k in spans)
        first_nl = text.find("\n")
        self.title_end = first_nl if 0 <= first_nl <= 250 else 0

    def kind_at(self, pos: int) -> str:
        i = bisect_right(self._starts, pos) - 1
        # sections may nest or overlap; take the innermost one that covers pos
        kind = "other"
        while i >= 0:
            start, end, k = self._spans[i]
            if start <= pos < end:
                kind = k
                break
            i -= 1
        if pos < self.title_end and kind in ("other", "summary"):
            return "title"
        return kind

    def spans_of(self, kinds: frozenset[str]) -> list[tuple[int, int]]:
        """Text ranges of the sections of these kinds (the title line counts as "title")."""
        out = [(start, end) for start, end, kind in self._spans if kind in kinds]
        if "title" in kinds and self.title_end:
            out.append((0, self.title_end))
        return out

    def is_boilerplate(self, pos: int) -> bool:
        return self.has_boilerplate and self.kind_at(pos) in BOILERPLATE_KINDS


class Sentences:
    """Sentence and bullet boundaries of one text, found once and looked up by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] = []
        self._ends: list[int] = []
        for m in _BOUNDARY.finditer(text):
            self._starts.append(m.start())
            self._ends.append(m.end())

    def bounds(self, start: int, end: int, window: int = 400) -> tuple[int, int]:
        """The sentence or bullet around ``text[start:end]`` (at most ``window`` chars each
        side); a sentence-final ".", "!" or "?" is kept."""
        i = bisect_left(self._starts, start) - 1
        left = max(self._ends[i] if i >= 0 else 0, start - window)
        j = bisect_left(self._starts, end)
        if j < len(self._starts):
            b = self._starts[j]
            right = b + (1 if self.text[b] in ".!?" else 0)
        else:
            right = len(self.text)
        return left, min(right, end + window)

    def sentence(self, start: int, end: int) -> str:
        left, right = self.bounds(start, end)
        return self.text[left:right]

    def evidence(self, start: int, end: int) -> str:
        """The sentence or bullet containing the mention, trimmed to at most 300 chars."""
        text = self.text
        left, right = self.bounds(start, end)
        if right - left > EVIDENCE_MAX:
            half = (EVIDENCE_MAX - (end - start)) // 2
            left = max(left, start - max(half, 0))
            right = min(right, left + EVIDENCE_MAX)
            if left > 0 and text[left - 1].isalnum():
                space = text.find(" ", left, start)
                left = space + 1 if space >= 0 else left
            if right < len(text) and text[right].isalnum():
                space = text.rfind(" ", end, right)
                right = space if space >= 0 else right
        snippet = text[left:right].strip(_TRIM)
        return snippet[:EVIDENCE_MAX] or text[start:end]


class BoilerplateFilter:
    """Whether a position is boilerplate: in a benefits / EEO / about-the-company section,
    or, outside requirement-like sections, in a sentence with a benefits, EEO or how-to-apply
    cue ("pension", "equal opportunity", "regardless of", ...) at most 120 characters away.
    The second test covers JDs whose sections are missing or unlabelled."""

    def __init__(self, where: SectionIndex, sentences: Sentences) -> None:
        self.where = where
        self.sentences = sentences
        self._cues: list[int] | None = None

    def _cue_starts(self) -> list[int]:
        if self._cues is None:
            lower = self.sentences.text.lower()
            starts = (end - n + 1 for end, n in _CUES.iter(lower))
            self._cues = sorted(i for i in starts if i == 0 or not lower[i - 1].isalnum())
        return self._cues

    def __call__(self, pos: int) -> bool:
        kind = self.where.kind_at(pos)
        if kind in BOILERPLATE_KINDS:
            return True
        if kind in REQUIREMENT_KINDS:
            return False
        cues = self._cue_starts()
        if not cues:
            return False
        left, right = self.sentences.bounds(pos, pos + 1, CUE_WINDOW)
        i = bisect_left(cues, left)
        return i < len(cues) and cues[i] < right


def has_nice_cue(sentence: str) -> bool:
    return _NICE_CUE.search(sentence) is not None


def decide_primary(
    kinds: Sequence[str], cued: Callable[[int], bool], first_start: int, text_len: int
) -> bool:
    """Apply the rule in the module docstring to one skill's mentions; ``cued(i)`` says
    whether mention ``i``'s sentence carries a nice-to-have cue (evaluated lazily)."""
    if any(k in PRIMARY_KINDS and not cued(i) for i, k in enumerate(kinds)):
        return True
    if all(k == "nice_to_have" or cued(i) for i, k in enumerate(kinds)):
        return False
    return len(kinds) >= 2 or first_start < text_len / 3
