"""The offline (rule-based) JD parser: the seed JD, tables of salary / experience / work-mode
strings, the reject gate, sections, and invariants over real NHS adverts."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from jdskills.ingest.text import html_to_text
from jdskills.offline import parse_jd
from jdskills.offline.education import extract_certifications, extract_education
from jdskills.offline.experience import extract_experience
from jdskills.offline.gate import prefilter
from jdskills.offline.locations import detect_work_mode, extract_locations
from jdskills.offline.salary import extract_ctc
from jdskills.offline.sections import split_sections
from jdskills.records import JDParse

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED_JD = SHARED / "seed" / "jd.txt"
NHS = SHARED / "eval-data" / "nhs-jobs-2020" / "nhs_jobs_2020.jsonl.gz"

MARKDOWN_JD = """Senior Backend Engineer (Python) - Bengaluru

Acme Payments is hiring a Senior Backend Engineer to build the core ledger of our platform.

## About the role
You will own services that move money for 20 million customers across India.

## Responsibilities
- Design and build scalable APIs in Python and Go
- Own the reliability of our payment gateway integrations
- Mentor junior engineers

## Requirements
- 5-8 years of experience in backend development
- B.Tech/BE in Computer Science or a related field
- AWS Certified Solutions Architect is a plus

## Nice to have
- Experience with UPI and card networks

## What we offer
- CTC: 35-50 LPA
- Hybrid work (3 days in office)

## About Acme Payments
Acme Payments is a leading fintech company founded in 2015, headquartered in Bengaluru.

Acme is an equal opportunity employer. See https://acme.example.com/careers.
"""


CAPS_JD = """Data Scientist, Growth
Location: Austin, TX (Hybrid)

WHO WE ARE
Shopwise is an e-commerce marketplace connecting 2 million shoppers with independent stores.

WHAT YOU'LL DO
Build experimentation frameworks and causal models for our checkout funnel.
Partner with product managers to size opportunities.

WHAT WE'RE LOOKING FOR
3+ years of experience in data science or analytics
MS or PhD in Statistics, Economics, or a related field
Fluency in SQL and Python

