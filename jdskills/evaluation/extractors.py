"""Extractor callables for the benchmarks: text in, predicted skills out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from jdskills.offline.extract import Gazetteer
from jdskills.records import ExtractedSkill, JDParse, Section, SourceMarker


def whole_text_section(text: str) -> Section:
    """One ``other`` section covering the whole text (when no parser is used)."""
    words = text.split()
    return Section(
        heading=None,
        heading_was_present=False,
        kind="other",
        text=text,
        start=0,
        bullet_count=0,
        word_count=len(words),
        source_marker=SourceMarker(
            first_5_words=" ".join(words[:5]), last_5_words=" ".join(words[-5:])
        ),
    )


def _offline_parse(text: str) -> JDParse | None:
    """The offline parser's result, or None when the parser is not part of this build."""
    try:
        from jdskills.offline import parse_jd
    except ImportError:
        return None
    jd_id = hashlib.sha256(text.encode()).hexdigest()
    parsed = parse_jd(jd_id, text)
    return parsed if isinstance(parsed, JDParse) else None


def gazetteer_extractor(
    gazetteer: Gazetteer, *, use_parser: bool = True
) -> Callable[[str], list[ExtractedSkill]]:
    """Run the gazetteer on a text, with the offline parser's sections when available."""

    def extract(text: str) -> list[ExtractedSkill]:
        parsed = _offline_parse(text) if use_parser else None
        if parsed is not None and parsed.sections:
            return gazetteer.extract(
                text,
                parsed.sections,
                company=parsed.company_name,
                stop_terms=[
                    name
                    for loc in parsed.job_locations
                    for name in (loc.city, loc.state, loc.country)
                    if name
                ],
            )
        return gazetteer.extract(text, [whole_text_section(text)])

    return extract
