"""The data-quality gates on small hand-built batches: every expectation has a bad case that
fails it and names the right JD; a good batch passes every gate; quarantine and threshold."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from expectations.errors import DataQualityThresholdError, GateExecutionError
from expectations.frames import catalog_context
from expectations.gate import GateResult, failing_results, run_gate
from expectations.outcome import SAMPLE_SIZE
from expectations.suites import PARSE_SUITE, PERSIST_SUITE, STAGES, get_suite
from jdskills.pipeline.catalog_snapshot import CatalogSnapshot
from jdskills.pipeline.state import Decision, JDState, Link, SkillMatch
from jdskills.records import CTC, Experience, ExtractedSkill, JDParse, JDRecord, Location
from jdskills.settings import Settings, get_settings

BAD = "jd-bad"
CATALOG: dict[str, Any] = {
    "active_skill_ids": frozenset({1, 2, 3}),
    "role_ids": frozenset({10, 11}),
    "dimension_status": {"programming": "active", "data-engineering": "active",
                         "old-dimension": "retired", "pending/known": "pending"},
}


def extracted(name: str, skill_id: int | None = None) -> ExtractedSkill:
    return ExtractedSkill(name=name, is_primary=True, evidence=f"Experience with {name}.",
                          skill_id=skill_id)


def matched(normalized: str, skill_id: int | None, via: str = "exact",
            score: float | None = 100.0) -> SkillMatch:
    return SkillMatch(input_term=normalized, normalized=normalized, is_primary=True,
                      evidence="...", tag="in_db" if skill_id else "new", skill_id=skill_id,
                      matched_via=via if skill_id else "new",  # type: ignore[arg-type]
                      score=score if skill_id else None)


def jd(jd_id: str) -> JDState:
    """A JD that went through every stage cleanly."""
    record = JDRecord(jd_id=jd_id, source_uri="mem://batch.jsonl",
                      text="Data engineer. Build pipelines with Python, SQL and Pallas.")
    parse = JDParse(jd_id=jd_id, jd_type="pass",
                    ctc=CTC(min=10, max=20, currency="INR", period="year"),
                    experience=Experience(min=2, max=5),
                    job_locations=[Location(city="Pune", work_mode="hybrid"),
                                   Location(work_mode="remote")])
    return JDState(
        record=record, parse=parse,
        extracted=[extracted("Python", 1), extracted("SQL", 2), extracted("Pallas")],
        skills=[matched("python", 1), matched("sql", 2, "fuzzy", 95.0), matched("pallas", None)],
        decision=Decision(case="A", role_id=10, role_slug="data-engineer",
                          role_name="Data Engineer", confidence=0.9, signals={},
                          rationale="title and skills"),
        links=[Link(skill_normalized="python", dimension_slug="programming", via="catalog"),
               Link(skill_normalized="sql", dimension_slug="data-engineering", via="catalog"),
               Link(skill_normalized="pallas", dimension_slug="pending/gpu-kernels",
                    via="placement")],
    )


def make_batch() -> list[JDState]:
    return [jd("jd-1"), jd(BAD), jd("jd-2"), jd("jd-3"), jd("jd-4")]


def settings(**update: Any) -> Settings:
    values = {"dq_full_suites": True, "dq_fail_threshold": 1.0, **update}
    return get_settings().model_copy(update=values)


def gate(stage: str, batch: list[JDState], s: Settings | None = None, **extra: Any) -> GateResult:
    context = {**CATALOG, "expected_jds": len(batch), **extra}
    return run_gate(stage, batch, settings=s or settings(), **context)


def bad(batch: list[JDState]) -> JDState:
    return next(s for s in batch if s.jd_id == BAD)


def set_parse(field: str, value: Any) -> Callable[[list[JDState]], None]:
    """Assign past the record's validation, as a buggy stage could."""
    def mutate(batch: list[JDState]) -> None:
        target: Any = bad(batch).parse
        *path, last = field.split(".")
        for part in path:
            target = getattr(target, part)
        setattr(target, last, value)
    return mutate


