"""Case notes: the clinical record of a case between its formal steps (a contact, a
multidisciplinary team discussion, a risk or a safeguarding concern). Pure domain code.

Notes are only ever added: a correction is a new note that names the note it corrects, so the
record shows what was written, when and by whom, and what was said about it afterwards."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from hubs.assessment.domain.model import Refused
from hubs.contracts import codes

TEXT_MAX = 10_000  # characters: a long MDT discussion, not a document


@dataclass(frozen=True)
class CaseNote:
    """One note on a case. `text` is None once erased (the kind, author and time stay)."""

    note_id: uuid.UUID
    case_id: uuid.UUID
    kind: codes.CaseNoteKind
    text: str | None
    written_at: datetime
    written_by: str  # the author's subject (pseudonymous id from the identity provider)
    written_by_name: str  # the author's name as the hub's staff know them
    corrects: uuid.UUID | None = None
    erased_at: datetime | None = None

    @classmethod
    def write(
        cls,
        case_id: uuid.UUID,
        kind: codes.CaseNoteKind,
        text: str,
        *,
        by: str,
        by_name: str,
        at: datetime,
        correcting: CaseNote | None = None,
    ) -> CaseNote:
        """A new note; a correction names a note of the same case."""
        if not text.strip():
            raise Refused({"text": ["Write the note: it is blank."]})
        if len(text) > TEXT_MAX:
            raise Refused({"text": [f"A note is at most {TEXT_MAX:,} characters."]})
        if correcting is not None and correcting.case_id != case_id:
            raise Refused({"corrects": ["A note corrects a note of the same case."]})
        return cls(
            note_id=uuid.uuid4(),
            case_id=case_id,
            kind=kind,
            text=text,
            written_at=at,
            written_by=by,
            written_by_name=by_name or by,
            corrects=correcting.note_id if correcting else None,
        )
