"""Writes that run the same whatever they decide. Each row is written only if its own flag says
so, but every statement is sent either way: neither the answer nor how long it took tells which
rows were written (the referral intake writes a new referral or a link to an open one this way).

On PostgreSQL the writes go as one statement (data-modifying WITH clauses: one round trip, one
plan); elsewhere (SQLite, the laptop demo) one after another, the same for every outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Boolean, Executable, Insert, Table, Update, bindparam, insert, literal_column, select
from sqlalchemy.orm import Session


def row_if(table: Table, columns: Sequence[str], name: str) -> Insert:
    """INSERT INTO table (columns) SELECT :name_<column>, ... WHERE :name_applies"""
    values = [bindparam(f"{name}_{column}", type_=table.c[column].type) for column in columns]
    applies = bindparam(f"{name}_applies", type_=Boolean)
    return insert(table).from_select(list(columns), select(*values).where(applies))


def row_params(name: str, row: Mapping[str, Any], applies: bool) -> dict[str, Any]:
    """The parameters of `row_if(..., name)` for one row."""
    return {**{f"{name}_{column}": value for column, value in row.items()}, f"{name}_applies": applies}


def together(dialect: str, writes: Sequence[Insert | Update]) -> list[Executable]:
    """The statements that carry out `writes`: one on PostgreSQL, the writes themselves elsewhere.
    Build them once per shape and keep them: SQLAlchemy then compiles each once."""
    if dialect != "postgresql":
        return list(writes)
    return [select(literal_column("1")).add_cte(*(write.cte(f"write_{i}") for i, write in enumerate(writes)))]


def run(session: Session, statements: Sequence[Executable], params: Mapping[str, Any]) -> None:
    """Send the statements of `together` with every write's parameters (each takes its own)."""
    for statement in statements:
        session.execute(statement, dict(params))
