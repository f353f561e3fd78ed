"""Pass/reject gate: is this text a job ad we can parse?

Reason codes, checked in this order:

- ``empty``: nothing but whitespace;
- ``binary_or_garbled``: control or replacement characters, mojibake, or "words" too long
  for prose;
- ``too_short``: fewer than ``MIN_WORDS`` words;
- ``not_english``: mostly non-Latin script, or English stopwords scarce while another
  language's are common;
- ``not_a_job_ad``: no job signals (headed job sections, salary, experience, job vocabulary).
"""

from __future__ import annotations

import re

from jdskills.offline.textutil import words_of

MIN_WORDS = 30
JOB_AD_POINTS = 2.0
SAMPLE_CHARS = 2000

# characters outside plain Latin text, Latin-1/Extended letters and common punctuation/currency
_SUSPECT = re.compile(r"[^\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u20a0-\u20cf]")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")
_MOJIBAKE = ("â€", "Ã", "Â")
_NON_LATIN = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff\u0900-\u0dff\u0e00-\u0e7f\u3040-\u30ff"
    r"\u3400-\u9fff\uac00-\ud7af]"
)
# counted as " word " in a lower-cased sample: cheap, and enough to tell languages apart
_ENGLISH = tuple(
    f" {w} " for w in words_of("the and of to a in for with you your is are we our will be")
)
_FOREIGN = {
    "de": "der die und ist nicht mit für auf den ein eine wir sie sich werden",
    "fr": "le la les et est une des du de dans pour vous nous sur avec qui que",
    "es": "el los las y es una del de para por con que se su como",
    "nl": "het een en van is dat op te zijn voor met niet wij je",
    "it": "il di che è per con non una della sono nel gli",
    "pt": "os do da em um uma para com não que por você",
}
_FOREIGN_WORDS = {lang: tuple(f" {w} " for w in words_of(ws)) for lang, ws in _FOREIGN.items()}


def _count(sample: str, words: tuple[str, ...]) -> int:
    return sum(sample.count(w) for w in words)


def prefilter(text: str) -> str | None:
    """The reject reason for text that cannot be a parseable JD, judged on the text alone."""
    if not text or text.isspace():
        return "empty"
    sample = text[:SAMPLE_CHARS]
    gaps = sample.count(" ") + sample.count("\n") + 1
    # anything beyond Latin text and punctuation, or UTF-8 read as Latin-1 ("â€™", "Ã©")?
    suspect = _SUSPECT.search(sample) is not None or "â€" in sample or "Ã" in sample
    if suspect:
        bad = len(_BAD_CHARS.findall(sample)) + sum(2 * sample.count(m) for m in _MOJIBAKE)
        if bad > 0.02 * len(sample):
            return "binary_or_garbled"
    if len(sample) / gaps > 25:
        return "binary_or_garbled"
    if len(text.split(None, MIN_WORDS)) < MIN_WORDS:
        return "too_short"
    if suspect and len(_NON_LATIN.findall(sample)) > 0.2 * len(sample):
        return "not_english"
    head = sample[:1000]
    gaps = head.count(" ") + head.count("\n") + 1
    low = " " + head.lower().replace("\n", " ") + " "
    english = _count(low, _ENGLISH)
    if english >= 0.12 * gaps:
        return None  # plainly English: no need to count other languages
    foreign = max(_count(low, words) for words in _FOREIGN_WORDS.values())
    if (foreign > english and foreign > 0.05 * gaps) or english < 0.03 * gaps:
        return "not_english"
    return None


# job-ad vocabulary, most frequent first (checks stop as soon as the verdict is known)
_STRONG = (
    "role", "you will", "position", "candidate", "apply", "applica", "responsib", "post holder",
    "postholder", "job", "vacanc", "hiring", "recruit", "requirement", "qualif", "salary",
    "per annum", "full time", "full-time", "part time", "part-time", "interview", "duties",
    "looking for", "looking to", "appoint", "has arisen", "employ",
)
_WEAK = (
    "team", "experience", "skills", "opportunit", "working", "training", "successful",
    "knowledge", "contract", "shift", "career", "benefits", "permanent", "temporary", "join",
    "post", "department", "hours per week", "band ",
)


def _mentions(text: str, word: str) -> bool:
    return word in text or word.capitalize() in text or word.upper() in text


def job_signal_score(text: str, structural_signals: int, enough: float = 99.0) -> float:
    """Two points per structural signal (headed job sections, salary, experience), one per
    distinct job word ("role", "candidate", "apply" ...) and half a point per distinct weak
    word ("team", "experience" ...), counted up to ``enough``."""
    points = 2.0 * structural_signals
    sample = text[:SAMPLE_CHARS * 2]
    for words, weight in ((_STRONG, 1.0), (_WEAK, 0.5)):
        for word in words:
            if points >= enough:
                return points
            if _mentions(sample, word):
                points += weight
    return points


def is_job_ad(text: str, structural_signals: int) -> bool:
    """Enough job signals (at least two points, see :func:`job_signal_score`)."""
    return job_signal_score(text, structural_signals, enough=JOB_AD_POINTS) >= JOB_AD_POINTS