BENEFITS
The base salary range for this role is $140,000 - $175,000 per year. We offer a 401(k) with
4% match, medical, dental and vision.
"""


def assert_sections_are_slices(text: str, parsed: JDParse) -> None:
    for section in parsed.sections:
        assert text[section.start : section.start + len(section.text)] == section.text
        assert section.word_count == len(section.text.split())


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED_JD.exists():
        pytest.skip(f"seed JD not found at {SEED_JD}")
    return SEED_JD.read_text(encoding="utf-8")


def test_seed_jd_matches_the_reference_parse(seed_text: str) -> None:
    parsed = parse_jd("seed", seed_text)
    assert parsed.jd_type == "pass" and parsed.reject_reason is None
    assert (parsed.ctc.min, parsed.ctc.max) == (35, 45)
    assert (parsed.ctc.currency, parsed.ctc.period) == ("USD", "hour")
    assert parsed.ctc.raw == "$35–$45/hour USD"
    assert (parsed.experience.min, parsed.experience.max) == (2, None)
    assert parsed.experience.raw == "2+ years of professional experience"
    assert [(loc.country, loc.work_mode) for loc in parsed.job_locations] == [("India", "remote")]
    assert parsed.role == "MLOps Engineer"
    assert parsed.role_archetype == "Engineering"
    assert parsed.company_name == "Para AI Labs"  # from "About Para AI Labs"; conservative
    kinds = {s.heading: s.kind for s in parsed.sections}
    assert kinds["What you'll do"] == "responsibilities"
    assert kinds["What you need"] == "requirements"
    assert kinds["Why this is worth your time"] == "benefits"
    assert kinds["About Para AI Labs"] == "about_company"
    assert parsed.sections[0].heading is None and parsed.sections[0].kind == "summary"
    assert_sections_are_slices(seed_text, parsed)


def test_seed_run_on_sections_count_items_and_end_at_the_next_heading(seed_text: str) -> None:
    sections = {s.heading: s for s in split_sections(seed_text)}
    todo, need = sections["What you'll do"], sections["What you need"]
    assert todo.bullet_count == 6 and need.bullet_count == 6
    assert todo.source_marker.first_5_words == "Design challenging tasks across MLOps,"
    assert todo.text.endswith("knowledge gaps in ML framework internals")
    assert need.text.startswith("2+ years of professional experience")
    assert need.text.endswith("at least 30 hours/week on weekdays")
    about = parse_jd("seed", seed_text).about_company
    assert about is not None and about.text.startswith("Para AI Labs is the curated destination")


@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "period"),
    [
        ("$35–$45/hour USD, W-2 contract, 30–40 hrs/week", 35, 45, "USD", "hour"),
        ("CTC: 12-18 LPA", 1_200_000, 1_800_000, "INR", "year"),
        ("Salary 8 lakh per annum", 800_000, 800_000, "INR", "year"),
        ("Package of 1.2 crore", 12_000_000, 12_000_000, "INR", "year"),
        ("Stipend ₹25,000 per month", 25_000, 25_000, "INR", "month"),
        ("INR 12,00,000 - 18,00,000 per annum", 1_200_000, 1_800_000, "INR", "year"),
        ("Rs. 40,000 pm", 40_000, 40_000, "INR", "month"),
        ("Base salary $120k–$150k plus equity", 120_000, 150_000, "USD", "year"),
        ("USD 100,000 to 120,000 per year", 100_000, 120_000, "USD", "year"),
        ("US$ 5000 monthly", 5_000, 5_000, "USD", "month"),
        ("€50.000 - €60.000 brutto", 50_000, 60_000, "EUR", "year"),
        ("EUR 45,000 annually", 45_000, 45_000, "EUR", "year"),
        ("1,500 - 2,000 EUR/month", 1_500, 2_000, "EUR", "month"),
        ("£24,214 to £30,112 per annum", 24_214, 30_112, "GBP", "year"),
        ("Band 5: £28,691 – £35,207 includes outer London weighting", 28_691, 35_207, "GBP",
         "year"),
        ("Pay rate £20.35 per hour", 20.35, 20.35, "GBP", "hour"),
        ("£15 ph", 15, 15, "GBP", "hour"),
        ("$25/hr", 25, 25, "USD", "hour"),
        ("$50 - 60 an hour", 50, 60, "USD", "hour"),
        ("A$ 90,000 - 110,000", 90_000, 110_000, "AUD", "year"),
        ("Salary Range: £40,876 pa progressing to £46,845 pa", 40_876, 46_845, "GBP", "year"),
        ("SALARY RANGE £38,903 TO £45,214 PER ANNUM", 38_903, 45_214, "GBP", "year"),
    ],
)
def test_salary_strings(
    text: str, low: float, high: float, currency: str, period: str
) -> None:
    ctc = extract_ctc(text)
    assert (ctc.min, ctc.max, ctc.currency, ctc.period) == (low, high, currency, period)
    assert ctc.raw is not None and ctc.raw in text


def test_salary_up_to_and_bonus_context() -> None:
    up_to = extract_ctc("Salary: Up to £51,668")
    assert (up_to.min, up_to.max) == (None, 51_668)
    # the salary, not the HCAS supplement that follows it
    assert extract_ctc("£24,907-£30,615 per annum + HCAS £3,784-£4,592 per annum").max == 30_615


@pytest.mark.parametrize(
    "text",
    [
        "30-40 hrs/week, weekdays only",
        "Generous 401(k) matching and dental",
        "Founded in 2020, we grew 30% year on year",
        "Call us on +1 (555) 123-4567 or +44 20 7946 0958",
        "Sign on bonus - £1500 Welcome to Priory",
        "We raised $20M in Series A funding",
        "The Trust has an income of around £563 million",
        "Standard Check: £23.00 + Administration cost of £3.69",
        "Up to 15% annual bonus",
        "12 L - 18 L of water per day",
    ],
)
def test_not_salary(text: str) -> None:
    ctc = extract_ctc(text)
    assert ctc.currency is None and ctc.min is None and ctc.max is None


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("2+ years of professional experience in ML", 2, None),
        ("3-5 yrs experience in Java", 3, 5),
        ("minimum 4 years of experience", 4, None),
        ("At least 5 years' experience with Python", 5, None),
        ("5 to 8 years of experience", 5, 8),
        ("over 10 years of industry experience", 10, None),
        ("Experience: 3 - 6 years", 3, 6),
        ("five years of experience in nursing", 5, None),
        ("0-2 years of experience", 0, 2),
        ("Up to 3 years experience", None, 3),
        ("A minimum of 6 months experience working within the NHS", 0.5, None),
    ],
)
def test_experience_strings(text: str, low: float | None, high: float | None) -> None:
    exp = extract_experience(text)
    assert (exp.min, exp.max) == (low, high)
    assert exp.raw is not None and exp.raw in text


@pytest.mark.parametrize(
    "text",
    [
        "Reliable availability for at least 30 hours/week on weekdays",
        "The company was founded 5 years ago",
        "cares for patients who are 18 years and over",
        "we have been operating for 20 years and serve clients",
        "60 years of experience in the industry",
    ],
)
def test_not_experience(text: str) -> None:
    assert extract_experience(text).raw is None


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Remote from India.", "remote"),
        ("This is a fully remote role.", "remote"),
        ("Work from home two weeks a month", "remote"),
        ("WFH allowed", "remote"),
        ("Hybrid (3 days in office), Pune", "hybrid"),
        ("A hybrid working model", "hybrid"),
        ("This role is on-site in Austin.", "onsite"),
        ("You will be office-based in Leeds", "onsite"),
        ("This is not a remote position.", "onsite"),
        ("Free on-site parking for all staff", None),
        ("Remote monitoring of patients", None),
    ],
)
def test_work_modes(text: str, mode: str | None) -> None:
    assert detect_work_mode(text) == mode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Location: Bangalore, India", [("Bengaluru", "Karnataka", "India")]),
        ("Offices in Gurgaon", [("Gurugram", "Haryana", "India")]),
        ("Based in London, UK", [("London", "England", "United Kingdom")]),
        ("Based in San Francisco, USA", [("San Francisco", "California", "United States")]),
        ("Join our Berlin team", [("Berlin", "Berlin", "Germany")]),
        ("Open to candidates in Canada", [(None, None, "Canada")]),
        ("ABOUT US: we build tools", []),
    ],
)
def test_locations(text: str, expected: list[tuple[str | None, str | None, str]]) -> None:
    assert [(loc.city, loc.state, loc.country) for loc in extract_locations(text)] == expected


def test_markdown_jd_sections_and_fields() -> None:
    parsed = parse_jd("md", MARKDOWN_JD)
    kinds = [(s.heading, s.kind) for s in parsed.sections]
    assert kinds == [
        (None, "summary"),
        ("About the role", "summary"),
        ("Responsibilities", "responsibilities"),
        ("Requirements", "requirements"),
        ("Nice to have", "nice_to_have"),
        ("What we offer", "benefits"),
        ("About Acme Payments", "about_company"),
    ]
    by_heading = {s.heading: s for s in parsed.sections}
    assert by_heading["Responsibilities"].bullet_count == 3
    assert by_heading["Requirements"].bullet_count == 3
    assert parsed.role == "Senior Backend Engineer"
    assert parsed.company_name == "Acme Payments"
    assert (parsed.ctc.min, parsed.ctc.max, parsed.ctc.currency) == (3_500_000, 5_000_000, "INR")
    assert (parsed.experience.min, parsed.experience.max) == (5, 8)
    assert [(loc.city, loc.work_mode) for loc in parsed.job_locations] == [("Bengaluru", "hybrid")]
    assert parsed.education == ["B.Tech in Computer Science", "BE in Computer Science"]
    assert parsed.certifications == ["AWS Certified Solutions Architect"]
    assert parsed.domain.primary == "FinTech"
    assert parsed.urls == ["https://acme.example.com/careers"]
    assert_sections_are_slices(MARKDOWN_JD, parsed)


def test_all_caps_headings_and_a_us_salary() -> None:
    parsed = parse_jd("caps", CAPS_JD)
    assert [(s.heading, s.kind) for s in parsed.sections[1:]] == [
        ("WHO WE ARE", "about_company"),
        ("WHAT YOU'LL DO", "responsibilities"),
        ("WHAT WE'RE LOOKING FOR", "requirements"),
        ("BENEFITS", "benefits"),
    ]
    by_kind = {s.kind: s for s in parsed.sections}
    assert by_kind["responsibilities"].bullet_count == 2
    assert by_kind["requirements"].bullet_count == 3
    assert parsed.ctc.raw == "$140,000 - $175,000 per year"  # not the 401(k) or the 4%
    assert (parsed.ctc.min, parsed.ctc.max, parsed.ctc.period) == (140_000, 175_000, "year")
    assert parsed.role == "Data Scientist" and parsed.role_archetype == "Data"
    assert parsed.company_name == "Shopwise"  # "Who we are": "Shopwise is ..."
    assert [(loc.city, loc.state, loc.work_mode) for loc in parsed.job_locations] == [
        ("Austin", "Texas", "hybrid")
    ]
    assert parsed.education == ["MS in Statistics", "PhD in Statistics"]
    assert_sections_are_slices(CAPS_JD, parsed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bachelor's degree in Computer Science, or a related field",
         ["Bachelor's in Computer Science"]),
        ("BS/MS in Statistics or equivalent", ["BS in Statistics", "MS in Statistics"]),
        ("MBA preferred", ["MBA"]),
        ("PhD in Machine Learning or a related area", ["PhD in Machine Learning"]),
        ("Proficient in MS Office and MS Excel", []),
        ("Experience with master data management", []),
    ],
)
def test_education(text: str, expected: list[str]) -> None:
    assert extract_education(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AWS Certified Solutions Architect – Associate is a plus",
         ["AWS Certified Solutions Architect – Associate"]),
        ("CKA or CKAD certification", ["CKA", "CKAD"]),
        ("CISSP, PMP and AZ-104 holders welcome", ["CISSP", "PMP", "AZ-104"]),
        ("A certification in Project Management", ["Certification in Project Management"]),
        ("Relevant certification required; safeguarding checks", []),
    ],
)
def test_certifications(text: str, expected: list[str]) -> None:
    assert extract_certifications(text) == expected


GERMAN = (
    "Wir suchen für unser Team in Berlin einen erfahrenen Softwareentwickler. Sie sind "
    "verantwortlich für die Entwicklung und Wartung unserer Plattform und arbeiten eng mit dem "
    "Produktteam zusammen. Wir bieten Ihnen ein attraktives Gehalt, flexible Arbeitszeiten und "
    "die Möglichkeit, sich in einem wachsenden Unternehmen weiterzuentwickeln."
)
FRENCH = (
    "Nous recherchons un développeur expérimenté pour rejoindre notre équipe à Paris. Vous serez "
    "responsable de la conception et du développement de nos services et vous travaillerez avec "
    "les équipes produit et données. Nous offrons un salaire attractif et des horaires flexibles "
    "dans une entreprise en pleine croissance."
)
NEWS = (
    "The central bank raised interest rates by a quarter of a percentage point on Tuesday, "
    "citing persistent inflation in services and energy. Markets reacted calmly, with the main "
    "index closing slightly higher, while analysts said further increases were likely later in "
    "the year if price growth does not slow as forecast by the government."
)
COOKIES = (
    "We use cookies and similar technologies to improve your browsing and to analyse traffic. "
    "By clicking accept all you agree to the storing of cookies on your device. You can manage "
    "your preferences at any time in the settings panel at the bottom of every page of this site."
)
GARBLED = bytes(range(256)).decode("latin-1") * 4 + "\ufffd" * 200


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("Python developer wanted, apply now", "too_short"),
        (GERMAN, "not_english"),
        (FRENCH, "not_english"),
        (NEWS, "not_a_job_ad"),
        (COOKIES, "not_a_job_ad"),
        (GARBLED, "binary_or_garbled"),
        ("x" * 3000, "binary_or_garbled"),
    ],
)
def test_reject_reasons(text: str, reason: str) -> None:
    parsed = parse_jd("r", text)
    assert (parsed.jd_type, parsed.reject_reason) == ("reject", reason)
    assert parsed.sections == [] and parsed.ctc.currency is None


def test_a_plain_prose_job_ad_passes() -> None:
    text = (
        "An exciting opportunity has arisen for a Band 5 Staff Nurse to join the Critical Care "
        "team at our hospital. The successful candidate will provide high quality care to "
        "patients and work closely with the multidisciplinary team. You will hold NMC "
        "registration and have excellent communication skills."
    )
    assert prefilter(text) is None
    assert parse_jd("p", text, title="Staff Nurse").jd_type == "pass"


def _nhs_ads(limit: int) -> list[dict[str, str]]:
    if not NHS.exists():
        pytest.skip(f"NHS corpus not found at {NHS} (shared eval data)")
    ads: list[dict[str, str]] = []
    with gzip.open(NHS, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            text = html_to_text(doc.get("description") or "")
            company = (doc.get("hiringOrganization") or {}).get("name")
            ads.append({"id": doc["fileid"], "text": text, "title": doc.get("title"),
                        "company": company})
            if len(ads) >= limit:
                break
    return ads


_ISO = re.compile(r"^[A-Z]{3}$")


def test_invariants_over_nhs_adverts() -> None:
    ads = _nhs_ads(300)
    parsed = [parse_jd(ad["id"], ad["text"], ad["title"], ad["company"]) for ad in ads]
    passed = [p for p in parsed if p.jd_type == "pass"]
    assert len(passed) >= 0.97 * len(parsed)  # real adverts are not rejected
    assert sum(p.ctc.currency == "GBP" for p in passed) >= 30  # many state a £ salary
    for ad, p in zip(ads, parsed, strict=True):
        if p.jd_type == "reject":
            assert p.reject_reason in {"too_short", "not_english", "not_a_job_ad"}
            continue
        ctc, exp = p.ctc, p.experience
        if ctc.min is not None and ctc.max is not None:
            assert 0 <= ctc.min <= ctc.max
        if ctc.currency is not None:
            assert _ISO.match(ctc.currency) and ctc.raw and ctc.raw in ad["text"]
        for value in (exp.min, exp.max):
            assert value is None or 0 <= value <= 50
        if exp.min is not None and exp.max is not None:
            assert exp.min <= exp.max
        assert all(loc.work_mode in {None, "remote", "hybrid", "onsite"} for loc in p.job_locations)
        assert p.sections, "a passing advert has at least one section"
        assert_sections_are_slices(ad["text"], p)
