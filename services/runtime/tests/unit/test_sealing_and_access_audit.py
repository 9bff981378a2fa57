"""Sealed data and its audit, as every service keeps them."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Column, MetaData, Uuid, create_engine
from sqlalchemy.orm import Session

from hubs.runtime.access_audit import access_audit_table, access_records, record_access
from hubs.runtime.sealing import Seal, keys_from_setting


def test_a_missing_key_stops_the_service_naming_its_setting():
    with pytest.raises(ValueError, match="HUBS_EXAMPLE_KEYS is not set: notes need a key"):
        Seal(keys_from_setting(" , "), setting="HUBS_EXAMPLE_KEYS", needed_for="notes need a key")


def test_data_sealed_with_an_old_key_still_opens_after_rotation_and_is_resealed_with_the_newest():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = Seal([old], setting="S", needed_for="x").seal(b"said at contact")
    rotated = Seal(keys_from_setting(f"{new}, {old}"), setting="S", needed_for="x")

    assert rotated.open(sealed) == b"said at contact"
    resealed = rotated.rotate(sealed)
    assert Seal([new], setting="S", needed_for="x").open(resealed) == b"said at contact"
    with pytest.raises(InvalidToken):
        Seal([old], setting="S", needed_for="x").open(resealed)


def test_sealed_bytes_do_not_contain_the_text():
    seal = Seal([Fernet.generate_key().decode()], setting="S", needed_for="x")
    assert b"safeguarding" not in seal.seal(b"safeguarding concern")


def test_access_records_are_newest_first_and_filtered_by_what_was_opened_and_since():
    metadata = MetaData()
    table = access_audit_table("notes_access_audit", metadata, Column("case_id", Uuid, index=True))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)

    case_a, case_b = uuid.uuid4(), uuid.uuid4()
    who = {"subject": "clinician-1", "roles": "clinician", "hub_id": "kent", "purpose": "direct-care"}
    with Session(engine) as session:
        record_access(session, table, case_id=case_a, action="read", **who)
        record_access(session, table, case_id=case_b, action="read", **who)
        record_access(session, table, case_id=case_a, action="erase", **who)
        session.commit()

        of_a = access_records(session, table, case_id=case_a)
        assert [r["action"] for r in of_a] == ["erase", "read"]
        assert all(r["at"].tzinfo is not None for r in of_a)
        assert len(access_records(session, table, case_id=None)) == 3
        assert access_records(session, table, since=datetime.now(UTC) + timedelta(minutes=1)) == []
