"""Reading one input file (or a whole batch URI) into JD records, rejects and warnings."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import IO, cast

import pyarrow as pa

from jdskills.ingest.fields import BadDateError, extract_fields, field_sources, parse_posted_at
from jdskills.ingest.formats import (
    DOCUMENT_FORMATS,
    GZIP_MAGIC,
    PARQUET_MAGIC,
    UTF16_BOMS,
    FileName,
    InputFormat,
    classify_name,
    sniff_format,
)
from jdskills.ingest.readers import (
    DecodeStats,
    RawDocument,
    RawItem,
    RawReject,
    RawRow,
    iter_lines,
    read_csv,
    read_document,
    read_json,
    read_jsonl,
    read_parquet,
)
from jdskills.ingest.results import DuplicateInput, FileReadResult, IngestWarning, WarningKind
from jdskills.ingest.storage import InputFile, filesystem_for, list_input_files
from jdskills.ingest.text import binary_kind, content_hash, to_jd_text
from jdskills.records import JDRecord, RejectedInput
from jdskills.settings import Settings

HEAD_BYTES = 8192
READ_BUFFER = 1 << 20  # bytes per read from object storage
# errors that mean "this file cannot be (further) read" and never will be: gone, no
# permission, a directory, corrupt or truncated gzip, broken parquet. They become one
# ``unreadable_file`` reject and the file counts as done.
READ_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError,
               gzip.BadGzipFile, EOFError, zlib.error, pa.ArrowException)
# errors of the storage rather than the file (network, timeouts, 5xx that s3fs reports as
# OSError(EIO)): the read may succeed later, so they raise StorageReadError and the file is
# not marked done. Everything else is a bug and propagates.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, ConnectionError, TimeoutError)
try:
    from botocore.exceptions import BotoCoreError

    TRANSIENT_ERRORS += (BotoCoreError,)
except ImportError:  # pragma: no cover - s3fs brings botocore
    pass


class StorageReadError(OSError):
    """The storage failed while a file was read (network, timeout, server error): retry the
    file later; ``records_read`` records had been read when it failed."""

    def __init__(self, uri: str, cause: BaseException, records_read: int) -> None:
        super().__init__(f"cannot read {uri} now ({type(cause).__name__}: {cause}); "
                         f"{records_read} record(s) read before the failure")
        self.uri = uri
        self.records_read = records_read


class IngestIncompleteError(RuntimeError):
    """Some files of a batch could not be read because the storage failed; the rest of the
    batch was processed and those files will be read by the next run."""

    def __init__(self, failures: list[str]) -> None:
        super().__init__(f"{len(failures)} file(s) not read (storage errors), to be read by "
                         "the next run: " + "; ".join(failures))
        self.failures = failures
_SPACES = re.compile(r"\s+")


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    return _SPACES.sub(" ", to_jd_text(value)).strip() or None


@dataclass
class _RecordBuilder:
    result: FileReadResult
    settings: Settings
    seen: MutableMapping[str, str]
    stem: str
    sources: Mapping[str, tuple[str, ...]]

    @property
    def uri(self) -> str:
        return self.result.file.uri

    def reject(self, ref: str | None, reason: str, **details: str | int | float | None) -> None:
        self.result.rejected.append(
            RejectedInput(source_uri=self.uri, source_ref=ref, reason=reason, details=details)
        )

    def warn(self, ref: str | None, kind: WarningKind, **details: str | int | float | None) -> None:
        self.result.warnings.append(
            IngestWarning(source_uri=self.uri, source_ref=ref, kind=kind, details=details)
        )

    def add(self, item: RawItem) -> None:
        if isinstance(item, RawReject):
            self.reject(item.ref, item.reason, **item.details)
        elif isinstance(item, RawDocument):
            if item.text:
                self.keep(None, item.text, external_id=self.stem, title=item.title)
            else:
                self.reject(None, "empty_text")
        else:
            self.add_row(item)

    def add_row(self, row: RawRow) -> None:
        found = extract_fields(row.fields, self.sources)
        if found.text is None:
            reason = "empty_text" if found.text_key_present else "missing_text"
            self.reject(row.ref, reason, looked_for=", ".join(self.sources["text"]))
            return
        text = to_jd_text(found.text)
        if not text:
            self.reject(row.ref, "empty_text", looked_for=", ".join(self.sources["text"]))
            return
        try:
            posted_at = parse_posted_at(found.posted_at_raw)
        except BadDateError as e:
            self.warn(row.ref, "bad_posted_at", error=str(e))
            posted_at = None
        self.keep(row.ref, text, external_id=found.external_id, title=_one_line(found.title),
                  company=_one_line(found.company), url=found.url, posted_at=posted_at)

    def keep(self, ref: str | None, text: str, **fields: object) -> None:
        if len(text) > self.settings.max_jd_chars:
            self.warn(ref, "truncated", original_chars=len(text),
                      kept_chars=self.settings.max_jd_chars)
            text = text[: self.settings.max_jd_chars]
        jd_id = content_hash(text)
        where = self.uri if ref is None else f"{self.uri} {ref}"
        if jd_id in self.seen:
            self.result.duplicates_in_batch.append(DuplicateInput(
                jd_id=jd_id, source_uri=self.uri, source_ref=ref, first_seen=self.seen[jd_id]))
            return
        self.seen[jd_id] = where
        self.result.records.append(JDRecord(
            jd_id=jd_id, source_uri=self.uri, source_ref=ref, text=text, **fields  # type: ignore[arg-type]
        ))


def _iter_items(
    f: InputFile, name: FileName, settings: Settings, stats: DecodeStats,
    text_keys: tuple[str, ...],
) -> Iterator[RawItem]:
    fs, path = filesystem_for(f.uri, settings)
    with fs.open(path, "rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        # fsspec's own readline copies a whole block per line (quadratic on remote files):
        # line reads go through a standard buffer instead
        buffered = io.BufferedReader(raw, buffer_size=READ_BUFFER)  # type: ignore[arg-type]
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=buffered, mode="rb") if gzipped
                      else buffered)
        head = stream.read(HEAD_BYTES)
        if not head:
            return
        stream.seek(0)
        fmt = InputFormat.PARQUET if head.startswith(PARQUET_MAGIC) else (
            name.format or sniff_format(head))
        if fmt is InputFormat.PARQUET:
            yield from read_parquet(io.BytesIO(stream.read()) if gzipped else stream)
            return
        if not head.startswith(UTF16_BOMS) and (kind := binary_kind(head)):
            yield RawReject(None, "binary_file", {"detected": kind})
            return
        if fmt is InputFormat.JSONL:
            yield from read_jsonl(iter_lines(stream, head, stats))
        elif fmt in (InputFormat.CSV, InputFormat.TSV):
            yield from read_csv(iter_lines(stream, head, stats), fmt)
        elif fmt is InputFormat.JSON:
            yield from read_json(stream.read(), stats, text_keys)
        elif fmt in DOCUMENT_FORMATS:
            yield from read_document(stream.read(), fmt, stats)


def read_input_file(
    f: InputFile, *, settings: Settings, seen: MutableMapping[str, str] | None = None
) -> FileReadResult:
    """Read one file into JD records. Never raises for bad content: bad items become
    ``rejected`` entries, and a file that cannot be read (any further) adds one
    ``unreadable_file`` reject while the records read before the failure are kept. A failure
    of the storage itself (network, timeout, server error) raises StorageReadError instead,
    so that the file is read again later rather than marked done.

    ``seen`` maps jd_id -> where it was first read; pass one mapping to every file of a batch
    to drop duplicates across files (``read_batch`` does). Raises FieldMapError when
    ``settings.field_map`` is invalid and UnsupportedStorageError for an unsupported scheme.
    """
    result = FileReadResult(file=f)
    name = classify_name(f.uri)
    sources = field_sources(settings.field_map)
    builder = _RecordBuilder(result, settings, {} if seen is None else seen, name.stem, sources)
    if not name.supported:
        builder.reject(None, "unsupported_format", extension=name.extension)
        return result
    stats = DecodeStats()
    items = _iter_items(f, name, settings, stats, sources["text"])
    while True:
        try:
            item = next(items)
        except StopIteration:
            break
        except READ_ERRORS as e:
            builder.reject(None, "unreadable_file", error=f"{type(e).__name__}: {e}",
                           records_read=len(result.records))
            break
        except TRANSIENT_ERRORS as e:
            raise StorageReadError(f.uri, e, len(result.records)) from e
        builder.add(item)
    if stats.fallback_units:
        builder.warn(None, "encoding_fallback", encoding="cp1252", units=stats.fallback_units)
    return result


def read_batch(uri: str, *, settings: Settings) -> Iterator[FileReadResult]:
    """Every file a URI names, read one at a time, with duplicates dropped across the batch."""
    seen: dict[str, str] = {}
    for f in list_input_files(uri, settings=settings):
        yield read_input_file(f, settings=settings, seen=seen)
