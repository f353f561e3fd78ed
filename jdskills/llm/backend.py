"""The LLM backend's batch functions, called by the stage tasks when
``settings.backend == "llm"``.

Round trips on one JD's critical path: one fused parse+extract call (small model), then an
adjudication call for case-B JDs only (strong model). Enrichment is one call per distinct new
skill (strong model), cached; the summary is offline unless ``settings.llm_summarize``. A
repair adds a round trip only when an output fails validation.

A JD whose call fails after retries and repair is quarantined at parse; a failed
adjudication, enrichment or summary leaves the offline result in place. Nothing here writes
to the catalog: outputs are proposals for the pipeline's review queues. Every request leaves
an ``llm_call`` row stamped with ``run_id``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from pydantic import ValidationError

from jdskills.llm.client import LLMClient, LLMRequest, LLMResult
from jdskills.llm.convert import (
    apply_adjudication,
    summary_fields,
    to_extracted_skills,
    to_jd_parse,
)
from jdskills.llm.inputs import DimensionCandidate, NewSkillInput, RoleCandidate
from jdskills.llm.prompts import compact_jd_text, load_prompt
from jdskills.llm.schemas import (
    AdjudicationOutput,
    EnrichmentOutput,
    ParseExtractOutput,
    SummaryOutput,
)
from jdskills.offline.gate import prefilter
from jdskills.pipeline.state import JDState
from jdskills.records import JDParse
from jdskills.settings import Settings, get_settings

log = logging.getLogger(__name__)
NONE_GIVEN = "(none)"
MAX_LISTED_SKILLS = 30
MAX_EVIDENCE = 3
EVIDENCE_CHARS = 300


def _skill_names(state: JDState) -> str:
    names = [s.skill_name or s.input_term for s in state.skills] or \
        [s.name for s in state.extracted]
    return ", ".join(dict.fromkeys(names[:MAX_LISTED_SKILLS])) or NONE_GIVEN


def _title(state: JDState) -> str:
    return (state.parse.role if state.parse and state.parse.role else None) \
        or state.record.title or NONE_GIVEN


def _run(requests: list[LLMRequest], run_id: str | None, settings: Settings
         ) -> list[LLMResult]:
    if not requests:
        return []
    return LLMClient.shared(settings).call_many(requests, run_id=run_id)


def _model(settings: Settings, stage: str, *, strong: bool) -> str:
    return settings.llm_stage_models.get(stage) or (
        settings.llm_model_strong if strong else settings.llm_model_small)


def parse_extract_batch(states: list[JDState], run_id: str | None, *,
                        settings: Settings | None = None) -> list[JDState]:
    """Fill ``state.parse`` and ``state.extracted`` of each active JD (one call each).
    Texts the offline gate rejects (empty, garbled, too short, not English) cost no call;
    a JD the model rejects is marked rejected; a failed call quarantines its JD at parse."""
    s = settings or get_settings()
    prompt = load_prompt("parse_extract")
    model = _model(s, "parse_extract", strong=False)
    todo: list[tuple[JDState, LLMRequest]] = []
    for state in states:
        if not state.active:
            continue
        r = state.record
        reason = prefilter(r.text)
        if reason is not None:
            state.parse = JDParse(jd_id=r.jd_id, jd_type="reject", reject_reason=reason)
            state.outcome, state.reason = "rejected", reason
            continue
        messages = prompt.messages(title=r.title or NONE_GIVEN, company=r.company or NONE_GIVEN,
                                   jd=compact_jd_text(r.text, s.llm_max_input_chars, r.company))
        todo.append((state, LLMRequest("parse_extract", model, prompt.version, messages,
                                       ParseExtractOutput)))
    results = _run([req for _, req in todo], run_id, s)
    for (state, _), result in zip(todo, results, strict=True):
        if result.error is not None:
            state.quarantine("parse", f"{type(result.error).__name__}: {result.error}",
                             request_hash=result.record.request_hash)
            continue
        assert isinstance(result.parsed, ParseExtractOutput)
        r = state.record
        try:
            state.parse = to_jd_parse(r.jd_id, r.text, result.parsed, r.company)
            if state.parse.jd_type == "reject":
                state.outcome, state.reason = "rejected", state.parse.reject_reason
                continue
            state.extracted = to_extracted_skills(r.text, result.parsed, state.parse.sections)
        except (ValidationError, ValueError) as e:
            state.quarantine("parse", f"{type(e).__name__}: {e}",
                             request_hash=result.record.request_hash)
    log.info("parse_extract: %d JDs, %d calls (%d cache hits), %d failed", len(states),
             len(results), sum(r.record.cache_hit for r in results),
             sum(r.error is not None for r in results))
    return states


def adjudicate_batch(states: list[JDState], candidates_by_jd: Mapping[str, list[RoleCandidate]],
                     run_id: str | None, *, settings: Settings | None = None
                     ) -> list[JDState]:
    """Settle case-B decisions among their candidates (strong model). A failed call keeps
    the offline weighted vote, with the failure noted in the rationale."""
    s = settings or get_settings()
    prompt = load_prompt("adjudicate")
    model = _model(s, "adjudicate", strong=True)
    todo: list[tuple[JDState, list[RoleCandidate], LLMRequest]] = []
    for state in states:
        candidates = candidates_by_jd.get(state.jd_id) or []
        if not (state.active and state.decision and state.decision.case == "B" and candidates):
            continue
        listed = "\n".join(
            f"- {c.slug}: {c.name}" + (f" - {c.description}" if c.description else "")
            + f" [{', '.join(f'{k} {v:.2f}' for k, v in c.signals.items())}]"
            for c in candidates)
        messages = prompt.messages(
            title=_title(state), skills=_skill_names(state), candidates=listed,
            jd=compact_jd_text(state.record.text, s.llm_max_input_chars // 2))
        schema = AdjudicationOutput.for_candidates(tuple(c.slug for c in candidates))
        todo.append((state, candidates,
                     LLMRequest("adjudicate", model, prompt.version, messages, schema)))
    results = _run([req for _, _, req in todo], run_id, s)
    for (state, candidates, _), result in zip(todo, results, strict=True):
        assert state.decision is not None
        if result.error is not None:
            log.warning("adjudication of %s failed, offline vote kept: %s", state.jd_id,
                        result.error)
            state.decision = state.decision.model_copy(update={
                "rationale": f"{state.decision.rationale} (LLM adjudication failed: "
                             f"{type(result.error).__name__}; offline vote kept)"})
            continue
        assert isinstance(result.parsed, AdjudicationOutput)
        state.decision = apply_adjudication(state.decision, result.parsed, candidates)
    return states


def enrich_batch(skills: Sequence[NewSkillInput],
                 candidate_dimensions: Mapping[str, Sequence[DimensionCandidate]],
                 run_id: str | None, *, settings: Settings | None = None
                 ) -> dict[str, EnrichmentOutput]:
    """One call per distinct new skill (by normalised name) → its enrichment. Candidates
    are per skill (``candidate_dimensions[normalized]``). Skills whose call failed are
    absent from the result: the caller falls back to the offline inference for them."""
    s = settings or get_settings()
    prompt = load_prompt("enrich")
    model = _model(s, "enrich", strong=True)
    distinct = {k.normalized: k for k in skills}
    todo: list[tuple[NewSkillInput, LLMRequest]] = []
    for skill in distinct.values():
        candidates = list(candidate_dimensions.get(skill.normalized, ()))
        listed = "\n".join(f"- {c.slug}: {c.name}" + (f" - {c.description}"
                                                      if c.description else "")
                           for c in candidates) or NONE_GIVEN
        evidence = "\n".join(e[:EVIDENCE_CHARS] for e in skill.evidence[:MAX_EVIDENCE])
        messages = prompt.messages(skill=skill.name, dimensions=listed,
                                   co_mentioned=", ".join(skill.co_mentioned[:10]) or NONE_GIVEN,
                                   evidence=evidence or NONE_GIVEN)
        schema = EnrichmentOutput.for_dimensions(tuple(c.slug for c in candidates))
        todo.append((skill, LLMRequest("enrich", model, prompt.version, messages, schema)))
    results = _run([req for _, req in todo], run_id, s)
    out: dict[str, EnrichmentOutput] = {}
    for (skill, _), result in zip(todo, results, strict=True):
        if result.error is not None:
            log.warning("enrichment of %r failed: %s", skill.name, result.error)
            continue
        assert isinstance(result.parsed, EnrichmentOutput)
        out[skill.normalized] = result.parsed
    return out


def summarize_batch(states: list[JDState], run_id: str | None, *,
                    settings: Settings | None = None) -> list[JDState]:
    """Overlay the LLM's nature of work, tech maturity and AI flags on ``state.summary``
    (clusters stay the offline ones). A failed call leaves the summary as it was."""
    s = settings or get_settings()
    prompt = load_prompt("summarize")
    model = _model(s, "summarize", strong=False)
    todo = [(state, LLMRequest("summarize", model, prompt.version, prompt.messages(
        title=_title(state), skills=_skill_names(state),
        jd=compact_jd_text(state.record.text, s.llm_max_input_chars)), SummaryOutput))
        for state in states if state.active]
    results = _run([req for _, req in todo], run_id, s)
    for (state, _), result in zip(todo, results, strict=True):
        if result.error is not None:
            log.warning("summary of %s failed, offline summary kept: %s", state.jd_id,
                        result.error)
            continue
        assert isinstance(result.parsed, SummaryOutput)
        state.summary = {**(state.summary or {}),
                         **summary_fields(result.parsed, state.record.text), "source": "llm"}
    return states
