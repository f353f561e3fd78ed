"""What reading a file gives back, besides JD records and rejects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from jdskills.ingest.storage import InputFile
from jdskills.records import JDRecord, RejectedInput

WarningKind = Literal["truncated", "encoding_fallback", "bad_posted_at"]


class IngestWarning(BaseModel):
    """Something about an input that was kept but altered or partly ignored."""

    source_uri: str
    source_ref: str | None = None
    kind: WarningKind
    details: dict[str, str | int | float | None] = Field(default_factory=dict)


class DuplicateInput(BaseModel):
    """A JD whose text was already read earlier in the same batch; it was dropped."""

    jd_id: str
    source_uri: str
    source_ref: str | None = None
    first_seen: str = Field(description="'<uri>' or '<uri> <ref>' of the copy that was kept")


@dataclass
class FileReadResult:
    """What one file gave: records kept, inputs rejected, in-batch duplicates dropped (not
    rejects: their text is kept in ``first_seen``) and warnings about kept records."""

    file: InputFile
    records: list[JDRecord] = field(default_factory=list)
    rejected: list[RejectedInput] = field(default_factory=list)
    duplicates_in_batch: list[DuplicateInput] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)

    @property
    def duplicate_count(self) -> int:
        return len(self.duplicates_in_batch)
