"""Where input files live: local paths, ``file://``, ``s3://`` (s3fs) and ``gs://`` (gcsfs,
optional). Listing turns a URI — one file, a glob or a folder — into ``InputFile`` entries."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

import fsspec
from fsspec import AbstractFileSystem
from fsspec.core import split_protocol
from pydantic import BaseModel, ConfigDict

from jdskills.ingest.formats import classify_name
from jdskills.settings import Settings

log = logging.getLogger(__name__)

_GLOB_CHARS = re.compile(r"[*?\[]")
S3_PROTOCOLS = ("s3", "s3a")
GCS_PROTOCOLS = ("gs", "gcs")


class UnsupportedStorageError(ValueError):
    """The URI's scheme is not one jdskills reads, or its filesystem package is missing."""


class InputFile(BaseModel):
    """One file of a batch, identified well enough to know whether it changed."""

    model_config = ConfigDict(frozen=True)

    uri: str
    size: int
    etag_or_mtime: str
    fingerprint: str


def file_fingerprint(uri: str, size: int, etag_or_mtime: str) -> str:
    """sha256 hex of (uri, size, etag/mtime): changes when the object at ``uri`` changes."""
    return hashlib.sha256(json.dumps([uri, size, etag_or_mtime]).encode()).hexdigest()


def filesystem_for(uri: str, settings: Settings) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem serving ``uri`` and the path within it."""
    protocol = split_protocol(uri)[0] or "file"
    options: dict[str, Any] = {}
    if protocol in S3_PROTOCOLS:
        # listings must see objects uploaded after an earlier listing in the same process
        options["use_listings_cache"] = False
        if settings.s3_endpoint_url:
            options["client_kwargs"] = {"endpoint_url": settings.s3_endpoint_url}
    elif protocol in GCS_PROTOCOLS:
        if importlib.util.find_spec("gcsfs") is None:
            raise UnsupportedStorageError(
                f"{uri}: gs:// needs the gcsfs package (pip install gcsfs)"
            )
        options["use_listings_cache"] = False
    elif protocol not in ("file", "local"):
        raise UnsupportedStorageError(
            f"{uri}: unsupported scheme {protocol!r}; use a path, file://, s3:// or gs://"
        )
    fs, path = fsspec.core.url_to_fs(uri, **options)
    return fs, path


def _version_of(info: dict[str, Any]) -> str:
    for key in ("ETag", "etag", "md5Hash"):
        if info.get(key):
            return str(info[key]).strip('"')
    for key in ("mtime", "LastModified", "updated", "created"):
        value = info.get(key)
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, tz=UTC).isoformat()
        if isinstance(value, datetime):
            return value.isoformat()
        if value:
            return str(value)
    return ""


def _input_file(fs: AbstractFileSystem, info: dict[str, Any]) -> InputFile:
    uri = fs.unstrip_protocol(info["name"])
    size = int(info.get("size") or 0)
    version = _version_of(info)
    return InputFile(
        uri=uri, size=size, etag_or_mtime=version,
        fingerprint=file_fingerprint(uri, size, version),
    )


def _wanted(path: str, include_unsupported: bool) -> bool:
    """Folder and glob members: no hidden files or markers (``.x``, ``_SUCCESS``), and only
    formats jdskills reads unless ``include_unsupported``."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if not name or name.startswith((".", "_")):
        return False
    return include_unsupported or classify_name(name).supported


def list_input_files(
    uri: str, *, settings: Settings, include_unsupported: bool = False
) -> list[InputFile]:
    """The files a URI names, sorted by URI.

    ``uri`` is a file (listed whatever its extension), a glob (``s3://b/dt=2026-11-25/*.jsonl``)
    or a folder (every supported file under it, recursively). A glob that matches nothing or an
    empty folder gives ``[]``; a file or folder that does not exist raises FileNotFoundError.
    """
    fs, path = filesystem_for(uri, settings)
    fs.invalidate_cache()
    if _GLOB_CHARS.search(path):
        infos: dict[str, dict[str, Any]] = {}
        for name, info in fs.glob(path, detail=True).items():
            if info.get("type") == "directory":
                infos.update(fs.find(name, detail=True))
            else:
                infos[name] = info
    else:
        info = fs.info(path)
        if info.get("type") != "directory":
            return [_input_file(fs, info)]
        infos = fs.find(path, detail=True)
    files: list[InputFile] = []
    skipped: list[str] = []
    for name, info in infos.items():
        if info.get("type") == "directory":
            continue
        if _wanted(name, include_unsupported):
            files.append(_input_file(fs, info))
        else:
            skipped.append(name)
    if skipped:
        log.info("%s: skipped %d hidden or unsupported file(s): %s", uri, len(skipped),
                 ", ".join(sorted(skipped)[:20]))
    return sorted(files, key=lambda f: f.uri)
