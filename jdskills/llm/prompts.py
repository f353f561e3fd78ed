"""Versioned prompts (``prompts/<name>.v<N>.md``) and the JD text they carry.

A prompt file holds the system message, a line ``=== user ===``, and the user message as a
``string.Template`` (``$jd``, ``$title`` ...). The version string (``parse_extract.v1``) goes
into the cache key and every llm_call row; editing a prompt means adding ``v<N+1>``.

Untrusted text (JD text, titles, evidence) is data, never instructions: it is placed between
tags that the prompt names, any tag of ours inside it is defused so it cannot close the
block early, and it is compacted (EEO boilerplate, blank runs) and capped in length.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jdskills.offline.sections import split_sections

PROMPT_DIR = Path(__file__).resolve().parent / "prompts"
USER_MARK = "=== user ==="
DATA_TAGS = ("jd_text", "evidence")
_FILE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<n>\d+)\.md$")
_OUR_TAGS = re.compile(r"<\s*/?\s*(?:" + "|".join(DATA_TAGS) + r")\b[^>]*>", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_SPACE_RUNS = re.compile(r"[ \t\u00a0]{2,}")
TRUNCATED = " [...]"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user: string.Template

    def messages(self, **fields: str) -> list[dict[str, str]]:
        """System + user messages; every field value is defused untrusted text."""
        values = {k: defuse(v) for k, v in fields.items()}
        return [{"role": "system", "content": self.system},
                {"role": "user", "content": self.user.substitute(values)}]


def available_versions(name: str) -> list[int]:
    found = (_FILE.match(p.name) for p in PROMPT_DIR.iterdir())
    return sorted(int(m["n"]) for m in found if m and m["name"] == name)


@lru_cache(maxsize=32)
def load_prompt(name: str, version: int | None = None) -> Prompt:
    """The prompt ``name`` at ``version`` (default: the highest in the folder)."""
    versions = available_versions(name)
    if not versions:
        raise FileNotFoundError(f"no prompt named {name!r} in {PROMPT_DIR}")
    n = versions[-1] if version is None else version
    path = PROMPT_DIR / f"{name}.v{n}.md"
    system, sep, user = path.read_text(encoding="utf-8").partition(f"\n{USER_MARK}\n")
    if not sep:
        raise ValueError(f"{path.name} has no '{USER_MARK}' line")
    return Prompt(name=name, version=f"{name}.v{n}", system=system.strip(),
                  user=string.Template(user.strip()))


def defuse(text: str) -> str:
    """Untrusted text with our data tags neutralised, so it cannot end its block."""
    return _OUR_TAGS.sub("[tag removed]", text)


def compact_jd_text(text: str, max_chars: int, company: str | None = None) -> str:
    """The JD text worth sending: EEO sections dropped, blank-line and space runs collapsed,
    cut at a line or word boundary to ``max_chars``. Offsets are not kept: spans the model
    quotes are located again in the original text."""
    drop = [(s.start, s.start + len(s.text)) for s in split_sections(text, company)
            if s.kind == "eeo"]
    for lo, hi in reversed(drop):
        text = text[:lo] + text[hi:]
    text = _SPACE_RUNS.sub(" ", _BLANK_RUNS.sub("\n\n", text)).strip()
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    if boundary > max_chars * 0.8:
        cut = cut[:boundary]
    return cut.rstrip() + TRUNCATED
