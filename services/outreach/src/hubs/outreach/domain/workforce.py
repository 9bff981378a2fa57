"""The hub's own workforce: supervision, wellbeing check-ins and anonymous staff feedback
surveys. Pure domain code.

Nothing here records who was supervised or who answered a survey: sessions are counted,
and a survey response is stored and announced without any link to the person who gave it."""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from hubs.contracts import codes
from hubs.outreach.domain.refusals import Refused

OPEN, CLOSED = "open", "closed"
NOT_YET_OPEN = "not-yet-open"

# The statements every staff survey asks the hub's staff to score, 1 (not at all) to 5 (completely):
# (name, statement, whether it must be scored); a free-text comment may follow.
STATEMENTS = (
    ("wellbeing", "My wellbeing at work is good", True),
    ("workload_manageable", "My workload is manageable", False),
    ("feel_supported", "I feel supported by the team", False),
    ("supervision_helpful", "Supervision helps me", False),
)


def seal_participation_token(secret: bytes, survey_keyed: str) -> str:
    """Key a token made with the survey's own key again, with the secret kept outside the database."""
    return hmac.new(secret, survey_keyed.encode(), hashlib.sha256).hexdigest()


@dataclass
class SupervisionSession:
    """A clinical (group or one to one) or line-management supervision session."""

    supervision_session_id: uuid.UUID
    held_on: date
    supervision_type: codes.SupervisionType
    attendees: int  # hub staff supervised, not counting the supervisor
    duration_minutes: int
    wellbeing_discussed: bool
    events: list = field(default_factory=list, repr=False)

    event_type = "SupervisionHeld"

    @classmethod
    def record(
        cls,
        *,
        held_on: date,
        supervision_type: codes.SupervisionType,
        attendees: int,
        duration_minutes: int,
        wellbeing_discussed: bool = True,
    ) -> SupervisionSession:
        """A session that took place, announced with SupervisionHeld."""
        if supervision_type is codes.SupervisionType.CLINICAL_ONE_TO_ONE and attendees != 1:
            raise Refused("One-to-one supervision has exactly one member of staff.", "attendees")
        if supervision_type is codes.SupervisionType.CLINICAL_GROUP and attendees < 2:
            raise Refused("Group supervision has at least two members of staff.", "attendees")
        if attendees < 1:
            raise Refused("A session has at least one member of staff.", "attendees")
        if duration_minutes < 1:
            raise Refused("A session lasts at least a minute.", "duration_minutes")
        session = cls(uuid.uuid4(), held_on, supervision_type, attendees, duration_minutes, wellbeing_discussed)
        session.events.append(session)
        return session

    @property
    def aggregate_id(self) -> str:
        return str(self.supervision_session_id)

    def to_data(self) -> dict:
        return {
            "supervision_session_id": self.supervision_session_id,
            "held_on": self.held_on,
            "supervision_type": self.supervision_type,
            "attendees": self.attendees,
            "duration_minutes": self.duration_minutes,
        }


@dataclass
class HubStaffCheckIn:
    """A wellbeing check-in: workloads, issues, the themes, concerns and positives of the day."""

    check_in_id: uuid.UUID
    held_on: date
    format: codes.CheckInFormat
    attendees: int
    events: list = field(default_factory=list, repr=False)

    event_type = "HubStaffCheckInHeld"

    @classmethod
    def record(cls, *, held_on: date, format: codes.CheckInFormat, attendees: int) -> HubStaffCheckIn:
        """A check-in that took place, announced with HubStaffCheckInHeld."""
        if format is codes.CheckInFormat.ONE_TO_ONE and attendees != 1:
            raise Refused("A one-to-one check-in has exactly one member of staff.", "attendees")
        if attendees < 1:
            raise Refused("A check-in has at least one member of staff.", "attendees")
        check_in = cls(uuid.uuid4(), held_on, format, attendees)
        check_in.events.append(check_in)
        return check_in

    @property
    def aggregate_id(self) -> str:
        return str(self.check_in_id)

    def to_data(self) -> dict:
        return {
            "check_in_id": self.check_in_id,
            "held_on": self.held_on,
            "format": self.format,
            "attendees": self.attendees,
        }


@dataclass
class Answers:
    """A member of hub staff's answers, 1 (not at all) to 5 (completely)."""

    wellbeing: int
    workload_manageable: int | None = None
    feel_supported: int | None = None
    supervision_helpful: int | None = None


