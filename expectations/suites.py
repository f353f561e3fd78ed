"""One Great Expectations suite per stage boundary, built from typed expectation classes.

Each stage has *core* expectations, the rules that nothing upstream enforces (cross-field,
cross-row, catalog references, content, counts), and *extra* ones that re-check what is
already guaranteed: literals, numeric bounds and name lengths the pydantic records refuse
at construction, duplicate links the link stage cannot produce and persist would ignore.
GX costs ~10 ms of CPU per expectation and call whatever the row count, so the extra ones
join a suite only with ``settings.dq_full_suites`` (suite name + ".full").

Suites are built once per process (:func:`get_suite`). Values that come from settings or
from the chunk (``max_jd_chars``, ``max_skills_per_jd``, ``expected_jds``) are suite
parameters, supplied by the gate at validation time. Column names refer to the frames of
:mod:`expectations.frames`; each expectation's ``description`` says what it protects.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation

INGEST_SUITE = "jdskills.ingest"
PARSE_SUITE = "jdskills.parse"
EXTRACT_SUITE = "jdskills.extract"
MATCH_SUITE = "jdskills.match"
CLASSIFY_SUITE = "jdskills.classify"
LINK_SUITE = "jdskills.link"
PERSIST_SUITE = "jdskills.persist"
FULL_SUFFIX = ".full"

SUITE_NAMES: dict[str, str] = {
    "ingest": INGEST_SUITE, "parse": PARSE_SUITE, "extract": EXTRACT_SUITE,
    "match": MATCH_SUITE, "classify": CLASSIFY_SUITE, "link": LINK_SUITE,
    "persist": PERSIST_SUITE,
}
STAGES = tuple(SUITE_NAMES)

# An active JD has passed the pass/reject gate: a "reject" leaves the batch as rejected.
ACTIVE_JD_TYPES = ["pass"]
WORK_MODES = ["hybrid", "onsite", "remote"]
MATCH_TAGS = ["in_db", "new"]
MATCH_VIAS = ["exact", "fuzzy", "new", "semantic", "squash"]
DECISION_CASES = ["A", "B", "C"]
MAX_EXPERIENCE_YEARS = 50
MAX_MATCH_SCORE = 100  # exact/squash/fuzzy scores are 0-100, semantic ones cosines
MAX_SKILL_NAME_CHARS = 80
MAX_SKILL_WORDS = 6
CURRENCY_CODE = r"^[A-Z]{3}$"
URL_OR_EMAIL = r"(?i)(?:https?://|www\.|[\w.+-]+@[\w-]+\.[\w.-]+)"
# Circulating ISO-4217 currencies (funds, precious metals and test codes left out).
_ISO_4217_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
"""
ISO_4217 = sorted(_ISO_4217_CODES.split())

Expectations = list[Expectation]


def _param(name: str) -> dict[str, str]:
    """A suite parameter, resolved from the gate's ``expectation_parameters`` at run time."""
    return {"$PARAMETER": name}


def _between(column: str, low: float | None, high: float | dict[str, str] | None,
             description: str) -> Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high,
                                             description=description)


def _in_set(column: str, values: list, description: str) -> Expectation:  # type: ignore[type-arg]
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values,
                                           description=description)


def _a_at_least_b(a: str, b: str, description: str) -> Expectation:
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=a, column_B=b, or_equal=True, ignore_row_if="either_value_is_missing",
        description=description)


def ingest() -> tuple[Expectations, Expectations]:
    return [
        gxe.ExpectColumnValuesToBeUnique(column="jd_id", description="a JD appears once"),
        _between("text_chars", 1, _param("max_jd_chars"),
                 "JD text is not blank and at most max_jd_chars long (ingest truncates)"),
    ], []


