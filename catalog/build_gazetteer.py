"""Gazetteer surface forms (skill-extractor) mapped onto catalog skills, or made new skills.

A form joins the skills its text names: exactly, squashed ("next js" = "Next.js"), without a
version ("python 3"), without a bracket or trailing acronym, in the other number, or with or
without a vendor prefix ("excel" = "Microsoft Excel"). All lookups use the index as it was
before the gazetteer, so the order of forms does not matter. Forms that name nothing become
skills of their own, grouped by squashed, version-less text (single common words aside).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from catalog.build_aliases import singular_plural, split_qualifier, strip_version, trailing_acronym
from catalog.build_model import CatalogDraft, Skill, squash_normalized
from jdskills.normalize import normalize_alias

logger = logging.getLogger(__name__)

GAZETTEER_REF = "gazetteer"
# fmt: off
VENDOR_PREFIXES = (
    "microsoft", "ms", "apache", "google", "amazon", "aws", "adobe", "oracle", "ibm", "sap",
    "autodesk", "atlassian", "nvidia", "salesforce", "azure", "cisco", "red hat", "vmware",
    "jetbrains", "hashicorp", "apple", "meta",
)
# fmt: on
_VENDORS = tuple((v, v.replace(" ", "")) for v in VENDOR_PREFIXES)
_LETTERS = re.compile(r"[a-z]")
MAX_WORDS = 6


def candidate_texts(norm: str) -> Iterator[tuple[str, str | None, str]]:
    """(normalised text, its squashed form or None, alias_type) readings of one normalised
    form, most literal first."""
    yield norm, None, "synonym"
    base = strip_version(norm, normalized=True)
    if base:
        yield base, None, "version"
        if base.isalpha():
            yield f"{base}.js", f"{base}js", "version"
    parts = split_qualifier(norm)
    if parts is not None:
        yield normalize_alias(parts[0]), None, "synonym"
    head = trailing_acronym(norm)
    if head:
        yield normalize_alias(head), None, "synonym"
    if norm.endswith((".js", "js")) and len(norm) > 4:
        yield normalize_alias(norm.removesuffix(".js").removesuffix("js")), None, "synonym"
    elif norm.isalpha():
        yield f"{norm}.js", f"{norm}js", "synonym"
    squashed = squash_normalized(norm)
    for vendor in VENDOR_PREFIXES:
        if norm.startswith(vendor + " ") and len(norm) > len(vendor) + 2:
            rest = norm[len(vendor) + 1 :]
            yield rest, None, "synonym"
    for vendor, vendor_squashed in _VENDORS:
        yield f"{vendor} {norm}", vendor_squashed + squashed, "synonym"
    for variant in singular_plural(norm):
        yield variant, None, "synonym"


def _match(draft: CatalogDraft, norm: str, forbidden: set[str]) -> tuple[set[str], str]:
    for text, squashed, alias_type in candidate_texts(norm):
        if text in forbidden:
            continue
        hits = draft.lookup_normalized(text, squashed)
        if hits:
            if alias_type == "synonym" and text == norm and norm not in draft.by_norm:
                alias_type = "spelling"  # only the squashed form matched
            return hits, alias_type
    return set(), ""


def add_gazetteer(
    draft: CatalogDraft, forms: list[str], forbidden: set[str], common: set[str]
) -> dict[str, int]:
    """Map every form; returns counts of mapped forms and of new gazetteer skills.

    A form that maps to nothing and is a single common English word ("progress", "customs")
    is not made a skill: it would only produce false matches.
    """
    pending: list[tuple[str, set[str], str]] = []
    unmatched: dict[str, list[str]] = {}
    for form in forms:
        norm = normalize_alias(form)
        if not norm or norm in forbidden or not _LETTERS.search(norm):
            continue
        hits, alias_type = _match(draft, norm, forbidden)
        if hits:
            pending.append((norm, hits, alias_type))
        elif len(norm.split()) <= MAX_WORDS and norm not in common:
            group = squash_normalized(strip_version(norm, normalized=True) or norm)
            unmatched.setdefault(group, []).append(norm)
    for norm, hits, alias_type in pending:  # applied after matching: order-independent
        for key in sorted(hits):
            draft.add_alias(key, norm, alias_type, "taxonomy")
            draft.skills[key].add_ref(GAZETTEER_REF)
    new = 0
    for group in sorted(unmatched):
        members = sorted(
            set(unmatched[group]),
            key=lambda t: (strip_version(t, normalized=True) is not None, len(t), t),
        )
        canonical = members[0]
        if canonical in draft.skills:  # a squash-twin of an earlier group's canonical name
            continue
        draft.add_skill(
            Skill(key=canonical, name=canonical, origin="gazetteer", refs=[GAZETTEER_REF])
        )
        new += 1
        for other in members[1:]:
            draft.add_alias(
                canonical,
                other,
                "version" if strip_version(other, normalized=True) else "spelling",
                "taxonomy",
            )
    logger.info("gazetteer: %d forms mapped to catalog skills, %d new skills", len(pending), new)
    return {"gazetteer_mapped": len(pending), "gazetteer_new": new}
