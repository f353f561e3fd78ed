"""Format readers. Each turns an open binary stream into raw items — structured rows,
whole-file documents or per-item rejects — one at a time, so a file is never held as a whole
list of records (JSON arrays and single documents are the exception: they are one value)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, Any

import pyarrow.parquet as pq

from jdskills.ingest.formats import UTF8_BOM, UTF16_BOMS, InputFormat
from jdskills.ingest.text import clean_text, decode_bytes, html_title, html_to_text

csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))  # allow very long JD cells

PARQUET_BATCH_ROWS = 1024
_TITLE_LINE = re.compile(r"\A\s*title\s*:[ \t]*(\S[^\n]*)", re.IGNORECASE)
_CSV_DELIMITERS = (",", ";", "\t", "|")
_HTML_DOCUMENT = re.compile(r"\A\s*<(?:!doctype\s+html|html)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RawRow:
    ref: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class RawDocument:
    text: str
    title: str | None


@dataclass(frozen=True)
class RawReject:
    ref: str | None
    reason: str
    details: dict[str, str | int | float | None] = field(default_factory=dict)


RawItem = RawRow | RawDocument | RawReject


@dataclass
class DecodeStats:
    """Counts text decoded with the cp1252 fallback instead of UTF-8."""

    fallback_units: int = 0


def decode_document(data: bytes, stats: DecodeStats) -> str:
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    text, fallback = decode_bytes(data.removeprefix(UTF8_BOM))
    stats.fallback_units += fallback
    return text


def iter_lines(stream: IO[bytes], head: bytes, stats: DecodeStats) -> Iterator[str]:
    """Decoded lines (each keeps its ``\\n``); lines are decoded one by one so one bad line
    does not change how the others are read."""
    if head.startswith(UTF16_BOMS):
        yield from io.TextIOWrapper(stream, encoding="utf-16", errors="replace", newline="")
        return
    for number, raw in enumerate(stream):
        text, fallback = decode_bytes(raw.removeprefix(UTF8_BOM) if number == 0 else raw)
        stats.fallback_units += fallback
        yield text


def read_jsonl(lines: Iterable[str]) -> Iterator[RawItem]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        ref = f"line {number}"
        try:
            value = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as e:
            yield RawReject(ref, "invalid_json", {"error": str(e)})
            continue
        if isinstance(value, dict):
            yield RawRow(ref, value)
        else:
            yield RawReject(ref, "invalid_record",
                            {"error": f"expected a JSON object, got {type(value).__name__}"})


def _looks_like_jsonl(text: str) -> bool:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return len(lines) > 1 and all(ln.lstrip().startswith("{") for ln in lines[:2])


def read_json(data: bytes, stats: DecodeStats, text_keys: Iterable[str]) -> Iterator[RawItem]:
    """A JSON array of objects, an object holding one such array (``{"jobs": [...]}``), or a
    single JD object. A ``.json`` file that is really JSON Lines is read as such."""
    text = decode_document(data, stats)
    if not text.strip():
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        if _looks_like_jsonl(text):
            yield from read_jsonl(text.split("\n"))
        else:
            yield RawReject(f"line {e.lineno}", "invalid_json", {"error": str(e)})
        return
    if isinstance(value, dict) and not any(k in value for k in text_keys):
        value = next((v for v in value.values()
                      if isinstance(v, list) and v and isinstance(v[0], dict)), value)
    items = value if isinstance(value, list) else [value]
    for number, item in enumerate(items, 1):
        if isinstance(item, dict):
            yield RawRow(f"item {number}", item)
        else:
            yield RawReject(f"item {number}", "invalid_record",
                            {"error": f"expected a JSON object, got {type(item).__name__}"})


def _delimiter(header_line: str, fmt: InputFormat) -> str:
    if fmt is InputFormat.TSV:
        return "\t"
    counts = {d: header_line.count(d) for d in _CSV_DELIMITERS}
    best = max(_CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(lines: Iterator[str], fmt: InputFormat) -> Iterator[RawItem]:
    """Rows as dicts keyed by the header row; a row the csv module cannot parse is rejected
    and reading goes on."""
    first = next(lines, None)
    if first is None:
        return
    reader = csv.reader(chain([first], lines), delimiter=_delimiter(first, fmt))
    header: list[str] | None = None
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            number += 1
            yield RawReject(f"row {number}", "invalid_csv", {"error": str(e)})
            continue
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [h.strip() for h in row]
            continue
        number += 1
        yield RawRow(f"row {number}", dict(zip(header, row, strict=False)))


def read_parquet(stream: IO[bytes]) -> Iterator[RawItem]:
    number = 0
    for batch in pq.ParquetFile(stream).iter_batches(batch_size=PARQUET_BATCH_ROWS):
        for row in batch.to_pylist():
            number += 1
            yield RawRow(f"row {number}", row)


def read_document(data: bytes, fmt: InputFormat, stats: DecodeStats) -> Iterator[RawItem]:
    """A whole file as one JD: HTML (also a ``.txt`` holding a whole HTML page) is converted
    to text; text and Markdown stay as they are.
    The title comes from an optional first line ``Title: ...`` (or ``<title>`` in HTML)."""
    raw = decode_document(data, stats)
    if not raw.strip():
        return
    title: str | None = None
    if fmt is InputFormat.HTML or (fmt is InputFormat.TEXT and _HTML_DOCUMENT.match(raw)):
        title = html_title(raw)
        text = html_to_text(raw)
    else:
        text = clean_text(raw)
    if m := _TITLE_LINE.match(text):
        title = m.group(1).strip()
    yield RawDocument(text, title)
