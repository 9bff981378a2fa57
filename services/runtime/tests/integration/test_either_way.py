"""Writes that run the same whatever they decide, on the real PostgreSQL (one statement) and on
SQLite (the laptop demo: one statement per row): a row is written only when its flag says so,
every value survives the trip (UUIDs, times, bytes, JSON), an update leaves a row already so
alone, rows given in an order are numbered in that order, and the SQL sent is the same whichever
rows apply."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    event,
    select,
    text,
)
from sqlalchemy.orm import Session

from hubs.runtime import either_way
from hubs.runtime.db import ensure_schema, make_engine

pytestmark = pytest.mark.integration

metadata = MetaData()
cases = Table(
    "cases",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("sealed", LargeBinary),
    Column("codes", JSON, nullable=False),
)
notes = Table(
    "notes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("note_id", Uuid, nullable=False),
    Column("said", String(20), nullable=False),
)
NOTES = either_way.InsertRowsIf(notes, ("note_id", "said"), "notes", 12)
WRITES = (
    either_way.InsertIf(cases, ("case_id", "status", "opened_at", "sealed", "codes"), "first"),
    either_way.InsertIf(cases, ("case_id", "status", "opened_at", "sealed", "codes"), "second"),
    either_way.UpdateIf(cases, "case_id", ("status",), "closing"),
)


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request, make_settings, tmp_path):
    settings = make_settings("either-way")
    if request.param == "sqlite":
        settings = replace(settings, database_url=f"sqlite:///{tmp_path}/either-way.db", database_schema=None)
    engine = make_engine(settings)
    ensure_schema(engine, settings.database_schema)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def case(status: str = "open") -> dict:
    return {
        "case_id": uuid.uuid4(),
        "status": status,
        "opened_at": datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=UTC),
        "sealed": b"\x00\xffsealed\\x",
        "codes": {"staff_group": "nursing", "factors": ["redeployed", None]},
    }


def write(engine, rows_and_flags) -> list[str]:
    """Run the writes with these rows and flags; the SQL sent."""
    dialect = engine.dialect.name
    params: dict = {}
    for w, (row, applies) in zip(WRITES, rows_and_flags, strict=True):
        params |= either_way.params(dialect, w, row, applies)
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            either_way.run(session, either_way.statements(dialect, WRITES), params)
            session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [re.sub(r"\s+", " ", s) for s in sent]


def stored(engine) -> dict:
    with engine.connect() as conn:
        return {row.case_id: row._asdict() for row in conn.execute(select(cases))}


def test_only_the_rows_that_apply_are_written_with_every_value_intact(engine):
    first, second, elsewhere = case(), case(), case()
    write(engine, [(first, True), (second, False), ({"case_id": elsewhere["case_id"], "status": "x"}, True)])
    assert list(stored(engine)) == [first["case_id"]]
    found = stored(engine)[first["case_id"]]
    assert found["opened_at"].replace(tzinfo=found["opened_at"].tzinfo or UTC) == first["opened_at"]
    assert found["sealed"] == first["sealed"] and found["codes"] == first["codes"]
    assert found["status"] == "open"


def test_an_update_applies_to_its_row_only_when_its_flag_says_so(engine):
    first = case()
    write(engine, [(first, True), (case(), False), ({"case_id": first["case_id"], "status": "closed"}, False)])
    assert stored(engine)[first["case_id"]]["status"] == "open"
    write(engine, [(case(), False), (case(), False), ({"case_id": first["case_id"], "status": "closed"}, True)])
    assert stored(engine)[first["case_id"]]["status"] == "closed"
    if engine.dialect.name == "postgresql":
        # A row already so is not written again: its row version stays the same.
        version = text("SELECT xmin::text FROM cases WHERE case_id = :id")
        with engine.connect() as conn:
            before = conn.execute(version, {"id": first["case_id"]}).scalar()
        write(engine, [(case(), False), (case(), False), ({"case_id": first["case_id"], "status": "closed"}, True)])
        with engine.connect() as conn:
            assert conn.execute(version, {"id": first["case_id"]}).scalar() == before


def test_the_same_sql_is_sent_whichever_rows_apply(engine):
    one = write(engine, [(case(), True), (case(), False), ({"case_id": uuid.uuid4(), "status": "x"}, False)])
    other = write(engine, [(case(), False), (case(), True), ({"case_id": uuid.uuid4(), "status": "x"}, True)])
    assert one == other
    assert len(one) == (1 if engine.dialect.name == "postgresql" else len(WRITES))


def test_rows_given_in_an_order_are_numbered_in_that_order(engine):
    dialect = engine.dialect.name
    for round_ in range(5):
        rows = [({"note_id": uuid.uuid4(), "said": f"{round_}-{i}"}, i % 3 != 1) for i in range(NOTES.count)]
        with Session(engine) as session:
            statements = either_way.statements(dialect, [NOTES])
            either_way.run(session, statements, either_way.rows_params(dialect, NOTES, rows))
            session.commit()
        with engine.connect() as conn:
            said = conn.execute(select(notes.c.said).where(notes.c.said.like(f"{round_}-%")).order_by(notes.c.seq))
            assert list(said.scalars()) == [row["said"] for row, applies in rows if applies]


def test_a_write_of_several_rows_is_given_as_many_as_it_was_made_for(engine):
    with pytest.raises(ValueError, match="takes 12 rows, not 2"):
        either_way.rows_params(engine.dialect.name, NOTES, [({"note_id": uuid.uuid4(), "said": "x"}, True)] * 2)