def duplicate_id(batch: list[JDState]) -> None:
    batch[2].record.jd_id = BAD


def many_skills(n: int) -> Callable[[list[JDState]], None]:
    def mutate(batch: list[JDState]) -> None:
        bad(batch).extracted = [extracted(f"Skill {i}", 100 + i) for i in range(n)]
    return mutate


def set_skill(field: str, value: Any) -> Callable[[list[JDState]], None]:
    def mutate(batch: list[JDState]) -> None:
        setattr(bad(batch).skills[0], field, value)
    return mutate


def set_decision(**fields: Any) -> Callable[[list[JDState]], None]:
    def mutate(batch: list[JDState]) -> None:
        for k, v in fields.items():
            setattr(bad(batch).decision, k, v)
    return mutate


def add_link(skill: str, slug: str, via: str) -> Callable[[list[JDState]], None]:
    def mutate(batch: list[JDState]) -> None:
        bad(batch).links.append(Link(skill_normalized=skill, dimension_slug=slug,
                                     via=via))  # type: ignore[arg-type]
    return mutate


def set_text(text: str) -> Callable[[list[JDState]], None]:
    def mutate(batch: list[JDState]) -> None:
        bad(batch).record.text = text
    return mutate


def set_state(**fields: Any) -> Callable[[list[JDState]], None]:
    def mutate(batch: list[JDState]) -> None:
        for k, v in fields.items():
            setattr(bad(batch), k, v)
    return mutate


def negative_max_alone(batch: list[JDState]) -> None:
    set_parse("ctc.min", None)(batch)
    set_parse("ctc.max", -1.0)(batch)


def between(column: str) -> str:
    return f"expect_column_values_to_be_between({column})"


def in_set(column: str) -> str:
    return f"expect_column_values_to_be_in_set({column})"


