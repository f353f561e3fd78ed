"""The role title (given, or read from the JD) and its archetype (Engineering, Data ...)."""

from __future__ import annotations

import re
from functools import lru_cache

from jdskills.offline.textutil import words_of

_ROLE_NOUNS = frozenset(
    words_of(
        """engineer developer manager scientist analyst designer architect consultant specialist
    lead director officer administrator nurse doctor physician therapist technician assistant
    associate coordinator co-ordinator executive representative intern trainee head vp
    president programmer tester researcher writer editor accountant auditor advisor adviser
    recruiter partner strategist owner marketer sre worker practitioner midwife pharmacist
    surgeon radiographer paramedic psychologist psychiatrist dietitian physiotherapist
    optometrist clerk receptionist secretary supervisor operator driver teacher lecturer tutor
    trainer instructor mechanic electrician chef cook cleaner porter agent buyer planner
    surveyor fellow registrar gp expert professional generalist counsel solicitor paralegal
    dentist hygienist carer visitor coach"""
    )
)
_TITLE_WORD = r"(?:[A-Z][\w+#./&'-]*|of|and|&|in|for|/)"
_TITLE = rf"(?P<t>{_TITLE_WORD}(?:[ \t]+{_TITLE_WORD}){{0,6}})"
_LABELLED = re.compile(
    r"(?im)^[ \t]*(?:job[ \t]+title|position|role|title|designation|job[ \t]+role|vacancy)"
    r"[ \t]*[:\-–][ \t]*(?P<t>[^\n]{2,80})$"
)
_HIRING = re.compile(
    r"(?:\b[Hh]iring|\b(?:is|are)\s+(?:hiring|looking\s+for|seeking|recruiting)|[Ww]e(?:'re|’re|"
    r"\s+are)\s+(?:hiring|looking\s+for|seeking|recruiting)|[Ss]eeking|[Ll]ooking\s+for)"
    rf"\s+(?:(?:an?|the|\d+|two|three|several|experienced|talented|motivated)\s+)*{_TITLE}"
)
_HIRING_NEEDLES = ("iring", "ooking", "eeking", "ecruiting")
_TRIM = re.compile(r"(?:\s+(?:of|and|&|in|for|/|to|at|with))+$")
_ARCHETYPES: list[tuple[str, re.Pattern[str]]] = [
    ("Product", re.compile(r"\bproduct (?:manager|owner|lead|director|head)|\bhead of product")),
    ("Design", re.compile(r"\bdesigner\b|\bux\b|\bui\b|user experience|\bdesign lead")),
    ("Data", re.compile(
        r"\bdata (?:scientist|analyst|engineer|architect)|\banalytics\b|\bbi (?:developer|analyst)"
        r"|business intelligence|machine learning scientist|\bstatistician|\banalyst\b")),
    ("Engineering", re.compile(
        r"\bengineer\b|\bdeveloper\b|\bdevops\b|\bsre\b|\barchitect\b|\bprogrammer\b|\bmlops\b"
        r"|\bqa\b|\btester\b|\bsdet\b|software|full[- ]stack|front[- ]?end|back[- ]?end")),
    ("Healthcare", re.compile(
        r"\bnurs(?:e|es|ing)\b|\bdoctor|\bgp\b|physician|therapist|midwi|pharmac|surgeon|clinical"
        r"|health ?care|care assistant|support worker|radiograph|paramedic|psycholog|psychiatr"
        r"|dentist|dental|physio|dietitian|optometr|\bsho\b|registrar|\brmn\b|\brgn\b|\bhca\b"
        r"|\bcarer\b|medical|consultant (?:in|physician|psychiatrist|radiologist|surgeon)"
        r"|sonograph|phlebotom|audiolog|podiatr|orthopt|anaesth|health visitor|\bward\b"
        r"|\w+ologist\b|(?:radi|cardi|onc|neur|path|haemat|hemat|dermat|gastroenter|ur|rheumat"
        r"|ophthalm|endocrin|nephr|gynaec|obstetr|haematol|immun|microbi)olog|\w+iatrician|practitioner|\bfy[12]\b|\bst[1-8]\b|specialty"
        r"|theatre|mental health|camhs|iapt|speech and language|endoscop|critical care"
        r"|social worker|occupational|perioperative|\bodp\b|clinic\b|patient|hospital|\bgp")),
    ("Sales", re.compile(
        r"\bsales\b|account executive|business development|\bbdr\b|\bsdr\b|account manager")),
    ("Marketing", re.compile(
        r"marketing|\bseo\b|\bcontent\b|\bbrand\b|\bgrowth\b|social media|communications")),
    ("Finance", re.compile(
        r"accountant|\bfinanc|auditor|payroll|bookkeep|controller|treasury|actuar|accounts")),
    ("HR", re.compile(r"\bhr\b|human resources|recruiter|talent|people partner")),
    ("Support", re.compile(r"customer (?:support|service|success)|help ?desk|service desk")),
    ("Legal", re.compile(r"lawyer|solicitor|\blegal\b|counsel|paralegal")),
    ("Education", re.compile(r"teacher|lecturer|tutor|\btrainer\b|instructor|professor")),
    ("Research", re.compile(r"research")),
    ("Operations", re.compile(
        r"operations|logistics|supply chain|procurement|administrator|\badmin\b|coordinator"
        r"|co-ordinator|reception|secretary|clerk|housekeep|cleaner|domestic|driver|porter"
        r"|catering|estates|facilities|navigator")),
    ("Management", re.compile(
        r"manager|director|\bhead\b|\blead\b|chief|\bvp\b|vice president|supervisor")),
]


