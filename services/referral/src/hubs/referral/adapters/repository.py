"""Storing and loading referrals, their sealed personal details and what happened to them."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Executable,
    String,
    Table,
    and_,
    bindparam,
    cast,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from hubs.contracts import codes
from hubs.referral.adapters.orm import (
    access_audit,
    concerns,
    consents,
    contact_attempts,
    duty_notifications,
    linked_referrals,
    person_index,
    personal_details,
    referrals,
    transfers,
)
from hubs.referral.domain.model import (
    AWAITING_FIRST_CONTACT,
    OPEN_STATUSES,
    CaseloadFilter,
    ContactAttempt,
    Demographics,
    Referral,
)
from hubs.runtime import either_way
from hubs.runtime.access_audit import access_records, record_access

DEMOGRAPHIC_CODES = codes.DEMOGRAPHIC_CODE_LISTS


def _referral_row(referral: Referral) -> dict[str, Any]:
    d = referral.demographics
    return {
        "referral_id": referral.referral_id,
        "case_id": referral.case_id,
        "source": referral.source.value,
        "received_at": referral.received_at,
        "urgency": referral.urgency.value,
        "status": referral.status,
        "staff_group": referral.staff_group and referral.staff_group.value,
        "employment_type": referral.employment_type and referral.employment_type.value,
        "at_risk_factors": [f.value for f in referral.at_risk_factors],
        "demographics": {k: (v.value if v is not None else None) for k, v in vars(d).items()},
        "outreach_code": referral.outreach_code,
        "first_contact_due_by": referral.first_contact_due_by,
        "transferred_from_hub": referral.transferred_from_hub,
        "restricted": False,
    }


# Statements of every intake, built once. The first of its transaction (the hold, with the look-up
# or without) also lets PostgreSQL keep one plan of the intake's statements for the rest of it:
# the engine's connections plan each execution anew (for tables whose best plan changes as they
# grow), and planning the intake's ten writes anew took a third of PostgreSQL's time per
# self-referral. Its statements are look-ups and inserts by key, whose plan never changes once
# the tables have statistics.
_HOLD_AND_FIND = text(
    "SELECT * FROM hold_and_find_open_referral(CAST(:lock_keys AS bigint[]), CAST(:person_keys AS varchar[]), "
    "CAST(:open_statuses AS varchar[]))"
)
_HOLD_PEOPLE = text(
    "SELECT set_config('plan_cache_mode', 'auto', true), pg_advisory_xact_lock(lock_key) "
    "FROM unnest(CAST(:lock_keys AS bigint[])) AS held(lock_key)"
)
_OPEN_REFERRAL_OF = (
    select(referrals)
    .join(person_index, person_index.c.referral_id == referrals.c.referral_id)
    .where(
        person_index.c.person_key.in_(bindparam("person_keys", expanding=True)),
        referrals.c.status.in_(OPEN_STATUSES),
    )
    .order_by(referrals.c.received_at)
    .limit(1)
)


@functools.cache
def _intake_writes(
    outbox: Table, referral_columns: tuple[str, ...], keys: int, events: int
) -> tuple[
    either_way.InsertIf,
    either_way.InsertIf,
    either_way.InsertIf,
    either_way.InsertRowsIf,
    either_way.InsertIf,
    either_way.UpdateIf,
    either_way.InsertRowsIf,
]:
    """What an intake writes: a new referral's row (the columns `_referral_row` gives), a number of
    identifiers and of events."""
    return (
        either_way.InsertIf(referrals, referral_columns, "referral"),
        either_way.InsertIf(personal_details, ("referral_id", "sealed"), "personal"),
        either_way.InsertIf(consents, ("referral_id", "sealed", "recorded_at"), "consent"),
        either_way.InsertRowsIf(person_index, ("referral_id", "person_key"), "keys", keys),
        either_way.InsertIf(linked_referrals, ("link_id", "referral_id", "source", "received_at", "sealed"), "link"),
        # An open referral made urgent by a later urgent screen.
        either_way.UpdateIf(referrals, "referral_id", ("urgency", "first_contact_due_by"), "urgency"),
        # The events in one clause, numbered by the outbox in the order they were raised.
        either_way.InsertRowsIf(outbox, _OUTBOX_COLUMNS, "events", events),
    )


@functools.cache
def _intake_statements(dialect: str, writes: tuple[either_way.Write, ...]) -> list[Executable]:
    return either_way.statements(dialect, writes)


_OUTBOX_COLUMNS = ("event_id", "aggregate_type", "aggregate_id", "event_type", "topic", "payload", "occurred_at")


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class IntakeWrites:
    """What an intake writes for both of its outcomes. `linked_to` is the person's open referral
    (None: the submission is a new referral); `urgency_of` that open referral when the
    submission's risk screen made it urgent; `outbox_rows` the rows of both outcomes, each with
    whether it is kept."""

    submission: Referral
    sealed_personal: bytes
    sealed_account: bytes
    person_keys: list[str]
    linked_to: uuid.UUID | None
    urgency_of: Referral | None
    # Not `events`: that would make it an aggregate to the unit of work.
    outbox_rows: list[tuple[dict[str, Any], bool]] = field(default_factory=list)


class ReferralRepository:
    """Referrals of this hub, with their sealed personal details."""

    def __init__(self, session: Session, outbox: Table):
        self._session = session
        # The intake writes its events in its own statement, with the referral or link they are of.
        self._outbox = outbox
        self.seen: list[Referral] = []
        self._stored_attempts: dict[uuid.UUID, int] = {}

    def add(
        self, referral: Referral, sealed_personal: bytes, sealed_consent: bytes, person_keys: list[str] | None = None
    ) -> None:
        self._session.execute(insert(referrals).values(**_referral_row(referral)))
        self._session.execute(insert(personal_details).values(referral_id=referral.referral_id, sealed=sealed_personal))
        self._session.execute(
            insert(consents).values(
                referral_id=referral.referral_id, sealed=sealed_consent, recorded_at=datetime.now(UTC)
            )
        )
        keys = sorted(set(person_keys or []))
        if keys:
            # One statement however many identifiers (a transfer's: the intake writes them in `receive`).
            self._session.execute(
                insert(person_index), [{"referral_id": referral.referral_id, "person_key": k} for k in keys]
            )
        self._stored_attempts[referral.referral_id] = 0
        self.seen.append(referral)

    def receive(self, intake: IntakeWrites) -> None:
        """Write both outcomes of an intake in the same statements and keep the one that applies:
        the new referral with its sealed details, identifiers and events, or the link of the
        submission to the person's open referral (and that referral made urgent, if it was).
        Only the flags differ between the outcomes, never the SQL nor the number of rows offered."""
        submission, new = intake.submission, intake.linked_to is None
        keys = sorted(set(intake.person_keys))
        dialect = self._session.get_bind().dialect.name
        new_row = _referral_row(submission)
        writes = _intake_writes(self._outbox, tuple(new_row), len(keys), len(intake.outbox_rows))
        referral_id = submission.referral_id
        made_urgent = intake.urgency_of or submission
        link = {
            # The link is known by the submission's own id, which its reference is made from.
            "link_id": referral_id,
            "referral_id": intake.linked_to or referral_id,
            "source": submission.source.value,
            "received_at": submission.received_at,
            "sealed": intake.sealed_account,
        }
        urgency = {
            "referral_id": made_urgent.referral_id,
            "urgency": made_urgent.urgency.value,
            "first_contact_due_by": made_urgent.first_contact_due_by,
        }
        new_referral, personal, consent, person_index_rows, linking, urgent, events = writes
        values = {
            **either_way.params(dialect, new_referral, new_row, new),
            **either_way.params(dialect, personal, {"referral_id": referral_id, "sealed": intake.sealed_personal}, new),
            **either_way.params(
                dialect,
                consent,
                {"referral_id": referral_id, "sealed": intake.sealed_account, "recorded_at": datetime.now(UTC)},
                new,
            ),
            **either_way.rows_params(
                dialect, person_index_rows, [({"referral_id": referral_id, "person_key": key}, new) for key in keys]
            ),
            **either_way.params(dialect, linking, link, not new),
            **either_way.params(dialect, urgent, urgency, intake.urgency_of is not None),
            **either_way.rows_params(dialect, events, intake.outbox_rows),
        }
        either_way.run(self._session, _intake_statements(dialect, writes), values)
        if new:
            self._stored_attempts[referral_id] = 0
            self.seen.append(submission)

    def get(self, referral_id: uuid.UUID, *, for_update: bool = False) -> Referral | None:
        query = select(referrals).where(referrals.c.referral_id == referral_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        if row is None:
            return None
        referral = _to_referral(row)
        attempts = self._session.execute(
            select(contact_attempts)
            .where(contact_attempts.c.referral_id == referral_id)
            .order_by(contact_attempts.c.attempt_number)
        ).all()
        referral.contact_attempts = [
            ContactAttempt(
                a.contact_attempt_id,
                _aware(a.attempted_at),
                codes.ContactChannel(a.channel),
                codes.ContactOutcome(a.outcome),
                a.attempt_number,
            )
            for a in attempts
        ]
        self._stored_attempts[referral_id] = len(attempts)
        self.seen.append(referral)
        return referral

    def referral_id_of_case(self, case_id: uuid.UUID) -> uuid.UUID | None:
        """The referral other services know by this case id; None if this hub has none."""
        return self._session.execute(select(referrals.c.referral_id).where(referrals.c.case_id == case_id)).scalar()

    def save(self, referral: Referral, **facts: Any) -> None:
        """Write back what changed: status, first contact, closure, new contact attempts."""
        self._session.execute(
            update(referrals)
            .where(referrals.c.referral_id == referral.referral_id)
            .values(
                status=referral.status,
                first_contact_due_by=referral.first_contact_due_by,
                first_contacted_at=referral.first_contacted_at,
                closed_at=referral.closed_at,
                closure_reason=referral.closure_reason and referral.closure_reason.value,
                assigned_to=referral.assigned_to,
                assigned_to_name=referral.assigned_to_name,
                assigned_at=referral.assigned_at,
                **facts,
            )
        )
        for attempt in referral.contact_attempts[self._stored_attempts.get(referral.referral_id, 0) :]:
            self._session.execute(
                insert(contact_attempts).values(
                    contact_attempt_id=attempt.contact_attempt_id,
                    referral_id=referral.referral_id,
                    attempted_at=attempt.attempted_at,
                    attempt_number=attempt.attempt_number,
                    channel=attempt.channel.value,
                    outcome=attempt.outcome.value,
                )
            )
        self._stored_attempts[referral.referral_id] = len(referral.contact_attempts)

    def hold_person(self, person_keys: list[str]) -> None:
        """Hold the person until this transaction ends, so that two referrals of them arriving at once
        (threads, processes or replicas) are taken one after the other: the second finds the first."""
        if not person_keys:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            # Transaction-level advisory locks, taken in one order (no deadlock: the array is sorted,
            # and unnest gives its elements in order), released at commit or rollback; a 64-bit key
            # from the keyed hash, so the lock itself names no one. One statement however many.
            lock_keys = sorted({person_lock_key(k) for k in person_keys})
            self._session.execute(_HOLD_PEOPLE, {"lock_keys": lock_keys})
            return
        # SQLite has one writer at a time: a write that changes nothing takes that lock now, before the
        # lookup, instead of at the insert after it.
        self._session.execute(update(person_index).where(false()).values(person_key=person_index.c.person_key))

    def hold_and_find(self, person_keys: list[str]) -> Referral | None:
        """Hold the person (`hold_person`), then find their open referral (`open_referral_of`)."""
        if not person_keys or self._session.get_bind().dialect.name != "postgresql":
            self.hold_person(person_keys)
            return self.open_referral_of(person_keys)
        # One round trip: a function whose look-up starts after the locks (migration 0008).
        lock_keys = sorted({person_lock_key(k) for k in person_keys})
        row = self._session.execute(
            _HOLD_AND_FIND, {"lock_keys": lock_keys, "person_keys": person_keys, "open_statuses": list(OPEN_STATUSES)}
        ).first()
        return _to_referral(row) if row else None

    def open_referral_of(self, person_keys: list[str]) -> Referral | None:
        """The person's referral that is still open, if any (oldest first)."""
        if not person_keys:
            return None
        row = self._session.execute(_OPEN_REFERRAL_OF, {"person_keys": person_keys}).first()
        return _to_referral(row) if row else None

    def linked(self, referral_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = self._session.execute(
            select(linked_referrals)
            .where(linked_referrals.c.referral_id == referral_id)
            .order_by(linked_referrals.c.received_at)
        ).all()
        return [
            {"link_id": r.link_id, "source": r.source, "received_at": _aware(r.received_at), "sealed": r.sealed}
            for r in rows
        ]

    def awaiting_first_contact(self) -> list[Referral]:
        rows = self._session.execute(
            select(referrals).where(referrals.c.status == "awaiting-first-contact").order_by(referrals.c.received_at)
        ).all()
        return self._with_attempts([_to_referral(r) for r in rows])

    def open_referrals(
        self, wanted: CaseloadFilter, *, offset: int = 0, limit: int = 25, among: list[uuid.UUID] | None = None
    ) -> tuple[list[Referral], int]:
        """Open referrals as `wanted` says, newest first, one page of them and how many there are in
        all; `among` keeps only those referrals (the ones a search found)."""
        conditions = [referrals.c.status.in_(wanted.statuses)]
        if among is not None:
            conditions.append(referrals.c.referral_id.in_(among))
        if wanted.opened_by is not None:
            opened = select(access_audit.c.referral_id).where(
                access_audit.c.subject == wanted.opened_by, access_audit.c.action == "read-personal-details"
            )
            conditions.append(referrals.c.referral_id.in_(opened))
        if wanted.assigned_to is not None:
            conditions.append(referrals.c.assigned_to == wanted.assigned_to)
        if wanted.unassigned:
            conditions.append(referrals.c.assigned_to.is_(None))
        if wanted.urgency is not None:
            conditions.append(referrals.c.urgency == wanted.urgency.value)
        if wanted.raised_risk:
            # A yes on a risk screen is what makes a referral urgent: that is the risk this service knows.
            conditions.append(referrals.c.urgency == codes.Urgency.URGENT.value)
        if wanted.waiting is not None:
            conditions += _waiting(wanted)
        if wanted.reference is not None:
            conditions.append(func.lower(cast(referrals.c.referral_id, String)).like(f"{wanted.reference.lower()}%"))
        if wanted.case_ids is not None:
            conditions.append(referrals.c.case_id.in_(wanted.case_ids))
        total = self._session.execute(select(func.count()).select_from(referrals).where(*conditions)).scalar_one()
        rows = self._session.execute(
            select(referrals)
            .where(*conditions)
            .order_by(referrals.c.received_at.desc(), referrals.c.referral_id)
            .offset(offset)
            .limit(limit)
        ).all()
        return self._with_attempts([_to_referral(r) for r in rows]), total

    def open_referrals_of(self, person_keys: list[str]) -> list[uuid.UUID]:
        """The open referrals indexed under any of these keyed hashes (an email, a phone number)."""
        if not person_keys:
            return []
        return list(
            self._session.execute(
                select(referrals.c.referral_id)
                .join(person_index, person_index.c.referral_id == referrals.c.referral_id)
                .where(person_index.c.person_key.in_(person_keys), referrals.c.status.in_(OPEN_STATUSES))
                .distinct()
            ).scalars()
        )

    def sealed_details_of_open(self, limit: int) -> list[tuple[uuid.UUID, bytes]]:
        """The sealed personal details of the newest `limit` open referrals, to be opened one by one."""
        return [
            (row.referral_id, row.sealed)
            for row in self._session.execute(
                select(personal_details.c.referral_id, personal_details.c.sealed)
                .join(referrals, referrals.c.referral_id == personal_details.c.referral_id)
                .where(referrals.c.status.in_(OPEN_STATUSES))
                .order_by(referrals.c.received_at.desc())
                .limit(limit)
            ).all()
        ]

    def _with_attempts(self, waiting: list[Referral]) -> list[Referral]:
        attempts = self._session.execute(
            select(contact_attempts).where(contact_attempts.c.referral_id.in_([r.referral_id for r in waiting]))
        ).all()
        by_referral = {r.referral_id: r for r in waiting}
        for a in sorted(attempts, key=lambda a: a.attempt_number):
            by_referral[a.referral_id].contact_attempts.append(
                ContactAttempt(
                    a.contact_attempt_id,
                    _aware(a.attempted_at),
                    codes.ContactChannel(a.channel),
                    codes.ContactOutcome(a.outcome),
                    a.attempt_number,
                )
            )
        return waiting

    def sealed_personal(self, referral_id: uuid.UUID) -> tuple[bytes | None, bytes | None]:
        """The sealed personal details and consent (None once erased)."""
        personal = self._session.execute(
            select(personal_details.c.sealed).where(personal_details.c.referral_id == referral_id)
        ).scalar()
        consent = self._session.execute(select(consents.c.sealed).where(consents.c.referral_id == referral_id)).scalar()
        return personal, consent

    def record_transfer(self, **values: Any) -> None:
        self._session.execute(insert(transfers).values(**values))

    def transfers_of(self, referral_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = self._session.execute(select(transfers).where(transfers.c.referral_id == referral_id)).all()
        return [dict(r._mapping) for r in rows]

    def transfer_known(self, transfer_id: uuid.UUID) -> bool:
        return (
            self._session.execute(select(transfers.c.transfer_id).where(transfers.c.transfer_id == transfer_id)).first()
            is not None
        )

    def audit(self, **values: Any) -> None:
        """Write one access audit record (who, role, hub, case, purpose)."""
        record_access(self._session, access_audit, **values)

    def audit_records(
        self, referral_id: uuid.UUID | None = None, subject: str | None = None, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        return access_records(self._session, access_audit, since=since, referral_id=referral_id, subject=subject)

    def add_concern(self, referral_id: uuid.UUID, raised_by: str, sealed: bytes) -> uuid.UUID:
        concern_id = uuid.uuid4()
        self._session.execute(
            insert(concerns).values(
                concern_id=concern_id, referral_id=referral_id, raised_at=datetime.now(UTC), raised_by=raised_by,
                sealed=sealed,
            )
        )  # fmt: skip
        self._session.execute(update(referrals).where(referrals.c.referral_id == referral_id).values(restricted=True))
        return concern_id

    def concerns_of(self, referral_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = self._session.execute(
            select(concerns).where(concerns.c.referral_id == referral_id).order_by(concerns.c.raised_at)
        ).all()
        return [dict(r._mapping) for r in rows]

    def closed_before(self, cutoff: datetime) -> list[uuid.UUID]:
        """Closed referrals whose personal data is due for erasure."""
        return list(
            self._session.execute(
                select(referrals.c.referral_id).where(
                    referrals.c.closed_at.is_not(None), referrals.c.closed_at < cutoff, referrals.c.erased_at.is_(None)
                )
            ).scalars()
        )

    def reseal_all(self, reseal) -> int:
        """Pass every sealed value through `reseal` (key rotation); the number of values re-sealed."""
        done = 0
        sealed_tables = (
            (personal_details, "referral_id"), (consents, "referral_id"), (concerns, "concern_id"),
            (linked_referrals, "link_id"),
        )  # fmt: skip
        for table, key in sealed_tables:
            rows = self._session.execute(select(table.c[key], table.c.sealed).where(table.c.sealed.is_not(None))).all()
            for row_key, sealed in rows:
                self._session.execute(update(table).where(table.c[key] == row_key).values(sealed=reseal(sealed)))
                done += 1
        return done

    def erase_personal_data(self, referral_id: uuid.UUID, at: datetime) -> None:
        """Remove every personal detail of a referral; the pseudonymous facts stay."""
        for table in (personal_details, consents, person_index):
            self._session.execute(delete(table).where(table.c.referral_id == referral_id))
        self._session.execute(update(concerns).where(concerns.c.referral_id == referral_id).values(sealed=None))
        # Who referred again, and why, goes too; that and when someone referred again stays, as a count.
        self._session.execute(
            update(linked_referrals).where(linked_referrals.c.referral_id == referral_id).values(sealed=None)
        )
        self._session.execute(update(referrals).where(referrals.c.referral_id == referral_id).values(erased_at=at))

    def claim_notification(self, referral_id: uuid.UUID, reason: str, channel: str) -> dict[str, Any]:
        """What became of a duty notice so far (`sent_at`, `attempts`), held for the rest of the
        transaction (its row made if there was none), so that two workers never both send it."""
        key = and_(
            duty_notifications.c.referral_id == referral_id,
            duty_notifications.c.reason == reason,
            duty_notifications.c.channel == channel,
        )
        row = self._session.execute(
            select(duty_notifications.c.sent_at, duty_notifications.c.attempts).where(key).with_for_update()
        ).first()
        if row is None:
            self._session.execute(
                insert(duty_notifications).values(referral_id=referral_id, reason=reason, channel=channel, attempts=0)
            )
            return {"sent_at": None, "attempts": 0}
        return {"sent_at": _aware(row.sent_at), "attempts": row.attempts}

    def notification_done(
        self, referral_id: uuid.UUID, reason: str, channel: str, *, sent_at: datetime | None, error: str | None
    ) -> None:
        """One more attempt at a duty notice: sent at `sent_at`, or failed with the kind of `error`."""
        self._session.execute(
            update(duty_notifications)
            .where(
                duty_notifications.c.referral_id == referral_id,
                duty_notifications.c.reason == reason,
                duty_notifications.c.channel == channel,
            )
            .values(sent_at=sent_at, attempts=duty_notifications.c.attempts + 1, last_error=error)
        )


def _waiting(wanted: CaseloadFilter) -> list:
    """Awaiting first contact, and standing against the standard as `waiting_state` says."""
    due, now, end_of_day = referrals.c.first_contact_due_by, wanted.now, wanted.end_of_day
    stands = {
        "on-time": or_(due.is_(None), due > end_of_day),
        "due-today": and_(due > now, due <= end_of_day),
        "breached": due <= now,
    }
    return [referrals.c.status == AWAITING_FIRST_CONTACT, stands[wanted.waiting]]


def person_lock_key(person_key: str) -> int:
    """A signed 64-bit advisory lock key: the first 8 bytes of the person's keyed hash."""
    return int.from_bytes(bytes.fromhex(person_key[:16]), "big", signed=True)


def _to_referral(row) -> Referral:
    demo = row.demographics or {}
    return Referral(
        referral_id=row.referral_id,
        case_id=row.case_id,
        source=codes.ReferralSource(row.source),
        received_at=_aware(row.received_at),
        urgency=codes.Urgency(row.urgency),
        staff_group=codes.StaffGroup(row.staff_group) if row.staff_group else None,
        employment_type=codes.EmploymentType(row.employment_type) if row.employment_type else None,
        at_risk_factors=[codes.AtRiskFactor(f) for f in row.at_risk_factors],
        demographics=Demographics(
            **{k: DEMOGRAPHIC_CODES[k](v) if v else None for k, v in demo.items() if k in DEMOGRAPHIC_CODES}
        ),
        outreach_code=row.outreach_code,
        status=row.status,
        first_contact_due_by=_aware(row.first_contact_due_by),
        first_contacted_at=_aware(row.first_contacted_at),
        closed_at=_aware(row.closed_at),
        closure_reason=codes.ClosureReason(row.closure_reason) if row.closure_reason else None,
        transferred_from_hub=row.transferred_from_hub,
        erased_at=_aware(row.erased_at),
        assigned_to=row.assigned_to,
        assigned_to_name=row.assigned_to_name,
        assigned_at=_aware(row.assigned_at),
    )