BAD_CASES: list[tuple[str, str, Callable[[list[JDState]], None], str]] = [
    ("ingest-duplicate-id", "ingest", duplicate_id, "expect_column_values_to_be_unique(jd_id)"),
    ("ingest-blank-text", "ingest", set_text(" \n\t "), between("text_chars")),
    ("ingest-empty-text", "ingest", set_text(""), between("text_chars")),
    ("ingest-too-long", "ingest", set_text("x" * 201), between("text_chars")),
    ("parse-missing", "parse", set_state(parse=None),
     "expect_column_values_to_not_be_null(jd_type)"),
    ("parse-active-reject", "parse", set_parse("jd_type", "reject"), in_set("jd_type")),
    ("parse-ctc-min-above-max", "parse", set_parse("ctc.min", 30.0),
     "expect_column_pair_values_a_to_be_greater_than_b(ctc_max,ctc_min)"),
    ("parse-currency-lowercase", "parse", set_parse("ctc.currency", "usd"),
     "expect_column_values_to_match_regex(ctc_currency)"),
    ("parse-currency-not-iso", "parse", set_parse("ctc.currency", "XYZ"), in_set("ctc_currency")),
    ("parse-ctc-min-negative", "parse", set_parse("ctc.min", -5.0), between("ctc_min")),
    ("parse-ctc-max-negative", "parse", negative_max_alone, between("ctc_max")),
    ("parse-exp-min-negative", "parse", set_parse("experience.min", -1.0), between("exp_min")),
    ("parse-exp-max-over-50", "parse", set_parse("experience.max", 51.0), between("exp_max")),
    ("parse-exp-min-above-max", "parse", set_parse("experience.min", 8.0),
     "expect_column_pair_values_a_to_be_greater_than_b(exp_max,exp_min)"),
    ("parse-work-mode", "parse",
     lambda b: setattr(bad(b).parse.job_locations[1], "work_mode", "office"),  # type: ignore[union-attr]
     in_set("work_mode")),
    ("extract-no-skills", "extract", set_state(extracted=[]), between("skill_count")),
    ("extract-too-many-skills", "extract", many_skills(61), between("skill_count")),
    ("extract-duplicate-skill", "extract",
     lambda b: bad(b).extracted.append(extracted("python ", 1)),
     "expect_compound_columns_to_be_unique(jd_id,name_key)"),
    ("extract-sentence", "extract",
     lambda b: bad(b).extracted.append(extracted("you will work closely with our data team")),
     between("word_count")),
    ("extract-url", "extract", lambda b: bad(b).extracted.append(extracted("https://acme.io/jobs")),
     "expect_column_values_to_not_match_regex(name)"),
    ("extract-email", "extract", lambda b: bad(b).extracted.append(extracted("jobs@acme.com")),
     "expect_column_values_to_not_match_regex(name)"),
    ("extract-name-too-long", "extract",
     lambda b: setattr(bad(b).extracted[2], "name", "Pallas" + "x" * 80),
     "expect_column_value_lengths_to_be_between(name)"),
    ("match-skill-not-in-catalog", "match", set_skill("skill_id", 999), in_set("skill_in_catalog")),
    ("match-in-db-without-id", "match", set_skill("skill_id", None), in_set("skill_in_catalog")),
    ("match-score-out-of-range", "match", set_skill("score", 150.0), between("score")),
    ("match-tag", "match", set_skill("tag", "maybe"), in_set("tag")),
    ("match-via", "match", set_skill("matched_via", "guess"), in_set("matched_via")),
    ("classify-no-decision", "classify", set_state(decision=None),
     "expect_column_values_to_not_be_null(case)"),
    ("classify-case-a-without-role", "classify", set_decision(role_id=None),
     in_set("role_in_catalog")),
    ("classify-unknown-role", "classify", set_decision(case="B", role_id=999),
     in_set("role_in_catalog")),
    ("classify-case", "classify", set_decision(case="D"), in_set("case")),
    ("classify-confidence", "classify", set_decision(confidence=1.5), between("confidence")),
    ("link-catalog-to-pending", "link", add_link("python", "pending/known", "catalog"),
     in_set("catalog_link_status")),
    ("link-catalog-to-pending-unstored", "link", add_link("sql", "pending/new", "catalog"),
     in_set("catalog_link_status")),
    ("link-catalog-to-missing", "link", add_link("python", "no-such-dimension", "catalog"),
     in_set("catalog_link_status")),
    ("link-catalog-to-retired", "link", add_link("python", "old-dimension", "catalog"),
     in_set("catalog_link_status")),
    ("link-placement-to-missing", "link", add_link("pallas", "made-up", "placement"),
     in_set("placement_link_status")),
    ("link-duplicate", "link", add_link("python", "programming", "catalog"),
     "expect_compound_columns_to_be_unique(jd_id,skill_normalized,dimension_slug)"),
    ("persist-no-decision", "persist", set_state(decision=None), between("decisions")),
    ("persist-link-without-skill", "persist", add_link("spark", "data-engineering", "catalog"),
     between("links_without_skill")),
    ("persist-duplicate-id", "persist", duplicate_id, "expect_column_values_to_be_unique(jd_id)"),
]


