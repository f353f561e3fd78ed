"""Discovery of technology names that no catalog alias matches ("Pallas", "Triton").

A *name-like* term is one to three adjacent tokens, each starting with a capital or written
in camel case ("gRPC", "iOS"), outside boilerplate sections and not overlapping a catalog
mention. It is reported as a new skill when

* it is an item of an enumeration whose neighbour is a catalog skill or another discovered
  term ("(JAX, Py Torch, Pallas/Triton)", "Pallas (JAX) or Triton"), or
* it follows "with", "using", "in", "including", "like", "such as" inside a title,
  requirements, responsibilities or nice-to-have section ("kernels with Pallas"),

and it survives the filters: not a month, day, place, currency, contract or HR acronym,
common JD word (:mod:`common_words`), everyday English (every word of the term a common
English word by wordfreq's Zipf frequency — "Awareness", "Undertake", "COME GROW" — unless
written in camel case or with digits), the company, a caller's stop term (locations), an
organisation (a term followed by LLC/Inc/Ltd/Labs/...), or a name that appears in a
boilerplate section; not a word the same JD also uses in lower case ("Design" vs "design");
a single capitalised word at the start of a sentence needs an enumeration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from wordfreq import zipf_frequency

from jdskills.offline.extract.common_words import (
    EVERYDAY_WORDS,
    GENERIC_SKILL_WORDS,
    MONTHS_DAYS,
    NON_SKILL_TERMS,
    PLACES,
    TECH_HOMONYMS,
)
from jdskills.offline.extract.lists import skip_left, skip_right
from jdskills.offline.extract.primary import BOILERPLATE_KINDS, REQUIREMENT_KINDS, SectionIndex

_NAME_TOKEN = r"(?:[A-Z][A-Za-z0-9+#]*|[a-z]{1,3}[A-Z][A-Za-z0-9+#]*)(?:[.\-][A-Za-z0-9+#]+)*"
_TERM = re.compile(rf"(?<![\w.\-<@])(?:{_NAME_TOKEN})(?: (?:{_NAME_TOKEN})){{0,2}}(?![\w\->@])")
_TOKEN = re.compile(r"\S+")
# a trigger word right before a name-like token
_TRIGGER = re.compile(
    r"(?<![\w.])(?:with|using|in|including|like|such as|e\.g\.,?|eg|leveraging|via)"
    r"[ \u00a0]+(?=[A-Z]|[a-z]{1,3}[A-Z])",
    re.IGNORECASE,
)
_PLACEHOLDERS = frozenset(
    ("organization", "organisation", "location", "address", "salary", "person", "url",
     "email", "phone", "name")
)
_STOP = MONTHS_DAYS | PLACES | NON_SKILL_TERMS | EVERYDAY_WORDS | GENERIC_SKILL_WORDS | (
    TECH_HOMONYMS | _PLACEHOLDERS
)
_ORG = re.compile(
    r"\b([A-Z][\w&.\-]*(?: [A-Z][\w&.\-]*){0,3}),? (?:LLC|L\.L\.C\.|Inc|Ltd|GmbH|Corp|PLC|"
    r"LLP|Limited|Labs|Pvt|AG|S\.A\.|B\.V\.)(?![\w])"
)
_ORG_SUFFIX = re.compile(
    r"(?:LLC|L\.L\.C\.|Inc|Ltd|GmbH|Corp|PLC|LLP|Limited|Labs|Pvt|AG|S\.A\.|B\.V\.)(?![\w])")
_TERM_MAX = 80  # longest name-like term looked back for
_LOWER_WORD = re.compile(r"(?<![\w.])[a-z][a-z0-9+#.\-]*")
_SENTENCE_END = frozenset(".!?:;\n•·▪●◦*>|")
# Zipf frequency (log10 per billion words) from which a word is everyday English: "awareness"
# 4.4, "undertake" 3.7, "desirable" 3.9 are; "triton" 2.9, "pallas" 2.6, "kafka" 3.0 are not.
EVERYDAY_ZIPF = 3.5


@lru_cache(maxsize=65_536)
def everyday_english(word: str) -> bool:
    """Whether a (lower-case) word is common English by wordfreq's frequency lists."""
    return zipf_frequency(word, "en") >= EVERYDAY_ZIPF


def _plain_english(words: Sequence[str]) -> bool:
    """Every word is everyday English written plainly (Capitalised or SHOUTED, no camel case
    or digits): a phrase of the ad, not a product name."""
    return all(
        not any(c.isdigit() for c in w) and (w.isupper() or w[1:] == w[1:].lower())
        and everyday_english(w.lower())
        for w in words
    )