@dataclass
class HubStaffFeedbackGiven:
    """Domain event: one anonymous survey response, released when its survey closed."""

    feedback_id: uuid.UUID
    given_on: date
    answers: Answers

    event_type = "HubStaffFeedbackGiven"

    @property
    def aggregate_id(self) -> str:
        return str(self.feedback_id)

    def to_data(self) -> dict:
        a = self.answers
        return {
            "feedback_id": self.feedback_id,
            "given_on": self.given_on,
            "wellbeing": a.wellbeing,
            "workload_manageable": a.workload_manageable,
            "feel_supported": a.feel_supported,
            "supervision_helpful": a.supervision_helpful,
        }


@dataclass
class SurveyResponse:
    """One anonymous response: answers, the day and a comment kept in the hub; no respondent."""

    response_id: uuid.UUID
    survey_id: uuid.UUID
    given_on: date
    answers: Answers
    comment: str | None = None


@dataclass
class StaffSurvey:
    """An anonymous feedback survey of the hub's own staff.

    While it is open, each member of staff may answer once: the survey keeps a keyed hash of
    who has answered (to refuse a second answer), apart from the answers themselves. The hash is
    keyed twice: with the survey's own key, kept in the database, and with the hub's
    participation secret, kept outside it, so that the database alone cannot recompute it.
    Closing the survey forgets its key, so not even the hash can be recomputed, and releases the
    responses as events in a shuffled batch, so that neither their order nor their publication
    time says who answered when."""

    survey_id: uuid.UUID
    title: str
    opens_on: date
    closes_on: date
    status: str = OPEN
    participation_key: bytes | None = None
    released_on: date | None = None
    # Whether the participation tokens are keyed with the secret kept outside the database (a survey
    # opened before they were has its tokens re-keyed at its next answer).
    participation_sealed: bool = True
    events: list = field(default_factory=list, repr=False)

    @classmethod
    def open(cls, *, title: str, opens_on: date, closes_on: date) -> StaffSurvey:
        """A new survey, open from `opens_on` until it is closed (due on `closes_on`)."""
        if closes_on < opens_on:
            raise Refused("A survey cannot close before it opens.", "closes_on")
        return cls(uuid.uuid4(), title.strip(), opens_on, closes_on, OPEN, secrets.token_bytes(32))

    def state_on(self, today: date) -> str:
        """What a member of staff finds on `today`: open to answers, not open yet, or closed."""
        if self.status != OPEN:
            return CLOSED
        return NOT_YET_OPEN if today < self.opens_on else OPEN

    def participation_tokens(self, subject: str, secrets: Sequence[bytes]) -> list[str]:
        """One-way tokens saying "this person has answered", never stored with the answers: one per
        participation secret, the current one first (older ones still recognise who answered)."""
        if self.participation_key is None:
            raise Refused("This survey is closed.", "survey_id", conflict=True)
        if not secrets:
            raise ValueError("a participation token needs the hub's participation secret")
        survey_keyed = hmac.new(self.participation_key, f"{self.survey_id}:{subject}".encode(), hashlib.sha256)
        return [seal_participation_token(secret, survey_keyed.hexdigest()) for secret in secrets]

    def respond(self, *, today: date, answers: Answers, comment: str | None, already_answered: bool) -> SurveyResponse:
        """Take one person's answers; the caller has checked their participation token."""
        if self.status != OPEN:
            raise Refused("This survey is closed.", "survey_id", conflict=True)
        if today < self.opens_on:
            raise Refused("This survey is not open yet.", "survey_id", conflict=True)
        if already_answered:
            raise Refused("You have already answered this survey.", "survey_id", conflict=True)
        return SurveyResponse(uuid.uuid4(), self.survey_id, today, answers, (comment or "").strip() or None)

    def close(self, *, today: date, responses: list[SurveyResponse], rng: random.Random | None = None) -> None:
        """Close the survey, forget its key and release its responses, shuffled."""
        if self.status != OPEN:
            raise Refused("This survey is already closed.", "survey_id", conflict=True)
        self.status, self.participation_key, self.released_on = CLOSED, None, today
        released = list(responses)
        (rng or random.SystemRandom()).shuffle(released)
        self.events.extend(HubStaffFeedbackGiven(r.response_id, r.given_on, r.answers) for r in released)
