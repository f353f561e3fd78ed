"""The test model's enrichment answers: the seed run's enrichment for the seed's new skills
(including its invented vendors and years, which the pipeline must not keep), a plain
description otherwise."""

from __future__ import annotations

import re
from typing import Any

from llm_fake_model import first_user, seed

_NATURE = {"LANGUAGE": "language", "FRAMEWORK": "tool", "LIBRARY": "tool", "TOOL": "tool",
           "PLATFORM": "tool", "CONCEPT": "knowledge", "PATTERN": "knowledge",
           "METHODOLOGY": "knowledge"}
_TYPES = {"Domain": "Domain Knowledge"}
_LEVELS = {"niche": "specialist"}


def _seed_skill(name: str) -> dict[str, Any] | None:
    for detail in seed("api2_extract_details")["skills_detail"]:
        if detail["input_skill"].casefold() == name.casefold() and detail.get("new_skill_meta"):
            return dict(detail["new_skill_meta"])
    return None


def _placement(name: str, allowed: list[str], proposal: dict[str, str] | None,
               preferred: str | None = None) -> dict[str, Any]:
    if preferred and preferred in allowed:
        return {"dimension_slug": preferred, "proposed_dimension": None, "confidence": 0.8}
    words = {w.lower() for w in re.findall(r"\w+", name)}
    for slug in allowed:
        if slug != "new" and words & set(slug.split("-")):
            return {"dimension_slug": slug, "proposed_dimension": None, "confidence": 0.7}
    return {"dimension_slug": "new", "confidence": 0.6, "proposed_dimension": proposal or {
        "name": f"{name} Engineering", "description": f"Work centred on {name}.",
        "in_scope": name, "out_of_scope": "Unrelated tools"}}


def enrich(messages: list[dict[str, Any]], allowed: list[str]) -> dict[str, Any]:
    user = first_user(messages)
    found = re.search(r"^Skill: (.*)$", user, re.MULTILINE)
    name = found.group(1).strip() if found else "unknown"
    co = re.search(r"^Also seen with: (.*)$", user, re.MULTILINE)
    keywords = [k for k in (co.group(1).split(", ") if co else []) if k != "(none)"]
    meta = _seed_skill(name)
    if meta is None:
        return {"type": "Technology", "subtype": None, "category": None, "sub_category": None,
                "nature": "tool", "volatility": "UNKNOWN", "lifespan": "UNKNOWN",
                "version_strategy": "UNKNOWN",
                "maturity": {"level": "unknown", "confidence": 0.3,
                             "reasoning": "Seen in job descriptions only."},
                "vendor": None, "licence": None, "year": None,
                "ambiguity": {"flag": False, "confused_with": []},
                "context_keywords": keywords[:15],
                "relationships": {"related_to": keywords[:5], "requires": [], "parent": [],
                                  "child": []},
                "placement": _placement(name, allowed, None), "confidence": 0.5}
    typed, derived, enr = meta["typed"], meta["derived"], meta["enrichment"]
    vendor = enr["vendor_license"]
    rel = meta["relationships"]
    locked = meta["locked_dimensions"][0] if meta["locked_dimensions"] else None
    proposal = {k: locked[k] for k in ("name", "description", "in_scope", "out_of_scope")} \
        if locked else None
    return {
        "type": _TYPES.get(typed["type"], typed["type"]), "subtype": typed["subtype"],
        "category": derived["category"], "sub_category": derived["sub_category"],
        "nature": _NATURE.get(derived["skill_nature"], "hard"),
        "volatility": derived["volatility"], "lifespan": derived["typical_lifespan"],
        "version_strategy": derived["version_strategy"],
        "maturity": {"level": _LEVELS.get(enr["maturity"]["maturity"],
                                          enr["maturity"]["maturity"]),
                     "confidence": enr["maturity"]["confidence"],
                     "reasoning": enr["maturity"]["reasoning"]},
        "vendor": vendor["vendor"], "licence": vendor["license"],
        "year": vendor["year_introduced"],
        "ambiguity": {"flag": enr["ambiguity"]["ambiguity_flag"],
                      "confused_with": enr["ambiguity"]["confused_with"]},
        "context_keywords": enr["context_keywords"]["context_keywords"],
        "relationships": {"related_to": rel["related_to"], "requires": rel["requires"],
                          "parent": rel["parent_skills"], "child": rel["child_skills"]},
        "placement": _placement(name, allowed, proposal,
                                locked["tentative_id"] if locked else None),
        "confidence": typed["confidence"],
    }
