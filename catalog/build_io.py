"""Deterministic writers for the catalog build: sorted gzip CSV (mtime 0), stable JSON, hashes.

The same rows always give the same bytes, so a rebuild from unchanged inputs leaves git clean.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml


class CuratedFileError(ValueError):
    """A hand-curated input file is missing, malformed or refers to something that is not there."""


def write_csv_gz(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` sorted, as gzip CSV with a fixed header and mtime 0; return the row count."""
    text_rows = sorted(tuple(_cell(v) for v in row) for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows(text_rows)
    data = buffer.getvalue().encode("utf-8")
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(data)
    return len(text_rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


def write_json(path: Path, payload: Any) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as e:
        raise CuratedFileError(f"missing curated file {path}") from e
    except yaml.YAMLError as e:
        raise CuratedFileError(f"{path.name}: invalid YAML ({e})") from e
