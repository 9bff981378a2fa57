"""Commands the assessment service accepts (verbs; handlers carry them out)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubs.assessment.domain.model import ClinicianRisk, Demographics, OutcomeDecision, Practitioner, WorkSituation
from hubs.contracts import codes


@dataclass(frozen=True)
class CompleteAssessment:
    """A clinician records a case's rapid assessment and signs it off."""

    case_id: uuid.UUID
    practitioners: tuple[Practitioner, ...]
    responses: Mapping[str, Any]  # item responses per measure, scored by the service
    clinician_risk: ClinicianRisk
    work_situation: WorkSituation
    outcome: OutcomeDecision
    signed_off_by: str
    occupational_health_consent: bool = False
    occupational_health_consent_recorded_at: datetime | None = None
    demographics: Demographics = field(default_factory=Demographics)  # equality answers given at assessment
    signed_off_by_name: str | None = None  # as the hub's staff know them (risk history); default the subject


@dataclass(frozen=True)
class RecordFollowUp:
    """A clinician takes follow-up measures, answering a due follow-up or unprompted."""

    case_id: uuid.UUID
    responses: Mapping[str, Any]
    follow_up_id: uuid.UUID | None = None
    measured_at: datetime | None = None
    work_situation: codes.WorkSituation | None = None
    clinician_risk: ClinicianRisk = field(default_factory=ClinicianRisk)
    measured_by: str = ""  # the caller's subject, kept in the risk history when the risk is raised
    measured_by_name: str | None = None


@dataclass(frozen=True)
class EscalateRisk:
    """A clinician escalates a risk they judged outside an assessment or follow-up."""

    case_id: uuid.UUID
    clinician_risk: ClinicianRisk
    escalated_by: str  # the caller's subject, kept in the risk history (never in the event)
    escalated_by_name: str | None = None  # as the hub's staff know them; default the subject


@dataclass(frozen=True)
class WriteCaseNote:
    """A clinician adds a note to the case's record; a correction names the note it corrects."""

    case_id: uuid.UUID
    kind: codes.CaseNoteKind
    text: str
    written_by: str
    written_by_name: str
    corrects: uuid.UUID | None = None
