"""Writes that run the same whatever they decide. Each row is written only if its own flag says
so, but every statement is sent either way: neither the answer nor how long it took tells which
rows were written (the referral intake writes a new referral or a link to an open one this way).

On PostgreSQL the writes go as one statement, one data-modifying WITH clause per write, each row
passed as one JSON parameter (`json_populate_record`, `json_populate_recordset` for rows whose
order matters): one round trip, and a statement short enough for the driver to keep its parsed
form. Elsewhere (SQLite, the laptop demo) they go one row after another, a parameter per column,
the same for every outcome."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Executable, Table, and_, bindparam, insert, or_, select, text, update
from sqlalchemy.orm import Session

from hubs.runtime.db import write_json


@dataclass(frozen=True)
class InsertIf:
    """A row of `table`, with these columns, inserted if it applies."""

    table: Table
    columns: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class UpdateIf:
    """The row of `table` whose `key` is the row's, its `columns` set to the row's if it applies
    and any of them differs (a row already so is neither written nor locked)."""

    table: Table
    key: str
    columns: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class InsertRowsIf:
    """`count` rows of `table`, each inserted if it applies, in their order: a sequence column
    numbers them in that order (an outbox's events stay in the order they were raised)."""

    table: Table
    columns: tuple[str, ...]
    name: str
    count: int


Write = InsertIf | UpdateIf | InsertRowsIf


def statements(dialect: str, writes: Sequence[Write]) -> list[Executable]:
    """The statements that carry out `writes`, in their order: one on PostgreSQL, one per row
    elsewhere. Build them once per shape and keep them."""
    if dialect != "postgresql":
        return [_core(one) for write in writes for one in _one_row_writes(write)]
    # Sibling WITH clauses run in no set order: rows whose order matters go in one clause.
    clauses = ",\n".join(f"write_{i} AS ({_postgresql(write)})" for i, write in enumerate(writes))
    return [text(f"WITH {clauses}\nSELECT 1")]


def params(dialect: str, write: InsertIf | UpdateIf, row: Mapping[str, Any], applies: bool) -> dict[str, Any]:
    """The parameters of a one-row write of `statements(dialect, ...)`: its row and whether it applies."""
    if dialect == "postgresql":
        return {write.name: json_rows(row), f"{write.name}_applies": applies}
    return {**{f"{write.name}_{column}": value for column, value in row.items()}, f"{write.name}_applies": applies}


def rows_params(dialect: str, write: InsertRowsIf, rows: Sequence[tuple[Mapping[str, Any], bool]]) -> dict[str, Any]:
    """The parameters of an InsertRowsIf: each row with whether it applies, in their order."""
    if len(rows) != write.count:
        raise ValueError(f"{write.name} takes {write.count} rows, not {len(rows)}")
    if dialect == "postgresql":
        return {
            write.name: json_rows([row for row, _ in rows]),
            f"{write.name}_applies": json.dumps([applies for _, applies in rows]),
        }
    values: dict[str, Any] = {}
    for one, (row, applies) in zip(_one_row_writes(write), rows, strict=True):
        values |= params(dialect, one, row, applies)
    return values


def run(session: Session, statements: Sequence[Executable], params: Mapping[str, Any]) -> None:
    """Send the statements with every write's parameters (each takes its own)."""
    for statement in statements:
        session.execute(statement, dict(params))


def _one_row_writes(write: Write) -> list[InsertIf | UpdateIf]:
    if isinstance(write, InsertRowsIf):
        return [InsertIf(write.table, write.columns, f"{write.name}_{i}") for i in range(write.count)]
    return [write]


def _postgresql(write: Write) -> str:
    # Every name here is of the service's own Table objects; values go as parameters only.
    table, columns, name = write.table.name, ", ".join(write.columns), write.name
    if isinstance(write, InsertRowsIf):
        picked = ", ".join(f"given.{c}" for c in write.columns)
        return (
            f"INSERT INTO {table} ({columns}) SELECT {picked} "  # noqa: S608
            f"FROM json_populate_recordset(NULL::{table}, CAST(:{name} AS json)) WITH ORDINALITY AS given "
            f"WHERE CAST(CAST(:{name}_applies AS json) ->> CAST(given.ordinality - 1 AS integer) AS boolean) "
            "ORDER BY given.ordinality"
        )
    record = f"json_populate_record(NULL::{table}, CAST(:{name} AS json))"
    if isinstance(write, InsertIf):
        return f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {record} WHERE :{name}_applies"  # noqa: S608
    assignments = ", ".join(f"{c} = given.{c}" for c in write.columns)
    changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM given.{c}" for c in write.columns)
    return (
        f"UPDATE {table} SET {assignments} FROM {record} AS given "  # noqa: S608
        f"WHERE {table}.{write.key} = given.{write.key} AND :{name}_applies AND ({changed})"
    )


def _core(write: InsertIf | UpdateIf) -> Executable:
    table, name = write.table, write.name
    applies = bindparam(f"{name}_applies", type_=Boolean)

    def value(column: str) -> Any:
        return bindparam(f"{name}_{column}", type_=table.c[column].type)

    if isinstance(write, InsertIf):
        values = [value(c) for c in write.columns]
        return insert(table).from_select(list(write.columns), select(*values).where(applies))
    changed = or_(*(table.c[c].is_distinct_from(value(c)) for c in write.columns))
    return (
        update(table)
        .where(and_(table.c[write.key] == value(write.key), applies, changed))
        .values({c: value(c) for c in write.columns})
    )


def json_rows(rows: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> str:
    """A row, or rows, as the JSON that PostgreSQL's `json_populate_record(set)` reads back into
    each column's type (`write_json`: UUIDs, times, dates and codes as their text forms, bytes as
    PostgreSQL's hex form)."""
    return write_json(rows)
