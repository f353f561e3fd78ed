"""SkillSpan (Zhang et al., NAACL 2022) as a per-posting benchmark for skill extraction.

The JSONL files hold one sentence a line: ``{"idx", "tokens", "tags_skill",
"tags_knowledge", "source"}``. A *posting* is a run of consecutive sentences with the same
``(source, idx)``; its text is rebuilt by joining tokens with spaces and sentences with
newlines. Gold = the union of the skill and knowledge BIO spans.

Scoring is over sets of normalised names per posting (:func:`normalize_alias`); see
docs/evaluation.md for the definitions of *strict* and *lenient* and of micro/macro.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from jdskills.normalize import normalize_alias


class SkillSpanFormatError(ValueError):
    """A SkillSpan line is not the documented JSON shape."""


class SpanLike(Protocol):
    name: str
    start: int | None
    end: int | None


Prediction = str | SpanLike | tuple[str, int, int]
Extractor = Callable[[str], Sequence[Prediction]]


@dataclass(frozen=True, slots=True)
class GoldSpan:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Posting:
    source: str
    idx: int
    text: str = ""
    gold: list[GoldSpan] = field(default_factory=list)

    @property
    def posting_id(self) -> str:
        return f"{self.source}-{self.idx}"


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int]]:
    """Token ranges ``[start, end)`` of the B/I runs (an I without a B starts a span)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, tag in enumerate(tags):
        if tag.startswith("B") or (tag.startswith("I") and start is None):
            if start is not None:
                spans.append((start, i))
            start = i
        elif not tag.startswith("I") and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(tags)))
    return spans