def parse() -> tuple[Expectations, Expectations]:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="jd_type", description="an active JD is parsed"),
        _in_set("jd_type", ACTIVE_JD_TYPES, "an active JD passed the pass/reject gate"),
        _a_at_least_b("ctc_max", "ctc_min", "CTC min <= max"),
        gxe.ExpectColumnValuesToMatchRegex(column="ctc_currency", regex=CURRENCY_CODE,
                                           description="currency is a 3-letter code"),
        _a_at_least_b("exp_max", "exp_min", "experience min <= max"),
    ], [
        _between("ctc_min", 0, None, "CTC minimum is not negative"),
        _between("ctc_max", 0, None, "CTC maximum is not negative"),
        _in_set("ctc_currency", ISO_4217, "currency is ISO-4217"),
        _between("exp_min", 0, MAX_EXPERIENCE_YEARS, "minimum experience is 0-50 years"),
        _between("exp_max", 0, MAX_EXPERIENCE_YEARS, "maximum experience is 0-50 years"),
        _in_set("work_mode", WORK_MODES, "work mode is remote, hybrid or onsite"),
    ]


def extract() -> tuple[Expectations, Expectations]:
    return [
        _between("skill_count", 1, _param("max_skills_per_jd"),
                 "a passed JD has 1..max_skills_per_jd skills"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["jd_id", "name_key"],
                                            description="no skill twice in one JD"),
        _between("word_count", None, MAX_SKILL_WORDS, "a free-text skill is not a sentence"),
        gxe.ExpectColumnValuesToNotMatchRegex(column="name", regex=URL_OR_EMAIL,
                                              description="a skill is not a URL or e-mail"),
    ], [
        gxe.ExpectColumnValueLengthsToBeBetween(
            column="name", min_value=1, max_value=MAX_SKILL_NAME_CHARS,
            description="skill names are 1-80 characters"),
    ]


def match() -> tuple[Expectations, Expectations]:
    return [
        _in_set("skill_in_catalog", [True], "an in_db match points at an active catalog skill"),
        _between("score", 0, MAX_MATCH_SCORE, "match score is 0-100"),
    ], [
        _in_set("tag", MATCH_TAGS, "tag is in_db or new"),
        _in_set("matched_via", MATCH_VIAS, "match method is known"),
    ]


def classify() -> tuple[Expectations, Expectations]:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="case", description="an active JD has a "
                                          "role decision"),
        _in_set("role_in_catalog", [True], "case A/B chooses a role the catalog holds"),
    ], [
        _in_set("case", DECISION_CASES, "case is A, B or C"),
        _between("confidence", 0, 1, "confidence is in [0, 1]"),
    ]


def link() -> tuple[Expectations, Expectations]:
    return [
        _in_set("catalog_link_status", ["active"],
                "a catalog link points at an active catalog dimension (not a pending/ one)"),
        _in_set("placement_link_status", ["active", "pending"],
                "a placement points at an active dimension or a pending/ placeholder"),
    ], [
        # The link stage keys links by (skill, dimension) and persist ignores duplicates.
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["jd_id", "skill_normalized", "dimension_slug"],
            description="no duplicate (JD, skill, dimension) link"),
    ]


def persist() -> tuple[Expectations, Expectations]:
    return [
        gxe.ExpectTableRowCountToEqual(value=_param("expected_jds"),
                                       description="every JD of the chunk is written"),
        gxe.ExpectColumnValuesToBeUnique(column="jd_id", description="one row per JD"),
        _between("decisions", 1, 1, "one role decision per processed JD"),
        _between("links_without_skill", 0, 0, "every link to write has its JD skill row"),
    ], []


BUILDERS: dict[str, Callable[[], tuple[Expectations, Expectations]]] = {
    "ingest": ingest, "parse": parse, "extract": extract, "match": match,
    "classify": classify, "link": link, "persist": persist,
}


def suite_name(stage: str, full: bool = False) -> str:
    if stage not in SUITE_NAMES:
        raise KeyError(f"no data-quality suite for stage {stage!r}; known: {', '.join(STAGES)}")
    return SUITE_NAMES[stage] + (FULL_SUFFIX if full else "")


@cache
def get_suite(stage: str, full: bool = False) -> gx.ExpectationSuite:
    """The suite of a stage boundary (``full``: with the extra re-checks), built once."""
    name = suite_name(stage, full)
    core, extra = BUILDERS[stage]()
    expectations = core + extra if full else core
    # The constructor needs no data context (add_expectation does, in GX 1.24) but it logs and
    # drops an expectation it cannot process: insist that none was dropped.
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    if len(suite.expectations) != len(expectations):
        raise ValueError(f"suite {name} dropped expectations; see the GX log above")
    return suite
