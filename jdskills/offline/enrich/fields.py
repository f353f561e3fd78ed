"""Descriptive fields of a new skill, inferred from its nearest catalog skills and its JD
context. Nothing is invented: vendor, licence and year stay None (no offline source can know
them), and every field is marked inferred with a confidence of at most 0.5."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from jdskills.normalize import normalize_alias
from jdskills.offline.enrich.context import NewSkillContext
from jdskills.offline.enrich.mentions import squash_words
from jdskills.offline.enrich.neighbours import Neighbour
from jdskills.offline.lookup import CatalogRows, catalog_rows
from jdskills.offline.tech_terms import EMERGING_RE, found, word_set
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot
from jdskills.pipeline.responsibilities import ACTION_VERBS

PROVENANCE = "offline-nearest-neighbours"
MAX_CONFIDENCE = 0.5
STRONG_NAME = 0.6  # a name this similar is evidence on its own
CONFUSABLE_NAME = 0.75
KEYWORDS = 15
_PARENTHESIS = re.compile(r"\(([^()]{1,40})\)")

_CONCEPT_HEADS = word_set("""optimization optimisation training design engineering management
    analysis analytics architecture development internals systems system infrastructure
    pipelines pipeline modelling modeling testing security operations governance computing
    programming processing learning reasoning evaluation integration deployment monitoring
    automation research theory methods techniques principles scaling performance""")
_TYPED_HEADS = {"language": ("Language", "LANGUAGE"), "framework": ("Framework", "FRAMEWORK"),
                "library": ("Library", "LIBRARY"), "platform": ("Platform", "PLATFORM"),
                "protocol": ("Standard", "STANDARD"), "methodology": ("Methodology",
                                                                      "METHODOLOGY"),
                "certification": ("Certification", "CERTIFICATION")}
_FILLER = word_set("""experience years year strong ability knowledge skills skill work working
    using use including include includes hands hands-on plus etc good excellent proven solid
    deep understanding familiarity familiar preferred required requirements role team must
    nice like ideally real production professional hiring help leading next generation
    specific directly feed closing gaps toward across accurate clear writing building
    designing developing optimizing optimising""") | ENGLISH_STOP_WORDS | ACTION_VERBS


def infer_fields(
    ctx: NewSkillContext, by_name: list[Neighbour], snapshot: CatalogSnapshot
) -> dict[str, Any]:
    name = ctx.name
    rows = catalog_rows(snapshot)
    names = rows.skill["name"]
    context_ids = [sid for sid, _ in ctx.co_mentioned.most_common() if sid in names]
    votes = _weights(ctx, by_name, context_ids)
    strength = min(1.0, (len(context_ids) + sum(s >= STRONG_NAME for _, s in by_name)) / 4)
    category, cat_share = _vote(votes, rows, "category")
    sub_category, sub_share = _vote(votes, rows, "sub_category")
    nature, nat_share = _vote(votes, rows, "nature")
    type_, skill_nature, concept = _type_of(name)
    if skill_nature == "CERTIFICATION":
        nature = "certification"
    context_names = [rows.skill_name(sid) for sid in context_ids[:8]]
    emerging = found(EMERGING_RE, [name, *ctx.evidence, *context_names])
    conf = round(min(MAX_CONFIDENCE, 0.15 + 0.35 * strength), 2)
    return {
        "provenance": PROVENANCE,
        "confidence": conf,
        "field_confidence": {
            "category": _c(cat_share * strength), "sub_category": _c(sub_share * strength),
            "nature": _c(nat_share * strength), "type": 0.3 if concept or type_ != "Technology"
            else 0.15, "volatility": 0.3 if emerging else 0.15,
        },
        "category": category, "sub_category": sub_category, "nature": nature or "hard",
        "type": type_,
        "subtype": sub_category and re.sub(r"[^a-z0-9]+", "_", sub_category.lower()).strip("_"),
        "skill_nature": skill_nature,
        "volatility": "EMERGING" if emerging else ("STABLE" if concept else "UNKNOWN"),
        "lifespan": "EVERGREEN" if concept and not emerging else "UNKNOWN",
        "version_strategy": "NOT_APPLICABLE" if concept else "UNKNOWN",
        "maturity": _maturity(name, emerging, concept, context_names, ctx.jds),
        "vendor": None, "licence": None, "year": None,
        "vendor_licence_note": "not inferable offline; left for review",
        "ambiguity": _ambiguity(name, by_name, snapshot),
        "context_keywords": _keywords(name, ctx, context_names, by_name, snapshot),
        "relationships": _relationships(ctx, context_ids, by_name, snapshot),
        "nearest": [_ref(snapshot, sid, s, "name") for sid, s in by_name]
        + [_ref(snapshot, sid, ctx.share(sid), "co-mention")
           for sid in context_ids[:5]],
        "evidence": ctx.evidence[:3],
        "mentions": {"jds": ctx.jds, "primary": ctx.primary},
    }


def _c(x: float) -> float:
    return round(min(MAX_CONFIDENCE, x * MAX_CONFIDENCE), 2)


def _weights(ctx: NewSkillContext, by_name: list[Neighbour], context_ids: list[int]
             ) -> dict[int, float]:
    """Vote weight per catalog skill: co-mentions by the share of sentences they are in; names
    only when similar (0.3 → 0, 0.8 → 1.5)."""
    votes: dict[int, float] = {sid: ctx.share(sid) for sid in context_ids}
    for sid, sim in by_name:
        votes[sid] = votes.get(sid, 0.0) + max(0.0, (sim - 0.3) / 0.5) * 1.5
    return votes


def _vote(votes: dict[int, float], rows: CatalogRows, column: str) -> tuple[str | None, float]:
    tally: dict[str, float] = {}
    for sid, w in votes.items():
        value = rows.skill_value(column, sid)
        if value and w > 0:
            tally[value] = tally.get(value, 0.0) + w
    if not tally:
        return None, 0.0
    value = max(tally, key=lambda v: tally[v])  # ties: the first voted
    return value, tally[value] / sum(tally.values())


def _type_of(name: str) -> tuple[str, str, bool]:
    """(type, skill nature, is a concept) from the name's head word."""
    words = squash_words(name)
    head = words[-1] if words else ""
    if head in _TYPED_HEADS or head in {"certified", "certificate"}:
        t, n = _TYPED_HEADS.get(head, ("Certification", "CERTIFICATION"))
        return t, n, False
    if len(words) > 1 and head in _CONCEPT_HEADS:
        return "Concept", "CONCEPT", True
    return "Technology", "UNSPECIFIED", False


