"""Degrees (with their field when stated) and named certifications."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jdskills.offline.triggers import Triggers, find_triggers, windows

# degree surface form -> label; abbreviations are case-sensitive, words are not; two-letter
# ones (BS, MS, BE, BA, MA) only when a degree context follows ("MS in", "BS/", "MS or PhD")
_AHEAD = r"(?=\s*/|\s+(?:in|degree|or)\b)"
_DEGREES: list[tuple[str, str]] = [
    (r"(?i:bachelor(?:['’]?s)?(?:\s+degree)?(?:\s+of\s+(?:science|arts|engineering|technology))?)",
     "Bachelor's"),
    (r"(?i:master(?:['’]?s)?(?:\s+degree)?(?:\s+of\s+(?:science|arts|engineering|technology))?)"
     r"(?!\s+(?:of\s+ceremonies|data|key))", "Master's"),
    (r"(?i:undergraduate\s+degree)", "Bachelor's"),
    (r"(?i:post[- ]?graduate\s+(?:degree|diploma|qualification))", "Postgraduate"),
    (rf"B\.?\s?Tech\b\.?|B\.E\.|\bBE{_AHEAD}|B\.?Sc\b\.?|\bB\.S\.|\bBS{_AHEAD}|\bB\.A\."
     rf"|\bBA\s*\(Hons\)|\bBA{_AHEAD}|\bBCA\b|\bB\.?Com\b", "abbr"),
    (rf"M\.?\s?Tech\b\.?|M\.E\.|M\.?Sc\b\.?|\bM\.S\.|\bMS{_AHEAD}|\bM\.A\.|\bMA{_AHEAD}"
     rf"|\bMCA{_AHEAD}|(?<=/)MCA\b|\bMBA\b|\bM\.B\.A\.", "abbr"),
    (r"\bPh\.?\s?D\.?|(?i:doctorate|doctoral\s+degree)", "PhD"),
    (r"(?i:\bdiploma\b)(?!\s+(?:of\s+)?(?:attendance|holder))", "Diploma"),
    (r"(?i:associate['’]?s?\s+degree)", "Associate degree"),
    (r"(?i:high\s+school\s+(?:diploma|degree)|\bGED\b)", "High school"),
    (r"(?i:\bdegree\b)(?=\s+(?:in|level)\b)", "Degree"),
]
_DEGREE = re.compile("|".join(f"(?P<d{i}>{p})" for i, (p, _) in enumerate(_DEGREES)))
_ABBR_CANON = {
    "btech": "B.Tech", "be": "BE", "bsc": "BSc", "bs": "BS", "ba": "BA", "bahons": "BA",
    "bca": "BCA", "bcom": "B.Com", "mtech": "M.Tech", "me": "ME", "msc": "MSc", "ms": "MS",
    "ma": "MA", "mca": "MCA", "mba": "MBA",
}
_FIELD = re.compile(
    r"(?:\s*(?:degree|\(Hons\)|/\s*\w+\.?\w*))*\s+(?:in|of)\s+(?P<field>(?:[A-Za-z&+.-]+\s*){1,6})"
)
_FIELD_STOP = re.compile(
    r"(?i:\s+(?:or|and\s+(?:a|an|the|relevant|related|equivalent|\d)|with|from|is|are|preferred"
    r"|required|plus|a|an|the|related|relevant|equivalent|at|for|to|by|as|also|would|will|degree"
    r"|qualification|field|discipline|subject|etc|registered|registration|together|who|which"
    r"|that|experience|including|such|along|alongside|desirable|essential|ideally)\b.*$"
    r"|\s+and$|\s*&$)",
    re.DOTALL,
)
_SHARED_FIELD = re.compile(r"\s*(?:/|,|or\b|and\b)\s*(?=[A-Z])")
_NOT_FIELD = frozenset({"a", "an", "the", "any", "equivalent", "relevant", "related"})

_CERTS = re.compile(
    r"\bAWS\s+Certified(?:\s+(?:[A-Z][\w-]*|–|-|&)){1,6}|"
    r"\bMicrosoft\s+Certified:?(?:\s+(?:[A-Z][\w-]*|–|-|&)){1,6}|"
    r"\bGoogle\s+(?:Cloud\s+)?(?:Certified|Professional)(?:\s+(?:[A-Z][\w-]*|–|-|&)){1,5}|"
    r"\b(?:Salesforce|HashiCorp|Oracle|Cisco|Red\s+Hat|Databricks|Snowflake)\s+Certified"
    r"(?::?\s+(?:[A-Z][\w-]*|–|-|&)){0,5}|"
    r"\bCertified\s+(?:Kubernetes|Scrum|Information|Ethical|Cloud|Data|Public|Management"
    r"|Associate|Professional|Product)(?:\s+[A-Z][\w-]*){1,4}|"
    r"\bProfessional\s+Scrum\s+(?:Master|Product\s+Owner)(?:\s+I{1,3})?\b|"
    r"\b(?:CKA|CKAD|CKS|CISSP|CISM|CISA|CEH|OSCP|CompTIA\s+(?:Security|Network|A|Cloud)\+"
    r"|PMP|PRINCE2(?:\s+(?:Foundation|Practitioner))?|SAFe(?:\s+Agilist)?"
    r"|ITIL(?:\s+v?\d)?(?:\s+Foundation)?|CCNA|CCNP|CCIE|RHCE|RHCSA|TOGAF|CFA|ACCA|CIMA|FRM"
    r"|ACLS|ATLS|PALS|EPALS|Six\s+Sigma(?:\s+(?:Green|Black|Yellow)\s+Belt)?"
    r"|(?:AZ|DP|AI|PL|SC|MS|MB)-\d{3})\b|"
    r"\bAzure\s+(?:[A-Z][\w-]*\s+){0,3}(?:Associate|Expert)\b|\bAzure\s+Fundamentals\b|"
    r"(?i:certifi(?:cation|ed)\s+in)\s+(?P<in>[A-Z][\w+#.-]*(?:\s+(?:[A-Z][\w+#.-]*|&|and)){0,4})|"
    # "JAG certification", "AWS DevOps certification", "Kubernetes certification": an acronym
    # or a known technology first, not any capitalised word ("Single certification")
    r"(?<![\w-])(?P<pre>(?:[A-Z][A-Z0-9]{1,7}|Kubernetes|Scrum|Azure|Google|Salesforce"
    r"|Terraform|Docker|Linux|Java|Oracle|Cisco|Agile|Lean|Snowflake|Databricks)"
    r"(?:\s+[A-Z][\w+#.-]*){0,2})\s+[Cc]ertification\b"
)
_TRAILING = re.compile(r"[\s–&-]+(?:and)?$|\s+and$")


def _degree_label(kind: str, surface: str) -> str:
    if kind != "abbr":
        return kind
    key = re.sub(r"[^a-z]", "", surface.lower())
    return _ABBR_CANON.get(key, surface.strip())


def _field_after(text: str, end: int) -> str | None:
    m = _FIELD.match(text, end, min(len(text), end + 90))
    if m is None:
        return None
    field = _FIELD_STOP.sub("", m.group("field").strip())
    field = _TRAILING.sub("", field).strip(" .,-&")
    if not field or field.split()[0].lower() in _NOT_FIELD or not field[0].isalpha():
        return None
    return field


def _matches(
    pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    for lo, hi in spans:
        yield from pattern.finditer(text, lo, hi)


def _degree_matches(text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """Degree mentions: each trigger word is where a degree pattern may start."""
    reach = -1
    for pos in starts:
        if pos < reach:
            continue
        m = _DEGREE.match(text, pos)
        if m is not None:
            reach = m.end()
            yield m


def extract_education(text: str, triggers: Triggers | None = None) -> list[str]:
    """Degrees asked for, e.g. ``["Bachelor's in Computer Science", "MBA"]``, deduplicated."""
    triggers = triggers if triggers is not None else find_triggers(text)
    out: list[str] = []
    pending: list[str] = []  # "BS/MS in X": degrees waiting for a shared field
    for m in _degree_matches(text, triggers.starts("degree")):
        group = m.lastgroup or ""
        label = _degree_label(_DEGREES[int(group[1:])][1], m.group(0))
        field = _field_after(text, m.end())
        if field is None and _SHARED_FIELD.match(text, m.end()):
            pending.append(label)  # "BS/MS in X", "MS or PhD in X": the field comes later
            continue
        for item in [*pending, label]:
            entry = f"{item} in {field}" if field else item
            if entry not in out:
                out.append(entry)
        pending = []
    for item in pending:
        if item not in out:
            out.append(item)
    return out


def extract_certifications(text: str, triggers: Triggers | None = None) -> list[str]:
    """Named certifications ("AWS Certified Solutions Architect", "CKA", "PMP" ...)."""
    triggers = triggers if triggers is not None else find_triggers(text)
    out: list[str] = []
    for m in _matches(_CERTS, text, windows(text, triggers.starts("cert"), 40, 70)):
        name, pre = m.group("in"), m.group("pre")
        cert = f"Certification in {name}" if name else f"{pre} certification" if pre else m.group(0)
        cert = _TRAILING.sub("", " ".join(cert.split()))
        if cert and cert not in out:
            out.append(cert)
    return out