def _singular(word: str) -> str:
    low = word.lower()
    if low.endswith("s") and low[:-1] in _ROLE_NOUNS:
        return word[:-1]
    return word


def _clean_title(raw: str) -> str | None:
    words = _TRIM.sub("", raw.strip(" -–:,.")).split()
    if not words or len(words) > 8:
        return None
    # cut at the last role noun: "MLOps Engineers (JAX ..." -> "MLOps Engineer"
    for i in range(len(words) - 1, -1, -1):
        word = _singular(words[i])
        if word.lower().strip(".,") in _ROLE_NOUNS:
            return " ".join([*words[:i], word.strip(".,")])
    return None


def infer_role(text: str, title: str | None) -> str | None:
    """The given title, else a "Job Title:" line, a "Hiring X"/"looking for X" phrase or a
    short first line that names a role."""
    if title and title.strip():
        return " ".join(title.split())
    head = text[:3000]
    if ":" in head or "-" in head or "–" in head:
        m = _LABELLED.search(head)
        if m and (found := _clean_title(m.group("t"))):
            return found
    if any(w in head for w in _HIRING_NEEDLES):
        for m in _HIRING.finditer(head):
            if found := _clean_title(m.group("t")):
                return found
    first = next((ln.strip() for ln in head.split("\n") if ln.strip()), "")
    if len(first.split()) <= 8:
        return _clean_title(first.split(" - ")[0].split(" – ")[0])
    return None


_ANY_ARCHETYPE = re.compile(
    "|".join(f"(?P<a{i}>{pattern.pattern})" for i, (_, pattern) in enumerate(_ARCHETYPES[:-1]))
)


@lru_cache(maxsize=8192)
def title_archetype(role: str) -> str | None:
    """The archetype a role title names (first matching rule), or ``None``."""
    low = role.lower()
    for name, pattern in _ARCHETYPES:
        if pattern.search(low):
            return name
    return None


def role_archetype(role: str | None, text: str) -> str | None:
    """The archetype of the role title, else the one the JD's opening keeps mentioning."""
    if role and (found := title_archetype(role)):
        return found
    votes: dict[str, int] = {}
    for m in _ANY_ARCHETYPE.finditer(text[:400].lower()):
        name = _ARCHETYPES[int((m.lastgroup or "a0")[1:])][0]
        votes[name] = votes.get(name, 0) + 1
    best = max(votes.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] >= 2 else None