def _maturity(name: str, emerging: list[str], concept: bool, context: list[str], jds: int
              ) -> dict[str, Any]:
    seen = f"seen in {jds} JD(s) of this batch" + (f" with {', '.join(context[:3])}"
                                                   if context else "")
    if emerging:
        return {"level": "emerging", "confidence": 0.3, "reasoning": (
            f"Not in the catalog; {seen}; its context names emerging technology "
            f"({', '.join(emerging[:4])}). Inferred offline, to be reviewed.")}
    if concept:
        return {"level": "well_known", "confidence": 0.25, "reasoning": (
            f"A descriptive phrase built from common skill words ('{name}'), {seen}. "
            "Inferred offline, to be reviewed.")}
    return {"level": "unknown", "confidence": 0.1, "reasoning": (
        f"A name the catalog does not know, {seen}; maturity is not inferable offline.")}


def _ambiguity(name: str, by_name: list[Neighbour], snapshot: CatalogSnapshot
               ) -> dict[str, Any]:
    rows = catalog_rows(snapshot)
    words = set(squash_words(name))
    confused = []
    for sid, sim in by_name:
        other = set(squash_words(rows.skill_name(sid)))
        if sim >= CONFUSABLE_NAME or (words and other and (words <= other or other <= words)):
            confused.append(rows.skill_name(sid))
    reason = (f"'{name}' is close to catalog skill(s) {', '.join(confused[:3])}"
              if confused else "no catalog skill has a near-identical name")
    return {"flag": bool(confused), "confused_with": confused[:5], "reasoning": reason}


def _keywords(name: str, ctx: NewSkillContext, context_names: list[str],
              by_name: list[Neighbour], snapshot: CatalogSnapshot) -> list[str]:
    """The catalog skills and other new skills mentioned with it, then the content words of
    its sentences (in most sentences first), then similar catalog names."""
    rows = catalog_rows(snapshot)
    own = set(squash_words(name)) | {normalize_alias(name)}
    words: Counter[str] = Counter()
    for sentence in ctx.evidence:
        words.update(list(dict.fromkeys(  # once per sentence, in reading order
            t for t in squash_words(sentence)
            if len(t) > 2 and not t.isdigit() and t not in _FILLER and t not in own)))
    terms = [*context_names, *(n for n, _ in ctx.co_new.most_common(5)),
             *(w for w, _ in words.most_common()),
             *(rows.skill_name(s) for s, sim in by_name if sim >= 0.5)]
    picked: dict[str, str] = {}
    for term in terms:
        picked.setdefault(normalize_alias(term), term)
    return [t for k, t in picked.items() if k not in own][:KEYWORDS]


def _relationships(ctx: NewSkillContext, context_ids: list[int], by_name: list[Neighbour],
                   snapshot: CatalogSnapshot) -> dict[str, list[dict[str, Any]]]:
    related = [_ref(snapshot, sid, ctx.share(sid), "co-mention")
               for sid in context_ids[:8]]
    related += [_ref(snapshot, sid, s, "name") for sid, s in by_name
                if s >= 0.5 and sid not in context_ids[:8]]
    parent = []
    forms = [f.lower() for f in ctx.surface_forms]
    for evidence in ctx.evidence:  # "Pallas (JAX)": the parenthesis names a catalog skill
        for m in _PARENTHESIS.finditer(evidence):
            inside = snapshot.by_normalized.get(normalize_alias(m.group(1)), [])
            if inside and evidence[:m.start()].rstrip().lower().endswith(tuple(forms)):
                parent.append(_ref(snapshot, inside[0], 0.3, "parenthesis"))
    words = squash_words(ctx.name)
    requires = []  # a catalog skill named inside the name: "PyTorch Distributed" -> PyTorch
    for n in range(len(words) - 1, 0, -1):
        for i in range(len(words) - n + 1):
            part = " ".join(words[i:i + n])
            if part in _CONCEPT_HEADS or part in _FILLER or len(part) < 2:
                continue
            requires += [_ref(snapshot, sid, 0.25, "name-part")
                         for sid in snapshot.by_normalized.get(part, [])[:1]]
    return {"related_to": related, "requires": _dedupe(requires)[:3],
            "parent": _dedupe(parent)[:2], "child": []}


def _dedupe(refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({r["skill_id"]: r for r in reversed(refs)}.values())[::-1]


def _ref(snapshot: CatalogSnapshot, sid: int, score: float, via: str) -> dict[str, Any]:
    rows = catalog_rows(snapshot)
    return {"skill_id": int(sid), "slug": rows.skill_slug(sid), "name": rows.skill_name(sid),
            "score": score, "via": via}
