"""Which reader a file needs: by extension first, by content when the name does not say."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath


class InputFormat(StrEnum):
    JSONL = "jsonl"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


DOCUMENT_FORMATS = frozenset({InputFormat.TEXT, InputFormat.MARKDOWN, InputFormat.HTML})

FORMAT_BY_EXTENSION: dict[str, InputFormat] = {
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".json": InputFormat.JSON,
    ".csv": InputFormat.CSV,
    ".tsv": InputFormat.TSV,
    ".parquet": InputFormat.PARQUET,
    ".pq": InputFormat.PARQUET,
    ".txt": InputFormat.TEXT,
    ".text": InputFormat.TEXT,
    ".md": InputFormat.MARKDOWN,
    ".markdown": InputFormat.MARKDOWN,
    ".html": InputFormat.HTML,
    ".htm": InputFormat.HTML,
}
GZIP_SUFFIXES = (".gz", ".gzip")
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class FileName:
    """What a file's name says about its content."""

    stem: str  # the name without its format and gzip suffixes: external_id of a document
    extension: str  # the format suffix, lower case, "" when there is none
    format: InputFormat | None  # None: the name does not say; sniff the content
    supported: bool


def classify_name(uri: str) -> FileName:
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    base = name
    for gz in GZIP_SUFFIXES:
        if base.lower().endswith(gz):
            base = base[: -len(gz)]
            break
    suffix = PurePosixPath(base).suffix
    ext = suffix.lower()
    if ext in FORMAT_BY_EXTENSION:
        return FileName(base[: -len(suffix)], ext, FORMAT_BY_EXTENSION[ext], True)
    if not ext[1:].isalpha():  # no extension, or a non-format one like ".2026-11-25"
        return FileName(base, "", None, True)
    return FileName(base[: -len(suffix)], ext, None, False)


def sniff_format(head: bytes) -> InputFormat:
    """Guess the format of a file whose name does not tell, from its first bytes."""
    if head.startswith(PARQUET_MAGIC):
        return InputFormat.PARQUET
    if head.startswith(UTF16_BOMS):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.removeprefix(UTF8_BOM).decode("utf-8", errors="replace")
    start = text.lstrip()[:1]
    if start == "[":
        return InputFormat.JSON
    if start == "{":
        first_line = text.lstrip().split("\n", 1)[0].rstrip()
        return InputFormat.JSONL if first_line.endswith("}") else InputFormat.JSON
    if start == "<":
        return InputFormat.HTML
    return InputFormat.TEXT
