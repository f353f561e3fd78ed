"""How many list items a section holds.

Marked bullets (``-``, ``*``, ``•``, ``1.`` ...) are counted when present. A section of
several short unmarked lines counts its lines. A run-on paragraph that lost its line breaks
("... model training Write accurate ... feedback Develop rubrics ...") is split where an
item-starting word (an imperative verb or a typical requirement/benefit opener) begins
right after a lowercase word with no punctuation in between.
"""

from __future__ import annotations

import re

_BULLET_START = frozenset("-*•·▪◦‣●○■□➢►✓✔+")

_SENTENCE_ENDS = frozenset(".!?\"')")
# a bullet at a line start; the leading newline lets the regex engine jump between lines
_MARKED = re.compile(r"\n[ \t]*(?:[-*•·▪◦‣●○■□➢►✓✔+]|\d{1,2}[.)])[ \t]")

_VERBS = """
Act Advise Advocate Analyse Analyze Apply Architect Assess Assist Automate Build Champion
Coach Collaborate Communicate Conduct Configure Contribute Coordinate Create Debug Define
Deliver Deploy Design Develop Document Drive Engage Ensure Establish Evaluate Execute Facilitate
Gather Guide Handle Help Identify Implement Improve Influence Integrate Investigate Lead Liaise
Maintain Manage Mentor Monitor Optimise Optimize Organise Organize Oversee Own Participate
Partner Perform Plan Prepare Prioritise Prioritize Produce Promote Prototype Provide Research
Review Run Scale Set Shape Ship Streamline Supervise Support Take Test Train Translate
Troubleshoot Undertake Work Write
"""
_OPENERS = """
Ability Able Advanced Availability Background Bachelor's Bachelors Certification Comfort
Comfortable Commitment Competitive Deep Degree Demonstrable Demonstrated Direct Excellent
Experience Experienced Expert Expertise Exposure Familiarity Flexible Fluency Fluent Generous
Good Hands-on Health Knowledge Master's Masters Minimum Must Opportunities Opportunity Paid
Passion Passionate Previous Prior Proficiency Proficient Proper Proven Reliable Relevant Remote
Self-motivated Solid Strong Top-tier Track Understanding Willingness Working
"""
_STARTERS = "|".join(sorted(set((_VERBS + _OPENERS).split()), key=len, reverse=True))
_RUN_ON_SPLIT = re.compile(
    rf"(?<=[a-z0-9)\]])\s+(?=(?:{_STARTERS})(?=[\s,])|\d+\+?\s*(?:years?|yrs?)\b)"
)


def is_bullet(line: str) -> bool:
    """A stripped line that starts with a bullet glyph or "1." / "12)"."""
    head = line[:1]
    if head in _BULLET_START:
        return len(line) > 1 and line[1].isspace()
    return head.isdigit() and (line[1:2] in ".)" or (line[1:2].isdigit() and line[2:3] in ".)"))


def count_bullets(text: str, listy: bool = False) -> int:
    """Number of list items in a section's text (0 for plain prose).

    ``listy`` sections (responsibilities, requirements ...) count short full sentences on
    their own lines as items too; elsewhere such lines are read as prose.
    """
    marked = len(_MARKED.findall("\n" + text))
    if marked:
        return marked
    if "\n" in text:
        lines = [ln for ln in (raw.strip() for raw in text.split("\n")) if ln]
        # short lines without sentence ends read as items; paragraphs of prose do not
        items = sum(
            1 for ln in lines
            if ln.count(" ") < 30 and (listy or ln[-1] not in _SENTENCE_ENDS)
        )
        return len(lines) if len(lines) >= 2 and 2 * items >= len(lines) else 0
    splits = len(_RUN_ON_SPLIT.findall(text))
    return splits + 1 if splits else 0