def _sentences(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                _ = row["idx"], row["tokens"], row["tags_skill"], row["tags_knowledge"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise SkillSpanFormatError(f"{path}:{n}: {e}") from e
            yield row


def read_postings(path: Path) -> list[Posting]:
    """Group sentences into postings and rebuild text and gold character spans."""
    postings: list[Posting] = []
    current: Posting | None = None
    parts: list[str] = []
    offset = 0
    for row in _sentences(path):
        key = (str(row.get("source", "")), int(row["idx"]))
        if current is None or (current.source, current.idx) != key:
            if current is not None:
                current.text = "\n".join(parts)
            current = Posting(source=key[0], idx=key[1])
            postings.append(current)
            parts, offset = [], 0
        tokens: list[str] = [str(t) for t in row["tokens"]]
        starts: list[int] = []
        pos = offset
        for tok in tokens:
            starts.append(pos)
            pos += len(tok) + 1
        seen = {(g.start, g.end) for g in current.gold}
        for tags in (row["tags_skill"], row["tags_knowledge"]):
            for a, b in bio_spans(tags):
                start, end = starts[a], starts[b - 1] + len(tokens[b - 1])
                if (start, end) not in seen:
                    seen.add((start, end))
                    current.gold.append(GoldSpan(" ".join(tokens[a:b]), start, end))
        sentence = " ".join(tokens)
        parts.append(sentence)
        offset += len(sentence) + 1
    if current is not None:
        current.text = "\n".join(parts)
    return postings


_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")


def name_key(name: str) -> str:
    """The key names are compared by: :func:`normalize_alias` of the name without a trailing
    bracketed qualifier ("PyTorch (Machine Learning Library)" -> "pytorch")."""
    return normalize_alias(_QUALIFIER.sub("", name) or name)


@dataclass(frozen=True, slots=True)
class _Pred:
    key: str
    spans: tuple[tuple[int, int], ...]


def _word_contains(a: str, b: str) -> bool:
    """Whether normalised ``a`` contains ``b`` as whole words (or they are equal)."""
    if not a or not b:
        return False
    if a == b:
        return True
    return re.search(rf"(?<!\w){re.escape(b)}(?!\w)", a) is not None


def _locate(text_lower: str, name: str) -> tuple[tuple[int, int], ...]:
    needle = name.lower()
    if not needle:
        return ()
    return tuple(
        (m.start(), m.end())
        for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text_lower)
    )


def _predictions(posting: Posting, raw: Sequence[Prediction]) -> list[_Pred]:
    by_key: dict[str, set[tuple[int, int]]] = {}
    text_lower = posting.text.lower()
    for item in raw:
        if isinstance(item, str):
            name, spans = item, _locate(text_lower, item)
        elif isinstance(item, tuple):
            name, spans = item[0], ((item[1], item[2]),)
        elif item.start is not None and item.end is not None:
            # the first mention, and every other occurrence of the same surface form
            name = item.name
            surface = posting.text[item.start : item.end]
            spans = ((item.start, item.end), *_locate(text_lower, surface))
        else:
            name, spans = item.name, _locate(text_lower, item.name)
        key = name_key(name)
        if key:
            by_key.setdefault(key, set()).update(spans)
    return [_Pred(k, tuple(sorted(v))) for k, v in by_key.items()]


def _overlaps(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> bool:
    bb = list(b)
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in bb)


def score_posting(
    posting: Posting, raw: Sequence[Prediction]
) -> dict[str, tuple[int, int, int, int]]:
    """``{"strict"|"lenient": (tp_precision, n_pred, tp_recall, n_gold)}`` for one posting."""
    preds = _predictions(posting, raw)
    gold: dict[str, list[tuple[int, int]]] = {}
    for g in posting.gold:
        key = name_key(g.text)
        if key:
            gold.setdefault(key, []).append((g.start, g.end))

    def lenient_match(p: _Pred, g_key: str) -> bool:
        return (
            p.key == g_key
            or _word_contains(p.key, g_key)
            or _word_contains(g_key, p.key)
            or _overlaps(p.spans, gold[g_key])
        )

    strict_tp = sum(1 for p in preds if p.key in gold)
    len_tp_p = sum(1 for p in preds if any(lenient_match(p, g) for g in gold))
    len_tp_r = sum(1 for g in gold if any(lenient_match(p, g) for p in preds))
    return {
        "strict": (strict_tp, len(preds), strict_tp, len(gold)),
        "lenient": (len_tp_p, len(preds), len_tp_r, len(gold)),
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _posting_prf(tp_p: int, n_pred: int, tp_r: int, n_gold: int) -> tuple[float, float, float]:
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    return p, r, _f1(p, r)


def aggregate(counts: Sequence[tuple[int, int, int, int]]) -> dict[str, dict[str, float]]:
    """Micro (pooled counts) and macro (mean of per-posting P/R/F1) figures."""
    tp_p = sum(c[0] for c in counts)
    n_pred = sum(c[1] for c in counts)
    tp_r = sum(c[2] for c in counts)
    n_gold = sum(c[3] for c in counts)
    mp = tp_p / n_pred if n_pred else 0.0
    mr = tp_r / n_gold if n_gold else 0.0
    per = [_posting_prf(*c) for c in counts]
    n = len(per) or 1
    return {
        "micro": {"precision": mp, "recall": mr, "f1": _f1(mp, mr)},
        "macro": {
            "precision": sum(x[0] for x in per) / n,
            "recall": sum(x[1] for x in per) / n,
            "f1": sum(x[2] for x in per) / n,
        },
    }


def evaluate_postings(
    postings: Sequence[Posting], extractor: Extractor
) -> tuple[dict[str, Any], list[tuple[str, list[str]]]]:
    """Scores and the per-posting predicted names."""
    strict: list[tuple[int, int, int, int]] = []
    lenient: list[tuple[int, int, int, int]] = []
    names: list[tuple[str, list[str]]] = []
    for posting in postings:
        raw = extractor(posting.text)
        scores = score_posting(posting, raw)
        strict.append(scores["strict"])
        lenient.append(scores["lenient"])
        names.append((posting.posting_id, [_name_of(p) for p in raw]))
    result = {"strict": aggregate(strict), "lenient": aggregate(lenient),
              "postings": len(postings)}
    return result, names


def _name_of(pred: Prediction) -> str:
    if isinstance(pred, str):
        return pred
    if isinstance(pred, tuple):
        return pred[0]
    return pred.name


def evaluate_skillspan(
    path: Path, extractor: Extractor, *, predictions_out: Path | None = None
) -> dict[str, Any]:
    """Score ``extractor`` on one SkillSpan JSONL split; optionally write its predictions.

    Returns ``{"strict": {"micro": {...}, "macro": {...}}, "lenient": {...}, "postings": n}``.
    """
    result, names = evaluate_postings(read_postings(Path(path)), extractor)
    if predictions_out is not None:
        write_predictions(predictions_out, names)
    return result


def write_predictions(out: Path, predictions: Iterable[tuple[str, Sequence[str]]]) -> int:
    """Write ``{"posting": "<source>-<idx>", "skills": [names]}`` lines; returns the count."""
    n = 0
    with Path(out).open("w", encoding="utf-8") as fh:
        for posting_id, skills in predictions:
            fh.write(json.dumps({"posting": posting_id, "skills": list(skills)}) + "\n")
            n += 1
    return n