@pytest.mark.parametrize(("stage", "mutate", "expectation"),
                         [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_case_fails_its_expectation_and_names_the_jd(
    stage: str, mutate: Callable[[list[JDState]], None], expectation: str,
) -> None:
    batch = make_batch()
    mutate(batch)
    result = gate(stage, batch, settings(max_jd_chars=200))
    assert result.failed_jds == [BAD]
    failure = next(f for f in result.failures if f.name == expectation)
    assert failure.sample_jd_ids == [BAD]
    assert failure.failing_jds == 1 and failure.failing_count >= 1
    assert all(s.outcome == "pending" for s in batch if s.jd_id != BAD)
    for state in (s for s in batch if s.jd_id == BAD):
        assert state.outcome == "quarantined" and state.failed_stage == stage
        assert state.failure is not None
        assert expectation in [state.failure["expectation"], *state.failure["also_failed"]]


@pytest.mark.parametrize("full", [False, True], ids=["core", "full"])
def test_a_good_batch_passes_every_gate(full: bool) -> None:
    batch = make_batch()
    for stage in STAGES:
        result = gate(stage, batch, settings(dq_full_suites=full, dq_fail_threshold=0.0))
        assert result.passed, (stage, result.failures)
        assert result.evaluated == 5 and result.failure_rate == 0.0
        assert result.suite == get_suite(stage, full).name
    assert all(s.outcome == "pending" for s in batch)


def test_extra_expectations_run_only_with_full_suites() -> None:
    batch = make_batch()
    set_parse("ctc.min", -5.0)(batch)  # max >= min still holds: only the bound catches it
    assert gate("parse", batch, settings(dq_full_suites=False)).passed
    assert gate("parse", batch, settings(dq_full_suites=True)).failed_jds == [BAD]


def test_catalog_names_may_be_long_but_free_text_may_not() -> None:
    batch = make_batch()
    label = "apply health and safety standards in the workplace"  # an ESCO label, 8 words
    bad(batch).extracted.append(extracted(label, 3))
    assert gate("extract", batch).passed


def test_case_c_needs_no_role() -> None:
    batch = make_batch()
    set_decision(case="C", role_id=None, role_slug=None, role_name=None)(batch)
    assert gate("classify", batch).passed


def test_only_active_jds_are_checked_after_ingest() -> None:
    batch = make_batch()
    set_parse("ctc.currency", "rupees")(batch)
    bad(batch).outcome = "rejected"
    result = gate("parse", batch)
    assert result.passed and result.evaluated == 4
    assert bad(batch).outcome == "rejected"
    bad(batch).decision = None  # a rejected JD writes no decision: persist does not mind
    assert gate("persist", batch).passed


def test_quarantine_records_the_expectation_and_offending_values() -> None:
    batch = make_batch()
    set_parse("ctc.min", 30.0)(batch)
    set_parse("ctc.currency", "Rs")(batch)
    result = gate("parse", batch)
    state = bad(batch)
    assert state.reason == ("expectation expect_column_pair_values_a_to_be_greater_than_b"
                            "(ctc_max,ctc_min) failed")
    assert state.failure is not None and state.failure["suite"] == PARSE_SUITE + ".full"
    assert state.failure["values"] == [{"ctc_max": 20.0, "ctc_min": 30.0}] * 2  # 2 locations
    assert state.failure["also_failed"] == ["expect_column_values_to_match_regex(ctc_currency)",
                                            "expect_column_values_to_be_in_set(ctc_currency)"]
    currency = next(f for f in result.failures if f.column == "ctc_currency")
    assert currency.sample_values == ["Rs"] and currency.failing_count == 2


def test_samples_are_truncated() -> None:
    batch = [jd(f"jd-{i}") for i in range(SAMPLE_SIZE + 3)]
    for state in batch:
        state.extracted.append(extracted("see www.acme.io " + "x" * 60))
    result = gate("extract", batch)
    (failure,) = result.failures
    assert failure.failing_jds == SAMPLE_SIZE + 3
    assert len(failure.sample_jd_ids) == SAMPLE_SIZE == len(failure.sample_values)
    assert result.failure_rate == 1.0


def test_match_failures_show_the_skill_id() -> None:
    batch = make_batch()
    set_skill("skill_id", 999)(batch)
    (failure,) = gate("match", batch).failures
    assert failure.sample_values == [{"skill_in_catalog": False, "skill_id": 999.0}]


def test_too_many_failing_jds_fail_the_batch_loudly() -> None:
    batch = make_batch()
    for state in batch[:2]:
        state.decision = None
    with pytest.raises(DataQualityThresholdError) as caught:
        gate("classify", batch, settings(dq_fail_threshold=0.2))
    err = caught.value
    assert (err.stage, err.suite, err.rate) == ("classify", "jdskills.classify.full", 0.4)
    assert err.expectation == "expect_column_values_to_not_be_null(case)"
    assert "jdskills.classify.full" in str(err) and err.expectation in str(err)
    assert "40.0%" in str(err) and "20.0%" in str(err)
    assert [s.outcome for s in batch[:2]] == ["quarantined", "quarantined"]
    assert err.result is not None and err.result.failed_jds == ["jd-1", BAD]


def test_gx_errors_are_raised_not_swallowed() -> None:
    frame = pd.DataFrame({"jd_id": ["jd-1", "jd-2"]})  # no text_chars column
    with pytest.raises(GateExecutionError, match="text_chars") as caught:
        failing_results("ingest", frame, {"max_jd_chars": 100})
    assert caught.value.expectation == "expect_column_values_to_be_between(text_chars)"


def test_gate_errors_survive_pickling() -> None:  # Dask/process runners ship exceptions
    batch = make_batch()
    with pytest.raises(DataQualityThresholdError) as caught:
        gate("persist", batch, expected_jds=9)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value) and copy.result == caught.value.result
    error = GateExecutionError("parse", PARSE_SUITE, "expect_x(y)", "column y not found")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_a_failure_rate_at_the_threshold_passes() -> None:
    batch = make_batch()
    bad(batch).decision = None  # 1 of 5 = 20%
    result = gate("classify", batch, settings(dq_fail_threshold=0.2))
    assert result.failure_rate == pytest.approx(0.2) and result.failed_jds == [BAD]


def test_a_failed_count_fails_the_whole_batch() -> None:
    batch = make_batch()
    with pytest.raises(DataQualityThresholdError) as caught:
        gate("persist", batch, expected_jds=6)  # a JD went missing between ingest and persist
    err = caught.value
    assert (err.suite, err.rate) == (PERSIST_SUITE + ".full", 1.0)
    assert err.expectation == "expect_table_row_count_to_equal(<table>)"
    assert "batch-level" in str(err) and "observed 5" in str(err)


def test_gates_with_nothing_to_check_pass_but_counts_still_count() -> None:
    batch = make_batch()
    for state in batch:
        state.outcome = "rejected"
    for stage in ("parse", "extract", "match", "classify", "link"):
        result = gate(stage, batch)
        assert result.passed and (result.evaluated, result.rows) == (0, 0)
    assert gate("persist", batch).evaluated == 5
    with pytest.raises(DataQualityThresholdError, match="observed 0"):
        gate("persist", [], expected_jds=2)


def test_a_result_reads_as_markdown() -> None:
    batch = make_batch()
    set_skill("score", 150.0)(batch)
    text = gate("match", batch).as_markdown()
    assert "**jdskills.match.full** (match): 5 JDs checked, 1 quarantined (20.0%)" in text
    assert "| `expect_column_values_to_be_between(score)` | 1 | 1 | jd-bad |" in text


def test_gates_need_their_context() -> None:
    batch = make_batch()
    with pytest.raises(ValueError, match="active_skill_ids"):
        run_gate("match", batch, settings=settings())
    with pytest.raises(TypeError):
        run_gate("ingest", batch, settings=settings(), skill_ids={1})
    with pytest.raises(KeyError, match="no data-quality suite"):
        run_gate("summarize", batch, settings=settings())


def test_catalog_context_comes_from_a_snapshot() -> None:
    snapshot = CatalogSnapshot(
        version=1, skills=pd.DataFrame({"name": ["Python", "SQL"]}, index=[1, 2]),
        aliases=pd.DataFrame(), collisions=pd.DataFrame(),
        dimensions=pd.DataFrame({"slug": ["programming", "data-engineering"],
                                 "status": ["active", "active"]}, index=[5, 6]),
        skill_dims={}, roles=[])
    context = catalog_context(snapshot)
    assert context["active_skill_ids"] == {1, 2}
    batch = make_batch()
    assert gate("link", batch, **context).passed
    assert gate("match", batch, **context).passed
    bad(batch).skills[0].skill_id = 3  # active in CATALOG, not in this snapshot
    assert gate("match", batch, **context).failed_jds == [BAD]


def test_suites_are_built_once_from_typed_expectations() -> None:
    for stage in STAGES:
        suite = get_suite(stage, True)
        assert suite is get_suite(stage, True)
        assert len(get_suite(stage, False).expectations) <= len(suite.expectations)
        assert all(type(e).__module__.startswith("great_expectations.expectations")
                   for e in suite.expectations)
