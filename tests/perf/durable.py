"""The least a durable intake can do, served exactly as a service's API is (gunicorn gthread,
HUBS_API_WORKERS workers of HUBS_API_THREADS threads): take a JSON body, write one row and one
outbox row in one PostgreSQL transaction with SQLAlchemy Core, on an engine made as the
services make theirs (`hubs.runtime.db.make_engine`), its heap settled as theirs is, and answer 201. No validation, no
encryption, no keyed hashes, no ORM, no rate limit: what intake adds to this is what it costs."""

from __future__ import annotations

import argparse
import secrets
import uuid
from datetime import UTC, datetime

from flask import Flask, request
from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table, Uuid, insert
from sqlalchemy.dialects.postgresql import JSONB

from hubs.runtime.cli import serve
from hubs.runtime.db import ensure_schema, make_engine
from hubs.runtime.lifecycle import settle_heap
from hubs.runtime.settings import Settings

metadata = MetaData()
requests_taken = Table(
    "requests_taken",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("body", JSON().with_variant(JSONB, "postgresql"), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
outbox = Table(
    "outbox",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("aggregate_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("payload", JSON().with_variant(JSONB, "postgresql"), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
)


def create_app() -> Flask:
    """One route that stores the body and an event about it, in one transaction, and answers 201."""
    engine = make_engine(Settings.from_env("durable"))  # after the fork: one pool per worker
    app = Flask("durable")

    @app.post("/durable")
    def take():
        body = request.get_json()
        now = datetime.now(UTC)
        taken_id = uuid.uuid4()
        reference = "D-" + secrets.token_hex(6).upper()
        with engine.begin() as conn:
            conn.execute(insert(requests_taken).values(id=taken_id, reference=reference, body=body, received_at=now))
            event = {"event_id": str(uuid.uuid4()), "reference": reference, "received_at": now.isoformat()}
            conn.execute(
                insert(outbox).values(
                    event_id=uuid.UUID(event["event_id"]),
                    aggregate_id=str(taken_id),
                    event_type="RequestTaken",
                    payload=event,
                    occurred_at=now,
                )
            )
        return {"reference": reference}, 201

    settle_heap()  # as the services' API workers do once built
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="durable")
    parser.add_argument("--bind", required=True)
    args = parser.parse_args()
    settings = Settings.from_env("durable")
    engine = make_engine(settings)
    ensure_schema(engine, settings.database_schema)
    metadata.create_all(engine)
    engine.dispose()
    # Served exactly as hubs.runtime.cli.run_api serves a service: only the application differs.
    serve(create_app, args.bind, settings.api_threads, settings.api_workers)


if __name__ == "__main__":
    main()
