"""Reading JD batches from object storage (the library behind stage 0, *ingest*).

``list_input_files(uri, settings=...)`` turns a path, ``file://``, ``s3://`` or ``gs://`` URI
— one file, a glob or a folder (recursive) — into sorted ``InputFile`` entries with a
fingerprint of (uri, size, etag/mtime). ``read_input_file(f, settings=...)`` reads one of them
into a ``FileReadResult`` (records, rejected, duplicates_in_batch, warnings); ``read_batch``
does both for a URI, dropping duplicates across its files.

Formats, chosen by extension (``.gz`` of each is read too; gzip, parquet and JSON-vs-JSONL are
also recognised by content, and a file without an extension is sniffed):
JSON Lines (``.jsonl``/``.ndjson``), JSON (``.json``: an array of objects, an object holding
one array, or one object), CSV/TSV (header row required), Parquet, and one-JD-per-file
documents (``.txt``, ``.md``, ``.html``/``.htm``).

Field convention for structured records (first non-empty value wins; a dotted key walks into
nested objects; keys are matched exactly, then case-insensitively):

=============  =====================================================
JD field       source keys
=============  =====================================================
text           ``text``, ``description``, ``body``, ``content``
external_id    ``id``, ``external_id``, ``job_id``, ``fileid``
title          ``title``, ``job_title``
company        ``company``, ``company_name``, ``hiringOrganization.name``
url            ``url``
posted_at      ``posted_at``, ``date_posted``, ``datePosted``
=============  =====================================================

``settings.field_map`` replaces the keys of a field, e.g. ``{"text": "body_html",
"external_id": "ref"}``: a mapped field is read only from its mapped key.
Documents: text = the file's content, title = an optional first line ``Title: ...`` (or the
HTML ``<title>``), external_id = the file name without its extensions.

Text: HTML (also entity-escaped HTML such as ``&lt;p&gt;``) becomes text through resiliparse;
plain text keeps its line breaks (CRLF -> LF; NULs and control characters other than \\n and
\\t are removed). ``jd_id = content_hash(text)``: sha256 of the NFKC, case-folded,
whitespace-collapsed text. Text longer than ``settings.max_jd_chars`` is truncated to it (a
``truncated`` warning records the original length) and hashed as truncated.

Bad input never raises and never disappears: see ``docs/input-format.md`` for the reject
reasons (``invalid_json``, ``invalid_record``, ``invalid_csv``, ``missing_text``,
``empty_text``, ``binary_file``, ``unsupported_format``, ``unreadable_file``). A failing
storage (network, timeout, server error) is not bad input: ``StorageReadError`` is raised and
the file is read again by a later run.
"""

from jdskills.ingest.fields import FIELD_CONVENTION, FieldMapError
from jdskills.ingest.read import (
    IngestIncompleteError,
    StorageReadError,
    read_batch,
    read_input_file,
)
from jdskills.ingest.results import DuplicateInput, FileReadResult, IngestWarning
from jdskills.ingest.storage import (
    InputFile,
    UnsupportedStorageError,
    file_fingerprint,
    list_input_files,
)
from jdskills.ingest.text import content_hash, html_to_text

__all__ = [
    "FIELD_CONVENTION",
    "DuplicateInput",
    "FieldMapError",
    "FileReadResult",
    "IngestWarning",
    "IngestIncompleteError",
    "InputFile",
    "StorageReadError",
    "UnsupportedStorageError",
    "content_hash",
    "file_fingerprint",
    "html_to_text",
    "list_input_files",
    "read_batch",
    "read_input_file",
]
