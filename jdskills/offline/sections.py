"""Split a JD into sections by its headings.

Headings are found two ways. *Line headings*: a short line that is markdown (``#``), bold,
ALL CAPS, Title Case, ends with ':' or names a known section ("Benefits", "About us").
*Inline headings*: a known phrase ("What you'll do", "About <Company>") in the middle of a
run-on paragraph, followed by the capitalised start of its content. Every section's ``text``
is an exact slice of the JD: ``jd[start:start + len(text)] == text``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from jdskills.offline.bullets import count_bullets, is_bullet
from jdskills.offline.headings import (
    INLINE_HEADINGS,
    SectionKind,
    classify_content,
    classify_heading,
)
from jdskills.offline.textutil import words_of
from jdskills.records import Section, SourceMarker


@dataclass(slots=True)
class _Heading:
    start: int  # where the heading text starts
    content_start: int  # where the section text may start
    label: str
    kind: SectionKind


def _phrase_pattern(phrase: str) -> str:
    # the first letter is a literal (so the regex engine can skip to capitals quickly); the
    # look-behind after it says the phrase starts a word
    rest = re.escape(phrase[1:]).replace("'", "['’]").replace(r"\ ", r"\s+")
    return f"{re.escape(phrase[0])}(?<!\\S.)(?i:{rest})"


_SINGLE_WORD = frozenset(p for p in INLINE_HEADINGS if " " not in p)
_INLINE = re.compile(
    r"(?P<h>"
    + "|".join(_phrase_pattern(p) for p in sorted(INLINE_HEADINGS, key=len, reverse=True))
    + r"|A(?<!\S.)bout[ \t]+(?P<name>[A-Z][\w&.'’-]*(?:[ \t][A-Z][\w&.'’-]*){0,4})"
    r"(?=[ \t]+(?P=name)\b))(?P<colon>[ \t]*:)?(?=[ \t]+[\"“(]?[A-Z0-9•·▪*-]|[ \t]*\n)"
)
_MARKUP = re.compile(r"^(?:#{1,6}\s*)?(?:\*\*|__)?\s*|\s*(?:\*\*|__)?$")
_SMALL_WORDS = frozenset(
    words_of("a an and or of the to for in on at with by from & our your you we is are as us")
)
_MONEY_OR_DIGIT = re.compile(r"[£$€₹\d]")
_FIELD_LABEL = re.compile(
    r"(?i:(?:job\s+)?(?:location|salary|type|hours|contract|closing\s+date|interview\s+dates?"
    r"|reference|ref|grade|band|department|base|start\s+date|duration|pay)\b)"
)
_LIST_KINDS = frozenset({"responsibilities", "requirements", "nice_to_have", "benefits"})
_SEPARATED = re.compile(r"\s[-–|]\s|@")
_PRONOUN_START = frozenset(words_of("this that these it we you they our he she there here"))


def _is_title(words: list[str]) -> bool:
    return words[0][:1].isupper() and all(
        w[:1].isupper() or w.lower() in _SMALL_WORDS or not w[:1].isalpha() for w in words
    )


def _next_line(lines: list[str], i: int) -> str:
    for ln in lines[i + 1 : i + 4]:
        if ln and not ln.isspace():
            return ln.strip()
    return ""


def _followed_by_text(lines: list[str], i: int) -> bool:
    """The next non-empty line is prose or a bullet, not another short label."""
    nxt = _next_line(lines, i)
    return len(nxt.split(None, 7)) > 6 or is_bullet(nxt)


def _line_heading(line: str, lines: list[str], i: int) -> tuple[str, SectionKind] | None:
    """(label, kind) when the stripped ``line`` (``lines[i]``) reads as a heading."""
    last = line[-1]
    if last in ".!," or is_bullet(line):
        return None  # prose or a list item: the common case, rejected before any regex
    markdown = line[0] in "#*_"
    core = _MARKUP.sub("", line) if markdown else line
    bare = core.rstrip(" :;-–")
    tail = core[len(bare) :]
    colon = ":" in tail or ";" in tail
    core = bare.strip()
    words = core.split(None, 20)
    n = len(words)
    question = core.endswith("?")
    if not n or n > 20 or (n > 10 and not (markdown or colon or question)):
        return None  # nothing, or a sentence-long line that is no heading
    if core.upper() == core.lower() or all(w.lower() in _SMALL_WORDS for w in words):
        return None  # no letters ("*", "---") or just "Or" / "and"
    caps = core.isupper() and len(core) >= 3
    title = not caps and _is_title(words)
    if not (markdown or colon or caps or title or question) and n > 4:
        return None
    kind = classify_heading(core)
    if markdown and n <= 12:
        pass
    elif colon:
        if kind == "other" and (n > 4 or words[0].lower() in _PRONOUN_START):
            return None
    elif question:
        if kind == "other" or n > 10:
            return None
    elif caps or title:
        if n > (10 if kind != "other" else 6):
            return None
        if kind == "other" and not _followed_by_text(lines, i):
            return None
        if _MONEY_OR_DIGIT.search(core) or _SEPARATED.search(core):
            return None  # "Salary £19,597", "Jane Doe – Lecturer": a field or a signature
        if n >= 2 and _FIELD_LABEL.match(core):
            return None  # "Location Bristol": a field, not a heading
    elif kind == "other" or _MONEY_OR_DIGIT.search(core) or not _followed_by_text(lines, i):
        return None
    return core.rstrip("?").strip(), kind


def _find_headings(text: str, company: str | None) -> list[_Heading]:
    lines = text.split("\n")
    starts: list[int] = []
    offset = 0
    for raw in lines:
        starts.append(offset)
        offset += len(raw) + 1
    found: list[_Heading] = []
    heading_lines: set[int] = set()
    for i, raw in enumerate(lines):
        if not raw or len(raw) > 200:
            continue
        stripped = raw.strip()
        if not stripped or stripped[-1] in ".!,":
            continue  # empty, or prose: by far the most common lines
        hit = _line_heading(stripped, lines, i)
        if hit is not None:
            heading_lines.add(i)
            start = starts[i] + raw.index(stripped[0])
            found.append(_Heading(start, starts[i] + len(raw), hit[0], hit[1]))
    for h in _inline_headings(text, company):
        line_no = bisect_right(starts, h.start) - 1
        if line_no in heading_lines:
            continue
        if h.label in _SINGLE_WORD and h.content_start - h.start == len(h.label):
            before = text[starts[line_no] : h.start].rstrip()
            if before and before[-1] not in ".!?:;)":
                continue  # "Responsibilities" mid-sentence: not a heading without a colon
        found.append(h)
    found.sort(key=lambda h: h.start)
    kept: list[_Heading] = []
    for h in found:
        if not kept or h.start >= kept[-1].content_start:
            kept.append(h)  # overlapping detections: the first one wins
    return kept


def _inline_headings(text: str, company: str | None) -> list[_Heading]:
    out: list[_Heading] = []
    for m in _INLINE.finditer(text):
        label = " ".join(m.group("h").split())
        out.append(_Heading(m.start(), m.end(), label, classify_heading(label)))
    if company and not any(h.kind == "about_company" for h in out):
        label = f"About {company}"
        at = text.find(label)
        if at >= 0 and (at == 0 or text[at - 1].isspace()):
            out.append(_Heading(at, at + len(label), label, "about_company"))
    return out


def _make_section(
    text: str, lo: int, hi: int, heading: str | None, kind: SectionKind
) -> Section | None:
    chunk = text[lo:hi]
    body = chunk.strip().lstrip(":").strip()
    if not body:
        return None
    start = lo + chunk.index(body)
    if heading is not None and kind == "other":
        kind = classify_content(body) or "other"
    words = body.split()
    return Section(
        heading=heading,
        heading_was_present=heading is not None,
        kind=kind,
        text=body,
        start=start,
        bullet_count=count_bullets(body, listy=kind in _LIST_KINDS),
        word_count=len(words),
        source_marker=SourceMarker(
            first_5_words=" ".join(words[:5]), last_5_words=" ".join(words[-5:])
        ),
    )


def split_sections(text: str, company: str | None = None) -> list[Section]:
    """Sections in document order; text before the first heading is a headless summary."""
    headings = _find_headings(text, company)
    sections: list[Section] = []
    first = headings[0].start if headings else len(text)
    preface = _make_section(text, 0, first, None, "summary")
    if preface is not None:
        sections.append(preface)
    carried: SectionKind | None = None
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        kind = h.kind if h.kind != "other" or carried is None else carried
        section = _make_section(text, h.content_start, end, h.label, kind)
        if section is None:
            carried = kind if kind != "other" else carried
            continue
        carried = None
        if not sections and section.kind == "other":
            # a title-like first line over the opening paragraph: that paragraph is the summary
            section = section.model_copy(update={"kind": "summary"})
        sections.append(section)
    return sections
