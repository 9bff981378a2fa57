"""Database engines and sessions (SQLAlchemy 2). PostgreSQL in production and tests,
SQLite files for a laptop demo. A schema name isolates a service (or a test) in one database."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import ARRAY, ColumnElement, Engine, any_, bindparam, create_engine, event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from hubs.runtime.settings import Settings

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
IDLE_IN_TRANSACTION_MS = 20_000  # no transaction of ours waits on its client this long
LOCK_TIMEOUT_MS = 15_000  # a lock held longer is a stuck peer: fail, and the caller retries


def is_transient(exc: BaseException) -> bool:
    """Failures that go away by themselves: the database is unreachable or restarting, or a lock
    was not granted in time (a stuck peer)."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def make_engine(settings: Settings) -> Engine:
    """An engine for the service's database, placed in its schema when one is set."""
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A network partition leaves half-open connections: keepalives let the client notice, and the
    # server ends a transaction left idle (its locks would otherwise block every other replica).
    options = [f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}", f"-c lock_timeout={LOCK_TIMEOUT_MS}"]
    # psycopg prepares a statement run often; PostgreSQL may then keep one generic plan for it,
    # chosen while a table was still small. For a growing table such as processed_events that
    # plan is a sequential scan, slower with every row. Plan each execution for its values.
    options.append("-c plan_cache_mode=force_custom_plan")
    connect_args: dict[str, object] = {
        "connect_timeout": 5,
        # A silent peer is declared dead after about 25 seconds (10 idle + 3 probes 5 apart).
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    schema = settings.database_schema
    if schema:
        if not _SCHEMA.match(schema):
            raise ValueError(f"invalid schema name {schema!r}")
        options.append(f"-c search_path={schema}")
    connect_args["options"] = " ".join(options)
    return create_engine(
        url, connect_args=connect_args, pool_pre_ping=True, pool_size=10, max_overflow=10,
        # JSON columns (a case's facts, a period's totals) read and written by orjson: reading the
        # facts of a batch's cases took a tenth of a reporting worker's time with the standard library.
        json_serializer=write_json, json_deserializer=read_json,
    )  # fmt: skip


def any_of(session: Session, column: ColumnElement[Any], values: Iterable[Any], item_type: Any) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `column = ANY(:<column>s)` over one array parameter: the same
    statement text however many values (a batch's ids), so the driver converts it and the server
    plans it once, where an IN list was a new statement for every count."""
    wanted = list(set(values))
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(f"{column.key}s", wanted, type_=ARRAY(item_type)))
    return column.in_(wanted)


def write_json(value: Any) -> str:
    """JSON text by orjson (a tenth of the standard library's time): UUIDs, times, dates and codes
    as `str()` and `isoformat()` write them, bytes as PostgreSQL's hex form. An integer past 64 bits
    is refused (TypeError), never stored: every number is range-checked first."""
    return orjson.dumps(value, default=_json_value, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_value(value: Any) -> Any:
    """A value orjson does not write itself, as PostgreSQL reads it back into the column's type."""
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    raise TypeError(f"{type(value).__name__} is not a column value")


# Every digit made a 0: a run of 19 digits is then a plain substring search (a regular
# expression took 4 µs for an event and 125 µs for a 14 KB report, more than reading them).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19


def read_json(text: bytes | str) -> Any:
    """JSON read by orjson (a fifth of the standard library's time), every value exactly as written:
    orjson reads an integer past 64 bits as a float, so a text with a run of 19 digits (no UUID,
    time or code has one) is read by the standard library, which keeps such an integer whole."""
    raw = text.encode() if isinstance(text, str) else bytes(text)
    if _NINETEEN_DIGITS in raw.translate(_DIGITS_AS_ZERO):
        return json.loads(raw)
    return orjson.loads(raw)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets the api, worker and relay processes share one file without blocking readers.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def ensure_schema(engine: Engine, schema: str | None) -> None:
    """Create the service's PostgreSQL schema if it is missing (no-op on SQLite)."""
    if not schema or engine.dialect.name != "postgresql":
        return
    if not _SCHEMA.match(schema):
        raise ValueError(f"invalid schema name {schema!r}")
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (views read them back)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def ping(engine: Engine) -> None:
    """Raise unless the database answers."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