def organisation_spans(text: str, company: str | None = None) -> list[tuple[int, int]]:
    """Spans of organisation names ("Para AI Labs", "Cincinnatus LLC", the company)."""
    # the full pattern backtracks at every capitalised word: only run it when a legal-form
    # word is in the text at all
    spans = [m.span() for m in _ORG.finditer(text)] if _ORG_SUFFIX.search(text) else []
    if company and len(company) >= 2:
        spans.extend(m.span() for m in re.finditer(re.escape(company), text))
    return spans


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0-–—(\"'":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _strong(token: str) -> bool:
    """ALLCAPS, camel case or with digits: a name, never a sentence-initial word."""
    return token.isupper() or any(c.isdigit() for c in token) or token[1:] != token[1:].lower()


def _closed_right(text: str, end: int) -> bool:
    """The term ends a list item: punctuation, a line end, "and"/"or" or the text end."""
    stripped = text[end : end + 5].lstrip(" ")
    return not stripped or stripped[0] in ",;/)|\n.:" or stripped.startswith(("and ", "or "))


class _Filter:
    """The stop lists of one JD, built on first use."""

    def __init__(self, text: str, where: SectionIndex, stop_terms: set[str],
                 orgs: Sequence[tuple[int, int]]) -> None:
        self.text = text
        stops = set(_STOP) | stop_terms
        for term in stop_terms:
            stops.update(term.split())
        for s, e in orgs:
            stops.update(w.lower() for w in text[s:e].split())
        for s, e in where.spans_of(BOILERPLATE_KINDS):
            stops.update(w.lower() for m in _TERM.finditer(text, s, e) for w in m.group().split())
        self.stops = stops
        self._lower: set[str] | None = None

    def lower_word(self, word: str) -> bool:
        """Whether the JD also writes ``word`` in lower case (a common word)."""
        if self._lower is None:
            self._lower = set(_LOWER_WORD.findall(self.text))
        return word in self._lower

    def clean(self, start: int, end: int, *, in_list: bool) -> tuple[int, int] | None:
        """The term's span after the filters of the module docstring, or None."""
        text, stops = self.text, self.stops
        tokens = [(m.start() + start, m.end() + start) for m in _TOKEN.finditer(text[start:end])]
        while tokens and text[tokens[0][0] : tokens[0][1]].lower() in stops:
            tokens.pop(0)
        while tokens and text[tokens[-1][0] : tokens[-1][1]].lower() in stops:
            tokens.pop()
        if not tokens:
            return None
        start, end = tokens[0][0], tokens[-1][1]
        words = text[start:end].split()
        if len(words) > 1 and not _closed_right(text, end) and not all(
            _strong(t) for t in words[1:]
        ):
            # "or Triton Demonstrable career ...": a run-on bullet, not a two-word name
            words = words[:1]
            end = start + len(words[0])
        low = text[start:end].lower()
        if low in stops or len(low) < 2 or self.lower_word(low) or _plain_english(words):
            return None
        plain = len(words) == 1 and not _strong(words[0])
        if plain and not in_list and _sentence_initial(text, start):
            return None
        return start, end


def _term_starting_at(text: str, pos: int) -> tuple[int, int] | None:
    m = _TERM.match(text, pos)
    return m.span() if m else None


def _term_ending_at(text: str, pos: int) -> tuple[int, int] | None:
    for m in _TERM.finditer(text, max(0, pos - _TERM_MAX), pos):
        if m.end() == pos:
            return m.span()
    return None


def discover_terms(
    text: str,
    where: SectionIndex,
    taken: Sequence[tuple[int, int]],
    stop_terms: set[str],
    skip: Callable[[int], bool] | None = None,
    orgs: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Spans of new technology names in ``text`` (see the module docstring).

    Walks outwards from the catalog mentions (and from each name found) over list
    separators, and from trigger words in requirement-like sections. ``orgs`` are
    organisation-name spans (:func:`organisation_spans`).
    """
    is_skipped = skip or where.is_boilerplate
    occupied = bytearray(len(text) + 1)
    for s, e in taken:
        occupied[s:e] = b"\x01" * (e - s)
    filt: _Filter | None = None
    found: dict[int, tuple[int, int]] = {}

    def consider(span: tuple[int, int] | None, *, in_list: bool) -> tuple[int, int] | None:
        nonlocal filt
        if span is None:
            return None
        start, end = span
        if 1 in occupied[start:end] or is_skipped(start):
            return None
        if filt is None:
            filt = _Filter(text, where, stop_terms, orgs)
        cleaned = filt.clean(start, end, in_list=in_list)
        if cleaned is None or cleaned[0] in found:
            return None
        found[cleaned[0]] = cleaned
        occupied[cleaned[0] : cleaned[1]] = b"\x01" * (cleaned[1] - cleaned[0])
        return cleaned

    queue = list(taken)
    for s, e in where.spans_of(REQUIREMENT_KINDS):
        for m in _TRIGGER.finditer(text, s, e):
            span = consider(_term_starting_at(text, m.end()), in_list=False)
            if span is not None:
                queue.append(span)
    while queue:
        start, end = queue.pop()
        right, sep = skip_right(text, end)
        if sep:
            span = consider(_term_starting_at(text, right), in_list=True)
            if span is not None:
                queue.append(span)
        left, sep = skip_left(text, start)
        if sep:
            span = consider(_term_ending_at(text, left), in_list=True)
            if span is not None:
                queue.append(span)
    return sorted(found.values())
