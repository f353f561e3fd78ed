"""How each catalog alias may match: its *policy*, decided once at build time.

``exact``
    matched wherever it occurs on token boundaries;
``homonym``
    a common-word or ambiguous alias (catalog ``match_strategy = context``, a ``common_word``
    collision, a technology name that is an English word): needs a list, a capital or its
    collision context terms (:func:`context_rules.homonym_ok`);
``rule``
    has a sense rule of its own in :data:`context_rules.RULES` ("go", "r", "excel", ...);
``generic``
    a broad skill word ("communication", "management") or a single word the catalog only
    knows in lower case ("reasoning", "sourcing", "kernel"): counts when a skill noun
    follows ("communication skills"), when it is listed with other skills, or near its
    collision context terms;
``homonym`` also covers multi-word aliases that start with a function word ("at scale").

``acronym``
    a short word the catalog only writes in capitals ("REST", "WAS", "SMART"): counts when
    written in capitals or listed with other skills, so "rest", "was", "smart" stay words.

The generic-word policy (``generic_policy``) decides the broad single-word skill names of
:data:`common_words.GENERIC_SKILL_WORDS`: ``keep`` uses every alias as exact, ``canonical``
only a skill's own name, ``context`` its own name in context (``generic`` above), ``drop``
none. Everyday words (:data:`common_words.EVERYDAY_WORDS`) are never used as synonyms, and
as a skill's own name only like homonyms.
"""

from __future__ import annotations

from typing import Literal

from jdskills.offline.extract.common_words import (
    EVERYDAY_WORDS,
    GENERIC_SKILL_WORDS,
    TECH_HOMONYMS,
)
from jdskills.offline.extract.context_rules import RULES

Policy = Literal["exact", "homonym", "rule", "generic", "acronym"]
GenericPolicy = Literal["keep", "canonical", "context", "drop"]
ACRONYM_MAX = 5
# aliases that name a skill far less often than they mean something else ("IT" the sector,
# "US" the country); never matched
NEVER_ALIASES = frozenset({"it", "us", "was", "his", "am", "pm", "ok", "id", "uk", "eu", "hr"})
_FUNCTION_WORDS = frozenset(
    ("a", "an", "the", "at", "in", "on", "of", "to", "for", "with", "by", "from", "into", "as",
     "and", "or", "is", "are", "was", "be", "do", "has", "have", "it", "its", "this", "that",
     "our", "your", "their", "my")
)

# abbreviations whose everyday sense wins over a rarer catalog skill with the same alias
# ("ML" is machine learning in a JD, not the ML programming language)
PREFERRED_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "ml": ("machine learning",),
    "ai": ("artificial intelligence",),
    "nlp": ("natural language processing",),
    "dl": ("deep learning",),
    "k8s": ("kubernetes",),
    "js": ("javascript",),
    "llm": ("large language models", "large language model", "large language modeling"),
    "llms": ("large language models", "large language model", "large language modeling"),
}


def alias_policy(
    norm: str,
    alias_type: str,
    strategy: str,
    *,
    common: bool,
    forms: list[str],
    generic: GenericPolicy,
) -> Policy | None:
    """Matching policy of one normalised alias, or None when it is not used at all.

    ``forms`` are the catalog's surface forms of a single-word alias (empty otherwise).
    """
    single = " " not in norm
    if norm in NEVER_ALIASES:
        return None
    if norm in RULES:
        return "rule"
    if single and norm in EVERYDAY_WORDS:
        return "homonym" if alias_type in ("canonical", "abbreviation") else None
    if single and norm in GENERIC_SKILL_WORDS:
        if generic == "drop" or (generic != "keep" and alias_type != "canonical"):
            return None
        return "generic" if generic == "context" else "exact"
    if single and generic != "keep" and forms and norm.isalpha():
        if all(f == f.lower() for f in forms):
            return "generic"
        if len(norm) <= ACRONYM_MAX and all(f.isupper() for f in forms):
            return "acronym"
    if strategy == "context" or common or (single and norm in TECH_HOMONYMS):
        return "homonym"
    if not single and norm.split(" ", 1)[0] in _FUNCTION_WORDS:
        return "homonym"  # "at scale" (AtScale), "the cloud": ordinary phrases in lower case
    return "exact"
