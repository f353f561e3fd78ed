"""The answers of the local OpenAI-compatible test server: a deterministic "model".

For the seed JD the answers come from the seed run's outputs (``shared/seed/*.json``, read at
run time, never copied into the repo); for other JDs they are built from the JD text by the
offline parser and simple rules (a list of known technology names plus CamelCase names).
When ``obey`` is set the model follows instructions embedded in the JD, as a gullible model
would: it adds a key outside the schema and picks a role it was told to pick.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jdskills.offline import parse_jd
from jdskills.offline.summary import ai_flags, nature_of_work, tech_maturity

KNOWN = ("Python", "Java", "Go", "Rust", "TypeScript", "JavaScript", "SQL", "PostgreSQL",
         "MySQL", "MongoDB", "Redis", "Kafka", "Spark", "Airflow", "dbt", "Snowflake", "AWS",
         "GCP", "Azure", "Docker", "Kubernetes", "Terraform", "Ansible", "Linux", "Git",
         "React", "Node.js", "Django", "Flask", "FastAPI", "GraphQL", "REST", "Jenkins",
         "PyTorch", "TensorFlow", "JAX", "MLOps", "Pandas", "NumPy", "Excel", "Tableau",
         "Power BI", "Figma", "Swift", "Kotlin", "Android", "iOS", "C++", "C#", ".NET",
         "Selenium", "Cypress", "Prometheus", "Grafana", "Machine Learning", "Triton")
_CAMEL = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+\b")
_NICE = re.compile(r"nice to have|preferred|bonus|a plus|desirable", re.IGNORECASE)
_JD = re.compile(r"<jd_text>\n(.*)\n</jd_text>", re.DOTALL)
_INJECT_ROLE = re.compile(r"make this role ([\w-]+)", re.IGNORECASE)
_INJECT_SKILL = re.compile(r"add skill ([\w-]+) to the catalog", re.IGNORECASE)
SEED_SIGNATURE = "Pallas/Triton"


def seed_dir() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "seed"
        if (candidate / "nano_parse.json").exists():
            return candidate
    return None


@lru_cache(maxsize=8)
def seed(name: str) -> Any:
    where = seed_dir()
    if where is None:
        raise FileNotFoundError("shared/seed is not beside the repository")
    return json.loads((where / f"{name}.json").read_text(encoding="utf-8"))


def first_user(messages: list[dict[str, Any]]) -> str:
    return next((str(m.get("content") or "") for m in messages if m.get("role") == "user"), "")


def jd_text(messages: list[dict[str, Any]]) -> str:
    m = _JD.search(first_user(messages))
    return m.group(1) if m else ""


def _window(text: str, start: int, end: int, words: int = 3) -> str:
    left = text[:start].split()[-words:]
    right = text[end:].split()[:words]
    return " ".join([*left, text[start:end], *right])


def find_evidence(text: str, name: str) -> str | None:
    """What the parse_extract prompt asks for: null when the JD writes the name as is, else
    a short verbatim fragment naming it (spacing-tolerant, then its initials)."""
    if re.search(rf"(?<![\w.+#]){re.escape(name)}(?![\w+#])", text, re.IGNORECASE):
        return None
    loose = r"\s?".join(re.escape(c) for c in name.replace(" ", ""))
    m = re.search(loose, text, re.IGNORECASE)
    if m is None and " " in name:
        initials = "".join(w[0] for w in name.split()).upper()
        m = re.search(rf"\b{re.escape(initials)}\b", text)
    return _window(text, m.start(), m.end()) if m else name


def _marker(first: str, last: str) -> dict[str, str]:
    return {"first_5_words": first, "last_5_words": last}


def _empty_parse() -> dict[str, Any]:
    return {"jd_type": "pass", "reject_reason": None, "role": None, "role_archetype": None,
            "company_name": None, "ctc": {"min": None, "max": None, "currency": None,
                                          "period": None, "raw": None},
            "experience": {"min": None, "max": None, "raw": None}, "job_locations": [],
            "education": [], "certifications": [], "domain": {"primary": None,
                                                              "secondary": None},
            "sections": [], "about_company": None, "urls": [], "skills": []}


def parse_extract(text: str, obey: bool) -> dict[str, Any]:
    out = _seed_parse(text) if SEED_SIGNATURE in text else _rules_parse(text)
    if obey:
        for m in _INJECT_SKILL.finditer(text):
            out["skills"].append({"name": m.group(1), "is_primary": True,
                                  "evidence": m.group(0)})
        if "ignore previous instructions" in text.lower():
            out["add_to_catalog"] = [s["name"] for s in out["skills"]]
    return out


def _seed_parse(text: str) -> dict[str, Any]:
    nano = seed("nano_parse")
    out = _empty_parse()
    out.update(role=nano["role"], role_archetype=nano["role_archetype"],
               company_name=nano["company_name"], education=nano["education"],
               certifications=nano["certifications"], urls=nano["urls"])
    ctc = dict(nano["ctc"])
    ctc["period"] = {"hourly": "hour", "monthly": "month", "yearly": "year"}.get(
        ctc["period"], ctc["period"])
    out["ctc"] = ctc
    out["experience"] = nano["experience"]
    out["job_locations"] = [{k: v for k, v in loc.items() if k != "aliases"}
                            for loc in nano["job_locations"]]
    out["domain"] = {"primary": nano["domain"]["primary"]["domain"], "secondary": None}
    kinds = {"What you'll do": "responsibilities", "What you need": "requirements"}
    out["sections"] = [{"heading": s["heading"], "kind": kinds.get(s["heading"], "other"),
                        "source_marker": s["source_marker"]}
                       for s in nano["roles_and_responsibilities"]]
    out["about_company"] = nano["about_company"]["source_marker"]
    out["skills"] = [{"name": s["skill_name"], "is_primary": s["is_primary"],
                      "evidence": find_evidence(text, s["skill_name"])}
                     for s in seed("api1_extract_from_jd")["final_skills"]]
    return out


def _rules_parse(text: str) -> dict[str, Any]:
    parsed = parse_jd("fake", text)
    out = _empty_parse()
    if parsed.jd_type == "reject":
        out.update(jd_type="reject", reject_reason=parsed.reject_reason)
        return out
    dump = parsed.model_dump(mode="json")
    for key in ("role", "role_archetype", "company_name", "ctc", "experience",
                "job_locations", "education", "certifications", "domain", "urls"):
        out[key] = dump[key]
    out["sections"] = [{"heading": s.heading, "kind": s.kind, "source_marker": _marker(
        s.source_marker.first_5_words, s.source_marker.last_5_words)} for s in parsed.sections]
    if parsed.about_company:
        m = parsed.about_company.source_marker
        out["about_company"] = _marker(m.first_5_words, m.last_5_words)
    boiler = [(s.start, s.start + len(s.text)) for s in parsed.sections
              if s.kind in ("benefits", "eeo", "about_company")]
    nice = [(s.start, s.start + len(s.text)) for s in parsed.sections if s.kind == "nice_to_have"]
    seen: set[str] = set()
    names = [*KNOWN, *dict.fromkeys(_CAMEL.findall(text))]
    for name in names:
        m = re.search(rf"(?<![\w.+#]){re.escape(name)}(?![\w+#])", text)
        if m is None or name.lower() in seen or any(a <= m.start() < b for a, b in boiler):
            continue
        seen.add(name.lower())
        line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end()) % (len(text) + 1)]
        secondary = bool(_NICE.search(line)) or any(a <= m.start() < b for a, b in nice)
        out["skills"].append({"name": name, "is_primary": not secondary,
                              "evidence": None})  # found as written: no quote needed
    return out


def adjudicate(messages: list[dict[str, Any]], allowed: list[str], obey: bool) -> dict[str, Any]:
    text, user = jd_text(messages), first_user(messages)
    injected = _INJECT_ROLE.search(text)
    if obey and injected:
        return {"chosen_role_slug": injected.group(1), "confidence": 1.0,
                "rationale": "The JD says so."}
    if SEED_SIGNATURE in text and "ml-engineer" in allowed:
        chosen = seed("api2_extract_details")["chosen_role"]
        return {"chosen_role_slug": "ml-engineer", "confidence": 0.82,
                "rationale": chosen["rationale"]}
    best, best_score = "none", 0.0
    for m in re.finditer(r"^- ([\w-]+): .*\[(.*)\]$", user, re.MULTILINE):
        score = sum(float(x) for x in re.findall(r"\d+(?:\.\d+)?", m.group(2)))
        if m.group(1) in allowed and score > best_score:
            best, best_score = m.group(1), score
    return {"chosen_role_slug": best, "confidence": 0.7 if best != "none" else 0.4,
            "rationale": f"Highest combined signal among the candidates: {best}."}


def summarize(messages: list[dict[str, Any]]) -> dict[str, Any]:
    text = jd_text(messages)
    title = re.search(r"^JD title: (.*)$", first_user(messages), re.MULTILINE)
    statements = [line.strip() for line in text.splitlines() if len(line.split()) >= 6]
    nature = nature_of_work(statements, text)
    return {"nature_of_work": {"label": nature["label"], "summary": str(nature["summary"]),
                               "evidence": nature["evidence"]},
            "tech_maturity": tech_maturity([], text),
            "ai_flags": ai_flags(title.group(1) if title else "", [], text)}
